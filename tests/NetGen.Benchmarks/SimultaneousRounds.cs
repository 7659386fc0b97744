using System.Diagnostics;

namespace NetGen.Benchmarks;

/// <summary>Times work that runs on several threads at once, as a machine's ceilings are measured (<see cref="FmaPeak"/>, <see cref="WeightRead"/>).</summary>
internal static class SimultaneousRounds
{
    /// <summary>
    /// Runs <paramref name="work"/> (given the thread's index) on <paramref name="threads"/> threads, the calling one
    /// among them, released together by a barrier, <paramref name="rounds"/> times; returns the shortest round in
    /// seconds. Each thread stamps its own start and end, and a round spans the first start to the last end, so a
    /// thread that starts late (the scheduler's choice) lengthens the round instead of being timed from the wrong moment.
    /// </summary>
    public static double ShortestSeconds(int threads, int rounds, Action<int> work)
    {
        double shortest = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            var starts = new long[threads];
            var ends = new long[threads];
            using var ready = new Barrier(threads);
            void Run(int index)
            {
                ready.SignalAndWait();
                starts[index] = Stopwatch.GetTimestamp();
                work(index);
                ends[index] = Stopwatch.GetTimestamp();
            }
            Thread[] others = Enumerable.Range(1, threads - 1).Select(index => new Thread(() => Run(index))).ToArray();
            foreach (Thread other in others)
            {
                other.Start();
            }
            Run(0);
            foreach (Thread other in others)
            {
                other.Join();
            }
            shortest = Math.Min(shortest, (double)(ends.Max() - starts.Min()) / Stopwatch.Frequency);
        }
        return shortest;
    }
}
