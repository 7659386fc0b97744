using System.Diagnostics;
using System.Globalization;

namespace NetGen.Benchmarks;

/// <summary>
/// Waits, before anything is timed, until the machine's cores are idle but for this program's waiting thread: on two
/// cores, anything else running takes a benchmark's second thread away. The usual culprit is the command that starts
/// it: <c>dotnet run</c> keeps its own process busy for several seconds after it starts the program (docs/performance.md,
/// benchmarks), and loading the data sets leaves the runtime's own compilation and collection behind for a moment.
/// </summary>
/// <remarks>
/// Reads Linux's <c>/proc/stat</c>: busy time is user, nice, system, irq and softirq; steal (a busy host's other
/// guests) is left out, as nothing here can wait it away. Elsewhere it returns at once.
/// </remarks>
internal static class QuietMachine
{
    /// <summary>Each look at the machine spans this long.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    /// <summary>Busy time over a window, in cores, below which the machine counts as quiet: a tenth of one core.</summary>
    private const double QuietCores = 0.1;

    /// <summary>Quiet windows in a row that end the wait.</summary>
    private const int QuietWindows = 2;

    /// <summary>The longest wait: a machine busy for good (another job) is reported, not waited out.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Clock ticks a second in <c>/proc/stat</c> (Linux's USER_HZ).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Waits until the machine is quiet (or <see cref="Limit"/>), and says how long it waited if it had to.</summary>
    public static void WaitForOthers()
    {
        if (BusyTicks() is not long before)
        {
            return;
        }
        var waited = Stopwatch.StartNew();
        int quiet = 0;
        double cores = 0;
        while (quiet < QuietWindows && waited.Elapsed < Limit)
        {
            Thread.Sleep(Window);
            long after = BusyTicks() ?? before;
            cores = (after - before) / TicksPerSecond / Window.TotalSeconds;
            quiet = cores < QuietCores ? quiet + 1 : 0;
            before = after;
        }
        if (quiet < QuietWindows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# the cores stayed busy ({cores:0.0} of them in the last look, this program's background work included) for {Limit.TotalSeconds:0} s: figures may read low"));
        }
        else if (waited.Elapsed > QuietWindows * Window + Window)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# waited {waited.Elapsed.TotalSeconds:0.0} s for the cores to go idle before timing"));
        }
    }

    /// <summary>The cores' busy ticks since boot, from the first line of <c>/proc/stat</c>; null where there is none.</summary>
    private static long? BusyTicks()
    {
        try
        {
            string line = File.ReadLines("/proc/stat").First();
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            long[] ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
            return ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }
}
