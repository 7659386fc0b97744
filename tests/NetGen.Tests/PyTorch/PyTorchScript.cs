using System.Diagnostics;

namespace NetGen.Tests.PyTorch;

/// <summary>
/// Runs a Python script against Debian's PyTorch (<c>/usr/bin/python3</c>, which <c>../shared/bench/setup_torch.sh</c>
/// installs). Parity tests skip, saying why, where it is not installed; where it is, they run as any test does.
/// </summary>
internal static class PyTorchScript
{
    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            return Run("import torch", TimeSpan.FromSeconds(60)) is not null;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    });

    /// <summary>The reason a parity test is skipped, or null where PyTorch runs here.</summary>
    public static string? MissingReason => Available.Value
        ? null
        : $"PyTorch is not installed for {Python}: bash ../shared/bench/setup_torch.sh installs it, and this test then compares with it.";

    /// <summary>Runs <paramref name="source"/> with <paramref name="arguments"/>; its standard output, or an exception with its standard error.</summary>
    public static string Run(string source, params string[] arguments) => Run(source, TimeSpan.FromMinutes(2), arguments)
        ?? throw new InvalidOperationException("The Python script failed.");

    private static string? Run(string source, TimeSpan timeout, params string[] arguments)
    {
        string script = Path.Combine(Path.GetTempPath(), $"netgen-{Guid.NewGuid():N}.py");
        File.WriteAllText(script, source);
        try
        {
            var start = new ProcessStartInfo(Python, [script, .. arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["OMP_NUM_THREADS"] = "1";
            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start.");
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The Python script ran past {timeout}.");
            }
            if (process.ExitCode != 0)
            {
                if (source == "import torch")
                {
                    return null;
                }
                throw new InvalidOperationException($"The Python script exited with {process.ExitCode}:\n{error.Result}");
            }
            return output.Result;
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// Python that reads and writes safetensors files as NetGen does (F32 only), so the scripts need only torch:
    /// <c>load(path)</c> gives a state dict, <c>save(state_dict, path)</c> writes one.
    /// </summary>
    public const string SafeTensorsPython = """
        import json, struct, torch

        def load(path):
            with open(path, 'rb') as f:
                data = f.read()
            (n,) = struct.unpack('<Q', data[:8])
            header = json.loads(data[8:8 + n])
            body = data[8 + n:]
            tensors = {}
            for name, entry in header.items():
                if name == '__metadata__':
                    continue
                assert entry['dtype'] == 'F32', entry
                start, end = entry['data_offsets']
                tensors[name] = torch.frombuffer(bytearray(body[start:end]), dtype=torch.float32).reshape(entry['shape']).clone()
            return tensors

        def save(tensors, path):
            header, chunks, offset = {'__metadata__': {'format': 'pt'}}, [], 0
            for name in sorted(tensors):
                raw = tensors[name].detach().contiguous().to(torch.float32).numpy().tobytes()
                header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(raw)]}
                chunks.append(raw)
                offset += len(raw)
            text = json.dumps(header, separators=(',', ':')).encode()
            with open(path, 'wb') as f:
                f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))

        """;
}
