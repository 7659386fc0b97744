using System.Diagnostics.CodeAnalysis;

namespace NetGen.IO;

/// <summary>The tensors and metadata of a safetensors file, read and checked by <see cref="SafeTensors.Read"/>.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsFile(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    /// <summary>The file the tensors were read from.</summary>
    public string Path { get; }

    /// <summary>Every tensor, in the order their bytes appear in the file.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> strings (empty when it has none), e.g. <c>format</c> → <c>pt</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor; the message lists those it has.</exception>
    public SafeTensor this[string name] => TryGetTensor(name, out SafeTensor? tensor)
        ? tensor
        : throw new KeyNotFoundException($"{Path} has no tensor '{name}'; it has {(Tensors.Count == 0 ? "none" : string.Join(", ", Tensors.Select(t => t.Name)))}.");

    /// <summary>Looks a tensor up by its exact (case-sensitive) name.</summary>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafeTensor tensor) => _byName.TryGetValue(name, out tensor);
}
