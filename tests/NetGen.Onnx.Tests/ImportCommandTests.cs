using NetGen.IO;
using NetGen.Tool;

namespace NetGen.Onnx.Tests;

/// <summary><c>netgen import</c> itself, run in-process as its Main runs it.</summary>
public class ImportCommandTests
{
    [Fact]
    public void Import_writes_the_declaration_and_the_weights()
    {
        string folder = ImportFixtures.TemporaryFolder();
        try
        {
            int exitCode = NetGenCommand.Run(
                ["import", ImportFixtures.File("MlpNet.onnx"), "--class", "MlpNet", "--namespace", ImportFixtures.Namespace, "--out", folder]);

            Assert.Equal(0, exitCode);
            Assert.Equal(["MlpNet.cs", "MlpNet.safetensors"], Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(File.ReadAllText(ImportFixtures.ExpectedDeclaration("MlpNet")), File.ReadAllText(Path.Combine(folder, "MlpNet.cs")));
            SafeTensorsFile weights = SafeTensors.Read(Path.Combine(folder, "MlpNet.safetensors"));
            Assert.Equal(["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"], weights.Tensors.Select(tensor => tensor.Name).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Import_without_a_class_name_fails()
    {
        Assert.NotEqual(0, NetGenCommand.Run(["import", ImportFixtures.File("MlpNet.onnx")]));
    }
}
