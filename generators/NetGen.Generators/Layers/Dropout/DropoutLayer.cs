using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary><c>[Dropout(rate)]</c>: inverted dropout on what the layer above gives, in training only.</summary>
public sealed record DropoutSpec(double Rate, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "Dropout";

    internal static DropoutSpec Read(LayerAttribute attribute) => new(attribute.Double(0, double.NaN), attribute.Name, attribute.Location);

    /// <summary>A rate in [0, 1); and nothing after the output layer.</summary>
    internal override void Check(PlanningContext context)
    {
        Regularizers.CheckPlacement(this, context);
        // The kernels use the rate as a float: 0.99999999999 is 1 there, which would drop every unit.
        if (!((float)Rate >= 0 && (float)Rate < 1))
        {
            context.Report(
                DiagnosticDescriptors.RegularizerValueOutOfRange, Location, "Dropout", context.Name, "the rate", Regularizers.Format(Rate, Rate >= 0 && Rate < 1), "in [0, 1)");
        }
    }

    /// <summary>Element-wise: a sequence stays one.</summary>
    internal override bool GivesSequence(bool sequenceIn) => sequenceIn;

    /// <summary>The shape passes through; fused into its host, or a pass of its own.</summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        int host = context.Fusion.HostOf(context.Index);
        return new PlannedDropoutLayer(context.Name, context.MemberName, context.Shape, context.Shape, context.PlanDropout(context.Index), host >= 0 ? context.NameOf(host) : null);
    }
}

/// <summary>A [Dropout] row: fused into <paramref name="Host"/>'s epilogue, or (Host null) a pass of its own.</summary>
public sealed record PlannedDropoutLayer(
    string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, PlannedDropout Dropout, string? Host)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => "Dropout";
}
