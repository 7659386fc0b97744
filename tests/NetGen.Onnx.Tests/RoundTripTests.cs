using NetGen.Data;
using NetGen.IO;
using NetGen.Tool.Import;

namespace NetGen.Onnx.Tests;

/// <summary>Export, then <c>netgen import</c>: the declaration as written and every weight's bits come back.</summary>
public class RoundTripTests
{
    /// <summary>Every exported network but the Boltzmann machines, whose graphs (two Gemms on one weight) no layered declaration has.</summary>
    public static TheoryData<string> Networks =>
        [.. ExportTests.Names.Where(name => name is not nameof(BinaryMachine) and not nameof(GaussianMachine))];

    [Theory]
    [MemberData(nameof(Networks))]
    public void ImportGivesBackTheDeclarationAndTheBits(string name)
    {
        Model model = ExportTests.Create(name);
        ExportTests.Randomize(model, seed: 11);
        if (name == nameof(ClassicActivations))
        {
            model.InputNormalization = new InputNormalization([0.5f, -1f, 2f, 0f, 3f, -0.25f], [2f, 0.5f, 1f, 4f, 1.5f, 0.1f]);
        }
        string folder = Directory.CreateTempSubdirectory("netgen-roundtrip-").FullName;
        try
        {
            string path = Path.Combine(folder, name + ".onnx");
            model.ExportOnnx(path);

            ImportedNetwork imported = OnnxImporter.Import(path, name, "NetGen.Onnx.Tests");

            Assert.Equal(DeclaredAttributes(name), Attributes(imported.Declaration));
            var tensors = imported.Tensors.ToDictionary(tensor => tensor.Name);
            var expected = model.Description.Tensors.Select(tensor => tensor.Name).ToList();
            if (model.InputNormalization is not null)
            {
                expected.AddRange([InputNormalization.MeanTensorName, InputNormalization.StandardDeviationTensorName]);
            }
            Assert.Equal(expected.Order(), tensors.Keys.Order());
            foreach (ParameterTensor tensor in model.Description.Tensors)
            {
                Assert.Equal(tensor.Shape, tensors[tensor.Name].Shape.ToArray());
                AssertSameBits(model.GetParameters(tensor.Name), tensors[tensor.Name].ToSingles(), tensor.Name);
            }
            if (model.InputNormalization is { } normalization)
            {
                AssertSameBits(normalization.Mean, tensors[InputNormalization.MeanTensorName].ToSingles(), "mean");
                AssertSameBits(normalization.StandardDeviation, tensors[InputNormalization.StandardDeviationTensorName].ToSingles(), "std");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, float[] actual, string tensor)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{tensor}[{i}] came back as {actual[i]:R}; it was exported as {expected[i]:R}.");
        }
    }

    /// <summary>
    /// The attribute lines over <c>public partial class {name};</c> in ExportNetworks.cs, as written, but the noise
    /// layers: they act in training only, and the export leaves them out.
    /// </summary>
    private static string[] DeclaredAttributes(string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ExportNetworks.cs"));
        int end = Array.IndexOf(lines, $"public partial class {name};");
        Assert.True(end > 0, $"ExportNetworks.cs declares no {name}.");
        int start = end;
        while (start > 0 && lines[start - 1].StartsWith('['))
        {
            start--;
        }
        return lines[start..end].Where(line => !line.StartsWith("[GaussianNoise") && !line.StartsWith("[MaskingNoise")).ToArray();
    }

    private static string[] Attributes(string declaration) =>
        declaration.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.StartsWith('[')).ToArray();
}
