using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetGen.Onnx.Tests.Imported;
using NetGen.Tool.Import;

namespace NetGen.Onnx.Tests;

/// <summary>
/// Graphs written in the conventions of NetGen's own ONNX export (Fixtures/make_fixtures.py's <c>netgen_fixtures</c>:
/// <c>{layer}.weight</c> initializers, Dropout with a ratio, a tied decoder's Gemm with transB = 0, Conv → BN → Relu,
/// recurrent layers with <c>{layer}.W/.R/.B</c>, a per-step Gemm between Reshapes, ISRU, ISRLU, SQNL and BipolarReLU as
/// subgraphs): each imports to the checked-in
/// declaration, and the network predicts what ONNX Runtime computes from the same file.
/// </summary>
public class ImportConventionTests
{
    /// <summary>As <see cref="ImportTests"/>: |NetGen − ORT| ≤ 1e-5 + 1e-5·|ORT|, float32 through different kernels.</summary>
    private const float Tolerance = 1e-5f;

    private const int Batch = 4;

    public static TheoryData<string> Networks => ["NetGenDenseNet", "NetGenConvNet", "NetGenSequenceNet", "NetGenPerStepNet", "NetGenActivationsNet"];

    private static Model Create(string className) => className switch
    {
        "NetGenDenseNet" => new NetGenDenseNet(),
        "NetGenConvNet" => new NetGenConvNet(),
        "NetGenSequenceNet" => new NetGenSequenceNet(),
        "NetGenPerStepNet" => new NetGenPerStepNet(),
        "NetGenActivationsNet" => new NetGenActivationsNet(),
        _ => throw new ArgumentOutOfRangeException(nameof(className)),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Declaration_is_the_expected_one(string className) => ImportFixtures.AssertDeclarationIsTheExpectedOne(className);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Imported_network_predicts_what_ONNX_Runtime_does(string className)
    {
        string path = ImportFixtures.File(className + ".onnx");
        string folder = ImportFixtures.TemporaryFolder();
        try
        {
            (_, string weights) = OnnxImporter.Import(path, className, ImportFixtures.Namespace).Write(folder);
            Model model = Create(className);
            model.LoadWeights(weights);

            var random = new Random(5);
            float[] input = Enumerable.Range(0, Batch * model.Description.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var actual = new float[Batch * model.Description.OutputSize];
            model.Predict(input, actual);

            using var session = new InferenceSession(path);
            var tensor = new DenseTensor<float>(input, [Batch, .. model.Description.InputShape]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
            float[] expected = results.Single().AsEnumerable<float>().ToArray();

            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                float difference = Math.Abs(actual[i] - expected[i]);
                Assert.True(difference <= Tolerance + Tolerance * Math.Abs(expected[i]),
                    $"{className} output {i}: NetGen {actual[i]:R}, ONNX Runtime {expected[i]:R}, difference {difference:G3}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Tied_decoder_saves_no_weight_of_its_own()
    {
        ImportedNetwork network = OnnxImporter.Import(ImportFixtures.File("NetGenDenseNet.onnx"), "NetGenDenseNet", ImportFixtures.Namespace);

        Assert.Equal(
            ["dec.bias", "fc1.bias", "fc1.weight", "input_normalization.mean", "input_normalization.std"],
            network.Tensors.Select(tensor => tensor.Name).Order(StringComparer.Ordinal));
    }
}
