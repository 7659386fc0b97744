namespace NetGen.Tool.Import.Importers;

/// <summary><c>[Dropout(rate)]</c>: nothing in inference; kept so that the declaration trains as the original did.</summary>
internal sealed class ImportedDropout(float rate) : ImportedLayer
{
    public override string Kind => "Dropout";

    public override string NameStem => "dropout";

    protected override IEnumerable<string> Arguments() => [Real(rate)];
}

/// <summary><c>Dropout(x, ratio)</c> as NetGen's export writes it (PyTorch leaves dropout out of an eval-mode export).</summary>
internal sealed class DropoutImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.Next("Dropout") is not { } node || node.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(node);
        float rate = node.Input(1) is null ? node.Float("ratio", 0.5f) : context.Scalar(node.Input(1)) ?? float.NaN;
        if (float.IsNaN(rate) || (node.Output(1) is { } mask && context.ConsumersOf(mask).Count > 0))
        {
            context.Problem(node, "Dropout whose ratio is not a constant, or whose mask is used");
            return context.Stop();
        }
        context.Layers.Add(new ImportedDropout(rate) { SourceName = LayerNames.FromTensor(node.Input(1)) });
        context.Advance(node.Output(0)!, context.Shape, context.IsSequence);
        return true;
    }
}
