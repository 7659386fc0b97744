using NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The hand-over between the calling thread and the kernel worker: whoever takes a chunk, every column is computed
/// exactly once per product, and the product is whole when <see cref="Parallelism.Run"/> returns.
/// </summary>
public sealed unsafe class ParallelismTests
{
    /// <summary>Adds 1 to each of its columns of C: a column computed twice, or not yet, shows in the count.</summary>
    private static void CountColumns(ref ProductArguments product, int firstColumn, int endColumn)
    {
        for (int column = firstColumn; column < endColumn; column++)
        {
            product.C[column] += 1f;
        }
    }

    /// <summary>Columns, alignment and work: two chunks; ten with the remainder in the last; panels of 32; one chunk, which the caller runs alone.</summary>
    public static TheoryData<int, int, long> Jobs() => new()
    {
        { 128, 4, 250_000 },
        { 130, 4, 1_000_000 },
        { 500, 32, 40_000_000 },
        { 7, 4, 1_000_000 },
    };

    [Theory]
    [MemberData(nameof(Jobs))]
    public void Every_column_is_computed_once_and_before_the_product_returns(int columns, int alignment, long work)
    {
        using IDisposable threads = KernelSelection.UseThreads(2);
        Assert.Equal(string.Empty, RunAndCount(columns, alignment, work, runs: 3000, pauseEvery: 0));
    }

    /// <summary>The worker falls asleep a millisecond after its last job; each product after a pause must wake it or go on without it.</summary>
    [Fact]
    public void Products_after_the_worker_has_gone_to_sleep_are_whole()
    {
        using IDisposable threads = KernelSelection.UseThreads(2);
        Assert.Equal(string.Empty, RunAndCount(columns: 130, alignment: 4, work: 1_000_000, runs: 40, pauseEvery: 1));
    }

    /// <summary>
    /// Each job carries a 32-bit generation that wraps; products posted across 2³¹ (where a signed shift turns
    /// negative) and across 2³² must be whole, and must not wait for a worker comparing another number.
    /// </summary>
    [Theory]
    [InlineData(int.MaxValue - 1000u)]
    [InlineData(uint.MaxValue - 1000u)]
    public void Products_across_the_generation_wrapping_are_whole(uint lastGeneration)
    {
        Parallelism.SetLastGenerationForTests(lastGeneration);
        // On a thread of its own, so that a caller left waiting for the worker fails the test instead of hanging the run.
        string? failure = null;
        var products = new Thread(() =>
        {
            try
            {
                using IDisposable threads = KernelSelection.UseThreads(2);
                failure = RunAndCount(columns: 130, alignment: 4, work: 1_000_000, runs: 3000, pauseEvery: 0);
            }
            catch (Exception exception)
            {
                // Reported here rather than left to end the test process, as an unhandled exception on a thread would.
                failure = exception.ToString();
            }
        }) { IsBackground = true };
        products.Start();
        Assert.True(products.Join(TimeSpan.FromSeconds(60)), "a product never returned: the caller and the worker disagree about the job");
        Assert.Equal(string.Empty, failure);
    }

    /// <summary>Two threads issuing products at once: the worker serves one, the other computes alone.</summary>
    [Fact]
    public void Products_from_two_threads_at_once_are_whole()
    {
        string[] failures = new string[2];
        Parallel.For(0, 2, caller =>
        {
            using IDisposable callerThreads = KernelSelection.UseThreads(2);
            failures[caller] = RunAndCount(columns: 128 + caller, alignment: 4, work: 1_000_000, runs: 3000, pauseEvery: 0);
        });
        Assert.Equal([string.Empty, string.Empty], failures);
    }

    /// <summary>
    /// Batch, inputs, outputs: one sample (dot products), a few (dot products, shared), 64 rows (packed panels, shared),
    /// each at least <see cref="Parallelism.MinimumParallelWork"/> multiply-adds, so the worker takes a share when free.
    /// </summary>
    public static TheoryData<int, int, int> SharedProducts() => new()
    {
        { 1, 784, 500 },
        { 8, 300, 256 },
        { 64, 300, 128 },
    };

    /// <summary>
    /// Real products from four threads at once, each allowed two threads: whichever finds the worker free shares its
    /// product with it, the others compute theirs alone, in turns that vary from product to product. Every product
    /// must give exactly the bits it gives on one thread, as forward and backward passes of models used from several
    /// threads rely on.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedProducts))]
    public void Products_from_four_threads_at_once_are_bit_identical_to_one_thread(int batch, int inputs, int outputs)
    {
        const int Callers = 4;
        int repeats = Math.Max(2, 6_000_000 / (batch * inputs * outputs));
        var random = new NetGen.Randomness.Rng(21);
        float[] weight = TestData.Uniform(random, outputs * inputs), bias = TestData.Uniform(random, outputs);
        float[][] input = Enumerable.Range(0, Callers).Select(_ => TestData.Uniform(random, batch * inputs)).ToArray();
        float[][] expected = new float[Callers][];
        using (KernelSelection.UseThreads(1))
        {
            for (int caller = 0; caller < Callers; caller++)
            {
                expected[caller] = new float[batch * outputs];
                Dense.Forward<Sigmoid>(input[caller], weight, bias, expected[caller], batch, inputs, outputs);
            }
        }

        string[] failures = TestThreads.RunTogether(Callers, caller =>
        {
            using IDisposable threads = KernelSelection.UseThreads(2);
            var output = new float[batch * outputs];
            for (int repeat = 0; repeat < repeats; repeat++)
            {
                Array.Clear(output);
                Dense.Forward<Sigmoid>(input[caller], weight, bias, output, batch, inputs, outputs);
                if (!output.AsSpan().SequenceEqual(expected[caller]))
                {
                    return $"caller {caller}, product {repeat}: not the bits of one thread";
                }
            }
            return string.Empty;
        });

        Assert.Equal(Enumerable.Repeat(string.Empty, Callers), failures);
    }

    /// <summary>
    /// Each thread owns half the chunks; one that finishes first goes on into the other's half. A stalled worker
    /// (descheduled, on a busy machine) must leave its unstarted chunks to the caller, and a stalled caller its chunks
    /// to the worker, and every column is still computed once. The stalled thread waits inside its first chunk of its own
    /// half until the other thread has started a chunk of that half, so the test passes however the threads are
    /// scheduled, and waits out its timeout only if the other thread never takes those chunks. 16 chunks of 8 columns:
    /// the caller's half is columns 0–63, the worker's 64–127.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_slowed_thread_leaves_its_unstarted_chunks_to_the_other(bool stallWorker)
    {
        using IDisposable threads = KernelSelection.UseThreads(2);
        const int Columns = 128;
        var counts = new float[Columns];
        s_stall = new Stall { WorkerStalls = stallWorker, Half = Columns / 2 };
        int run = 0;
        // A product counts only if it was shared and the stalled thread got a chunk of its own half to stall in. Another
        // test may hold the worker (the product then runs whole on this thread), and a worker that misses a job's wake-up
        // (the race Parallelism.Run describes) leaves a stalled caller to time out; the next product tries again.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!s_stall.Shown && DateTime.UtcNow < deadline)
        {
            s_stall.StartProduct();
            Array.Clear(counts);
            fixed (float* c = counts)
            {
                var product = new ProductArguments { C = c, Columns = Columns };
                Parallelism.Run(&CountColumnsStallingOneThread, ref product, Columns, alignment: 8, work: 16 * 1_000_000);
            }
            run++;
            string miscount = Miscount(counts, runs: 1);
            Assert.True(miscount.Length == 0, $"product {run}: {miscount}");
        }
        Assert.True(
            s_stall.Shown,
            $"in {run} products the {(stallWorker ? "caller" : "worker")} never took a chunk of the stalled {(stallWorker ? "worker" : "caller")}'s half");
    }

    private static Stall s_stall = new();

    /// <summary>
    /// What <see cref="CountColumnsStallingOneThread"/> coordinates: which thread stalls, whether the other has started a
    /// chunk of the stalled thread's half in the current product, and whether a stall has seen that happen.
    /// </summary>
    private sealed class Stall
    {
        public bool WorkerStalls;
        public int Half;
        public readonly ManualResetEventSlim Taken = new(false);
        public int Stalled;
        public volatile bool Shown;

        public void StartProduct()
        {
            Taken.Reset();
            Stalled = 0;
        }
    }

    /// <summary>
    /// <see cref="CountColumns"/>, but in a shared product the stalled thread's first chunk of its own half waits until the
    /// other thread has started a chunk of that half. Runs on the worker too, so it reports by flags and never throws.
    /// </summary>
    private static void CountColumnsStallingOneThread(ref ProductArguments product, int firstColumn, int endColumn)
    {
        Stall stall = s_stall;
        bool shared = endColumn - firstColumn < product.Columns;
        bool onWorker = Thread.CurrentThread.Name == "NetGen kernel worker";
        bool stalledThread = onWorker == stall.WorkerStalls;
        bool inStalledHalf = stall.WorkerStalls ? firstColumn >= stall.Half : firstColumn < stall.Half;
        if (shared && inStalledHalf)
        {
            if (!stalledThread)
            {
                stall.Taken.Set();
            }
            else if (Interlocked.Exchange(ref stall.Stalled, 1) == 0 && stall.Taken.Wait(TimeSpan.FromSeconds(10)))
            {
                stall.Shown = true;
            }
        }
        CountColumns(ref product, firstColumn, endColumn);
    }

    /// <summary>The first column not computed exactly <paramref name="runs"/> times, or empty.</summary>
    private static string Miscount(float[] counts, int runs)
    {
        for (int column = 0; column < counts.Length; column++)
        {
            if (counts[column] != runs)
            {
                return $"run {runs}: column {column} computed {counts[column] - (runs - 1)} times";
            }
        }
        return string.Empty;
    }

    /// <summary>Runs the counting product <paramref name="runs"/> times; the first miscount, or empty.</summary>
    private static string RunAndCount(int columns, int alignment, long work, int runs, int pauseEvery)
    {
        var counts = new float[columns];
        fixed (float* c = counts)
        {
            var product = new ProductArguments { C = c, Columns = columns };
            for (int run = 1; run <= runs; run++)
            {
                if (pauseEvery > 0 && run % pauseEvery == 0)
                {
                    Thread.Sleep(3);
                }
                Parallelism.Run(&CountColumns, ref product, columns, alignment, work);
                string miscount = Miscount(counts, run);
                if (miscount.Length > 0)
                {
                    return miscount;
                }
            }
        }
        return string.Empty;
    }
}
