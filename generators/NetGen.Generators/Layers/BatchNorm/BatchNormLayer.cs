using System.Globalization;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary><c>[BatchNorm(Momentum = …, Epsilon = …)]</c>: batch normalisation of what the layer above gives.</summary>
public sealed record BatchNormSpec(double Momentum, double Epsilon, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "BatchNorm";

    internal static BatchNormSpec Read(LayerAttribute attribute) =>
        new(
            attribute.Named("Momentum") is double momentum ? momentum : 0.1,
            attribute.Named("Epsilon") is double epsilon ? epsilon : 1e-5,
            attribute.Name,
            attribute.Location);

    /// <summary>Momentum in (0, 1], ε positive; and nothing after the output layer.</summary>
    internal override void Check(PlanningContext context)
    {
        Regularizers.CheckPlacement(this, context);
        // Checked as the floats the kernels use: 5E-324 is 0 there (a batch of one would divide by zero), 1e300 infinite.
        if (!((float)Momentum > 0 && (float)Momentum <= 1))
        {
            context.Report(DiagnosticDescriptors.RegularizerValueOutOfRange, Location, "BatchNorm", context.Name, "Momentum", Regularizers.Format(Momentum, Momentum > 0 && Momentum <= 1), "in (0, 1]");
        }
        if (!((float)Epsilon > 0 && !float.IsInfinity((float)Epsilon)))
        {
            context.Report(DiagnosticDescriptors.RegularizerValueOutOfRange, Location, "BatchNorm", context.Name, "Epsilon", Regularizers.Format(Epsilon, Epsilon > 0 && !double.IsInfinity(Epsilon)), "positive and finite");
        }
    }

    /// <summary>
    /// Per feature of a flat input, per channel of an image (the first dimension, as PyTorch's BatchNorm1d and
    /// BatchNorm2d). Fused into its host, whose plan placed its tensors; on its own, γ, β and the running statistics
    /// [features] each take the next places in the buffer.
    /// </summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        int features = context.Shape[0];
        int host = context.Fusion.HostOf(context.Index);
        if (host >= 0)
        {
            // The host planned the tensors; this row repeats its plan for the layer table.
            return new PlannedBatchNormLayer(
                context.Name, context.MemberName, context.Shape, context.Shape, context.PlanBatchNorm(context.Index, -1, features), context.NameOf(host));
        }
        long offset = context.Offset + 4L * features;
        if (!context.Fits(offset, $"The parameters up to BatchNorm '{context.Name}'", Location))
        {
            return null;
        }
        PlannedBatchNorm batchNorm = context.PlanBatchNorm(context.Index, (int)context.Offset, features);
        context.Offset = offset;
        return new PlannedBatchNormLayer(context.Name, context.MemberName, context.Shape, context.Shape, batchNorm, Host: null);
    }
}

/// <summary>A [BatchNorm] row: fused into <paramref name="Host"/>'s epilogue, or (Host null) a pass of its own.</summary>
/// <param name="BatchNorm">Its tensors; where fused, its host's plan holds the offsets in effect.</param>
public sealed record PlannedBatchNormLayer(
    string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, PlannedBatchNorm BatchNorm, string? Host)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => "BatchNorm";

    /// <summary>C: the features (flat input) or channels (image) normalised.</summary>
    public int Channels => InputShape[0];

    /// <summary>P: the positions of each channel (1 for a flat input).</summary>
    public int Pixels => ShapeInference.Product(InputShape) / InputShape[0];
}

/// <summary>Placement rules and formatting shared by [BatchNorm] and [Dropout].</summary>
internal static class Regularizers
{
    /// <summary>
    /// A setting as written, and, where only its float is out of range (<paramref name="validAsDouble"/>), as the
    /// kernels would use it: "0.99999999999 (1 as a float)".
    /// </summary>
    public static string Format(double value, bool validAsDouble)
    {
        string written = value.ToString("R", CultureInfo.InvariantCulture);
        return validAsDouble ? $"{written} ({((float)value).ToString("R", CultureInfo.InvariantCulture)} as a float)" : written;
    }

    /// <summary>
    /// NG0027 after the output layer: dropping or normalising the network's outputs changes what it predicts and
    /// what the loss compares. Every other placement runs, fused or as a pass of its own.
    /// </summary>
    public static void CheckPlacement(LayerSpec layer, PlanningContext context)
    {
        if (context.OutputIndex >= 0 && context.Index > context.OutputIndex)
        {
            context.Report(
                DiagnosticDescriptors.RegularizerMisplaced, layer.Location, layer.Kind, context.Name,
                $"comes after the output layer '{context.NameOf(context.OutputIndex)}': {(layer switch { DropoutSpec => "dropping", NoiseSpec => "corrupting", _ => "normalising" })} the outputs would change what the network predicts and what the loss compares");
        }
    }
}
