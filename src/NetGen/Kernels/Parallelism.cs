namespace NetGen.Kernels;

/// <summary>
/// Shares a kernel's output columns between the calling thread and one long-lived worker thread.
/// The columns are cut into chunks; the caller takes them from the front and the worker from the
/// back, so with both running each thread gets the same columns call after call, and its share of B
/// stays in its own core's L2 (what makes splitting a matrix–vector product pay). If the worker is
/// asleep or descheduled (a busy machine) the caller simply takes more chunks; it only ever waits for
/// a chunk the worker has already started. Each output element is computed by one thread in the same
/// order whoever takes its chunk, so results are bit-identical with one thread or two.
/// </summary>
/// <remarks>
/// The work is an unmanaged <see cref="ProductArguments"/> and a function pointer, so handing it
/// over allocates nothing. The worker spins for about a millisecond after each product (a training
/// step or a stream of predictions issues the next one within microseconds), then sleeps on an event.
/// </remarks>
internal static unsafe class Parallelism
{
    /// <summary>
    /// Below this many multiply-adds a product stays on the calling thread: the hand-over (~0.3 µs: the
    /// worker sees the job, chunks are claimed and counted across cores) would cost more than it saves.
    /// </summary>
    public const long MinimumParallelWork = 200_000;

    /// <summary>
    /// Multiply-adds per chunk, at least: each chunk costs two atomic operations on a cache line the
    /// other core also writes (~0.1 µs each), so small products are cut into fewer, larger chunks; large
    /// ones into <see cref="MaximumChunks"/>.
    /// </summary>
    private const long ChunkWork = 100_000;

    /// <summary>
    /// Chunks a large product is cut into, about (whole multiples of the alignment, rounded down, so up to
    /// twice as many): enough to even out two threads that start a little apart.
    /// </summary>
    private const int MaximumChunks = 8;

    /// <summary>Polls of the idle worker before it sleeps: each waits <c>Thread.SpinWait(1)</c>, ~35 ns (the runtime normalises it), ~1 ms in all.</summary>
    private const int PollsBeforeSleep = 30_000;

    private static readonly object s_startLock = new();
    private static readonly ManualResetEventSlim s_wake = new(false, spinCount: 0);
    private static Thread? s_worker;
    private static int s_inUse;

    // The current job. The cursor packs the job's generation (high 32 bits), the next chunk from the
    // front (bits 16-31) and the end of the chunks not yet taken from the back (bits 0-15), so a chunk
    // is only ever taken for the job whose arguments the taker read.
    private static long s_cursor;
    private static int s_completedChunks;
    private static delegate*<ref ProductArguments, int, int, void> s_body;
    private static ProductArguments s_arguments;
    private static int s_columns, s_chunkColumns, s_chunkCount;

    /// <summary>
    /// Runs <paramref name="body"/> over columns [0, <paramref name="columns"/>) and returns when every
    /// chunk is done. Chunks are whole multiples of <paramref name="alignment"/>, the last one taking the
    /// remainder too, so no chunk is narrower than <paramref name="alignment"/> (unless all the columns are).
    /// <paramref name="work"/>, the product's cost in multiply-adds of a compute-bound tile, decides
    /// whether and how finely to split it.
    /// </summary>
    public static void Run(delegate*<ref ProductArguments, int, int, void> body, ref ProductArguments arguments, int columns, int alignment, long work)
    {
        int chunks = (int)Math.Clamp(work / ChunkWork, 2, MaximumChunks);
        int chunkColumns = Math.Max(alignment, columns / chunks / alignment * alignment);
        int chunkCount = columns / chunkColumns;
        // The worker serves one product at a time; a second thread running kernels meanwhile
        // (two models trained in parallel) simply computes its product alone.
        if (KernelSelection.ThreadCount < 2 || work < MinimumParallelWork || chunkCount < 2 || Interlocked.CompareExchange(ref s_inUse, 1, 0) != 0)
        {
            body(ref arguments, 0, columns);
            return;
        }
        EnsureWorker();
        s_body = body;
        s_arguments = arguments;
        s_columns = columns;
        s_chunkColumns = chunkColumns;
        s_chunkCount = chunkCount;
        Volatile.Write(ref s_completedChunks, 0);
        long generation = (Volatile.Read(ref s_cursor) >> 32) + 1;
        Volatile.Write(ref s_cursor, generation << 32 | (uint)chunkCount);
        s_wake.Set();

        TakeChunks(generation, fromFront: true, body, ref arguments, columns, chunkColumns, chunkCount);

        // Only chunks the worker has already started remain: wait for them without ever sleeping,
        // since SpinWait's default Sleep(1) would cost a millisecond against products of ~100 µs.
        var spin = new SpinWait();
        while (Volatile.Read(ref s_completedChunks) != chunkCount)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        Volatile.Write(ref s_inUse, 0);
    }

    /// <summary>Takes and runs chunks of job <paramref name="generation"/>, from the front or from the back, until none is left.</summary>
    private static void TakeChunks(
        long generation, bool fromFront, delegate*<ref ProductArguments, int, int, void> body, ref ProductArguments arguments,
        int columns, int chunkColumns, int chunkCount)
    {
        while (true)
        {
            long cursor = Volatile.Read(ref s_cursor);
            int front = (int)(cursor >> 16) & 0xFFFF, back = (int)cursor & 0xFFFF;
            if (cursor >> 32 != generation || front >= back)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref s_cursor, fromFront ? cursor + 0x1_0000 : cursor - 1, cursor) != cursor)
            {
                continue;
            }
            int chunk = fromFront ? front : back - 1;
            int first = chunk * chunkColumns;
            body(ref arguments, first, chunk == chunkCount - 1 ? columns : first + chunkColumns);
            Interlocked.Increment(ref s_completedChunks);
        }
    }

    private static void EnsureWorker()
    {
        if (s_worker is not null)
        {
            return;
        }
        lock (s_startLock)
        {
            if (s_worker is null)
            {
                var worker = new Thread(WorkerLoop) { IsBackground = true, Name = "NetGen kernel worker" };
                worker.Start();
                s_worker = worker;
            }
        }
    }

    private static void WorkerLoop()
    {
        long finishedGeneration = 0;
        while (true)
        {
            long generation = Volatile.Read(ref s_cursor) >> 32;
            if (generation == finishedGeneration)
            {
                WaitForJob(finishedGeneration);
                continue;
            }
            // Read the job, then take chunks only while the cursor still carries its generation: if the
            // caller has meanwhile finished it and posted another, these arguments are never used.
            ProductArguments arguments = s_arguments;
            delegate*<ref ProductArguments, int, int, void> body = s_body;
            int columns = s_columns, chunkColumns = s_chunkColumns, chunkCount = s_chunkCount;
            if (Volatile.Read(ref s_cursor) >> 32 == generation)
            {
                TakeChunks(generation, fromFront: false, body, ref arguments, columns, chunkColumns, chunkCount);
            }
            finishedGeneration = generation;
        }
    }

    private static void WaitForJob(long finishedGeneration)
    {
        // Short polls: a matrix–vector product takes a microsecond or two, so noticing the job late would cost as much as the work.
        for (int i = 0; i < PollsBeforeSleep; i++)
        {
            if (Volatile.Read(ref s_cursor) >> 32 != finishedGeneration)
            {
                return;
            }
            Thread.SpinWait(1);
        }
        // Reset, then look again: a job posted between the two is seen here; one posted after the
        // look sets the event after this reset, so the wait returns.
        s_wake.Reset();
        if (Volatile.Read(ref s_cursor) >> 32 == finishedGeneration)
        {
            s_wake.Wait();
        }
    }
}
