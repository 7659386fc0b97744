using System.Diagnostics;
using System.Globalization;

namespace NetGen.Benchmarks;

/// <summary>
/// Times each pass of a training step on its own (median µs of many calls, after a warm-up), with its GFLOP/s where it
/// is a product, then prints their sum beside the whole step: the gap between the two is what the passes cost each
/// other (cache traffic, thread hand-offs) when they run back to back.
/// </summary>
internal static class StepProfile
{
    /// <summary>
    /// A pass: its name, its floating-point operations (0 where it is not a product), and one call of it; a call that
    /// runs <paramref name="Steps"/> steps (a Fit epoch) is reported per step.
    /// </summary>
    internal readonly record struct Pass(string Name, double Flops, Action Call, bool IsWhole = false, int Steps = 1);

    public static void Print(string title, int batch, IEnumerable<Pass> passes)
    {
        Console.WriteLine(title);
        double sum = 0;
        foreach (Pass pass in passes)
        {
            double microseconds = MedianMicroseconds(pass.Call) / pass.Steps;
            if (!pass.IsWhole)
            {
                sum += microseconds;
            }
            string rate = pass.Flops > 0 ? string.Create(CultureInfo.InvariantCulture, $"  {pass.Flops / microseconds / 1e3,6:F0} GFLOP/s") : "";
            string perSecond = pass.IsWhole ? string.Create(CultureInfo.InvariantCulture, $"  → {batch / microseconds * 1e6:N0} samples/s") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pass.Name,-36} {microseconds,9:F0} µs{rate}{perSecond}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"sum of the passes",-36} {sum,9:F0} µs  → {batch / sum * 1e6:N0} samples/s"));
    }

    private static double MedianMicroseconds(Action call)
    {
        EndToEnd.WarmUp(call);
        var samples = new double[60];
        for (int i = 0; i < samples.Length; i++)
        {
            long begin = Stopwatch.GetTimestamp();
            call();
            samples[i] = Stopwatch.GetElapsedTime(begin).TotalMicroseconds;
        }
        return EndToEnd.Median(samples);
    }
}
