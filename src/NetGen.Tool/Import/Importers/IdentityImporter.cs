namespace NetGen.Tool.Import.Importers;

/// <summary>Nodes that change nothing: <c>Identity</c>, and the all-zero <c>Pad</c> PyTorch writes before AvgPool2d.</summary>
internal sealed class IdentityImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        OnnxNode? node = context.SingleConsumer();
        bool identity = node switch
        {
            { OpType: "Identity" } => true,
            { OpType: "Pad" } pad => (pad.String("mode") ?? "constant") == "constant"
                && (ShapeValues.Evaluate(context, pad.Input(1)) ?? pad.Ints("pads"))?.All(value => value == 0) == true,
            _ => false,
        };
        if (!identity || node!.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(node);
        context.Advance(node.Output(0)!, context.Shape, context.IsSequence);
        return true;
    }
}
