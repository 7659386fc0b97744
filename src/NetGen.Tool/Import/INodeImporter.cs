namespace NetGen.Tool.Import;

/// <summary>
/// Recognises one construct at the chain's current tensor (a node, or a small subgraph such as GELU's) and turns it
/// into a layer, or into a change to the last one (an activation, a last-step selection). One class per construct:
/// a new layer kind adds one importer and one line in <see cref="OnnxImporter"/>'s table.
/// </summary>
internal interface INodeImporter
{
    /// <summary>
    /// Where the nodes reading <see cref="ImportContext.Current"/> are this importer's construct: consumes them,
    /// records the layer (or a problem, naming the node) and advances; returns true. Otherwise changes nothing and
    /// returns false.
    /// </summary>
    bool TryImport(ImportContext context);
}
