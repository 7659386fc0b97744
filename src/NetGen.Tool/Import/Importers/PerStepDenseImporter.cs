namespace NetGen.Tool.Import.Importers;

/// <summary>
/// NetGen's export of a per-step Dense on a sequence [T, F]: <c>Reshape(x, [−1, F]) → Gemm → Reshape(·, [−1, T, units])</c>,
/// the steps of every sample as rows of one matrix; it becomes <c>[Dense(units, PerStep = true)]</c>, with any
/// activation between the Gemm and the last Reshape folded in.
/// </summary>
internal sealed class PerStepDenseImporter : INodeImporter
{
    private static readonly DenseImporter Dense = new();
    private static readonly ActivationImporter Activation = new();

    public bool TryImport(ImportContext context)
    {
        if (!context.IsSequence || context.Shape is not [int steps, int features] || context.Next("Reshape") is not { } flatten
            || ShapeValues.Evaluate(context, flatten.Input(1)) is not [-1, long rows] || rows != features
            || context.SingleConsumer(flatten.Output(0)) is not { OpType: "Gemm" })
        {
            return false;
        }
        context.Consume(flatten);
        context.Advance(flatten.Output(0)!, [features]);
        Dense.TryImport(context);
        if (context.Stopped)
        {
            return true;
        }
        Activation.TryImport(context);
        var layer = (ImportedDense)context.Layers[^1];
        if (context.Next("Reshape") is not { } unflatten || ShapeValues.Evaluate(context, unflatten.Input(1)) is not [-1 or 0 or ShapeValues.Batch, long t, long units]
            || t != steps || units != layer.Units)
        {
            if (context.SingleConsumer() is { } next)
            {
                context.Problem(next, $"a per-step Gemm on a sequence of {steps} steps that is not reshaped back to [N, {steps}, {layer.Units}]");
            }
            return context.Stop();
        }
        context.Consume(unflatten);
        layer.PerStep = true;
        context.Advance(unflatten.Output(0)!, [steps, layer.Units], isSequence: true);
        return true;
    }
}
