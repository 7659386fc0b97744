namespace NetGen.Kernels;

/// <summary>
/// Shares a kernel's output columns between the calling thread and one long-lived worker thread.
/// The columns are cut into chunks that both threads take from one counter, so if the worker is
/// asleep or descheduled (a busy machine) the caller simply does more of them; it only ever waits
/// for a chunk the worker has already started. Each output element is computed by one thread in
/// the same order whoever takes its chunk, so results are bit-identical with one thread or two.
/// </summary>
/// <remarks>
/// The work is an unmanaged <see cref="ProductArguments"/> and a function pointer, so handing it
/// over allocates nothing. The worker spins briefly after each product (a training step issues the
/// next one within microseconds), then sleeps on an event.
/// </remarks>
internal static unsafe class Parallelism
{
    /// <summary>Below this many multiply-adds a product stays on the calling thread: the hand-over would cost more than it saves.</summary>
    public const long MinimumParallelWork = 200_000;

    /// <summary>About 50 µs of spinning before the idle worker sleeps.</summary>
    private const int SpinIterationsBeforeSleep = 2_000;

    private static readonly object s_startLock = new();
    private static readonly ManualResetEventSlim s_wake = new(false, spinCount: 0);
    private static Thread? s_worker;
    private static int s_inUse;

    // The current job. The cursor packs the job's generation (high 32 bits) and the next chunk to take
    // (low 32 bits), so a chunk is only ever taken for the job whose arguments the taker read.
    private static long s_cursor;
    private static int s_completedChunks;
    private static delegate*<ref ProductArguments, int, int, void> s_body;
    private static ProductArguments s_arguments;
    private static int s_columns, s_chunkColumns, s_chunkCount;

    /// <summary>
    /// Runs <paramref name="body"/> over columns [0, <paramref name="columns"/>) in chunks of whole
    /// multiples of <paramref name="alignment"/>, and returns when every chunk is done.
    /// </summary>
    public static void Run(delegate*<ref ProductArguments, int, int, void> body, ref ProductArguments arguments, int columns, int alignment, long work)
    {
        // Aim for about eight chunks: enough to balance two threads, few enough to keep each one efficient.
        int chunkColumns = Math.Max(alignment, (columns + 7) / 8 / alignment * alignment);
        int chunkCount = (columns + chunkColumns - 1) / chunkColumns;
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
        Volatile.Write(ref s_cursor, generation << 32);
        s_wake.Set();

        TakeChunks(generation, body, ref arguments, columns, chunkColumns, chunkCount);

        // Only chunks the worker has already started remain: wait for them without ever sleeping,
        // since SpinWait's default Sleep(1) would cost a millisecond against products of ~100 µs.
        var spin = new SpinWait();
        while (Volatile.Read(ref s_completedChunks) != chunkCount)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        Volatile.Write(ref s_inUse, 0);
    }

    /// <summary>Takes and runs chunks of job <paramref name="generation"/> until none is left.</summary>
    private static void TakeChunks(
        long generation, delegate*<ref ProductArguments, int, int, void> body, ref ProductArguments arguments,
        int columns, int chunkColumns, int chunkCount)
    {
        while (true)
        {
            long cursor = Volatile.Read(ref s_cursor);
            int chunk = (int)(cursor & 0xFFFF_FFFF);
            if (cursor >> 32 != generation || chunk >= chunkCount)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref s_cursor, cursor + 1, cursor) != cursor)
            {
                continue;
            }
            int first = chunk * chunkColumns;
            body(ref arguments, first, Math.Min(first + chunkColumns, columns));
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
                TakeChunks(generation, body, ref arguments, columns, chunkColumns, chunkCount);
            }
            finishedGeneration = generation;
        }
    }

    private static void WaitForJob(long finishedGeneration)
    {
        for (int i = 0; i < SpinIterationsBeforeSleep; i++)
        {
            if (Volatile.Read(ref s_cursor) >> 32 != finishedGeneration)
            {
                return;
            }
            Thread.SpinWait(20);
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
