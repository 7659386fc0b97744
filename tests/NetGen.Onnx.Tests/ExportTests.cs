using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetGen.Data;

namespace NetGen.Onnx.Tests;

/// <summary>Every layer kind and activation exported, then run by ONNX Runtime: its outputs must be NetGen's.</summary>
public class ExportTests
{
    private const int Batch = 7;

    /// <summary>The networks of ExportNetworks.cs, which between them use every layer kind and activation.</summary>
    internal static readonly string[] Names =
    [
        nameof(ClassicActivations), nameof(SmoothActivations), nameof(SquareRootActivations), nameof(ExponentialActivations),
        nameof(UnitActivations), nameof(StepActivation), nameof(NormalizedMlp), nameof(SmallCnn), nameof(ConvDecoder),
        nameof(TiedAutoencoder), nameof(RecurrentStack), nameof(ReluRnn), nameof(PerStepOutput), nameof(BinaryMachine), nameof(GaussianMachine),
    ];

    public static TheoryData<string> Networks => [.. Names];

    internal static Model Create(string name) => name switch
    {
        nameof(ClassicActivations) => new ClassicActivations(seed: 1),
        nameof(SmoothActivations) => new SmoothActivations(seed: 2),
        nameof(SquareRootActivations) => new SquareRootActivations(seed: 3),
        nameof(ExponentialActivations) => new ExponentialActivations(seed: 4),
        nameof(UnitActivations) => new UnitActivations(seed: 5),
        nameof(StepActivation) => new StepActivation(seed: 6),
        nameof(NormalizedMlp) => new NormalizedMlp(seed: 7),
        nameof(SmallCnn) => new SmallCnn(seed: 8),
        nameof(ConvDecoder) => new ConvDecoder(seed: 9),
        nameof(TiedAutoencoder) => new TiedAutoencoder(seed: 10),
        nameof(RecurrentStack) => new RecurrentStack(seed: 11),
        nameof(ReluRnn) => new ReluRnn(seed: 12),
        nameof(PerStepOutput) => new PerStepOutput(seed: 13),
        nameof(BinaryMachine) => new BinaryMachine(seed: 14),
        nameof(GaussianMachine) => new GaussianMachine(seed: 15),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>
    /// Weights spread wider than initialisation leaves them, so that every activation meets both sides of its bends;
    /// batch norm's statistics made unequal to the identity's, so that their use is checked too.
    /// </summary>
    internal static void Randomize(Model model, int seed)
    {
        var random = new Random(seed);
        foreach (ParameterTensor tensor in model.Description.Tensors)
        {
            Span<float> values = model.GetParameters(tensor.Name);
            for (int i = 0; i < values.Length; i++)
            {
                float u = (float)(random.NextDouble() * 2 - 1);
                values[i] = tensor.Role switch
                {
                    ParameterRole.RunningVariance => 0.5f + u * u,
                    ParameterRole.BatchNormScale => 1f + 0.5f * u,
                    ParameterRole.ActivationSlope => 0.25f + 0.2f * u,
                    _ => u * 1.5f / MathF.Sqrt(tensor.FanIn),
                } * (tensor.Role == ParameterRole.Weight ? 1.5f : 1f);
            }
        }
    }

    internal static float[] Inputs(Model model, int batch, int seed)
    {
        var random = new Random(seed);
        float[] inputs = new float[batch * model.Description.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)(random.NextDouble() * 4 - 2);
        }
        return inputs;
    }

    internal static float[] RunOnnx(byte[] onnx, Model model, float[] inputs, int batch)
    {
        using var session = new InferenceSession(onnx);
        int[] shape = [batch, .. model.Description.InputShape];
        var tensor = new DenseTensor<float>(inputs, shape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
            session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        DisposableNamedOnnxValue output = Assert.Single(results);
        Assert.Equal("output", output.Name);
        return output.AsEnumerable<float>().ToArray();
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void OnnxRuntimeComputesWhatPredictDoes(string name)
    {
        Model model = Create(name);
        Randomize(model, seed: name.Length);
        float[] inputs = Inputs(model, Batch, seed: 3);
        float[] expected = new float[Batch * model.Description.OutputSize];
        model.Predict(inputs, expected);

        float[] actual = RunOnnx(model.ExportOnnx(), model, inputs, Batch);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1f, MathF.Abs(expected[i])),
                $"{name}: output {i} (sample {i / model.Description.OutputSize}) is {actual[i]} in ONNX Runtime, {expected[i]} in NetGen.");
        }
    }

    [Fact]
    public void InputNormalizationIsPartOfTheGraph()
    {
        var model = new ClassicActivations(seed: 1);
        Randomize(model, seed: 5);
        float[] mean = [0.5f, -1f, 2f, 0f, 3f, -0.25f], deviation = [2f, 0.5f, 1f, 4f, 1.5f, 0.1f];
        model.InputNormalization = new InputNormalization(mean, deviation);
        float[] inputs = Inputs(model, Batch, seed: 4);
        float[] expected = new float[Batch * 4];
        model.Predict(inputs, expected);

        float[] actual = RunOnnx(model.ExportOnnx(), model, inputs, Batch);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f, $"output {i}: {actual[i]} in ONNX Runtime, {expected[i]} in NetGen.");
        }
    }

    [SkippableFact]
    public void EveryExportPassesOnnxsFullCheck()
    {
        Skip.If(OnnxChecker.MissingReason is not null, OnnxChecker.MissingReason);
        string folder = Directory.CreateTempSubdirectory("netgen-onnx-").FullName;
        try
        {
            var paths = new List<string>();
            foreach (string name in Names)
            {
                Model model = Create(name);
                model.InputNormalization = name == nameof(ClassicActivations) ? new InputNormalization(new float[6], Enumerable.Repeat(2f, 6).ToArray()) : null;
                string path = Path.Combine(folder, name + ".onnx");
                model.ExportOnnx(path);
                paths.Add(path);
            }

            Assert.Equal("", OnnxChecker.Check(paths));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheGraphKeepsTheModelsTensorNamesAndAFreeBatch()
    {
        var model = new SmallCnn(seed: 1);
        string path = Path.Combine(Path.GetTempPath(), $"netgen-{Guid.NewGuid():N}.onnx");
        try
        {
            model.ExportOnnx(path);
            using var session = new InferenceSession(path);
            Assert.Equal([-1, 2, 12, 12], session.InputMetadata["input"].Dimensions);
            Assert.Equal([-1, 5], session.OutputMetadata["output"].Dimensions);
            global::Onnx.ModelProto onnx = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            Assert.Equal(17, Assert.Single(onnx.OpsetImport).Version);
            var initializers = onnx.Graph.Initializer.ToDictionary(tensor => tensor.Name, tensor => tensor.Dims.Select(d => (int)d).ToArray());
            foreach (ParameterTensor tensor in model.Description.Tensors)
            {
                Assert.Equal(tensor.Shape, initializers[tensor.Name]);
            }
            Assert.Equal(["Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "Elu", "Dropout", "AveragePool", "Flatten", "Gemm", "Softmax", "Identity"],
                onnx.Graph.Node.Select(node => node.OpType));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
