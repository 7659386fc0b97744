namespace NetGen.Generators.Model;

// The network after shape inference: every size known, every tensor placed in the parameter
// buffer. Only a plan with no errors reaches the emitter.

/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="InputShape">One sample's dimensions.</param>
/// <param name="Layers">The layers in order, each with its shapes.</param>
/// <param name="ParameterCount">Total length of the parameter buffer.</param>
public sealed record NetworkPlan(
    string? Namespace,
    string ClassName,
    LossKind Loss,
    EquatableArray<int> InputShape,
    EquatableArray<PlannedLayer> Layers,
    int ParameterCount)
{
    public int InputSize => Shapes.ShapeInference.Product(InputShape);

    public PlannedDense OutputLayer => (PlannedDense)Layers[Layers.Count - 1];
}

/// <summary>A layer with its shapes.</summary>
/// <param name="Name">The layer's name (PyTorch key prefix).</param>
/// <param name="MemberName">The name's PascalCase form, used in generated member names.</param>
/// <param name="InputShape">One sample's shape coming in.</param>
/// <param name="OutputShape">One sample's shape going out.</param>
public abstract record PlannedLayer(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape)
{
    public abstract string Kind { get; }
}

/// <summary>A reshape to one dimension; it moves no data.</summary>
public sealed record PlannedFlatten(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => "Flatten";
}

/// <summary>
/// A [BatchNorm] or [Dropout] row of the layer table: the work itself is fused into the Dense layer
/// above it (<see cref="PlannedDense.BatchNorm"/>, <see cref="PlannedDense.Dropout"/>).
/// </summary>
public sealed record PlannedModifier(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, string ModifierKind, int ParameterCount)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => ModifierKind;
}

/// <summary>A fully connected layer: <c>weight [Units, Inputs]</c> at <see cref="WeightOffset"/>, <c>bias [Units]</c> at <see cref="BiasOffset"/>.</summary>
/// <param name="Alpha">The activation's parameter as given in the declaration (checked, in float), or null for its default.</param>
public sealed record PlannedDense(
    string Name,
    string MemberName,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    int Inputs,
    int Units,
    ActivationKind Activation,
    float? Alpha,
    int WeightOffset,
    int BiasOffset,
    PlannedBatchNorm? BatchNorm = null,
    PlannedDropout? Dropout = null,
    int SlopeOffset = -1,
    InitializerKind Initializer = InitializerKind.GlorotUniform)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IActivatedLayer
{
    public override string Kind => "Dense";

    /// <summary>Batch norm's β takes the place of the bias, so a normalised layer has none.</summary>
    public bool HasBias => BatchNorm is null;

    /// <summary>Parametric ReLU's learned slopes, one per unit, at <see cref="SlopeOffset"/>.</summary>
    public bool HasSlopes => SlopeOffset >= 0;

    /// <summary>The weights, the bias if the layer has one, and PReLU's slopes (batch norm's tensors are counted on its own row).</summary>
    public int ParameterCount => Units * Inputs + (HasBias ? Units : 0) + (HasSlopes ? Units : 0);

    /// <summary>The activation's parameter in effect: the one given, or the activation's default; null if it takes none.</summary>
    public float? EffectiveAlpha => Alpha ?? ActivationTraits.Of(Activation).Parameter?.Default;
}

/// <summary>A layer with weights and an activation fused into the pass that computes it: Dense or Conv2D.</summary>
public interface IActivatedLayer
{
    string Name { get; }

    string MemberName { get; }

    string Kind { get; }

    ActivationKind Activation { get; }

    /// <summary>The activation's parameter as given in the declaration, or null for its default.</summary>
    float? Alpha { get; }

    /// <summary>The activation's parameter in effect, or null if it takes none.</summary>
    float? EffectiveAlpha { get; }

    /// <summary>Batch normalisation fused into the layer, if a [BatchNorm] follows it.</summary>
    PlannedBatchNorm? BatchNorm { get; }

    /// <summary>Dropout fused into the layer, if a [Dropout] follows it.</summary>
    PlannedDropout? Dropout { get; }
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
    ActivationKind Activation,
    float? Alpha,
    int WeightOffset,
    int BiasOffset,
    InitializerKind Initializer,
    PlannedBatchNorm? BatchNorm = null,
    PlannedDropout? Dropout = null)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IActivatedLayer
{
    public override string Kind => "Conv2D";

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

/// <summary>Max or average pooling of each channel [C, H, W] → [C, H_o, W_o] by square windows, no padding.</summary>
public sealed record PlannedPooling(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, bool IsMax, int Window, int Stride)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => IsMax ? "MaxPool2D" : "AvgPool2D";
}

/// <summary>
/// Batch normalisation fused into a Dense layer (per unit) or a Conv2D (per channel): γ, β, the running mean and
/// the running variance, each [units] (or [channels]), laid out one after the other from <see cref="GammaOffset"/>.
/// </summary>
public sealed record PlannedBatchNorm(string Name, string MemberName, int GammaOffset, int Units, float Momentum, float Epsilon)
{
    public int BetaOffset => GammaOffset + Units;

    public int RunningMeanOffset => GammaOffset + 2 * Units;

    public int RunningVarianceOffset => GammaOffset + 3 * Units;
}

/// <summary>Inverted dropout fused into a Dense layer's output.</summary>
public sealed record PlannedDropout(string Name, float Rate);
