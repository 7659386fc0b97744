using NetGen.IO;

namespace NetGen.Tool.Import.Importers;

/// <summary><c>[Conv2D(filters, kh, kw, activation, Stride = …, Padding = …)]</c>: weight [filters, C, kh, kw], bias [filters].</summary>
internal sealed class ImportedConv2D(int filters, int channels, int kernelHeight, int kernelWidth) : WeightedLayer
{
    public override string Kind => "Conv2D";

    public override string NameStem => "conv";

    public override int Units { get; } = filters;

    public float[] Weight { get; set; } = [];

    public int Stride { get; set; } = 1;

    public Padding Padding { get; set; } = Padding.Valid;

    protected override IEnumerable<string> Arguments() =>
        kernelHeight == kernelWidth
            ? [Int(Units), Int(kernelHeight), .. ActivationArgument()]
            : [Int(Units), Int(kernelHeight), Int(kernelWidth), .. ActivationArgument()];

    protected override IEnumerable<(string, string)> Options()
    {
        foreach ((string, string) alpha in AlphaOption())
        {
            yield return alpha;
        }
        if (Stride != 1)
        {
            yield return ("Stride", Int(Stride));
        }
        if (Padding != Padding.Valid)
        {
            yield return ("Padding", $"Padding.{Padding}");
        }
    }

    public override IEnumerable<SafeTensor> Tensors() =>
        [Tensor(".weight", [Units, channels, kernelHeight, kernelWidth], Weight), .. BiasTensor()];
}

/// <summary>
/// <c>Conv</c> (2-D, group 1, dilation 1, one stride for both axes): padding none (Valid) or exactly what
/// <see cref="Padding.Same"/> adds for this input (PyTorch's <c>padding=k//2</c> at stride 1 with an odd kernel).
/// </summary>
internal sealed class ConvImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.Next("Conv") is not { } conv || conv.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(conv);
        if (context.Shape is not [int channels, int height, int width])
        {
            context.Problem(conv, $"Conv on samples of shape {ImportContext.Format(context.Shape)}; Conv2D takes [channels, height, width]");
            return context.Stop();
        }
        if (context.FloatConstant(conv, 1, "weight") is not { Shape: [int filters, int weightChannels, int kh, int kw] } weight)
        {
            if (!context.IsReported(conv))
            {
                context.Problem(conv, "a Conv whose weight is not [filters, channels, kh, kw]; NetGen's Conv2D is 2-D");
            }
            return context.Stop();
        }
        if (!Spatial.Check(context, conv, out int stride, allowGroups: false))
        {
            return context.Stop();
        }
        if (weightChannels != channels)
        {
            context.Problem(conv, $"weight '{weight.Name}' {ImportContext.Format(weight.Shape)} for {channels} input channels");
            return context.Stop();
        }
        long[] pads = conv.Ints("pads") ?? [0, 0, 0, 0];
        string autoPad = conv.String("auto_pad") ?? "NOTSET";
        (int top, int bottom) same = Spatial.SamePadding(height, kh, stride);
        (int left, int right) sameWidth = Spatial.SamePadding(width, kw, stride);
        Padding padding;
        if (autoPad == "VALID" || (autoPad == "NOTSET" && pads.All(pad => pad == 0)))
        {
            padding = Padding.Valid;
        }
        else if (autoPad == "SAME_UPPER" || (autoPad == "NOTSET" && pads.SequenceEqual([same.top, sameWidth.left, same.bottom, sameWidth.right])))
        {
            padding = Padding.Same;
        }
        else
        {
            context.Problem(conv, $"pads [{string.Join(", ", pads)}] (auto_pad {autoPad}) on a {height}×{width} input; NetGen's Conv2D pads none (Valid) or as TensorFlow's \"same\" ([{same.top}, {sameWidth.left}, {same.bottom}, {sameWidth.right}] here)");
            return context.Stop();
        }
        int outHeight = padding == Padding.Same ? (height + stride - 1) / stride : (height - kh) / stride + 1;
        int outWidth = padding == Padding.Same ? (width + stride - 1) / stride : (width - kw) / stride + 1;
        var layer = new ImportedConv2D(filters, channels, kh, kw) { Weight = weight.Floats!, Stride = stride, Padding = padding };
        if (conv.Input(2) is not null)
        {
            layer.Bias = DenseImporter.Bias(context, conv, 2, filters);
        }
        layer.SourceName = LayerNames.FromTensor(weight.Name) ?? LayerNames.FromTensor(conv.Input(2)) ?? conv.Scope();
        context.Layers.Add(layer);
        context.Advance(conv.Output(0)!, [filters, outHeight, outWidth]);
        return true;
    }
}

/// <summary>The attributes convolutions and pooling share, checked against what NetGen's layers express.</summary>
internal static class Spatial
{
    /// <summary>2-D, dilation 1, group 1 (where asked), one stride for both axes; problems recorded, false on any.</summary>
    public static bool Check(ImportContext context, OnnxNode node, out int stride, bool allowGroups)
    {
        long[] strides = node.Ints("strides") ?? [1, 1];
        long[] dilations = node.Ints("dilations") ?? [1, 1];
        stride = (int)strides[0];
        var problems = new List<string>();
        if (strides.Length != 2 || strides[0] != strides[1])
        {
            problems.Add($"strides [{string.Join(", ", strides)}]; NetGen's layers have one stride for both axes");
        }
        if (dilations.Any(dilation => dilation != 1))
        {
            problems.Add($"dilations [{string.Join(", ", dilations)}]; NetGen's layers have none (1)");
        }
        if (!allowGroups && node.Int("group", 1) != 1)
        {
            problems.Add($"group {node.Int("group", 1)}; NetGen's convolutions are not grouped (1)");
        }
        foreach (string problem in problems)
        {
            context.Problem(node, problem);
        }
        return problems.Count == 0;
    }

    /// <summary>TensorFlow's "same": output ⌈n / stride⌉, the odd pixel of padding at the end.</summary>
    public static (int Before, int After) SamePadding(int size, int kernel, int stride)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }
}
