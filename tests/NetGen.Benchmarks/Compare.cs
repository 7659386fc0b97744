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
    /// Each figure, whether more is better, the target from the speed issue, and what bounds it on the machine. For a
    /// figure bound by multiply-adds, its floating-point operations per unit (per sample, or 10⁹ for a figure in GFLOP/s):
    /// both sides' figures are then also shown as a fraction of <see cref="PeakFigure"/>, and a ratio target as the
    /// fraction of it that meeting the target takes. For a batch-1 latency, bound by reading the weights, the figure
    /// <see cref="WeightRead"/> measured for the same network, shown beside the latency the target takes.
    /// </summary>
    private static readonly (string Name, bool HigherIsBetter, Target Target, double Flops, string? Floor)[] Figures =
    [
        ("mlp_sgd_train_samples_per_s", true, Target.Ratio(1.7), DenseFlopsPerSample(SigmoidMlp.Architecture, training: true), null),
        ("mlp_b1_latency_us", false, Target.Ratio(3), 0, "mlp_b1_weight_read_us"),
        ("small_mlp_b1_latency_us", false, Target.Ratio(6), 0, "small_mlp_b1_weight_read_us"),
        ("mlp_b1000_infer_samples_per_s", true, Target.Ratio(1.5), DenseFlopsPerSample(SigmoidMlp.Architecture, training: false), null),
        ("gemm_100x784x500_gflops", true, Target.OfPeak(0.70), 1e9, null),
        ("cnn_train_samples_per_s", true, Target.Ratio(1.5), 0, null),
        ("autoencoder_train_samples_per_s", true, Target.Ratio(1.5), DenseFlopsPerSample(ReferenceAutoencoder.Architecture, training: true), null),
        ("rbm_cd_train_samples_per_s", true, Target.Ratio(2), 0, null),
        ("rbm_features_test_accuracy", true, Target.Ratio(1), 0, null),
        ("lstm_train_samples_per_s", true, Target.RatioOrPeak(1.5, 0.80), LstmFlopsPerSample(steps: 28, features: 28, units: 128, classes: 10), null),
        ("lstm_test_accuracy", true, Target.Ratio(1), 0, null),
        ("lstm_step_h16_latency_us", false, Target.Ratio(10), 0, "lstm_step_h16_weight_read_us"),
        ("lstm_step_h32_latency_us", false, Target.Ratio(10), 0, "lstm_step_h32_weight_read_us"),
        ("lstm_step_h64_latency_us", false, Target.Ratio(10), 0, "lstm_step_h64_weight_read_us"),
        ("lstm_step_h128_latency_us", false, Target.Ratio(10), 0, "lstm_step_h128_weight_read_us"),
        ("onnx_cnn_b1_latency_us", false, Target.Ratio(2), 0, null),
        ("onnx_cnn_b1000_infer_samples_per_s", true, Target.Ratio(1), 0, null),
    ];

    /// <summary>
    /// A target of the speed issue: NetGen's advantage over PyTorch (rate over rate, or latency under latency), a fraction
    /// of the FMA peak, or both, met by whichever asks less (an advantage that would take more than the fraction of the peak).
    /// </summary>
    private readonly record struct Target(double Advantage, double PeakFraction)
    {
        public static Target Ratio(double advantage) => new(advantage, 0);

        public static Target OfPeak(double fraction) => new(0, fraction);

        public static Target RatioOrPeak(double advantage, double fraction) => new(advantage, fraction);

        public string Show(bool higherIsBetter)
        {
            string ratio = higherIsBetter ? string.Create(CultureInfo.InvariantCulture, $"≥ {Advantage:0.##}×") : string.Create(CultureInfo.InvariantCulture, $"≤ 1/{Advantage:0.##}");
            string peak = string.Create(CultureInfo.InvariantCulture, $"≥ {PeakFraction * 100:0} % of peak");
            return Advantage > 0 && PeakFraction > 0 ? $"{ratio} or {peak}" : PeakFraction > 0 ? peak : ratio;
        }
    }

    /// <summary>
    /// Floating-point operations per sample of training an LSTM of <paramref name="units"/> H over <paramref name="steps"/> T
    /// of <paramref name="features"/> F, its last h read by a dense layer of <paramref name="classes"/> C. Forward, per step,
    /// a multiply-add per weight of W_ih [4H, F] and W_hh [4H, H]; backward the same again for their gradients, and δh_{t−1}
    /// through W_hh at every step (the LSTM reads the input, so no δx). The dense layer: forward, gradient and δh.
    /// Gates, biases and the loss are left out: a few operations per unit against F + H per gate row.
    /// </summary>
    internal static double LstmFlopsPerSample(int steps, int features, int units, int classes)
    {
        double inputSide = 2.0 * 4 * units * features, hiddenSide = 2.0 * 4 * units * units;
        return steps * (2 * (inputSide + hiddenSide) + hiddenSide) + 3 * 2.0 * units * classes;
    }

    /// <summary>
    /// Floating-point operations per sample of a network of dense layers (weights [O, I]): a multiply-add per weight
    /// forward; training adds one per weight for the weight gradients and one per weight of every layer but the first
    /// for the input deltas (nothing needs the first layer's). 0 for a network with other weights (convolutions).
    /// Biases, activations and the loss are left out: a few operations per output against hundreds per weight row.
    /// </summary>
    internal static double DenseFlopsPerSample(ModelDescription description, bool training)
    {
        var weights = description.Tensors.Where(tensor => tensor.Role == ParameterRole.Weight).ToList();
        if (weights.Count == 0 || weights.Any(weight => weight.Shape.Length != 2))
        {
            return 0;
        }
        double forward = weights.Sum(weight => 2.0 * weight.Length);
        return training ? 2 * forward + weights.Skip(1).Sum(weight => 2.0 * weight.Length) : forward;
    }

    /// <summary>The FMA peak <see cref="EndToEnd"/> measures in every round, on the threads the GEMM runs on (<see cref="FmaPeak"/>).</summary>
    private const string PeakFigure = "fma_peak_gflops";

    /// <summary>
    /// <paramref name="runs"/> rounds of both sides, workload by workload (<see cref="EndToEnd.Sections"/>): PyTorch's
    /// section of the reference script, then NetGen's same workloads, or the other way round, alternating from one
    /// workload and one round to the next. The two figures of a ratio are then taken seconds apart rather than minutes:
    /// a VM's speed drifts from minute to minute (docs/performance.md, benchmarks). Then
    /// the medians, and with more than one round each ratio's range over the rounds (a ratio is only ever taken within
    /// one round). With <paramref name="only"/>, just those workloads (and <c>matmul</c>, which measures the peak
    /// every fraction is taken of), and no serving figures: a quick look at one row.
    /// </summary>
    public static int Run(int epochs, int runs = 1, IReadOnlyList<string>? only = null)
    {
        IReadOnlyList<string> sections = only is null
            ? EndToEnd.Sections
            : EndToEnd.Sections.Where(section => section == "matmul" || only.Contains(section)).ToArray();
        if (only?.FirstOrDefault(section => !EndToEnd.Sections.Contains(section)) is string unknown)
        {
            Console.Error.WriteLine($"--only {unknown}: the workloads are {string.Join(", ", EndToEnd.Sections)}");
            return 2;
        }
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
            for (int s = 0; s < sections.Count; s++)
            {
                string section = sections[s];
                bool torchFirst = (round + s) % 2 == 1;
                // The onnx rows' reference is ONNX Runtime in this process; every other row's runs in Python.
                void Torch()
                {
                    if (section == "onnx")
                    {
                        netgen.RunOnnxRuntime(theirs);
                    }
                    else
                    {
                        torchRuns = torchRuns && RunPyTorch(epochs, section, theirs);
                    }
                }
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
                PrintTable(rounds.GetRange(round, 1), BestPeak(rounds));
            }
        }

        Console.WriteLine();
        if (runs > 1)
        {
            Console.WriteLine($"# medians of {runs} rounds; each ratio's range over the rounds in brackets");
        }
        PrintTable(rounds, BestPeak(rounds));

        if (only is not null)
        {
            return torchRuns ? 0 : 1;
        }

        // Serving from several threads has no PyTorch twin here: NetGen's batch-1 Predict calls per second on one model
        // from 1, 2 and 4 calling threads, so that several callers can be seen to reach one caller's throughput.
        Console.WriteLine();
        ServingThroughput.Run(Math.Max(3, runs));
        return torchRuns ? 0 : 1;
    }

    /// <summary>
    /// The best FMA peak of the rounds so far: a peak is a ceiling, and a round whose reading fell in a busy moment
    /// would show the GEMM above it.
    /// </summary>
    private static double BestPeak(List<(Dictionary<string, double> NetGen, Dictionary<string, double>? Torch)> rounds) =>
        rounds.Max(round => round.NetGen[PeakFigure]);

    /// <summary>The table of <paramref name="rounds"/>' medians, fractions of the FMA peak taken against <paramref name="peak"/>.</summary>
    private static void PrintTable(List<(Dictionary<string, double> NetGen, Dictionary<string, double>? Torch)> rounds, double peak)
    {
        string PercentOfPeak(double value, double flops) => string.Create(CultureInfo.InvariantCulture, $"{value * flops / 1e9 / peak * 100:0} % of {peak:0}");
        string OfPeak(double value, double flops) => flops > 0 ? $" ({PercentOfPeak(value, flops)})" : "";
        // What meeting a target asks of the machine: the GFLOP/s of a fraction of the peak; for a ratio against PyTorch's
        // median, the fraction of the peak a throughput would run at (above the whole peak no code meets it), or a latency
        // beside the time the same threads take just to read the network's weights once (the best of the rounds).
        string TargetTakes(Target target, double flops, string? floor, double? reference)
        {
            if (target.PeakFraction > 0 && target.Advantage > 0)
            {
                // Whichever asks less: the advantage over PyTorch's median, or the fraction of the peak.
                return reference is double against && flops > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{Math.Min(target.Advantage * against * flops / 1e9 / peak, target.PeakFraction) * 100:0} % of {peak:0}")
                    : string.Create(CultureInfo.InvariantCulture, $"{target.PeakFraction * peak:0} GFLOP/s at most");
            }
            if (target.PeakFraction > 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{target.PeakFraction * peak:0} GFLOP/s");
            }
            if (reference is not double median)
            {
                return "";
            }
            if (flops > 0)
            {
                return PercentOfPeak(target.Advantage * median, flops);
            }
            if (floor is not null && rounds.All(round => round.NetGen.ContainsKey(floor)))
            {
                double read = rounds.Min(round => round.NetGen[floor]);
                return string.Create(CultureInfo.InvariantCulture, $"{median / target.Advantage:0.##} µs; reading the weights takes {read:0.##}");
            }
            return "";
        }
        // The reference is PyTorch's, scikit-learn's for the rbm rows and ONNX Runtime's for the onnx rows.
        Console.WriteLine("| workload | NetGen | reference | NetGen / reference | target | the target takes |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach ((string name, bool higherIsBetter, Target target, double flops, string? floor) in Figures)
        {
            if (!rounds.All(round => round.NetGen.ContainsKey(name)))
            {
                continue; // a workload left out with --only
            }
            double ours = EndToEnd.Median(rounds.Select(round => round.NetGen[name]));
            var references = rounds.Where(round => round.Torch?.ContainsKey(name) == true).Select(round => round.Torch![name]).ToList();
            string theirs = "n/a", ratio = "n/a";
            double? reference = null;
            if (references.Count > 0)
            {
                reference = EndToEnd.Median(references);
                theirs = Format(reference.Value) + OfPeak(reference.Value, flops);
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
            Console.WriteLine($"| {name} | {Format(ours)}{OfPeak(ours, flops)} | {theirs} | {ratio} | {target.Show(higherIsBetter)} | {TargetTakes(target, flops, floor, reference)} |");
        }
    }

    /// <summary>
    /// PyTorch's <paramref name="section"/> of the reference script, in a process of its own, its figures added to
    /// <paramref name="results"/>; false when PyTorch could not run (not installed), which the caller then stops asking.
    /// </summary>
    private static bool RunPyTorch(int epochs, string section, Dictionary<string, double> results)
    {
        // The rbm row's reference is scikit-learn's BernoulliRBM, in a script of its own; every other row's is PyTorch.
        string script = Path.Combine(AppContext.BaseDirectory, section == "rbm" ? "sklearn_rbm.py" : "pytorch_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, section])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // The set-up ../shared/bench/torch_reference.sh found fastest; the machine's default
        // OPENBLAS_CORETYPE makes PyTorch far slower, and beating a crippled baseline proves nothing.
        start.Environment["LD_LIBRARY_PATH"] = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        start.Environment["BENCH_THREADS"] = "2";
        start.Environment["BENCH_EPOCHS"] = epochs.ToString(CultureInfo.InvariantCulture);
        const string Install = "install it with: bash ../shared/bench/setup_torch.sh, or apt-get install python3-torch libopenblas0-openmp (and python3-sklearn for the rbm row)";
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
