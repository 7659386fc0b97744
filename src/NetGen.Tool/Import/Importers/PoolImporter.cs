namespace NetGen.Tool.Import.Importers;

/// <summary><c>[MaxPool2D(size, Stride = …)]</c> or <c>[AvgPool2D(size, Stride = …)]</c>.</summary>
internal sealed class ImportedPool(bool isMax, int size, int stride) : ImportedLayer
{
    public override string Kind => isMax ? "MaxPool2D" : "AvgPool2D";

    public override string NameStem => isMax ? "maxpool" : "avgpool";

    protected override IEnumerable<string> Arguments() => [Int(size)];

    protected override IEnumerable<(string, string)> Options() => stride == size ? [] : [("Stride", Int(stride))];
}

/// <summary><c>MaxPool</c> / <c>AveragePool</c>: a square window, one stride, no padding, floor mode (PyTorch's defaults).</summary>
internal sealed class PoolImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.SingleConsumer() is not { OpType: "MaxPool" or "AveragePool" } node)
        {
            return false;
        }
        context.Consume(node);
        bool isMax = node.OpType == "MaxPool";
        long[] kernel = node.Ints("kernel_shape") ?? [];
        if (context.Shape is not [int channels, int height, int width] || kernel.Length != 2)
        {
            context.Problem(node, $"{node.OpType} on samples of shape {ImportContext.Format(context.Shape)}; NetGen pools [channels, height, width] in 2-D");
            return context.Stop();
        }
        bool fits = Spatial.Check(context, node, out int stride, allowGroups: true);
        long[] pads = node.Ints("pads") ?? [0, 0, 0, 0];
        var problems = new List<string>();
        if (kernel[0] != kernel[1])
        {
            problems.Add($"a {kernel[0]}×{kernel[1]} window; NetGen's pooling windows are square");
        }
        if (pads.Any(pad => pad != 0) || (node.String("auto_pad") ?? "NOTSET") is not ("NOTSET" or "VALID"))
        {
            problems.Add($"padding (pads [{string.Join(", ", pads)}]); NetGen's pooling has none");
        }
        if (node.Int("ceil_mode", 0) != 0)
        {
            problems.Add("ceil_mode 1; NetGen's pooling leaves out windows that run past the edge (floor)");
        }
        if (isMax && node.Output(1) is { } indices && context.ConsumersOf(indices).Count > 0)
        {
            problems.Add("its indices are used; NetGen's max pooling gives the values only");
        }
        problems.ForEach(problem => context.Problem(node, problem));
        if (!fits || problems.Count > 0)
        {
            return context.Stop();
        }
        int size = (int)kernel[0];
        context.Layers.Add(new ImportedPool(isMax, size, stride));
        context.Advance(node.Output(0)!, [channels, (height - size) / stride + 1, (width - size) / stride + 1]);
        return true;
    }
}
