using NetGen.Generators.Diagnostics;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary><c>[Upsample2D(scale)]</c>: nearest-neighbour upsampling of each channel.</summary>
public sealed record UpsampleSpec(int Scale, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => "Upsample2D";

    public override string NameStem => "upsample";

    internal static UpsampleSpec Read(LayerAttribute attribute) => new(attribute.Int(0), attribute.Name, attribute.Location);

    /// <summary>[C, H, W] → [C, H·s, W·s].</summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        string who = $"Upsample2D '{name}'";
        if (Scale <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, Location, who, "the scale", Scale);
            return null;
        }
        EquatableArray<int> shape = context.Shape;
        if (!Windows.RequireImage(Kind, name, shape, Location, context.Diagnostics))
        {
            return null;
        }
        long height = (long)shape[1] * Scale, width = (long)shape[2] * Scale;
        if (!context.Fits(shape[0] * height * width, $"The output of {who}, {shape[0]}×{height}×{width},", Location))
        {
            return null;
        }
        return new PlannedUpsample(name, context.MemberName, shape, new[] { shape[0], (int)height, (int)width }.ToEquatableArray(), Scale);
    }
}

/// <summary>Nearest-neighbour upsampling [C, H, W] → [C, H·Scale, W·Scale].</summary>
public sealed record PlannedUpsample(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, int Scale)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => "Upsample2D";
}

/// <summary>
/// Upsampling copies each input over its s×s block; backward sums δ over the block and folds in the f' of the layer
/// below, as pooling does.
/// </summary>
internal sealed class UpsampleEmitter(NetworkContext network, PlannedUpsample upsample) : LayerEmitter(network)
{
    public override PlannedLayer Layer => upsample;

    public override string TableKind => $"Upsample2D ×{upsample.Scale}, nearest";

    public override bool IsStage => true;

    public override string DeltaText(string product) => $"{product} (upsampling has no activation: no derivative factor)";

    /// <summary>"batchSize, channels: 4, height: 7, width: 7, scale: 2": the input's geometry, as the kernels take it.</summary>
    private string Sizes => $"batchSize, channels: {upsample.InputShape[0]}, height: {upsample.InputShape[1]}, width: {upsample.InputShape[2]}, scale: {upsample.Scale}";

    public override void WriteBuffers(CodeWriter writer)
    {
        string size = Shape(upsample.OutputShape);
        writer.Line($"private float[] {OutputBuffer(upsample)} = global::System.Array.Empty<float>(); // a [B, {size}]");
        writer.Line($"private float[] {DeltaBuffer(upsample)} = global::System.Array.Empty<float>();  // δ [B, {size}]");
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        string size = Code(Shapes.ShapeInference.Product(upsample.OutputShape));
        writer.Line($"{OutputBuffer(upsample)} = new float[batchCapacity * {size}];");
        writer.Line($"{DeltaBuffer(upsample)} = new float[batchCapacity * {size}];");
    }

    public override void WriteOnnx(CodeWriter writer) =>
        writer.Line($"x = graph.Upsample({String(upsample.Name)}, x, scale: {Code(upsample.Scale)}); // [B, {Shape(upsample.InputShape)}] → [B, {Shape(upsample.OutputShape)}]");

    public override void WriteForward(CodeWriter writer, string source)
    {
        writer.Line($"// {upsample.Name}: [B, {Shape(upsample.InputShape)}] → [B, {Shape(upsample.OutputShape)}], each input repeated over a {upsample.Scale}×{upsample.Scale} block");
        writer.Line($"{Kernels}.Upsampling.Forward({source}, {OutputBuffer(upsample)}, {Sizes});");
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        if (SendsDeltaDown(writer, step, saysWhenFirst: false) is not { } below)
        {
            return;
        }
        writer.Line($"// {below.DeltaComment($"δ{upsample.Name} summed over each {upsample.Scale}×{upsample.Scale} block", Shape(below.Layer.OutputShape))}");
        writer.Line($"{Kernels}.Upsampling.Backward<{InputActivationType(below)}>({DeltaBuffer(upsample)}, {step.Input}, {DeltaBuffer(below.Layer)}, {Sizes}{InputPreActivationArgument(below)});");
    }
}
