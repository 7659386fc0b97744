using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;

namespace NetGen.Generators.Shapes;

/// <summary>
/// What a layer kind's checks and shape rule see while <see cref="ShapeInference"/> walks the declaration: the
/// layer's name and place, the shape coming in, the next free place in the parameter buffer, where batch norm and
/// dropout are fused, and the diagnostics found so far.
/// </summary>
internal sealed class PlanningContext(NetworkSpec spec, string[] names, FusionPlan fusion, int outputIndex, List<DiagnosticInfo> diagnostics)
{
    /// <summary>The longest .NET float array: the parameter buffer and each sample are one array or slice.</summary>
    public const long MaxArrayLength = 0x7FFFFFC7;

    public NetworkSpec Spec => spec;

    public EquatableArray<LayerSpec> Layers => spec.Layers;

    public FusionPlan Fusion => fusion;

    /// <summary>The index of the output layer, the last of a kind that can end a network; −1 if there is none.</summary>
    public int OutputIndex => outputIndex;

    /// <summary>The layer being checked or planned.</summary>
    public int Index { get; set; }

    public string Name => names[Index];

    public string MemberName => ShapeInference.MemberName(Name);

    public string NameOf(int index) => names[index];

    /// <summary>The layers planned so far, in order: those before the one being planned.</summary>
    public List<PlannedLayer> Planned { get; } = new();

    /// <summary>One sample's shape coming into the layer.</summary>
    public EquatableArray<int> Shape { get; set; }

    /// <summary>Whether <see cref="Shape"/> is a sequence [steps, features] (<see cref="LayerSpec.GivesSequence"/>).</summary>
    public bool IsSequence { get; set; }

    /// <summary>The layer that gave the shape coming in, or null where it is the network's input.</summary>
    public PlannedLayer? Below => Planned.Count > 0 ? Planned[Planned.Count - 1] : null;

    /// <summary>The next free place in the parameter buffer; may run past <see cref="MaxArrayLength"/>, which the kinds check.</summary>
    public long Offset { get; set; }

    public List<DiagnosticInfo> Diagnostics => diagnostics;

    public bool HasErrors => diagnostics.Exists(diagnostic => diagnostic.IsError);

    public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>NG0019 where <paramref name="size"/> is more than one array holds; true where it fits.</summary>
    public bool Fits(long size, string what, LocationInfo? location)
    {
        if (size <= MaxArrayLength)
        {
            return true;
        }
        Report(
            DiagnosticDescriptors.TooLarge, location, what,
            size.ToString("N0", CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture));
        return false;
    }

    /// <summary>Batch norm's four tensors, [features] each from <paramref name="gammaOffset"/>, for layer <paramref name="index"/>.</summary>
    public PlannedBatchNorm PlanBatchNorm(int index, int gammaOffset, int features)
    {
        var normalization = (BatchNormSpec)Layers[index];
        return new PlannedBatchNorm(names[index], ShapeInference.MemberName(names[index]), gammaOffset, features, (float)normalization.Momentum, (float)normalization.Epsilon);
    }

    public PlannedDropout PlanDropout(int index) => new(names[index], (float)((DropoutSpec)Layers[index]).Rate);
}
