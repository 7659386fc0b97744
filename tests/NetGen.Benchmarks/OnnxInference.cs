using Microsoft.ML.OnnxRuntime;
using NetGen.Data;
using OnnxImport;

namespace NetGen.Benchmarks;

/// <summary>
/// The <c>onnx</c> workload: the CNN trained in PyTorch and brought in by <c>netgen import</c> (samples/OnnxImport),
/// run by its generated code and by ONNX Runtime on the same <c>fashion_cnn.onnx</c>, in this process, on the same
/// test images: batch-1 latency and batch-1000 throughput, timed alike.
/// </summary>
internal static class OnnxInference
{
    private static string File(string name) => Path.Combine(AppContext.BaseDirectory, "OnnxImport", name);

    /// <summary>NetGen's figures: the imported declaration with the imported weights.</summary>
    public static void NetGen(Dataset test, Action<string, double> report)
    {
        var model = new FashionCnn();
        model.LoadWeights(File("FashionCnn.safetensors"));
        report("onnx_cnn_b1_latency_us", EndToEnd.BatchOneLatencyMicroseconds(model, test));
        report("onnx_cnn_b1000_infer_samples_per_s", EndToEnd.BatchInferenceSamplesPerSecond(model, test, batch: 1000));
    }

    /// <summary>
    /// ONNX Runtime's figures, at its best of one thread and of every core for each batch size (all graph
    /// optimisations on, inputs and outputs bound to preallocated memory, so a run copies nothing).
    /// </summary>
    public static void OnnxRuntime(Dataset test, Action<string, double> report)
    {
        Console.WriteLine($"# reference: ONNX Runtime {OrtEnv.Instance().GetVersionString()} in this process, on {File("fashion_cnn.onnx")}");
        double latency = double.MaxValue, rate = 0;
        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            using var session = new InferenceSession(File("fashion_cnn.onnx"), options);
            using var single = new Runner(session, test, batch: 1);
            using var thousand = new Runner(session, test, batch: 1000);
            double b1 = EndToEnd.BatchOneLatencyMicroseconds(single.Predict, test.Count);
            double b1000 = EndToEnd.BatchInferenceSamplesPerSecond(thousand.Predict, test.Count, batch: 1000);
            Console.WriteLine($"  ONNX Runtime, {threads} thread(s): batch 1 {b1:F2} µs, batch 1000 {b1000:N0} samples/s");
            latency = Math.Min(latency, b1);
            rate = Math.Max(rate, b1000);
        }
        report("onnx_cnn_b1_latency_us", latency);
        report("onnx_cnn_b1000_infer_samples_per_s", rate);
    }

    /// <summary>One session's run over <c>batch</c> test images from a given one: the images copied into a bound input, as Predict reads its span.</summary>
    private sealed class Runner : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly Dataset _test;
        private readonly float[] _input, _output;
        private readonly OrtValue _inputValue, _outputValue;
        private readonly RunOptions _options = new();

        public Runner(InferenceSession session, Dataset test, int batch)
        {
            (_session, _test) = (session, test);
            _input = new float[batch * test.SampleSize];
            _output = new float[batch * FashionCnn.OutputSize];
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [batch, 1, 28, 28]);
            _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [batch, FashionCnn.OutputSize]);
        }

        public void Predict(int first)
        {
            _test.Features.AsSpan(first * _test.SampleSize, _input.Length).CopyTo(_input);
            _session.Run(_options, ["input"], [_inputValue], ["output"], [_outputValue]);
        }

        public void Dispose()
        {
            _inputValue.Dispose();
            _outputValue.Dispose();
            _options.Dispose();
        }
    }
}
