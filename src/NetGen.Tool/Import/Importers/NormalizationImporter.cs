namespace NetGen.Tool.Import.Importers;

/// <summary>
/// <c>Sub(input, mean)</c> then <c>Div(·, std)</c> (either alone too) right at the input, by constants that broadcast
/// to one sample: NetGen's input normalisation, saved as <c>input_normalization.mean</c> and <c>.std</c>.
/// </summary>
internal sealed class NormalizationImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.Layers.Count > 0 || context.Mean is not null || context.SingleConsumer() is not { OpType: "Sub" or "Div" } node
            || node.Input(0) != context.Current || context.Graph.Constant(node.Input(1)) is not { DataType: OnnxGraph.Float } constant)
        {
            return false;
        }
        float[]? mean = null, deviation = null;
        var nodes = new List<OnnxNode> { node };
        if (node.OpType == "Sub")
        {
            mean = Broadcast(constant, context.Shape);
            if (context.SingleConsumer(node.Output(0)) is { OpType: "Div" } div && div.Input(0) == node.Output(0)
                && context.Graph.Constant(div.Input(1)) is { DataType: OnnxGraph.Float } divisor)
            {
                deviation = Broadcast(divisor, context.Shape);
                nodes.Add(div);
            }
        }
        else
        {
            deviation = Broadcast(constant, context.Shape);
        }
        if ((node.OpType == "Sub" && mean is null) || (nodes.Count == 2 || node.OpType == "Div") && deviation is null)
        {
            return false;
        }
        int size = context.Shape.Aggregate(1, (p, d) => p * d);
        context.Consume([.. nodes]);
        context.Mean = mean ?? new float[size];
        context.StandardDeviation = deviation ?? Enumerable.Repeat(1f, size).ToArray();
        context.Advance(nodes[^1].Output(0)!, context.Shape, context.IsSequence);
        return true;
    }

    /// <summary>The constant broadcast (NumPy's rules, aligned right) to one sample's shape, or null where it does not broadcast.</summary>
    internal static float[]? Broadcast(OnnxConstant constant, int[] sample)
    {
        int[] shape = constant.Shape;
        // A leading batch axis of 1 is allowed: [1, C, 1, 1] for [C, H, W].
        if (shape.Length == sample.Length + 1 && shape[0] == 1)
        {
            shape = shape[1..];
        }
        if (shape.Length > sample.Length)
        {
            return null;
        }
        int[] aligned = [.. Enumerable.Repeat(1, sample.Length - shape.Length), .. shape];
        if (aligned.Where((d, i) => d != 1 && d != sample[i]).Any())
        {
            return null;
        }
        int size = sample.Aggregate(1, (p, d) => p * d);
        var result = new float[size];
        var index = new int[sample.Length];
        for (int flat = 0; flat < size; flat++)
        {
            int remainder = flat, source = 0;
            for (int axis = sample.Length - 1; axis >= 0; axis--)
            {
                index[axis] = remainder % sample[axis];
                remainder /= sample[axis];
            }
            for (int axis = 0; axis < sample.Length; axis++)
            {
                source = source * aligned[axis] + (aligned[axis] == 1 ? 0 : index[axis]);
            }
            result[flat] = constant.Floats![source];
        }
        return result;
    }
}
