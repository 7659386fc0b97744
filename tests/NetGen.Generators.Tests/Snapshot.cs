using System.Runtime.CompilerServices;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// Compares text with a checked-in <c>Snapshots/&lt;name&gt;.verified.cs</c>. On a mismatch (or no snapshot
/// yet) it writes <c>&lt;name&gt;.received.cs</c> beside it and fails; with
/// <c>NETGEN_ACCEPT_SNAPSHOTS=1</c> it writes the <c>.verified.cs</c> instead and passes.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "NETGEN_ACCEPT_SNAPSHOTS";

    /// <param name="actual">The text to check; line endings do not matter.</param>
    /// <param name="name">The snapshot's name: by default the calling test's.</param>
    /// <param name="callerFile">Locates the Snapshots folder in the source tree, so received files land beside the snapshots.</param>
    public static void Match(string actual, [CallerMemberName] string name = "", [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        Assert.True(Directory.Exists(directory), $"The snapshot folder '{directory}' (from the test's source path) does not exist; run the tests from a source checkout.");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");

        actual = Normalize(actual);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return;
        }
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        string problem = verified is null ? "has no snapshot yet." : $"differs from its snapshot at {FirstDifference(verified, actual)}";
        Assert.Fail(
            $"{name} {problem}\nThe output is in {receivedPath}: compare it with {Path.GetFileName(verifiedPath)}, "
            + $"and if it is right, accept it by running the tests with {AcceptVariable}=1 (or by renaming it to .verified.cs).");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? expectedLine = i < expectedLines.Length ? expectedLines[i] : null;
            string? actualLine = i < actualLines.Length ? actualLines[i] : null;
            if (expectedLine != actualLine)
            {
                return $"line {i + 1}:\n  expected: {expectedLine ?? "(end of file)"}\n  actual:   {actualLine ?? "(end of file)"}";
            }
        }
        return "no line (only line endings differ).";
    }
}
