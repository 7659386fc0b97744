using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Layers;

/// <summary><c>[Flatten]</c>: one sample's dimensions as one.</summary>
public sealed record FlattenSpec(string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "Flatten";

    internal static FlattenSpec Read(LayerAttribute attribute) => new(attribute.Name, attribute.Location);

    /// <summary>[d1, d2, …] → [d1·d2·…].</summary>
    internal override PlannedLayer? Plan(PlanningContext context) =>
        new PlannedFlatten(context.Name, context.MemberName, context.Shape, new[] { ShapeInference.Product(context.Shape) }.ToEquatableArray());
}

/// <summary>A reshape to one dimension; it moves no data.</summary>
public sealed record PlannedFlatten(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => "Flatten";
}

/// <summary>Flatten is a view: samples are already contiguous, so it owns no buffer and runs no pass.</summary>
internal sealed class FlattenEmitter(NetworkContext network, PlannedFlatten flatten) : LayerEmitter(network)
{
    public override PlannedLayer Layer => flatten;

    public override bool WritesForward => true;

    public override void WriteOnnx(CodeWriter writer) =>
        writer.Line($"x = graph.Flatten({String(flatten.Name)}, x); // [B, {Shape(flatten.InputShape)}] → [B, {Shape(flatten.OutputShape)}]");

    public override void WriteForward(CodeWriter writer, string source) =>
        writer.Line($"// {flatten.Name}: [B, {Shape(flatten.InputShape)}] → [B, {Shape(flatten.OutputShape)}], a view: samples are already contiguous.");
}
