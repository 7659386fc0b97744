using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary>
/// <c>[MaskingNoise(rate)]</c> or <c>[GaussianNoise(standardDeviation)]</c>: the denoising autoencoder's corruption of
/// what the layer above gives, in training only.
/// </summary>
/// <param name="Gaussian">Additive N(0, σ²) noise; otherwise masking noise.</param>
/// <param name="Amount">The masking rate, or σ, as written.</param>
public sealed record NoiseSpec(bool Gaussian, double Amount, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => Gaussian ? "GaussianNoise" : "MaskingNoise";

    internal static NoiseSpec ReadMasking(LayerAttribute attribute) => new(false, attribute.Double(0, double.NaN), attribute.Name, attribute.Location);

    internal static NoiseSpec ReadGaussian(LayerAttribute attribute) => new(true, attribute.Double(0, double.NaN), attribute.Name, attribute.Location);

    /// <summary>A rate in [0, 1) or a finite σ ≥ 0 (checked as the float the kernels use); and nothing after the output layer.</summary>
    internal override void Check(PlanningContext context)
    {
        Regularizers.CheckPlacement(this, context);
        float amount = (float)Amount;
        if (Gaussian && !(amount >= 0 && !float.IsInfinity(amount)))
        {
            context.Report(
                DiagnosticDescriptors.RegularizerValueOutOfRange, Location, Kind, context.Name, "the standard deviation",
                Regularizers.Format(Amount, Amount >= 0 && !double.IsInfinity(Amount)), "finite and ≥ 0");
        }
        else if (!Gaussian && !(amount >= 0 && amount < 1))
        {
            context.Report(
                DiagnosticDescriptors.RegularizerValueOutOfRange, Location, Kind, context.Name, "the rate", Regularizers.Format(Amount, Amount >= 0 && Amount < 1), "in [0, 1)");
        }
    }

    /// <summary>Element-wise: a sequence stays one.</summary>
    internal override bool GivesSequence(bool sequenceIn) => sequenceIn;

    /// <summary>The shape passes through: a pass of its own.</summary>
    internal override PlannedLayer? Plan(PlanningContext context) =>
        new PlannedNoise(context.Name, context.MemberName, context.Shape, context.Shape, Gaussian, (float)Amount);
}

/// <summary>A noise layer: masking with rate <paramref name="Amount"/>, or Gaussian with σ = <paramref name="Amount"/>.</summary>
public sealed record PlannedNoise(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, bool Gaussian, float Amount)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => Gaussian ? "GaussianNoise" : "MaskingNoise";
}
