using NetGen.IO;

namespace NetGen.Tool.Import.Importers;

/// <summary><c>[ConvTranspose2D(channels, kh, kw, activation, Stride = …, Padding = …, OutputPadding = …)]</c>: weight [C, channels, kh, kw].</summary>
internal sealed class ImportedConvTranspose2D(int channels, int inputChannels, int kernelHeight, int kernelWidth) : WeightedLayer
{
    public override string Kind => "ConvTranspose2D";

    public override string NameStem => "deconv";

    public override int Units { get; } = channels;

    public float[] Weight { get; set; } = [];

    public int Stride { get; set; } = 1;

    public int Padding { get; set; }

    public int OutputPadding { get; set; }

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
        if (Padding != 0)
        {
            yield return ("Padding", Int(Padding));
        }
        if (OutputPadding != 0)
        {
            yield return ("OutputPadding", Int(OutputPadding));
        }
    }

    public override IEnumerable<SafeTensor> Tensors() =>
        [Tensor(".weight", [inputChannels, Units, kernelHeight, kernelWidth], Weight), .. BiasTensor()];
}

/// <summary><c>ConvTranspose</c> (2-D, group 1, dilation 1, the same padding on every side, as PyTorch's ConvTranspose2d).</summary>
internal sealed class ConvTransposeImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.Next("ConvTranspose") is not { } node || node.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(node);
        if (context.Shape is not [int inputChannels, int height, int width])
        {
            context.Problem(node, $"ConvTranspose on samples of shape {ImportContext.Format(context.Shape)}; ConvTranspose2D takes [channels, height, width]");
            return context.Stop();
        }
        if (context.FloatConstant(node, 1, "weight") is not { Shape: [int weightChannels, int channels, int kh, int kw] } weight || weightChannels != inputChannels)
        {
            if (!context.IsReported(node))
            {
                context.Problem(node, $"a weight that is not [{inputChannels}, channels, kh, kw]");
            }
            return context.Stop();
        }
        if (!Spatial.Check(context, node, out int stride, allowGroups: false))
        {
            return context.Stop();
        }
        long[] pads = node.Ints("pads") ?? [0, 0, 0, 0];
        long[] outputPadding = node.Ints("output_padding") ?? [0, 0];
        string autoPad = node.String("auto_pad") ?? "NOTSET";
        if (pads.Distinct().Count() > 1 || outputPadding.Distinct().Count() > 1 || autoPad != "NOTSET" || node.Attribute("output_shape") is not null)
        {
            context.Problem(node, $"pads [{string.Join(", ", pads)}], output_padding [{string.Join(", ", outputPadding)}], auto_pad {autoPad}{(node.Attribute("output_shape") is null ? "" : ", output_shape")}; NetGen's ConvTranspose2D has one padding and one output padding for every side");
            return context.Stop();
        }
        int padding = (int)pads[0], extra = (int)outputPadding[0];
        var layer = new ImportedConvTranspose2D(channels, inputChannels, kh, kw)
        {
            Weight = weight.Floats!, Stride = stride, Padding = padding, OutputPadding = extra,
        };
        if (node.Input(2) is not null)
        {
            layer.Bias = DenseImporter.Bias(context, node, 2, channels);
        }
        layer.SourceName = LayerNames.FromTensor(weight.Name) ?? LayerNames.FromTensor(node.Input(2)) ?? node.Scope();
        context.Layers.Add(layer);
        int Out(int size, int kernel) => (size - 1) * stride - 2 * padding + kernel + extra;
        context.Advance(node.Output(0)!, [channels, Out(height, kh), Out(width, kw)]);
        return true;
    }
}
