using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary>A layer with weights and an activation (Dense, Conv2D, ConvTranspose2D): what <c>Alpha =</c> and <c>Initializer =</c> apply to.</summary>
/// <param name="Alpha">The activation's parameter if <c>Alpha =</c> is written, else null; not checked yet.</param>
/// <param name="AlphaLocation">The <c>Alpha = …</c> argument, where diagnostics about it point.</param>
public abstract record WeightedLayerSpec(
    Activation Activation, double? Alpha, LocationInfo? AlphaLocation, Initializer Initializer, string? Name, LocationInfo? Location)
    : LayerSpec(Name, Location)
{
    /// <summary>The activation's parameter as the kernels take it (in float), or null for its default.</summary>
    public float? AlphaAsFloat => Alpha is { } given ? (float)given : null;

    /// <summary>
    /// <c>Alpha =</c> must be in the activation's range (checked in float, the precision the kernels use), and only for
    /// activations that take a parameter: one that would be ignored is an error, since the network trained would not
    /// be the one the declaration seems to describe. Binary step stops every gradient below it: a warning.
    /// </summary>
    internal override void Check(PlanningContext context)
    {
        string who = $"{Kind} '{context.Name}'";
        ActivationTraits activation = ActivationTraits.Of(Activation);
        if (Alpha is { } alpha)
        {
            string written = alpha.ToString("R", CultureInfo.InvariantCulture);
            if (activation.Parameter is not { } parameter)
            {
                context.Report(DiagnosticDescriptors.ActivationTakesNoParameter, AlphaLocation, who, written, activation.Name);
            }
            else if (!parameter.IsValid((float)alpha))
            {
                context.Report(DiagnosticDescriptors.ActivationParameterOutOfRange, AlphaLocation, who, written, parameter.Symbol, activation.Name, parameter.ValidRange);
            }
        }
        if (Activation == Activation.BinaryStep)
        {
            string[] frozen = Enumerable.Range(0, context.Index + 1)
                .Where(j => context.Layers[j] is WeightedLayerSpec)
                .Select(j => $"'{context.NameOf(j)}'")
                .ToArray();
            context.Report(DiagnosticDescriptors.BinaryStepStopsGradient, Location, who, JoinWithAnd(frozen));
        }
    }

    /// <summary>'a', 'b' and 'c'.</summary>
    private static string JoinWithAnd(string[] items) =>
        items.Length == 1 ? items[0] : string.Join(", ", items, 0, items.Length - 1) + " and " + items[items.Length - 1];

    /// <summary>The activation (the constructor argument after the last int), <c>Alpha =</c> and <c>Initializer =</c>.</summary>
    internal static (Activation Activation, double? Alpha, LocationInfo? AlphaLocation, Initializer Initializer) ReadActivation(LayerAttribute attribute, string kind)
    {
        string layer = $"layer {attribute.LayerNumber} ({attribute.Name ?? kind})";
        int ints = attribute.LeadingInts;
        Activation activation = attribute.Value(ints) is int activationValue
            ? attribute.Enum<Activation>(activationValue, "Activation", $"The activation of {layer}")
            : Activation.Identity;
        // Written or not is what counts, not the value: the property's NaN default is never read here.
        double? alpha = attribute.Named("Alpha") is double given ? given : null;
        LocationInfo? alphaLocation = alpha is null ? null : attribute.NamedLocation("Alpha") ?? attribute.Location;
        Initializer initializer = attribute.Named("Initializer") is int initializerValue
            ? attribute.Enum<Initializer>(initializerValue, "Initializer", $"The initializer of {layer}")
            : Initializer.GlorotUniform;
        return (activation, alpha, alphaLocation, initializer);
    }
}

/// <summary>A layer with weights and an activation fused into the pass that computes it: Dense, Conv2D or ConvTranspose2D.</summary>
public interface IActivatedLayer
{
    string Name { get; }

    string MemberName { get; }

    string Kind { get; }

    Activation Activation { get; }

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
/// A layer that may end a network (<see cref="Shapes.ShapeInference.OutputKinds"/>): its outputs are what the loss
/// compares, <see cref="OutputSize"/> numbers per sample, and the loss forms its δ with its f' included.
/// </summary>
public interface IOutputLayer : IActivatedLayer
{
    /// <summary>One sample's output: [units] for a Dense layer, [channels, height, width] for a convolution.</summary>
    EquatableArray<int> OutputShape { get; }

    /// <summary>The numbers in one sample's output: the generated <c>OutputSize</c>.</summary>
    int OutputSize { get; }
}
