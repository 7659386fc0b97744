using NetGen.Generators.Shapes;

namespace NetGen.Generators.Model;

// The declaration as written, read from the attributes: no shapes inferred yet, nothing checked
// beyond what only the symbols can tell. Everything here compares by value.

/// <param name="Namespace">The class's namespace, or null for the global namespace.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="Loss">From <c>[Network(Loss = …)]</c>.</param>
/// <param name="Location">The <c>[Network]</c> attribute.</param>
/// <param name="Input">From <c>[Input(…)]</c>, or null if there is none.</param>
/// <param name="Layers">The layer attributes in the order written.</param>
public sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    Loss Loss,
    LocationInfo? Location,
    InputSpec? Input,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>The names of the members the user declared on the class (constructors aside), ordinal order.</summary>
    public EquatableArray<string> UserMembers { get; init; } = EquatableArray<string>.Empty;

    /// <summary>From <c>[Autoencoder(…)]</c>, or null for a network that is not an autoencoder.</summary>
    public AutoencoderSpec? Autoencoder { get; init; }
}

/// <param name="Code">The code layer's name as written (null if the argument is null).</param>
/// <param name="Location">The <c>[Autoencoder]</c> attribute.</param>
public sealed record AutoencoderSpec(string? Code, LocationInfo? Location);

/// <param name="Dimensions">One sample's dimensions, outermost first, as written.</param>
/// <param name="Sequence">From <c>Sequence = true</c>: the sample is [steps, features], for recurrent layers.</param>
public sealed record InputSpec(EquatableArray<int> Dimensions, LocationInfo? Location, bool Sequence = false);

/// <summary>One layer attribute. Each kind's record, with its reading, checks and shape rule, lives in <c>Layers/</c>.</summary>
/// <param name="Name">The <c>Name =</c> given, or null for the default.</param>
/// <param name="Location">The attribute, where diagnostics about the layer point.</param>
public abstract record LayerSpec(string? Name, LocationInfo? Location)
{
    /// <summary>The kind as users write it, e.g. <c>Dense</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The stem of default names, numbered per kind: <c>dense1</c>, <c>conv1</c>, <c>maxpool1</c>.</summary>
    public virtual string NameStem => Kind.ToLowerInvariant();

    /// <summary>Rules about the layer that hold whatever the shapes: checked for every layer before any shape is inferred.</summary>
    internal virtual void Check(PlanningContext context)
    {
    }

    /// <summary>
    /// Whether the layer's output is a sequence [steps, units] that recurrent layers read step by step, given whether
    /// its input is one. Most kinds give none (a Flatten, a convolution); element-wise passes keep what comes in.
    /// </summary>
    internal virtual bool GivesSequence(bool sequenceIn) => false;

    /// <summary>The layer's shape rule: its plan for one sample of <see cref="PlanningContext.Shape"/>, or null (with a diagnostic) where that shape does not fit it.</summary>
    internal abstract PlannedLayer? Plan(PlanningContext context);
}

/// <summary>A value and the diagnostics found while making it; the value is null when an error stops the step.</summary>
public sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class
{
    /// <summary>
    /// The class to stand in for when <see cref="Value"/> is null, or null where no stand-in can compile (the class is
    /// not a plain partial class). It keeps every use of the class compiling, so the NG errors are the only errors.
    /// </summary>
    public NetworkIdentity? StandIn { get; init; }
}

/// <summary>A network class by name, for its stand-in when its declaration has errors.</summary>
public sealed record NetworkIdentity(string? Namespace, string ClassName)
{
    /// <summary>Whether the declaration says <c>[Autoencoder]</c>: the stand-in then has <c>Encode</c> and <c>Decode</c> too.</summary>
    public bool IsAutoencoder { get; init; }
}
