using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NetGen.Benchmarks;

/// <summary>
/// Runs NetGen's workloads and PyTorch's on the same machine, one workload after the other, PyTorch in its fastest
/// measured set-up (OpenBLAS with OpenMP, its own kernel choice, two threads), and prints both with the ratio.
/// </summary>
internal static partial class Compare
{
    /// <summary>
    /// Each figure, whether more is better, the target from the speed issue (a ratio NetGen / PyTorch), and whether NetGen's
    /// figure is also shown as a fraction of <see cref="PeakFigure"/>.
    /// </summary>
    private static readonly (string Name, bool HigherIsBetter, string Target, bool OfPeak)[] Figures =
    [
        ("mlp_sgd_train_samples_per_s", true, "≥ 1.7×", false),
        ("mlp_b1_latency_us", false, "≤ 1/3", false),
        ("small_mlp_b1_latency_us", false, "≤ 1/6", false),
        ("mlp_b1000_infer_samples_per_s", true, "≥ 1.5×", false),
        ("gemm_100x784x500_gflops", true, "≥ 70 % of peak", true),
        ("cnn_train_samples_per_s", true, "≥ 1.5×", false),
    ];

    /// <summary>The FMA peak <see cref="EndToEnd"/> measures in every round, on the threads the GEMM runs on (<see cref="FmaPeak"/>).</summary>
    private const string PeakFigure = "fma_peak_gflops";

    /// <summary>
    /// <paramref name="runs"/> rounds of both sides, workload by workload (<see cref="EndToEnd.Sections"/>): PyTorch's
    /// section of the reference script, then NetGen's same workloads, or the other way round, alternating from one
    /// workload and one round to the next. The two figures of a ratio are then taken seconds apart rather than minutes:
    /// this VM's speed drifts from minute to minute (its FMA peak read 363–445 GFLOP/s across one three-round run). Then
    /// the medians, and with more than one round each ratio's range over the rounds (a ratio is only ever taken within
    /// one round).
    /// </summary>
    public static int Run(int epochs, int runs = 1)
    {
        EndToEnd netgen = EndToEnd.Load(epochs);
        bool torchRuns = true;
        var rounds = new List<(Dictionary<string, double> NetGen, Dictionary<string, double>? Torch)>();
        for (int round = 0; round < runs; round++)
        {
            if (runs > 1)
            {
                Console.WriteLine($"# round {round + 1} of {runs}");
            }
            var ours = new Dictionary<string, double>();
            var theirs = new Dictionary<string, double>();
            for (int s = 0; s < EndToEnd.Sections.Count; s++)
            {
                string section = EndToEnd.Sections[s];
                bool torchFirst = (round + s) % 2 == 1;
                void Torch() => torchRuns = torchRuns && RunPyTorch(epochs, section, theirs);
                Console.WriteLine(torchRuns ? $"## {section}, {(torchFirst ? "PyTorch" : "NetGen")} first" : $"## {section}");
                if (torchFirst)
                {
                    Torch();
                }
                netgen.RunSection(section, ours);
                if (!torchFirst)
                {
                    Torch();
                }
            }
            rounds.Add((ours, torchRuns ? theirs : null));
            if (runs > 1)
            {
                PrintTable(rounds.GetRange(round, 1));
            }
        }

        Console.WriteLine();
        if (runs > 1)
        {
            Console.WriteLine($"# medians of {runs} rounds; each ratio's range over the rounds in brackets");
        }
        PrintTable(rounds);
        return torchRuns ? 0 : 1;
    }

    private static void PrintTable(List<(Dictionary<string, double> NetGen, Dictionary<string, double>? Torch)> rounds)
    {
        Console.WriteLine("| workload | NetGen | PyTorch | NetGen / PyTorch | target |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach ((string name, bool higherIsBetter, string target, bool ofPeak) in Figures)
        {
            double ours = EndToEnd.Median(rounds.Select(round => round.NetGen[name]));
            string oursShown = Format(ours);
            if (ofPeak)
            {
                // Against the best peak of all the rounds: a peak is a ceiling, and a round whose reading fell in a busy
                // moment (125 against 180-189 in the others, on a Zen 3 VM) would show the GEMM above 100 % of it.
                double peak = rounds.Max(round => round.NetGen[PeakFigure]);
                oursShown += string.Create(CultureInfo.InvariantCulture, $" ({ours / peak * 100:0} % of {peak:0})");
            }
            var references = rounds.Where(round => round.Torch?.ContainsKey(name) == true).Select(round => round.Torch![name]).ToList();
            string theirs = "n/a", ratio = "n/a";
            if (references.Count > 0)
            {
                theirs = Format(EndToEnd.Median(references));
                // NetGen / PyTorch for rates, PyTorch / NetGen for latencies (printed as 1/x): more is better either way.
                double[] advantages = rounds.Where(round => round.Torch?.ContainsKey(name) == true)
                    .Select(round => higherIsBetter ? round.NetGen[name] / round.Torch![name] : round.Torch![name] / round.NetGen[name])
                    .Order().ToArray();
                string Show(double advantage) => higherIsBetter ? $"{advantage:F2}×" : $"1/{advantage:F2}";
                ratio = Show(EndToEnd.Median(advantages));
                if (advantages.Length > 1)
                {
                    ratio += $" ({Show(advantages[0])}–{Show(advantages[^1])})";
                }
            }
            Console.WriteLine($"| {name} | {oursShown} | {theirs} | {ratio} | {target} |");
        }
    }

    /// <summary>
    /// PyTorch's <paramref name="section"/> of the reference script, in a process of its own, its figures added to
    /// <paramref name="results"/>; false when PyTorch could not run (not installed), which the caller then stops asking.
    /// </summary>
    private static bool RunPyTorch(int epochs, string section, Dictionary<string, double> results)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, section])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // The set-up ../shared/bench/torch_reference.sh measured fastest; the machine's default
        // OPENBLAS_CORETYPE makes PyTorch 1.5–50× slower, and beating a crippled baseline proves nothing.
        start.Environment["LD_LIBRARY_PATH"] = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        start.Environment["BENCH_THREADS"] = "2";
        start.Environment["BENCH_EPOCHS"] = epochs.ToString(CultureInfo.InvariantCulture);
        const string Install = "install it with: bash ../shared/bench/setup_torch.sh, or apt-get install python3-torch libopenblas0-openmp";
        Console.WriteLine($"# PyTorch reference: {section}");
        try
        {
            using Process process = Process.Start(start)!;
            while (process.StandardOutput.ReadLine() is { } line)
            {
                Console.WriteLine("  torch| " + line);
                Match match = ResultLine().Match(line);
                if (match.Success)
                {
                    results[match.Groups[1].Value] = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                }
            }
            process.WaitForExit();
            // The script's cnn_train_samples_per_s is its first 200 mini-batches, cold; its epochs after them run warm,
            // as NetGen's figure (an epoch after the first) does: compare with those.
            double[] cnnEpochs = results.Where(result => CnnEpochLine().IsMatch(result.Key)).Select(result => result.Value).ToArray();
            if (cnnEpochs.Length > 0)
            {
                results["cnn_train_samples_per_s"] = EndToEnd.Median(cnnEpochs);
            }
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"# PyTorch reference failed (exit code {process.ExitCode}); {Install}");
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Console.WriteLine($"# PyTorch reference could not run: {exception.Message}; {Install}");
            return false;
        }
    }

    private static string Format(double value) =>
        value.ToString(value >= 1000 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^RESULT (\w+) = ([0-9.eE+-]+)$")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"^cnn_b64_adam_epoch\d+_samples_per_s$")]
    private static partial Regex CnnEpochLine();
}
