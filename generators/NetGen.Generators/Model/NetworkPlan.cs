using NetGen.Generators.Layers;

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
    Loss Loss,
    EquatableArray<int> InputShape,
    EquatableArray<PlannedLayer> Layers,
    int ParameterCount)
{
    public int InputSize => Shapes.ShapeInference.Product(InputShape);

    /// <summary>An autoencoder's code layer (its index in <see cref="Layers"/>), whose output is the code; −1 for a network that is not one.</summary>
    public int CodeLayer { get; init; } = -1;

    public bool IsAutoencoder => CodeLayer >= 0;

    /// <summary>The last layer, whose outputs are the network's: shape inference lets only an output kind end a network.</summary>
    public IOutputLayer OutputLayer => (IOutputLayer)Layers[Layers.Count - 1];
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

/// <summary>
/// Batch normalisation per feature or per channel, fused into a Dense layer or a Conv2D or as a pass of its own: γ, β,
/// the running mean and the running variance, each [units] (or [channels]), one after the other from <see cref="GammaOffset"/>.
/// </summary>
public sealed record PlannedBatchNorm(string Name, string MemberName, int GammaOffset, int Units, float Momentum, float Epsilon)
{
    public int BetaOffset => GammaOffset + Units;

    public int RunningMeanOffset => GammaOffset + 2 * Units;

    public int RunningVarianceOffset => GammaOffset + 3 * Units;
}

/// <summary>Inverted dropout with its declared rate.</summary>
public sealed record PlannedDropout(string Name, float Rate);
