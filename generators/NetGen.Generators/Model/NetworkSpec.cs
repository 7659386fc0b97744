namespace NetGen.Generators.Model;

// The declaration as written, read from the attributes: no shapes inferred yet, nothing checked
// beyond what only the symbols can tell. Everything here compares by value.

/// <summary>Mirrors <c>NetGen.Loss</c> by number.</summary>
public enum LossKind
{
    MeanSquaredError = 0,
    CrossEntropy = 1,
}

/// <summary>Mirrors <c>NetGen.Initializer</c> by number.</summary>
public enum InitializerKind
{
    GlorotUniform = 0,
    GlorotNormal = 1,
    HeUniform = 2,
    HeNormal = 3,
    Zeros = 4,
}

/// <summary>Mirrors <c>NetGen.Padding</c> by number.</summary>
public enum PaddingKind
{
    Valid = 0,
    Same = 1,
}

/// <summary>Mirrors <c>NetGen.Activation</c> by number.</summary>
public enum ActivationKind
{
    Identity = 0,
    Sigmoid = 1,
    Tanh = 2,
    ReLU = 3,
    Softmax = 4,
    BinaryStep = 5,
    ArcTan = 6,
    ArSinh = 7,
    Softsign = 8,
    ISRU = 9,
    ISRLU = 10,
    SQNL = 11,
    LeakyReLU = 12,
    ELU = 13,
    SELU = 14,
    GELU = 15,
    SiLU = 16,
    Softplus = 17,
    PReLU = 18,
    RReLU = 19,
    BipolarReLU = 20,
}

/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="Loss">From <c>[Network(Loss = …)]</c>.</param>
/// <param name="Location">The <c>[Network]</c> attribute.</param>
/// <param name="Input">From <c>[Input(…)]</c>, or null if there is none.</param>
/// <param name="Layers">The layer attributes in the order written.</param>
public sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    LossKind Loss,
    LocationInfo? Location,
    InputSpec? Input,
    EquatableArray<LayerSpec> Layers);

/// <param name="Dimensions">One sample's dimensions, outermost first, as written.</param>
public sealed record InputSpec(EquatableArray<int> Dimensions, LocationInfo? Location);

/// <summary>One layer attribute.</summary>
/// <param name="Name">The <c>Name =</c> given, or null for the default.</param>
/// <param name="Location">The attribute, where diagnostics about the layer point.</param>
public abstract record LayerSpec(string? Name, LocationInfo? Location)
{
    /// <summary>The kind as users write it, e.g. <c>Dense</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The stem of default names, numbered per kind: <c>dense1</c>, <c>conv1</c>, <c>maxpool1</c>.</summary>
    public virtual string NameStem => Kind.ToLowerInvariant();
}

/// <summary>A layer with weights and an activation: what <c>Alpha =</c> and <c>Initializer =</c> apply to.</summary>
/// <param name="Alpha">The activation's parameter if <c>Alpha =</c> is written, else null; not checked yet.</param>
/// <param name="AlphaLocation">The <c>Alpha = …</c> argument, where diagnostics about it point.</param>
public abstract record WeightedLayerSpec(
    ActivationKind Activation, double? Alpha, LocationInfo? AlphaLocation, InitializerKind Initializer, string? Name, LocationInfo? Location)
    : LayerSpec(Name, Location);

/// <summary><c>[Flatten]</c>.</summary>
public sealed record FlattenSpec(string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "Flatten";
}

/// <summary><c>[Dense(units, activation, Alpha = …)]</c>.</summary>
public sealed record DenseSpec(
    int Units, ActivationKind Activation, double? Alpha, string? Name, LocationInfo? Location, LocationInfo? AlphaLocation,
    InitializerKind Initializer = InitializerKind.GlorotUniform)
    : WeightedLayerSpec(Activation, Alpha, AlphaLocation, Initializer, Name, Location)
{
    public override string Kind => "Dense";
}

/// <summary><c>[Conv2D(filters, kernelHeight, kernelWidth, activation, Stride = …, Padding = …, InputChannels = …)]</c>.</summary>
/// <param name="InputChannels">The channels the declaration expects, or 0 where it declares none.</param>
public sealed record Conv2DSpec(
    int Filters, int KernelHeight, int KernelWidth, int Stride, PaddingKind Padding, int InputChannels,
    ActivationKind Activation, double? Alpha, string? Name, LocationInfo? Location, LocationInfo? AlphaLocation,
    InitializerKind Initializer = InitializerKind.GlorotUniform)
    : WeightedLayerSpec(Activation, Alpha, AlphaLocation, Initializer, Name, Location)
{
    public override string Kind => "Conv2D";

    public override string NameStem => "conv";
}

/// <summary><c>[MaxPool2D(size, Stride = …)]</c> or <c>[AvgPool2D(size, Stride = …)]</c>.</summary>
/// <param name="Stride">As written; 0 means the window's size.</param>
public sealed record PoolingSpec(bool IsMax, int Size, int Stride, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => IsMax ? "MaxPool2D" : "AvgPool2D";

    public override string NameStem => IsMax ? "maxpool" : "avgpool";

    /// <summary>The stride in effect: the window's size unless written.</summary>
    public int EffectiveStride => Stride == 0 ? Size : Stride;
}

/// <summary><c>[Dropout(rate)]</c>: inverted dropout on the outputs of the Dense layer above it.</summary>
public sealed record DropoutSpec(double Rate, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "Dropout";
}

/// <summary><c>[BatchNorm]</c>: batch normalisation of the pre-activation of the Dense layer above it.</summary>
public sealed record BatchNormSpec(double Momentum, double Epsilon, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "BatchNorm";
}

/// <summary>A value and the diagnostics found while making it; the value is null when an error stops the step.</summary>
public sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class;
