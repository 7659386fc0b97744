using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NetGen.Benchmarks;

/// <summary>
/// Runs NetGen's workloads, then PyTorch's on the same machine in its fastest measured set-up
/// (OpenBLAS with OpenMP, its own kernel choice, two threads), and prints both with the ratio.
/// </summary>
internal static partial class Compare
{
    /// <summary>Each figure, whether more is better, and the target from the speed issue (a ratio NetGen / PyTorch).</summary>
    private static readonly (string Name, bool HigherIsBetter, string Target)[] Figures =
    [
        ("mlp_sgd_train_samples_per_s", true, "≥ 1.7×"),
        ("mlp_b1_latency_us", false, "≤ 1/3"),
        ("small_mlp_b1_latency_us", false, "≤ 1/6"),
        ("mlp_b1000_infer_samples_per_s", true, "≥ 1.5×"),
        ("gemm_100x784x500_gflops", true, "≥ 70 % of peak"),
        ("cnn_train_samples_per_s", true, "≥ 1.5×"),
    ];

    public static int Run(int epochs)
    {
        Dictionary<string, double> netgen = EndToEnd.Run(epochs);
        Dictionary<string, double>? torch = RunPyTorch(epochs);

        Console.WriteLine();
        Console.WriteLine("| workload | NetGen | PyTorch | NetGen / PyTorch | target |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach ((string name, bool higherIsBetter, string target) in Figures)
        {
            double ours = netgen[name];
            string theirs = "n/a", ratio = "n/a";
            if (torch is not null && torch.TryGetValue(name, out double reference))
            {
                theirs = Format(reference);
                ratio = higherIsBetter ? $"{ours / reference:F2}×" : $"1/{reference / ours:F2}";
            }
            Console.WriteLine($"| {name} | {Format(ours)} | {theirs} | {ratio} | {target} |");
        }
        return torch is null ? 1 : 0;
    }

    private static Dictionary<string, double>? RunPyTorch(int epochs)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, "matmul", "mlp_sgd", "infer", "infer_small", "cnn"])
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
        Console.WriteLine("# PyTorch reference (install with: bash ../shared/bench/setup_torch.sh, or apt-get install python3-torch libopenblas0-openmp)");
        try
        {
            using Process process = Process.Start(start)!;
            var results = new Dictionary<string, double>();
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
            return process.ExitCode == 0 ? results : null;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Console.WriteLine($"# PyTorch reference could not run: {exception.Message}");
            return null;
        }
    }

    private static string Format(double value) =>
        value.ToString(value >= 1000 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^RESULT (\w+) = ([0-9.eE+-]+)$")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"^cnn_b64_adam_epoch\d+_samples_per_s$")]
    private static partial Regex CnnEpochLine();
}
