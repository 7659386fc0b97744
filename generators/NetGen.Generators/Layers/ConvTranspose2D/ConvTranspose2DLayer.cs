using System;
using System.Globalization;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary>
/// <c>[ConvTranspose2D(channels, kernelHeight, kernelWidth, activation, Stride = …, Padding = …, OutputPadding = …, InputChannels = …)]</c>.
/// </summary>
/// <param name="Pad">PyTorch's <c>padding</c>, as written; checked when planned.</param>
/// <param name="OutputPadding">PyTorch's <c>output_padding</c>, as written.</param>
/// <param name="InputChannels">The channels the declaration expects, or 0 where it declares none.</param>
public sealed record ConvTransposeSpec(
    int Channels, int KernelHeight, int KernelWidth, int Stride, int Pad, int OutputPadding, int InputChannels,
    Activation Activation, double? Alpha, string? Name, LocationInfo? Location, LocationInfo? AlphaLocation,
    Initializer Initializer = Initializer.GlorotUniform)
    : WeightedLayerSpec(Activation, Alpha, AlphaLocation, Initializer, Name, Location)
{
    public override string Kind => "ConvTranspose2D";

    public override string NameStem => "deconv";

    /// <summary><c>ConvTranspose2D(channels, kernel[, activation])</c> or <c>ConvTranspose2D(channels, kernelHeight, kernelWidth[, activation])</c>.</summary>
    internal static ConvTransposeSpec Read(LayerAttribute attribute)
    {
        var (activation, alpha, alphaLocation, initializer) = ReadActivation(attribute, "ConvTranspose2D");
        int kernelHeight = attribute.Int(1);
        int kernelWidth = attribute.LeadingInts >= 3 ? attribute.Int(2) : kernelHeight;
        return new ConvTransposeSpec(
            attribute.Int(0), kernelHeight, kernelWidth,
            attribute.Named("Stride") is int stride ? stride : 1,
            attribute.Named("Padding") is int padding ? padding : 0,
            attribute.Named("OutputPadding") is int outputPadding ? outputPadding : 0,
            attribute.Named("InputChannels") is int channels ? channels : 0,
            activation, alpha, attribute.Name, attribute.Location, alphaLocation, initializer);
    }

    internal override void Check(PlanningContext context)
    {
        base.Check(context);
        Conv2DSpec.CheckActivation(this, context);
    }

    /// <summary>
    /// [C, H, W] → [channels, H_o, W_o], H_o = (H − 1)·stride − 2·padding + kh + output padding, and the tensors' place:
    /// weight [C, channels, kh, kw], then bias [channels], as PyTorch's <c>ConvTranspose2d</c> lists them.
    /// </summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        string who = $"ConvTranspose2D '{name}'";
        foreach ((string what, int value) in new[] { ("channels", Channels), ("the kernel height", KernelHeight), ("the kernel width", KernelWidth), ("Stride", Stride) })
        {
            if (value <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, Location, who, what, value);
                return null;
            }
        }
        if (Pad < 0 || OutputPadding < 0 || OutputPadding >= Stride)
        {
            (string what, int value, string rule) = Pad < 0
                ? ("Padding", Pad, "at least 0")
                : OutputPadding < 0
                    ? ("OutputPadding", OutputPadding, "at least 0")
                    : ("OutputPadding", OutputPadding,
                        $"less than Stride ({Stride}), as in PyTorch: with stride {Stride}, output sizes {Stride} apart come from the same input size, and OutputPadding picks among those {Stride}");
            context.Report(DiagnosticDescriptors.TransposedPaddingOutOfRange, Location, name, what, value, rule);
            return null;
        }
        EquatableArray<int> shape = context.Shape;
        if (!Windows.RequireImage(Kind, name, shape, Location, context.Diagnostics))
        {
            return null;
        }
        Conv2DSpec.CheckInputChannels(Kind, InputChannels, shape, Location, context);
        int channels = shape[0], height = shape[1], width = shape[2];
        string geometry = Geometry(KernelHeight, KernelWidth, Stride, Pad, OutputPadding);
        long outputHeight = OutputLength(height, KernelHeight), outputWidth = OutputLength(width, KernelWidth);
        foreach ((string axis, int input, int kernel, long output) in new[] { ("row", height, KernelHeight, outputHeight), ("column", width, KernelWidth, outputWidth) })
        {
            if (output < 1)
            {
                context.Report(
                    DiagnosticDescriptors.TransposedConvolutionHasNoOutput, Location, name, geometry, ShapeInference.FormatShape(shape), axis,
                    $"({input} − 1)·{Stride} − 2·{Pad} + {kernel}{(OutputPadding > 0 ? $" + {OutputPadding}" : "")} = {output.ToString(CultureInfo.InvariantCulture)}",
                    Pad, (output + 2L * Pad).ToString(CultureInfo.InvariantCulture));
                return null;
            }
        }

        long weightOffset = context.Offset;
        long biasOffset = weightOffset + (long)channels * Channels * KernelHeight * KernelWidth;
        long offset = biasOffset + Channels;
        long outputSize = Channels * outputHeight * outputWidth;
        if (!context.Fits(Math.Max(offset, outputSize), offset > PlanningContext.MaxArrayLength ? $"The parameters up to {who}" : $"The output of {who}", Location))
        {
            return null;
        }
        // The runtime's scratch is that of the convolution [channels, H_o, W_o] → [C, H, W] it runs on
        // (Convolution.ScratchSize): C filters of K = channels·kh·kw over P = H·W positions, at most
        // 2·(C·K + C + K·P + max(C·K, C·P)) floats.
        long patch = (long)Channels * KernelHeight * KernelWidth, pixels = (long)height * width;
        long scratch = 2 * (channels * patch + channels + patch * pixels + Math.Max(channels * patch, channels * pixels));
        if (!context.Fits(scratch, $"The working memory of {who}, each sample lowered to [{patch}, {pixels}],", Location))
        {
            return null;
        }
        context.Offset = offset;
        var planned = new TransposedGeometry(
            channels, height, width, Channels, KernelHeight, KernelWidth, Stride, Pad, OutputPadding, (int)outputHeight, (int)outputWidth);
        return new PlannedConvTranspose(
            name, context.MemberName, shape, new[] { Channels, (int)outputHeight, (int)outputWidth }.ToEquatableArray(), planned,
            Activation, AlphaAsFloat, (int)weightOffset, (int)biasOffset, Initializer);
    }

    /// <summary>H_o = (H − 1)·stride − 2·padding + kh + output padding, in long: a declaration may ask for more than an int.</summary>
    private long OutputLength(int input, int kernel) => (long)(input - 1) * Stride - 2L * Pad + kernel + OutputPadding;

    /// <summary>"3×3, stride 2, padding 1, output padding 1", as messages and the layer table say it.</summary>
    public static string Geometry(int kernelHeight, int kernelWidth, int stride, int padding, int outputPadding) =>
        $"{kernelHeight}×{kernelWidth}, stride {stride}{(padding > 0 ? $", padding {padding}" : "")}{(outputPadding > 0 ? $", output padding {outputPadding}" : "")}";
}

/// <summary>
/// A 2-D transposed convolution: <c>weight [C_in, Channels, kh, kw]</c> at <see cref="WeightOffset"/>,
/// <c>bias [Channels]</c> at <see cref="BiasOffset"/>; shapes [C_in, H, W] → [Channels, H_o, W_o].
/// </summary>
public sealed record PlannedConvTranspose(
    string Name,
    string MemberName,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    TransposedGeometry Geometry,
    Activation Activation,
    float? Alpha,
    int WeightOffset,
    int BiasOffset,
    Initializer Initializer)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IOutputLayer
{
    public override string Kind => "ConvTranspose2D";

    public int OutputSize => Geometry.OutputChannels * Geometry.OutputHeight * Geometry.OutputWidth;

    /// <summary>The weights and the bias.</summary>
    public int ParameterCount => Geometry.WeightSize + Geometry.OutputChannels;

    public float? EffectiveAlpha => Alpha ?? ActivationTraits.Of(Activation).Parameter?.Default;

    /// <summary>None: a [BatchNorm] or [Dropout] after a transposed convolution runs as a pass of its own.</summary>
    public PlannedBatchNorm? BatchNorm => null;

    /// <summary>None, as for <see cref="BatchNorm"/>.</summary>
    public PlannedDropout? Dropout => null;
}

/// <summary>
/// A transposed convolution's arithmetic, as the runtime's <c>ConvTransposeShape</c> takes it:
/// H_o = (H − 1)·stride − 2·padding + kh + output padding, W_o likewise.
/// </summary>
public sealed record TransposedGeometry(
    int InputChannels, int InputHeight, int InputWidth, int OutputChannels, int KernelHeight, int KernelWidth,
    int Stride, int Padding, int OutputPadding, int OutputHeight, int OutputWidth)
{
    public int WeightSize => InputChannels * OutputChannels * KernelHeight * KernelWidth;
}
