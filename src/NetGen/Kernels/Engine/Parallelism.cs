using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Shares a kernel's output columns between the calling thread and one long-lived worker thread.
/// The columns are cut into chunks, and each thread owns half of them: the caller the first half, which
/// it takes from the front, the worker the second, which it takes from the back, so each thread gets the
/// same columns call after call, and its share of B stays in its own core's L2 (what makes splitting a
/// matrix–vector product pay). A thread that finishes its half goes on into the other's from the middle,
/// so if the worker is asleep or descheduled (a busy machine) the caller simply computes more; it only
/// ever waits for a chunk the worker has already started. Each output element is computed by one
/// thread in the same order whoever takes its chunk, so results are bit-identical with one thread or two.
/// </summary>
/// <remarks>
/// Each half has its own cursor, on cache lines of its own, so a thread claims its own chunks with a compare-exchange
/// on a line already in its core's cache; only going into the other half, at the end, moves a line between the cores.
/// With one cursor for both, every claim moved it, a measurable part of a batch-1 prediction (docs/performance.md,
/// threads).
/// The work is an unmanaged <see cref="ProductArguments"/> and a function pointer, so handing it over
/// allocates nothing. The worker spins for about a millisecond after each product (a training step or a
/// stream of predictions issues the next one within microseconds), then sleeps on an event.
/// <para>
/// Any number of threads may run products at once (one model predicting on many threads, or several models):
/// the worker serves one product at a time, claimed with a compare-exchange and never waited for, and a caller
/// that finds it busy runs its whole product on its own thread, which gives the same bits. A later job's arguments
/// are written only after every chunk of the one before has been claimed, and a chunk is claimed by a
/// compare-exchange on a cursor that carries its job's generation, so a worker that read arguments as a later
/// caller rewrote them never runs a chunk with them.
/// </para>
/// </remarks>
internal static unsafe class Parallelism
{
    /// <summary>
    /// Below this many multiply-adds a product stays on the calling thread: the hand-over (the worker sees the job, claims
    /// chunks, and the caller sees the worker's last one finished, each a cache line passed between the cores) would
    /// cost more than it saves.
    /// </summary>
    public const long MinimumParallelWork = 200_000;

    /// <summary>
    /// Multiply-adds per chunk, at least: each chunk costs two atomic operations on a cache line the other core also
    /// writes, so small products are cut into fewer, larger chunks; large ones into <see cref="MaximumChunks"/>.
    /// </summary>
    private const long ChunkWork = 100_000;

    /// <summary>
    /// Chunks a large product is cut into, about (whole multiples of the alignment, rounded down, so up to twice as
    /// many): enough to even out two threads that start a little apart, or that a busy host slows unevenly while they
    /// run. 16 rather than 8 gives 16-column panels (AVX2) one panel a chunk for the reference MLP's 500 outputs, as
    /// 32-column ones already had (docs/performance.md, threads).
    /// </summary>
    private const int MaximumChunks = 16;

    /// <summary>Polls of the idle worker before it sleeps: each waits <c>Thread.SpinWait(1)</c>, whose length the runtime normalises, about a millisecond in all.</summary>
    private const int PollsBeforeSleep = 30_000;

    private static readonly object s_startLock = new();
    private static readonly ManualResetEventSlim s_wake = new(false, spinCount: 0);
    private static Thread? s_worker;
    private static int s_inUse;

    /// <summary>
    /// The last job's generation, kept apart from the cursor so that posting a job reads nothing the worker writes. It
    /// wraps at 2³², as the cursor's 32 bits do; every comparison is between the same 32 bits (<see cref="GenerationOf"/>).
    /// </summary>
    private static uint s_generation;

    /// <summary>
    /// The current job, written by the caller and read by the worker: one block in native memory, so the worker's
    /// first look at its cursor brings the arguments' lines with it (every line that crosses between the cores is a
    /// large part of a matrix–vector product's hand-over).
    /// </summary>
    private static readonly Job* s_job = (Job*)AllocateLines(sizeof(Job));

    /// <summary>The cursor of the caller's half of the current job's chunks, on lines of its own (see <see cref="Job.WorkerCursor"/>).</summary>
    private static readonly long* s_callerCursor = (long*)AllocateLines(sizeof(long));

    /// <summary>
    /// The worker's progress on the current job, <c>generation &lt;&lt; 16 | chunks finished</c>, on lines of its own
    /// so that the caller's wait reads a line only the worker writes.
    /// </summary>
    private static readonly long* s_workerProgress = (long*)AllocateLines(sizeof(long));

    /// <summary>Zeroed memory for the life of the process, on 128-byte lines (pairs of cache lines, which Zen and Intel cores fetch together) of its own.</summary>
    private static void* AllocateLines(int bytes)
    {
        nuint size = (nuint)((bytes + 127) / 128 * 128);
        void* memory = NativeMemory.AlignedAlloc(size, 128);
        NativeMemory.Clear(memory, size);
        return memory;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Job
    {
        /// <summary>
        /// The cursor of the worker's half of the chunks, which also posts the job: its generation (high 32 bits), the
        /// half's first chunk not yet taken (bits 16-31, where the caller comes in once its own half is done) and the
        /// end of those not yet taken (bits 0-15, where the worker takes them), so a chunk is only ever taken for the
        /// job whose arguments the taker read; packed by <see cref="PackCursor"/>, read by <see cref="GenerationOf"/>,
        /// <see cref="FrontOf"/> and <see cref="BackOf"/>. <see cref="s_callerCursor"/> is the same for the first half.
        /// </summary>
        public long WorkerCursor;
        public delegate*<ref ProductArguments, int, int, void> Body;
        public int Columns, ChunkColumns, ChunkCount;
        public ProductArguments Arguments;
    }

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
        if (!MayShare(work) || chunkCount < 2 || Interlocked.CompareExchange(ref s_inUse, 1, 0) != 0)
        {
            body(ref arguments, 0, columns);
            return;
        }
        EnsureWorker();
        Job* job = s_job;
        job->Body = body;
        job->Arguments = arguments;
        job->Columns = columns;
        job->ChunkColumns = chunkColumns;
        job->ChunkCount = chunkCount;
        uint generation = unchecked(++s_generation);
        // The caller's half is the first, with chunk 0 taken already: it starts on it at once. Written before the
        // worker's half, whose cursor posts the job, so a worker that sees the job sees both halves.
        int half = (chunkCount + 1) / 2;
        Volatile.Write(ref *s_callerCursor, PackCursor(generation, front: 1, back: half));
        Volatile.Write(ref job->WorkerCursor, PackCursor(generation, front: half, back: chunkCount));
        // Setting an event that is set already is a locked operation for nothing while the worker polls. Read
        // before the post is visible, IsSet can still say true as the worker resets it to sleep: the worker then
        // misses this job, the caller takes every chunk, and the next job wakes it.
        if (!s_wake.IsSet)
        {
            s_wake.Set();
        }

        body(ref arguments, 0, chunkColumns);
        int callerChunks = 1 + TakeChunks(s_callerCursor, generation, byWorker: false, body, ref arguments, columns, chunkColumns, chunkCount);
        callerChunks += TakeChunks(&job->WorkerCursor, generation, byWorker: false, body, ref arguments, columns, chunkColumns, chunkCount);
        int workerChunks = chunkCount - callerChunks;

        // Only chunks the worker has already started remain: wait for them in short polls, never sleeping or
        // yielding (either takes far longer than a product), and without SpinWait's growing back-off, which noticed
        // the worker's last chunk late.
        if (workerChunks > 0)
        {
            long finished = Progress(generation, workerChunks);
            while (Volatile.Read(ref *s_workerProgress) != finished)
            {
                Thread.SpinWait(1);
            }
        }
        Volatile.Write(ref s_inUse, 0);
    }

    /// <summary>
    /// Takes and runs chunks of job <paramref name="generation"/> from one half's <paramref name="cursor"/> until none
    /// is left there; returns how many it ran. The caller takes from the front of either half, the worker from the back,
    /// so they meet in the middle. The worker also publishes its count for the job after each chunk, counting from the
    /// <paramref name="workerChunksBefore"/> it ran in the other half.
    /// </summary>
    private static int TakeChunks(
        long* cursor, uint generation, bool byWorker, delegate*<ref ProductArguments, int, int, void> body, ref ProductArguments arguments,
        int columns, int chunkColumns, int chunkCount, int workerChunksBefore = 0)
    {
        bool fromFront = !byWorker;
        ref long cursorField = ref *cursor;
        int taken = 0;
        while (true)
        {
            long current = Volatile.Read(ref cursorField);
            int front = FrontOf(current), back = BackOf(current);
            if (GenerationOf(current) != generation || front >= back)
            {
                return taken;
            }
            long claimed = fromFront ? PackCursor(generation, front + 1, back) : PackCursor(generation, front, back - 1);
            if (Interlocked.CompareExchange(ref cursorField, claimed, current) != current)
            {
                continue;
            }
            int chunk = fromFront ? front : back - 1;
            int first = chunk * chunkColumns;
            body(ref arguments, first, chunk == chunkCount - 1 ? columns : first + chunkColumns);
            taken++;
            if (byWorker)
            {
                Volatile.Write(ref *s_workerProgress, Progress(generation, workerChunksBefore + taken));
            }
        }
    }

    /// <summary>
    /// Whether a product of <paramref name="work"/> multiply-adds is worth sharing with the worker: two threads allowed
    /// and enough work. <see cref="Run"/> then shares it if it makes at least two chunks and the worker is free.
    /// </summary>
    public static bool MayShare(long work) => KernelSelection.ThreadCount >= 2 && work >= MinimumParallelWork;

    private static long PackCursor(uint generation, int front, int back) => (long)((ulong)generation << 32 | (uint)front << 16 | (uint)back);

    /// <summary>The generation a cursor carries: its high 32 bits, unsigned.</summary>
    private static uint GenerationOf(long cursor) => (uint)((ulong)cursor >> 32);

    private static int FrontOf(long cursor) => (int)(cursor >> 16) & 0xFFFF;

    private static int BackOf(long cursor) => (int)cursor & 0xFFFF;

    /// <summary>The worker's progress word: the job's generation above the count of its chunks the worker has finished.</summary>
    private static long Progress(uint generation, int chunksFinished) => (long)generation << 16 | (uint)chunksFinished;

    /// <summary>
    /// Sets the generation the next job follows, so a test can run products across the wrap at 2³² without
    /// posting four billion of them first.
    /// </summary>
    internal static void SetLastGenerationForTests(uint generation)
    {
        // Only between products, as a caller holding the worker would see it.
        while (Interlocked.CompareExchange(ref s_inUse, 1, 0) != 0)
        {
            Thread.SpinWait(1);
        }
        s_generation = generation;
        Volatile.Write(ref s_inUse, 0);
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
        uint finishedGeneration = 0;
        while (true)
        {
            Job* job = s_job;
            uint generation = GenerationOf(Volatile.Read(ref job->WorkerCursor));
            if (generation == finishedGeneration)
            {
                WaitForJob(finishedGeneration);
                continue;
            }
            // Read the job, then take chunks only while the cursor still carries its generation: if the
            // caller has meanwhile finished it and posted another, these arguments are never used.
            ProductArguments arguments = job->Arguments;
            delegate*<ref ProductArguments, int, int, void> body = job->Body;
            int columns = job->Columns, chunkColumns = job->ChunkColumns, chunkCount = job->ChunkCount;
            if (GenerationOf(Volatile.Read(ref job->WorkerCursor)) == generation)
            {
                int taken = TakeChunks(&job->WorkerCursor, generation, byWorker: true, body, ref arguments, columns, chunkColumns, chunkCount);
                TakeChunks(s_callerCursor, generation, byWorker: true, body, ref arguments, columns, chunkColumns, chunkCount, workerChunksBefore: taken);
            }
            finishedGeneration = generation;
        }
    }

    private static void WaitForJob(uint finishedGeneration)
    {
        // Each poll is a locked add of 0, which takes its cursor's line for this core: the compare-exchange that
        // claims the first chunk then finds it here instead of fetching it from the caller's core.
        // Short polls: a matrix–vector product takes a microsecond or two, so noticing the job late would cost as much as the work.
        for (int i = 0; i < PollsBeforeSleep; i++)
        {
            if (GenerationOf(Interlocked.Add(ref s_job->WorkerCursor, 0)) != finishedGeneration)
            {
                return;
            }
            Thread.SpinWait(1);
        }
        // Reset, then look again: a job posted between the two is seen here; one posted after the look
        // sets the event after this reset, so the wait returns (or, in the race that Run describes, the
        // caller takes that job's chunks alone and the next job sets it).
        s_wake.Reset();
        if (GenerationOf(Volatile.Read(ref s_job->WorkerCursor)) == finishedGeneration)
        {
            s_wake.Wait();
        }
    }
}
