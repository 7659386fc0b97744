using System.Diagnostics;
using System.Globalization;
using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

/// <summary>
/// One model serving several threads at once, as a singleton model in a web server does: batch-1 <c>Predict</c> calls
/// per second of the reference MLP (784-500-500-10), summed over 1, 2 and 4 calling threads. Each thread predicts in
/// its own inference buffers; the kernels' one worker thread helps whichever caller finds it free. Every configuration
/// runs twice: with the kernels' threads (the default: each caller may share a product with the worker) and with one
/// (<c>KernelSelection.UseThreads(1)</c> on every caller: no worker). Printed as <c>RESULT</c> lines, medians of the
/// rounds, with each round's range.
/// </summary>
internal static class ServingThroughput
{
    private static readonly int[] CallingThreads = [1, 2, 4];

    /// <summary>How long each round's callers predict.</summary>
    private static readonly TimeSpan RoundLength = TimeSpan.FromSeconds(1);

    /// <summary>Distinct samples the callers cycle through (2.5 MB: the weights, 2.6 MB, are what is read each call).</summary>
    private const int SampleCount = 800;

    public static void Run(int rounds)
    {
        Console.WriteLine($"# NetGen serving: {KernelSelection.Current} kernels, {KernelSelection.DefaultThreadCount} kernel threads, {Environment.ProcessorCount} cores, {rounds} rounds of {RoundLength.TotalSeconds:0.#} s");
        var mlp = new SigmoidMlp(seed: 0);
        var random = new Rng(3);
        float[] samples = Enumerable.Range(0, SampleCount * 784).Select(_ => random.NextSingle()).ToArray();
        var output = new float[10];
        int next = 0;
        // The JIT's optimised code, before anything is timed (EndToEnd.WarmUp).
        EndToEnd.WarmUp(() => mlp.Predict(samples.AsSpan(next++ % SampleCount * 784, 784), output));
        QuietMachine.WaitForOthers();

        foreach (int kernelThreads in new[] { KernelSelection.DefaultThreadCount, 1 }.Distinct())
        {
            foreach (int callers in CallingThreads)
            {
                double[] rates = Enumerable.Range(0, rounds).Select(_ => CallsPerSecond(mlp, samples, callers, kernelThreads)).ToArray();
                double median = EndToEnd.Median(rates);
                string name = string.Create(CultureInfo.InvariantCulture, $"serve_mlp_b1_{callers}_callers_{kernelThreads}_kernel_threads_calls_per_s");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT {name} = {median:0}   # {rates.Min():0}–{rates.Max():0}; {callers * 1e6 / median:0.0} µs a call per caller"));
            }
        }
    }

    /// <summary>
    /// One round: <paramref name="callers"/> threads, each past its first call (which makes its inference buffers),
    /// released together, predict one sample after another for <see cref="RoundLength"/>; all their calls over the
    /// span from the first start to the last end.
    /// </summary>
    private static double CallsPerSecond(SigmoidMlp mlp, float[] samples, int callers, int kernelThreads)
    {
        var calls = new long[callers];
        var starts = new long[callers];
        var ends = new long[callers];
        using var ready = new Barrier(callers);
        long ticks = (long)(RoundLength.TotalSeconds * Stopwatch.Frequency);
        Thread[] threads = Enumerable.Range(0, callers).Select(index => new Thread(() =>
        {
            using IDisposable threading = KernelSelection.UseThreads(kernelThreads);
            var output = new float[10];
            int sample = index * (SampleCount / callers);
            for (int i = 0; i < 100; i++)
            {
                mlp.Predict(samples.AsSpan(sample++ % SampleCount * 784, 784), output);
            }
            ready.SignalAndWait();
            long start = Stopwatch.GetTimestamp(), end = start, count = 0;
            while (end - start < ticks)
            {
                for (int i = 0; i < 16; i++)
                {
                    mlp.Predict(samples.AsSpan(sample++ % SampleCount * 784, 784), output);
                }
                count += 16;
                end = Stopwatch.GetTimestamp();
            }
            (starts[index], ends[index], calls[index]) = (start, end, count);
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        return calls.Sum() / ((double)(ends.Max() - starts.Min()) / Stopwatch.Frequency);
    }
}
