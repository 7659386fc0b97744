namespace NetGen.Tool.Import;

/// <summary>
/// An ONNX file that <see cref="OnnxImporter"/> cannot turn into a NetGen declaration: not ONNX, corrupt, or a graph
/// with nodes NetGen has no layer for. The message names the file and, where one is to blame, each node (its index in
/// the graph, op type and name). Nothing has been written when it is thrown.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>An import of <paramref name="path"/> that failed for the reason in <paramref name="message"/>.</summary>
    public OnnxImportException(string path, string message, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The ONNX file that could not be imported.</summary>
    public string Path { get; }
}
