using System;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary><c>[Conv2D(filters, kernelHeight, kernelWidth, activation, Stride = …, Padding = …, InputChannels = …)]</c>.</summary>
/// <param name="InputChannels">The channels the declaration expects, or 0 where it declares none.</param>
public sealed record Conv2DSpec(
    int Filters, int KernelHeight, int KernelWidth, int Stride, Padding Padding, int InputChannels,
    Activation Activation, double? Alpha, string? Name, LocationInfo? Location, LocationInfo? AlphaLocation,
    Initializer Initializer = Initializer.GlorotUniform)
    : WeightedLayerSpec(Activation, Alpha, AlphaLocation, Initializer, Name, Location)
{
    public override string Kind => "Conv2D";

    public override string NameStem => "conv";

    /// <summary><c>Conv2D(filters, kernel[, activation])</c> or <c>Conv2D(filters, kernelHeight, kernelWidth[, activation])</c>.</summary>
    internal static Conv2DSpec Read(LayerAttribute attribute)
    {
        var (activation, alpha, alphaLocation, initializer) = ReadActivation(attribute, "Conv2D");
        int kernelHeight = attribute.Int(1);
        int kernelWidth = attribute.LeadingInts >= 3 ? attribute.Int(2) : kernelHeight;
        Padding padding = attribute.Named("Padding") is int paddingValue
            ? attribute.Enum<Padding>(paddingValue, "Padding", $"The padding of layer {attribute.LayerNumber} ({attribute.Name ?? "Conv2D"})")
            : Padding.Valid;
        return new Conv2DSpec(
            attribute.Int(0), kernelHeight, kernelWidth,
            attribute.Named("Stride") is int stride ? stride : 1,
            padding,
            attribute.Named("InputChannels") is int channels ? channels : 0,
            activation, alpha, attribute.Name, attribute.Location, alphaLocation, initializer);
    }

    internal override void Check(PlanningContext context)
    {
        base.Check(context);
        CheckActivation(this, context);
    }

    /// <summary>
    /// Softmax normalises over a sample's outputs, which a convolution's are not; the unit-wise rectifiers run as a
    /// pass of their own that only the dense kernels have. For every convolution kind.
    /// </summary>
    internal static void CheckActivation(WeightedLayerSpec layer, PlanningContext context)
    {
        ActivationTraits activation = ActivationTraits.Of(layer.Activation);
        string? reason = layer.Activation == Activation.Softmax
            ? "normalises over a layer's outputs as class probabilities, and belongs on the last Dense layer"
            : activation.OwnPass is not null
                ? "has a slope per unit or per element that only Dense layers implement"
                : null;
        if (reason is not null)
        {
            context.Report(DiagnosticDescriptors.ActivationNotForConvolution, layer.Location, context.Name, activation.Name, reason, layer.Kind);
        }
    }

    /// <summary>NG0032 where <c>InputChannels = </c> is written and the input has another number of channels.</summary>
    internal static void CheckInputChannels(string kind, int declared, EquatableArray<int> shape, LocationInfo? location, PlanningContext context)
    {
        int channels = shape[0];
        if (declared != 0 && declared != channels)
        {
            string hint = declared > 0 && declared == shape[shape.Count - 1]
                ? $"; samples are [channels, height, width], so {declared}-channel images of {shape[0]}×{shape[1]} are [Input({declared}, {shape[0]}, {shape[1]})]"
                : "";
            context.Report(DiagnosticDescriptors.InputChannelsMismatch, location, context.Name, declared, ShapeInference.FormatShape(shape), channels, channels == 1 ? "" : "s", hint, kind);
        }
    }

    /// <summary>
    /// [C, H, W] → [filters, H_o, W_o]: padding resolved to rows and columns, the output shape, and the weights' place
    /// in the buffer (weight [filters, C, kh, kw], then bias [filters], as PyTorch's <c>Conv2d</c> lists them; with
    /// batch norm fused, as Conv2d(bias=False) + BatchNorm2d).
    /// </summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        string who = $"Conv2D '{name}'";
        foreach ((string what, int value) in new[] { ("filters", Filters), ("the kernel height", KernelHeight), ("the kernel width", KernelWidth), ("Stride", Stride) })
        {
            if (value <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, Location, who, what, value);
                return null;
            }
        }
        EquatableArray<int> shape = context.Shape;
        if (!Windows.RequireImage("Conv2D", name, shape, Location, context.Diagnostics))
        {
            return null;
        }
        int channels = shape[0], height = shape[1], width = shape[2];
        CheckInputChannels(Kind, InputChannels, shape, Location, context);

        (int top, int bottom) = Padding == Padding.Same ? Windows.SamePadding(height, KernelHeight, Stride) : (0, 0);
        (int left, int right) = Padding == Padding.Same ? Windows.SamePadding(width, KernelWidth, Stride) : (0, 0);
        string geometry = $"{KernelHeight}×{KernelWidth}, stride {Stride}{(Padding == Padding.Same ? ", same padding" : "")}";
        var rows = new Windows.Axis("row", height, top + bottom, KernelHeight, Stride);
        var columns = new Windows.Axis("column", width, left + right, KernelWidth, Stride);
        if (!Windows.CheckWindows("Conv2D", name, geometry, shape, rows, columns, "kernel, Padding = Padding.Same, or fewer pooling layers before it", Location, context.Diagnostics))
        {
            return null;
        }

        var planned = new ConvolutionGeometry(
            channels, height, width, Filters, KernelHeight, KernelWidth, Stride, Stride, top, bottom, left, right, rows.Outputs, columns.Outputs);
        (int batchNormIndex, int dropoutIndex) = context.Fusion.FusedInto(context.Index);
        long weightOffset = context.Offset;
        long afterWeights = weightOffset + (long)Filters * channels * KernelHeight * KernelWidth;
        long biasOffset = batchNormIndex >= 0 ? -1 : afterWeights;
        long offset = afterWeights + (batchNormIndex >= 0 ? 4L : 1L) * Filters;
        long outputSize = (long)Filters * rows.Outputs * columns.Outputs;
        if (!context.Fits(Math.Max(offset, outputSize), offset > PlanningContext.MaxArrayLength ? $"The parameters up to {who}" : $"The output of {who}", Location))
        {
            return null;
        }
        // The runtime's scratch (Convolution.ScratchSize): each sample lowered to [K, P] and the parameter gradients'
        // partial sums, at most 2·(F·K + F + K·P + max(F·K, F·P)) floats. Known here, so reported here.
        long patch = (long)channels * KernelHeight * KernelWidth, pixels = (long)rows.Outputs * columns.Outputs;
        long scratch = 2 * (Filters * patch + Filters + patch * pixels + Math.Max(Filters * patch, Filters * pixels));
        if (!context.Fits(scratch, $"The working memory of {who}, each sample lowered to [{patch}, {pixels}],", Location))
        {
            return null;
        }
        context.Offset = offset;
        return new PlannedConvolution(
            name, context.MemberName, shape, new[] { Filters, rows.Outputs, columns.Outputs }.ToEquatableArray(), planned,
            Activation, AlphaAsFloat, (int)weightOffset, (int)biasOffset, Initializer,
            batchNormIndex >= 0 ? context.PlanBatchNorm(batchNormIndex, (int)afterWeights, Filters) : null,
            dropoutIndex >= 0 ? context.PlanDropout(dropoutIndex) : null);
    }
}

/// <summary>
/// A 2-D convolution: <c>weight [Filters, C_in, kh, kw]</c> at <see cref="WeightOffset"/>, <c>bias [Filters]</c> at
/// <see cref="BiasOffset"/>; shapes [C_in, H, W] → [Filters, H_o, W_o].
/// </summary>
public sealed record PlannedConvolution(
    string Name,
    string MemberName,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    ConvolutionGeometry Geometry,
    Activation Activation,
    float? Alpha,
    int WeightOffset,
    int BiasOffset,
    Initializer Initializer,
    PlannedBatchNorm? BatchNorm = null,
    PlannedDropout? Dropout = null)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IOutputLayer
{
    public override string Kind => "Conv2D";

    public int OutputSize => Geometry.Filters * Geometry.OutputHeight * Geometry.OutputWidth;

    /// <summary>Batch norm's β takes the place of the bias, so a normalised convolution has none.</summary>
    public bool HasBias => BatchNorm is null;

    /// <summary>
    /// Batch norm or dropout after it: the convolution then runs under the identity and a pass of its own
    /// normalises, activates and drops (<c>Convolution.ForwardEpilogue</c>).
    /// </summary>
    public bool IsRegularized => BatchNorm is not null || Dropout is not null;

    /// <summary>The filters and the bias, if it has one (batch norm's tensors are counted on its own row).</summary>
    public int ParameterCount => Geometry.WeightSize + (HasBias ? Geometry.Filters : 0);

    public float? EffectiveAlpha => Alpha ?? ActivationTraits.Of(Activation).Parameter?.Default;
}

/// <summary>
/// A convolution's arithmetic, as the runtime's <c>ConvolutionShape</c> takes it: padding already resolved into
/// rows and columns on each side, H_o = (H + top + bottom − kh) / stride_y + 1, W_o likewise.
/// </summary>
public sealed record ConvolutionGeometry(
    int InputChannels, int InputHeight, int InputWidth, int Filters, int KernelHeight, int KernelWidth,
    int StrideY, int StrideX, int PadTop, int PadBottom, int PadLeft, int PadRight, int OutputHeight, int OutputWidth)
{
    /// <summary>K = C_in·kh·kw: the inputs one output reads.</summary>
    public int PatchSize => InputChannels * KernelHeight * KernelWidth;

    public int WeightSize => Filters * PatchSize;

    public bool IsPadded => PadTop + PadBottom + PadLeft + PadRight > 0;
}
