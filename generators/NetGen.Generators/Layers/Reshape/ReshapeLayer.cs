using System.Globalization;
using System.Linq;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Layers;

/// <summary><c>[Reshape(d1, d2, …)]</c>: one sample's numbers, in order, under another shape.</summary>
/// <param name="Shape">The dimensions as written; checked when planned.</param>
public sealed record ReshapeSpec(EquatableArray<int> Shape, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "Reshape";

    internal static ReshapeSpec Read(LayerAttribute attribute) => new(attribute.Ints(0), attribute.Name, attribute.Location);

    /// <summary>[d1, d2, …] → the shape written, which must hold as many numbers: NG0004 for a dimension below 1, NG0043 for another count.</summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        string who = $"Reshape '{name}'";
        if (Shape.Count == 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, Location, who, "the number of dimensions", 0);
            return null;
        }
        for (int i = 0; i < Shape.Count; i++)
        {
            if (Shape[i] <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, Location, who, $"dimension {i + 1}", Shape[i]);
                return null;
            }
        }
        // In long: the dimensions written may multiply past an int.
        long size = ShapeInference.Product(context.Shape);
        long written = Shape.Aggregate(1L, (product, dimension) => product * dimension);
        if (written != size)
        {
            context.Report(
                DiagnosticDescriptors.ReshapeSizeMismatch, Location, name, ShapeInference.FormatShape(context.Shape), Count(size),
                string.Join(", ", Shape), Shape.Count == 1 ? Count(written) : $"{string.Join(" · ", Shape)} = {Count(written)}", Suggestion(size));
            return null;
        }
        return new PlannedReshape(name, context.MemberName, context.Shape, Shape);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>", such as [32, 7, 7]": the shape written with its first (else last) dimension fitted, where one fits.</summary>
    private string Suggestion(long size)
    {
        foreach (int at in new[] { 0, Shape.Count - 1 }.Distinct())
        {
            long others = 1;
            for (int i = 0; i < Shape.Count; i++)
            {
                others *= i == at ? 1 : Shape[i];
            }
            if (size % others == 0)
            {
                string[] fitted = Shape.Select((dimension, i) => (i == at ? size / others : dimension).ToString(CultureInfo.InvariantCulture)).ToArray();
                return $", such as [{string.Join(", ", fitted)}]";
            }
        }
        return "";
    }
}

/// <summary>A reshape: the same numbers under <see cref="PlannedLayer.OutputShape"/>; it moves no data.</summary>
public sealed record PlannedReshape(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => "Reshape";
}

/// <summary>Reshape is a view, as Flatten is: samples are contiguous, so it owns no buffer and runs no pass.</summary>
internal sealed class ReshapeEmitter(NetworkContext network, PlannedReshape reshape) : LayerEmitter(network)
{
    public override PlannedLayer Layer => reshape;

    public override bool WritesForward => true;

    public override void WriteOnnx(CodeWriter writer) =>
        writer.Line($"x = graph.Reshape({String(reshape.Name)}, x, {string.Join(", ", reshape.OutputShape.Select(Code))}); // [B, {Shape(reshape.InputShape)}] → [B, {Shape(reshape.OutputShape)}]");

    public override void WriteForward(CodeWriter writer, string source) =>
        writer.Line($"// {reshape.Name}: [B, {Shape(reshape.InputShape)}] → [B, {Shape(reshape.OutputShape)}], a view: samples are already contiguous.");
}
