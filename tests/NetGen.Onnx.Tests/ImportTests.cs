using NetGen.IO;
using NetGen.Onnx.Tests.Imported;
using NetGen.Tool.Import;

namespace NetGen.Onnx.Tests;

/// <summary>
/// Each PyTorch fixture (Fixtures/make_fixtures.py) imported: the declaration is the checked-in one (which this project
/// compiles, so it is also a declaration the generator accepts), and the compiled network with the imported weights
/// predicts PyTorch's saved outputs for the saved inputs.
/// </summary>
public class ImportTests
{
    /// <summary>
    /// float32 against float32 through different kernels (NetGen's SIMD GEMM and activations, PyTorch's MKL):
    /// |NetGen − PyTorch| ≤ 1e-5 + 1e-5·|PyTorch| for every output.
    /// </summary>
    private const float Tolerance = 1e-5f;

    public static TheoryData<string> Networks => ["MlpNet", "CnnNet", "ActivationsNet", "BatchNormNet", "DecoderNet", "ViewNet", "LstmNet", "GruNet", "RnnNet"];

    private static Model Create(string className) => className switch
    {
        "MlpNet" => new MlpNet(),
        "CnnNet" => new CnnNet(),
        "ActivationsNet" => new ActivationsNet(),
        "BatchNormNet" => new BatchNormNet(),
        "DecoderNet" => new DecoderNet(),
        "ViewNet" => new ViewNet(),
        "LstmNet" => new LstmNet(),
        "GruNet" => new GruNet(),
        "RnnNet" => new RnnNet(),
        _ => throw new ArgumentOutOfRangeException(nameof(className)),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Declaration_is_the_expected_one(string className) => ImportFixtures.AssertDeclarationIsTheExpectedOne(className);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Imported_network_predicts_what_PyTorch_did(string className)
    {
        string folder = ImportFixtures.TemporaryFolder();
        try
        {
            ImportedNetwork network = OnnxImporter.Import(ImportFixtures.File(className + ".onnx"), className, ImportFixtures.Namespace);
            (_, string weights) = network.Write(folder);
            Model model = Create(className);
            model.LoadWeights(weights);

            SafeTensorsFile io = SafeTensors.Read(ImportFixtures.File(className + ".io.safetensors"));
            Assert.True(io.TryGetTensor("input", out SafeTensor? input));
            Assert.True(io.TryGetTensor("output", out SafeTensor? output));
            float[] expected = output!.ToSingles();
            var actual = new float[expected.Length];
            model.Predict(input!.ToSingles(), actual);

            for (int i = 0; i < expected.Length; i++)
            {
                float difference = Math.Abs(actual[i] - expected[i]);
                Assert.True(difference <= Tolerance + Tolerance * Math.Abs(expected[i]),
                    $"{className} output {i} of {output.ShapeText}: NetGen {actual[i]:R}, PyTorch {expected[i]:R}, difference {difference:G3}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Weights_file_holds_NetGen_names_with_PyTorch_module_names_mapped()
    {
        ImportedNetwork network = OnnxImporter.Import(ImportFixtures.File("CnnNet.onnx"), "CnnNet", ImportFixtures.Namespace);

        // features.0's batch norm was folded into its convolution by the exporter, so it has a bias of its own.
        Assert.Equal(
            ["classifier.bias", "classifier.weight", "features_0.bias", "features_0.weight", "features_4.bias", "features_4.weight"],
            network.Tensors.Select(tensor => tensor.Name).Order(StringComparer.Ordinal));
        Assert.Contains(network.Notes, note => note.Contains("features.0 is features_0"));
    }

    [Fact]
    public void Batch_norm_fused_into_a_Dense_layer_takes_its_bias_into_the_running_mean()
    {
        ImportedNetwork network = OnnxImporter.Import(ImportFixtures.File("BatchNormNet.onnx"), "BatchNormNet", ImportFixtures.Namespace);

        // NetGen's fc1 has no bias of its own under a fused batch norm: BN(z + b) with μ is BN(z) with μ − b.
        Assert.DoesNotContain(network.Tensors, tensor => tensor.Name == "fc1.bias");
        Assert.Contains(network.Tensors, tensor => tensor.Name == "bn1.running_mean");
    }

    [Fact]
    public void Input_standardisation_becomes_the_input_normalization_tensors()
    {
        ImportedNetwork network = OnnxImporter.Import(ImportFixtures.File("ActivationsNet.onnx"), "ActivationsNet", ImportFixtures.Namespace);

        SafeTensor mean = network.Tensors.Single(tensor => tensor.Name == "input_normalization.mean");
        SafeTensor deviation = network.Tensors.Single(tensor => tensor.Name == "input_normalization.std");
        Assert.Equal([10], mean.Shape.ToArray());
        Assert.Equal(-0.5f, mean.ToSingles()[0]);
        Assert.Equal(2.0f, deviation.ToSingles()[9]);
    }
}
