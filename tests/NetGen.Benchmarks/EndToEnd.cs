using System.Diagnostics;
using System.Globalization;
using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

/// <summary>
/// The reference workloads, timed the way ../shared/bench/torch_reference.py times PyTorch's, and
/// printed as <c>RESULT name = value</c> lines with the same names so the two can be set side by side.
/// </summary>
internal sealed class EndToEnd
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The workloads in the order they run, each named after the section of pytorch_reference.py that runs PyTorch's
    /// counterpart, so that <see cref="Compare"/> can time the two sides workload by workload, seconds apart. Each
    /// reports its figures through the callback it is given.
    /// </summary>
    private static readonly (string Name, Action<EndToEnd, Action<string, double>> Run)[] Workloads =
    [
        ("matmul", static (workloads, report) => workloads.Products(report)),
        ("mlp_sgd", static (workloads, report) => workloads.MlpTraining(report)),
        ("infer", static (workloads, report) => workloads.MlpInference(report)),
        ("infer_small", static (workloads, report) => workloads.SmallMlpInference(report)),
        ("cnn", static (workloads, report) => workloads.CnnTraining(report)),
        ("autoencoder", static (workloads, report) => workloads.AutoencoderTraining(report)),
        ("rbm", static (workloads, report) => workloads.RbmTraining(report)),
        ("lstm", static (workloads, report) => workloads.LstmTraining(report)),
        ("lstm_step", static (workloads, report) => LstmStepLatency(report)),
        ("onnx", static (workloads, report) => OnnxInference.NetGen(workloads._test, report)),
    ];

    /// <summary>The names of <see cref="Workloads"/>, in their order.</summary>
    internal static IReadOnlyList<string> Sections { get; } = Workloads.Select(workload => workload.Name).ToArray();

    private readonly Dataset _train, _test;
    private readonly int _epochs, _cnnEpochs;

    /// <summary>The MLP <c>mlp_sgd</c> trained, which <c>infer</c> then times (PyTorch's script does the same within one process).</summary>
    private SigmoidMlp? _trainedMlp;

    private EndToEnd(Dataset train, Dataset test, int epochs, int cnnEpochs) =>
        (_train, _test, _epochs, _cnnEpochs) = (train, test, epochs, cnnEpochs);

    /// <summary>Every workload, in <see cref="Sections"/>' order.</summary>
    /// <param name="epochs">Epochs of the MLP's training run.</param>
    /// <param name="cnnEpochs">Epochs of the CNN's (torch_reference.py trains it for 2).</param>
    public static Dictionary<string, double> Run(int epochs, int cnnEpochs = 2)
    {
        EndToEnd workloads = Load(epochs, cnnEpochs);
        var results = new Dictionary<string, double>();
        foreach (string section in Sections)
        {
            workloads.RunSection(section, results);
        }
        return results;
    }

    /// <summary>Loads the data once, for any number of <see cref="RunSection"/> calls.</summary>
    public static EndToEnd Load(int epochs, int cnnEpochs = 2)
    {
        Console.WriteLine($"# NetGen: {KernelSelection.Current} kernels, {KernelSelection.DefaultThreadCount} threads, {Environment.ProcessorCount} cores");
        (Dataset train, Dataset test) = LoadData();
        // The data sets are ~200 MB of fresh arrays: collect now, or a background GC competes with the first timings.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        QuietMachine.WaitForOthers();
        return new EndToEnd(train, test, epochs, cnnEpochs);
    }

    /// <summary>The <c>onnx</c> workload's reference, ONNX Runtime in this process, on the same test images.</summary>
    public void RunOnnxRuntime(Dictionary<string, double> results) =>
        OnnxInference.OnnxRuntime(_test, (name, value) =>
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} = {value}"));
            results[name] = value;
        });

    /// <summary>Runs one of <see cref="Sections"/>, printing each figure as a RESULT line and adding it to <paramref name="results"/>.</summary>
    public void RunSection(string section, Dictionary<string, double> results)
    {
        Action<EndToEnd, Action<string, double>> run = Workloads.FirstOrDefault(workload => workload.Name == section).Run
            ?? throw new ArgumentException($"Unknown section '{section}': use one of {string.Join(", ", Sections)}.", nameof(section));
        run(this, (name, value) =>
        {
            results[name] = value;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} = {value:0.###}"));
        });
    }

    private void Products(Action<string, double> report)
    {
        // The machine's own ceiling for the GEMM's figure, on as many threads as the GEMM runs.
        report("fma_peak_gflops", FmaPeak.Gflops(KernelSelection.ThreadCount));
        report("gemm_100x784x500_gflops", GemmGflops(batch: 100, inputs: 784, outputs: 500));
        using (KernelSelection.UseThreads(1))
        {
            // The same on one core, for the profile: its fraction of the one-core peak is the kernel's efficiency.
            report("gemm_100x784x500_one_thread_gflops", GemmGflops(batch: 100, inputs: 784, outputs: 500));
        }
        // The two backward products of the same layer, for the profile (not PyTorch reference figures).
        report("weight_gradient_500x100x784_gflops", ProductGflops(100, 784, 500, static (x, w, d, b, c, batch, inputs, outputs) =>
            Dense.ParameterGradients(d, x, w, b, batch, inputs, outputs)));
        report("input_delta_100x500x784_gflops", ProductGflops(100, 784, 500, static (x, w, d, b, c, batch, inputs, outputs) =>
            Dense.InputDelta<Sigmoid>(d, w, x, c, batch, inputs, outputs)));
    }

    private void MlpTraining(Action<string, double> report)
    {
        _trainedMlp = new SigmoidMlp(seed: 0);
        report("mlp_sgd_train_samples_per_s", TrainSamplesPerSecond(_trainedMlp, _train, _test, _epochs));
    }

    private void MlpInference(Action<string, double> report)
    {
        SigmoidMlp mlp = _trainedMlp ?? new SigmoidMlp(seed: 0);
        report("mlp_b1_latency_us", BatchOneLatencyMicroseconds(mlp, _test));
        report("mlp_b1_weight_read_us", WeightRead.Microseconds(mlp.Parameters, KernelSelection.ThreadCount));
        report("mlp_b1000_infer_samples_per_s", BatchInferenceSamplesPerSecond(mlp, _test, batch: 1000));
    }

    private void SmallMlpInference(Action<string, double> report)
    {
        var mlp = new SmallReluMlp(seed: 0);
        report("small_mlp_b1_latency_us", BatchOneLatencyMicroseconds(mlp, _test));
        report("small_mlp_b1_weight_read_us", WeightRead.Microseconds(mlp.Parameters, KernelSelection.ThreadCount));
    }

    private void CnnTraining(Action<string, double> report) =>
        report("cnn_train_samples_per_s", CnnTrainSamplesPerSecond(_train, _test, _cnnEpochs));

    /// <summary>
    /// The 784-1000-500-250-30 autoencoder trained on the training images alone (Adam 1e-3, batch 100), as
    /// pytorch_reference.py's autoencoder section trains it: the median epoch after the first.
    /// </summary>
    private void AutoencoderTraining(Action<string, double> report)
    {
        var autoencoder = new ReferenceAutoencoder(seed: 0);
        Dataset images = Dataset.Unlabelled(_train.Features, [_train.SampleSize]);
        History history = autoencoder.Fit(images, new Adam(0.001f), _epochs, batchSize: 100, onEpochEnd: epoch =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  autoencoder epoch {epoch.Epoch}: {epoch.Duration.TotalSeconds:F2}s  {epoch.SamplesPerSecond:N0} samples/s  loss {epoch.Loss:F5}")));
        report("autoencoder_train_samples_per_s", Median(history.Epochs.Skip(_epochs > 1 ? 1 : 0).Select(epoch => epoch.SamplesPerSecond)));
    }

    /// <summary>
    /// sklearn_rbm.py's set-up on NetGen: an RBM of 256 hidden units trained by persistent CD-1 (SGD 0.05, batch 10, 5
    /// epochs) on the first 10,000 training images, timed as scikit-learn's fit is (every epoch, the first too); then a
    /// softmax layer on its features of those images (Adam 0.003, batch 50, 100 epochs, L2 as LogisticRegression's), against LogisticRegression.
    /// </summary>
    private void RbmTraining(Action<string, double> report)
    {
        const int Images = 10_000, Epochs = 5;
        Dataset images = _train.Take(Images);
        var machine = new ReferenceRbm(seed: 0);
        var clock = Stopwatch.StartNew();
        machine.Fit(Dataset.Unlabelled(images.Features, [images.SampleSize]), new Sgd(0.05f), Epochs, batchSize: 10);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  NetGen RBM: {Images} images x {Epochs} epochs in {seconds:F1}s, pseudo-likelihood {machine.PseudoLikelihood(_test.Features):F2}"));
        report("rbm_cd_train_samples_per_s", Images * Epochs / seconds);

        Dataset Features(Dataset data)
        {
            var features = new float[data.Count * ReferenceRbm.HiddenSize];
            machine.Transform(data.Features, features);
            return Dataset.FromLabels(features, [ReferenceRbm.HiddenSize], data.Labels!, 10);
        }
        var classifier = new ReferenceRbmClassifier(seed: 0);
        // LogisticRegression's default objective: the mean log loss plus ‖W‖² / (2·C·n) with C = 1, n = 10,000.
        classifier.Fit(Features(images), new Adam(0.003f) { WeightDecay = 1e-4f }, epochs: 100, batchSize: 50);
        report("rbm_features_test_accuracy", classifier.Evaluate(Features(_test)).Accuracy!.Value);
    }

    /// <summary>
    /// Fashion-MNIST read row by row by an LSTM of 128 units (Adam 1e-3, batch 64), as pytorch_reference.py's lstm
    /// section trains nn.LSTM: at most 2 epochs (fewer with --epochs), the median epoch after the first, then test accuracy.
    /// The training images are [784] here; the network reads the same 784 numbers as [28 steps, 28 pixels].
    /// </summary>
    private void LstmTraining(Action<string, double> report)
    {
        int epochs = Math.Min(_epochs, 2);
        var lstm = new ReferenceRowLstm(seed: 0);
        History history = lstm.Fit(_train, new Adam(0.001f), epochs, batchSize: 64, onEpochEnd: epoch =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lstm epoch {epoch.Epoch}: {epoch.Duration.TotalSeconds:F2}s  {epoch.SamplesPerSecond:N0} samples/s  loss {epoch.Loss:F4}")));
        report("lstm_train_samples_per_s", Median(history.Epochs.Skip(epochs > 1 ? 1 : 0).Select(epoch => epoch.SamplesPerSecond)));
        report("lstm_test_accuracy", lstm.Evaluate(_test).Accuracy!.Value);
    }

    /// <summary>
    /// One LSTM step of one sample and its linear read-out through the generated Step, at hidden 16, 32, 64 and 128 on one
    /// input feature: the
    /// median of calls timed one by one after a second of warm-up, each from the raw ticks, and beside it the time one
    /// core takes just to read the layer's weights. RTNeural's published figures are printed for reference.
    /// </summary>
    private static void LstmStepLatency(Action<string, double> report)
    {
        Console.WriteLine("  RTNeural, published (i7-8700B, one LSTM layer's step): 0.32 µs at hidden 16, 0.88 µs at 32, 3.2 µs at 64");
        Measure(16, new StepLstm16(seed: 0), static (network, x, h) => network.Step(x, h));
        Measure(32, new StepLstm32(seed: 0), static (network, x, h) => network.Step(x, h));
        Measure(64, new StepLstm64(seed: 0), static (network, x, h) => network.Step(x, h));
        Measure(128, new StepLstm128(seed: 0), static (network, x, h) => network.Step(x, h));

        void Measure<TNetwork>(int units, TNetwork network, Action<TNetwork, float[], float[]> step) where TNetwork : Model
        {
            // A stream of inputs in [−1, 1), so each call reads a new x_t as a real loop would.
            var random = new Rng(3);
            float[][] inputs = Enumerable.Range(0, 1024).Select(_ => new[] { random.NextSingle(-1f, 1f) }).ToArray();
            var forecast = new float[1];
            int next = 0;
            WarmUp(() => step(network, inputs[next++ & 1023], forecast));
            var latencies = new double[20_000];
            for (int i = 0; i < latencies.Length; i++)
            {
                float[] x = inputs[i & 1023];
                long start = Stopwatch.GetTimestamp();
                step(network, x, forecast);
                latencies[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }
            report($"lstm_step_h{units}_latency_us", Median(latencies));
            report($"lstm_step_h{units}_weight_read_us", WeightRead.Microseconds(network.Parameters, 1));
        }
    }

    /// <summary>Fashion-MNIST when Debian's package is installed; otherwise random data of the same shape (speed does not depend on the values).</summary>
    private static (Dataset Train, Dataset Test) LoadData()
    {
        if (Directory.Exists(FashionMnist))
        {
            (Dataset train, Dataset test) = Idx.LoadMnist(FashionMnist);
            Console.WriteLine($"# data: {FashionMnist}");
            return (Flatten(train), Flatten(test));
        }
        Console.WriteLine("# data: random (Fashion-MNIST not installed); accuracy figures are meaningless, speed is not");
        var random = new Rng(1);
        Dataset Make(int count) => Dataset.FromLabels(
            Enumerable.Range(0, count * 784).Select(_ => random.NextSingle()).ToArray(), [784],
            Enumerable.Range(0, count).Select(_ => random.NextInt(10)).ToArray(), 10);
        return (Make(60_000), Make(10_000));
    }

    private static Dataset Flatten(Dataset images) => Dataset.FromLabels(images.Features, [images.SampleSize], images.Labels!, images.TargetSize);

    /// <summary>Median over repeated runs of the first layer's forward product, in GFLOP/s (2·M·N·K per product).</summary>
    private static double GemmGflops(int batch, int inputs, int outputs) =>
        ProductGflops(batch, inputs, outputs, static (x, w, d, b, c, batch, inputs, outputs) =>
            Dense.Forward<Identity>(x, w, b, c, batch, inputs, outputs));

    private delegate void Product(float[] x, float[] w, float[] delta, float[] bias, float[] output, int batch, int inputs, int outputs);

    /// <summary>
    /// Median GFLOP/s (2·B·I·O per product) of one of a layer's products: x [B, I], W [O, I], δ [B, O],
    /// and an output big enough for any of them.
    /// </summary>
    private static double ProductGflops(int batch, int inputs, int outputs, Product product)
    {
        var random = new Rng(2);
        float[] Random(int count) => Enumerable.Range(0, count).Select(_ => random.NextSingle()).ToArray();
        float[] x = Random(batch * inputs), w = Random(outputs * inputs), delta = Random(batch * outputs), bias = Random(outputs);
        float[] output = new float[Math.Max(batch, outputs) * Math.Max(inputs, outputs)];
        double flops = 2.0 * batch * inputs * outputs;
        const int ProductsPerSample = 20;
        WarmUp(() => product(x, w, delta, bias, output, batch, inputs, outputs));
        var samples = new List<double>();
        for (int repeat = 0; repeat < 200; repeat++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < ProductsPerSample; i++)
            {
                product(x, w, delta, bias, output, batch, inputs, outputs);
            }
            samples.Add(flops * ProductsPerSample / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return Median(samples);
    }

    /// <summary>Training throughput: the median over epochs after the first (the first includes JIT and warm-up).</summary>
    private static double TrainSamplesPerSecond(Model model, Dataset train, Dataset test, int epochs)
    {
        History history = model.Fit(train, new Sgd(0.1f), epochs, batchSize: 100, onEpochEnd: epoch =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mlp_sgd epoch {epoch.Epoch}: {epoch.Duration.TotalSeconds:F2}s  {epoch.SamplesPerSecond:N0} samples/s  loss {epoch.Loss:F4}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mlp_sgd test accuracy after {epochs} epochs: {model.Evaluate(test).Accuracy:F4}"));
        return Median(history.Epochs.Skip(1).Select(epoch => epoch.SamplesPerSecond));
    }

    /// <summary>
    /// The CNN as torch_reference.py trains it (Adam 1e-3, batch 64): the median epoch after the first, or the one epoch
    /// when there is only one. PyTorch's script times 200 mini-batches first and then its epochs, so its epochs run warm too.
    /// </summary>
    private static double CnnTrainSamplesPerSecond(Dataset train, Dataset test, int epochs)
    {
        var cnn = new ReferenceCnn(seed: 0);
        History history = cnn.Fit(train, new Adam(0.001f), epochs, batchSize: 64, onEpochEnd: epoch =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cnn epoch {epoch.Epoch}: {epoch.Duration.TotalSeconds:F2}s  {epoch.SamplesPerSecond:N0} samples/s  loss {epoch.Loss:F4}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cnn test accuracy after {epochs} epochs: {cnn.Evaluate(test).Accuracy:F4}"));
        return Median(history.Epochs.Skip(epochs > 1 ? 1 : 0).Select(epoch => epoch.SamplesPerSecond));
    }

    /// <summary>Median latency of one-sample predictions, cycling through the test set, into a reused output buffer.</summary>
    internal static double BatchOneLatencyMicroseconds(Model model, Dataset test)
    {
        var output = new float[model.Description.OutputSize];
        return BatchOneLatencyMicroseconds(sample => model.Predict(test.Sample(sample), output), test.Count);
    }

    /// <summary>The median of 5,000 timed calls of <paramref name="predict"/> on samples 0, 1, … (modulo <paramref name="samples"/>), after a second's warm-up.</summary>
    internal static double BatchOneLatencyMicroseconds(Action<int> predict, int samples)
    {
        int next = 0;
        WarmUp(() => predict(next++ % samples));
        var latencies = new double[5000];
        for (int i = 0; i < latencies.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            predict(i % samples);
            // From the raw ticks: GetElapsedTime's TimeSpan counts whole 100 ns, too coarse for a prediction of a few microseconds.
            latencies[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
        }
        return Median(latencies);
    }

    internal static double BatchInferenceSamplesPerSecond(Model model, Dataset test, int batch)
    {
        var outputs = new float[batch * model.Description.OutputSize];
        return BatchInferenceSamplesPerSecond(
            first => model.Predict(test.Features.AsSpan(first * test.SampleSize, batch * test.SampleSize), outputs), test.Count, batch);
    }

    /// <summary>
    /// The median rate of 30 passes over <paramref name="samples"/> in whole batches, <paramref name="predict"/> taking
    /// the first sample of each, after a second's warm-up.
    /// </summary>
    internal static double BatchInferenceSamplesPerSecond(Action<int> predict, int samples, int batch)
    {
        WarmUp(() => predict(0));
        var rates = new List<double>();
        for (int repeat = 0; repeat < 30; repeat++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int first = 0; first + batch <= samples; first += batch)
            {
                predict(first);
            }
            rates.Add(samples / batch * batch / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return Median(rates);
    }

    /// <summary>
    /// Runs <paramref name="action"/> for a second before anything is timed: the JIT replaces a method with
    /// its optimised version in the background some time after its 30th call, so warming up by a count of
    /// calls, which a fast method gets through in milliseconds, would time the unoptimised code.
    /// </summary>
    internal static void WarmUp(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        do
        {
            action();
        }
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 1);
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
