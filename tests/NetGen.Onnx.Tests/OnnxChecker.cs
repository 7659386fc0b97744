using System.Diagnostics;

namespace NetGen.Onnx.Tests;

/// <summary>
/// ONNX's own checker (<c>onnx.checker.check_model</c> with full checking, shape inference included), from Debian's
/// <c>python3-onnx</c> under <c>/usr/bin/python3</c>. Tests that use it skip, saying why, where it is not installed.
/// </summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, onnx
        failures = []
        for path in sys.argv[1:]:
            try:
                onnx.checker.check_model(onnx.load(path), full_check=True)
            except Exception as error:
                failures.append(f"{path}: {error}")
        print("\n".join(failures) if failures else "ok")
        """;

    private static readonly Lazy<bool> Available = new(() => Run("-c", "import onnx") is { ExitCode: 0 });

    /// <summary>Why checker tests are skipped here, or null where they run.</summary>
    public static string? MissingReason => Available.Value
        ? null
        : $"ONNX's checker is not installed for {Python}: apt-get install -y python3-onnx installs it, and this test then runs it.";

    /// <summary>The checker's complaints about each file, or an empty string where every file passes.</summary>
    public static string Check(IEnumerable<string> paths)
    {
        string script = Path.Combine(Path.GetTempPath(), $"netgen-check-{Guid.NewGuid():N}.py");
        File.WriteAllText(script, Script);
        try
        {
            (int exitCode, string output, string error) = Run([script, .. paths]) ?? throw new InvalidOperationException($"{Python} did not start.");
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"The checker failed to run: {error}");
            }
            return output.Trim() == "ok" ? "" : output.Trim();
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static (int ExitCode, string Output, string Error)? Run(params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(Python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process process = Process.Start(start)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("ONNX's checker ran past two minutes.");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
