using NetGen.Tool;
using NetGen.Tool.Import;

namespace NetGen.Onnx.Tests;

/// <summary>
/// Files the importer must refuse: each gives an <see cref="OnnxImportException"/> that names the file and what is
/// wrong, and the command writes nothing and exits non-zero.
/// </summary>
public class ImportErrorTests
{
    [Fact]
    public void Truncated_model_names_the_file_and_the_parse_failure()
    {
        byte[] whole = File.ReadAllBytes(ImportFixtures.File("MlpNet.onnx"));
        AssertRefused(whole[..(whole.Length / 2)], "truncated, corrupt or not ONNX");
    }

    [Fact]
    public void Random_bytes_are_not_a_model()
    {
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        AssertRefused(bytes, "truncated, corrupt or not ONNX");
    }

    [Fact]
    public void Unsupported_operators_are_all_listed_with_index_type_and_name()
    {
        OnnxImportException error = AssertRefused(File.ReadAllBytes(ImportFixtures.File("Unsupported.onnx")), "2 problems");

        Assert.Contains("node 1 (Cos '/Cos'): NetGen has no layer or activation for Cos", error.Message);
        Assert.Contains("node 3 (Sin '/Sin'): NetGen has no layer or activation for Sin", error.Message);
    }

    [Fact]
    public void Two_inputs_are_named()
    {
        OnnxImportException error = AssertRefused(File.ReadAllBytes(ImportFixtures.File("TwoInputs.onnx")), "2 inputs");

        Assert.Contains("('left', 'right')", error.Message);
    }

    [Fact]
    public void Unsupported_attribute_names_the_node_and_the_value()
    {
        OnnxImportException error = AssertRefused(File.ReadAllBytes(ImportFixtures.File("Dilated.onnx")), "1 problem");

        Assert.Contains("node 0 (Conv 'conv1/Conv'): dilations [2, 2]", error.Message);
    }

    [Fact]
    public void Batch_norm_after_a_convolutions_activation_is_refused()
    {
        // NetGen fuses a BatchNorm under a Conv2D into it, before the activation: Conv → Relu → BN has no declaration.
        OnnxImportException error = AssertRefused(File.ReadAllBytes(ImportFixtures.File("ActivationBeforeBatchNorm.onnx")), "1 problem");

        Assert.Contains("normalises after the ReLU", error.Message);
    }

    [Fact]
    public void Weights_that_are_not_float32_are_named_with_their_type()
    {
        OnnxImportException error = AssertRefused(File.ReadAllBytes(ImportFixtures.File("DoubleWeights.onnx")), "1 problem");

        Assert.Contains("node 0 (Gemm 'dense1/Gemm'): its weight 'dense1.weight' is DOUBLE", error.Message);
    }

    [Fact]
    public void External_data_is_refused_naming_the_initializer()
    {
        OnnxImportException error = AssertRefused(File.ReadAllBytes(ImportFixtures.File("ExternalData.onnx")), "external file");

        Assert.Contains("initializer 'fc1.weight'", error.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"netgen-missing-{Guid.NewGuid():N}.onnx");

        var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(missing, "Net"));
        Assert.Contains(missing, error.Message);
    }

    /// <summary>
    /// Imports <paramref name="bytes"/> saved as a file, expecting a refusal whose message names the file and holds
    /// <paramref name="expected"/>; then runs the command on it and checks that it fails and writes nothing.
    /// </summary>
    private static OnnxImportException AssertRefused(byte[] bytes, string expected)
    {
        string folder = ImportFixtures.TemporaryFolder();
        string output = Path.Combine(folder, "out");
        Directory.CreateDirectory(output);
        string model = Path.Combine(folder, "model.onnx");
        try
        {
            File.WriteAllBytes(model, bytes);
            var error = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(model, "Net"));
            Assert.Contains(model, error.Message);
            Assert.Contains(expected, error.Message);
            Assert.Equal(model, error.Path);

            int exitCode = NetGenCommand.Run(["import", model, "--class", "Net", "--out", output]);
            Assert.Equal(1, exitCode);
            Assert.Empty(Directory.EnumerateFileSystemEntries(output));
            return error;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
