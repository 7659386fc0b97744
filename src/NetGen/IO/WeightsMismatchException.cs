namespace NetGen.IO;

/// <summary>
/// A weights file does not fit the network it was loaded into. <see cref="Problems"/> lists every
/// mismatch found (missing tensors, unexpected ones, wrong shapes or element types, non-finite
/// values), not only the first; the network's parameters were left as they were.
/// </summary>
/// <remarks>
/// Not an <see cref="InvalidDataException"/> (which is sealed, and means a malformed file): the file
/// is a well-formed safetensors file, only not one for this network.
/// </remarks>
public sealed class WeightsMismatchException : Exception
{
    /// <param name="path">The weights file.</param>
    /// <param name="network">The network's name, e.g. <c>MnistMlp</c>.</param>
    /// <param name="problems">One sentence per mismatch; at least one.</param>
    public WeightsMismatchException(string path, string network, IReadOnlyList<string> problems)
        : base(Describe(path, network, problems))
    {
        Path = path;
        Network = network;
        Problems = problems;
    }

    /// <summary>The weights file.</summary>
    public string Path { get; }

    /// <summary>The network's name.</summary>
    public string Network { get; }

    /// <summary>One sentence per mismatch, e.g. <c>fc1.weight is [400, 784] in the file but [500, 784] in MnistMlp</c>.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(string path, string network, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        string count = problems.Count == 1 ? "1 problem" : $"{problems.Count} problems";
        return $"{path} does not fit {network} ({count}; nothing was loaded):\n  " + string.Join("\n  ", problems);
    }
}
