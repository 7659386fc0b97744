using System.Diagnostics;
using System.Globalization;

namespace NetGen.Benchmarks;

/// <summary>
/// Times each pass of a training step on its own (median µs of many calls, after a warm-up), with its GFLOP/s where it
/// is a product, and again within the passes run back to back in their order; then their sums beside the whole step.
/// The gap between a pass alone and in sequence is what the passes before it cost it (its operands evicted from L2 by
/// theirs); the gap between the sequence and the whole step is what the step does beyond these passes, and what their
/// separate buffers do not reproduce (the optimizer pass, say, updates a copy of the network).
/// </summary>
internal static class StepProfile
{
    /// <summary>Timed calls of each pass, and of the sequence, after the warm-up.</summary>
    private const int TimedCalls = 60;

    /// <summary>
    /// A pass: its name, its floating-point operations (0 where it is not a product), and one call of it; a call that
    /// runs <paramref name="Steps"/> steps (a Fit epoch) is reported per step.
    /// </summary>
    internal readonly record struct Pass(string Name, double Flops, Action Call, bool IsWhole = false, int Steps = 1);

    public static void Print(string title, int batch, IEnumerable<Pass> passes)
    {
        Pass[] all = passes.ToArray();
        Pass[] parts = all.Where(pass => !pass.IsWhole).ToArray();
        (double[] inSequence, double sequenceMedian) = MedianMicrosecondsInSequence(parts);
        Console.WriteLine(title);
        Console.WriteLine($"{"",-36} {"alone",12} {"",13} {"in sequence",12}");
        double sum = 0, sequenceSum = 0;
        int part = 0;
        foreach (Pass pass in all)
        {
            double microseconds = MedianMicroseconds(pass.Call) / pass.Steps;
            string rate = pass.Flops > 0 ? string.Create(CultureInfo.InvariantCulture, $"{pass.Flops / microseconds / 1e3,6:F0} GFLOP/s") : "";
            if (pass.IsWhole)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pass.Name,-36} {microseconds,9:F0} µs  → {batch / microseconds * 1e6:N0} samples/s"));
                continue;
            }
            sum += microseconds;
            sequenceSum += inSequence[part];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pass.Name,-36} {microseconds,9:F0} µs {rate,14} {inSequence[part++],9:F0} µs"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"sum of the passes' medians",-36} {sum,9:F0} µs {"",14} {sequenceSum,9:F0} µs  → {batch / sum * 1e6:N0} / {batch / sequenceSum * 1e6:N0} samples/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"the passes back to back, median",-36} {"",9}    {"",14} {sequenceMedian,9:F0} µs  → {batch / sequenceMedian * 1e6:N0} samples/s"));
    }

    /// <summary>
    /// Each pass's median time when the passes run back to back in their order, as in a step: what it costs with the
    /// caches as the passes before it left them, rather than warm with its own operands.
    /// </summary>
    private static (double[] PerPass, double Whole) MedianMicrosecondsInSequence(Pass[] parts)
    {
        EndToEnd.WarmUp(() =>
        {
            foreach (Pass pass in parts)
            {
                pass.Call();
            }
        });
        var samples = new double[parts.Length][];
        for (int p = 0; p < parts.Length; p++)
        {
            samples[p] = new double[TimedCalls];
        }
        var wholes = new double[TimedCalls];
        for (int i = 0; i < wholes.Length; i++)
        {
            long first = Stopwatch.GetTimestamp();
            for (int p = 0; p < parts.Length; p++)
            {
                long begin = Stopwatch.GetTimestamp();
                parts[p].Call();
                samples[p][i] = Stopwatch.GetElapsedTime(begin).TotalMicroseconds;
            }
            wholes[i] = Stopwatch.GetElapsedTime(first).TotalMicroseconds;
        }
        return (samples.Select(EndToEnd.Median).ToArray(), EndToEnd.Median(wholes));
    }

    private static double MedianMicroseconds(Action call)
    {
        EndToEnd.WarmUp(call);
        var samples = new double[TimedCalls];
        for (int i = 0; i < samples.Length; i++)
        {
            long begin = Stopwatch.GetTimestamp();
            call();
            samples[i] = Stopwatch.GetElapsedTime(begin).TotalMicroseconds;
        }
        return EndToEnd.Median(samples);
    }
}
