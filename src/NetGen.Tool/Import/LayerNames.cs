namespace NetGen.Tool.Import;

/// <summary>Layer names read off the graph, and the form NetGen accepts.</summary>
internal static class LayerNames
{
    /// <summary>Suffixes of the tensors whose prefix is a layer's name (PyTorch's and NetGen's export's).</summary>
    private static readonly string[] Suffixes =
        [".weight", ".bias", ".running_mean", ".running_var", ".W", ".R", ".B", ".ratio", ".shape", ".weight_ih_l0", ".weight_hh_l0"];

    /// <summary>
    /// <c>fc1.weight</c> → <c>fc1</c>, <c>features.0.bias</c> → <c>features.0</c>; null for a name without a layer (a
    /// constant folded by the exporter, <c>onnx::Conv_23</c>, or none at all).
    /// </summary>
    public static string? FromTensor(string? tensor)
    {
        if (tensor is null || tensor.StartsWith("onnx::", StringComparison.Ordinal))
        {
            return null;
        }
        foreach (string suffix in Suffixes)
        {
            if (tensor.Length > suffix.Length && tensor.EndsWith(suffix, StringComparison.Ordinal))
            {
                return tensor[..^suffix.Length];
            }
        }
        return null;
    }

    /// <summary>
    /// The name as NetGen accepts it (a letter or '_', then letters, digits and '_'): PyTorch's dots become
    /// underscores (<c>features.0</c> → <c>features_0</c>); null where even that is no such name.
    /// </summary>
    public static string? ToNetGen(string name)
    {
        string mapped = new(name.Select(character => char.IsLetterOrDigit(character) || character == '_' ? character : '_').ToArray());
        return mapped.Length > 0 && (char.IsLetter(mapped[0]) || mapped[0] == '_') ? mapped : null;
    }
}
