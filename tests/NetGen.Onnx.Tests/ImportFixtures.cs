using System.Runtime.CompilerServices;
using NetGen.Tool.Import;

namespace NetGen.Onnx.Tests;

/// <summary>
/// Where the import tests' files are: the ONNX fixtures and PyTorch's outputs (copied beside the test assembly), and the
/// expected declarations in the source tree, which <c>NETGEN_ACCEPT_IMPORTS=1</c> rewrites from the importer's output.
/// </summary>
internal static class ImportFixtures
{
    /// <summary>Set to 1 to accept the importer's declarations as the new expected files instead of comparing.</summary>
    public const string AcceptVariable = "NETGEN_ACCEPT_IMPORTS";

    /// <summary>The namespace the expected declarations are generated into, so that this project compiles them.</summary>
    public const string Namespace = "NetGen.Onnx.Tests.Imported";

    /// <summary>A fixture copied beside the test assembly, e.g. <c>MlpNet.onnx</c>.</summary>
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The checked-in expected declaration for <paramref name="className"/>.</summary>
    public static string ExpectedDeclaration(string className, [CallerFilePath] string callerFile = "") =>
        Path.Combine(Path.GetDirectoryName(callerFile)!, "Fixtures", "Imported", className + ".cs");

    /// <summary>
    /// Imports the fixture <c>{className}.onnx</c> and compares its declaration with the checked-in one, or, with
    /// <see cref="AcceptVariable"/> set to 1, writes it as the new expected file.
    /// </summary>
    public static void AssertDeclarationIsTheExpectedOne(string className, [CallerFilePath] string callerFile = "")
    {
        ImportedNetwork network = OnnxImporter.Import(File(className + ".onnx"), className, Namespace);
        string expectedPath = ExpectedDeclaration(className, callerFile);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            System.IO.File.WriteAllText(expectedPath, network.Declaration);
            return;
        }
        Assert.True(System.IO.File.Exists(expectedPath), $"{expectedPath} is missing; run with {AcceptVariable}=1 to write it.");
        Assert.Equal(System.IO.File.ReadAllText(expectedPath), network.Declaration);
    }

    /// <summary>A fresh empty folder under the temporary directory; the caller deletes it.</summary>
    public static string TemporaryFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"netgen-import-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
