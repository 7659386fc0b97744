using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// Max or average pooling of each channel. Max pooling records where each window's maximum was and routes δ back to
/// it; average pooling shares δ over the window. Either folds in the f' of the layer below.
/// </summary>
internal sealed class PoolingEmitter(NetworkContext network, PlannedPooling pooling) : LayerEmitter(network)
{
    public override PlannedLayer Layer => pooling;

    public override string TableKind => $"{pooling.Kind} {pooling.Window}×{pooling.Window}{(pooling.Stride == pooling.Window ? "" : $", stride {pooling.Stride}")}";

    public override bool IsStage => true;

    public override string DeltaText(string product) => $"{product} (pooling has no activation: no derivative factor)";

    private string IndicesBuffer => $"_{Camel(pooling.MemberName)}Indices";

    public override bool HasGeometry => true;

    public override void WriteGeometry(CodeWriter writer)
    {
        writer.Line($"// {pooling.Name}: {Shape(pooling.InputShape)} → {Shape(pooling.OutputShape)}: {pooling.OutputShape[1]} = ({pooling.InputShape[1]} − {pooling.Window}) / {pooling.Stride} + 1");
        writer.Line($"private static readonly {Kernels}.PoolingShape {ShapeField(pooling)} = new(");
        writer.Line($"    channels: {pooling.InputShape[0]}, inputHeight: {pooling.InputShape[1]}, inputWidth: {pooling.InputShape[2]}, windowHeight: {pooling.Window}, windowWidth: {pooling.Window}, strideY: {pooling.Stride}, strideX: {pooling.Stride});");
    }

    public override void WriteBuffers(CodeWriter writer)
    {
        string size = Shape(pooling.OutputShape);
        writer.Line($"private float[] {OutputBuffer(pooling)} = global::System.Array.Empty<float>(); // a [B, {size}]");
        writer.Line($"private float[] {DeltaBuffer(pooling)} = global::System.Array.Empty<float>();  // δ [B, {size}]");
        if (pooling.IsMax)
        {
            writer.Line($"private int[] {IndicesBuffer} = global::System.Array.Empty<int>(); // [B, {size}]: where in its plane each maximum was, for backward");
        }
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        string size = Code(Shapes.ShapeInference.Product(pooling.OutputShape));
        writer.Line($"{OutputBuffer(pooling)} = new float[batchCapacity * {size}];");
        writer.Line($"{DeltaBuffer(pooling)} = new float[batchCapacity * {size}];");
        if (pooling.IsMax)
        {
            writer.Line($"{IndicesBuffer} = new int[batchCapacity * {size}];");
        }
    }

    public override void WriteOnnx(CodeWriter writer)
    {
        writer.Line($"// {pooling.Name}: {pooling.Kind} {Shape(pooling.InputShape)} → {Shape(pooling.OutputShape)}");
        writer.Line($"x = graph.Pool({String(pooling.Name)}, x, max: {(pooling.IsMax ? "true" : "false")}, window: {Code(pooling.Window)}, stride: {Code(pooling.Stride)});");
    }

    public override void WriteForward(CodeWriter writer, string source)
    {
        string shapes = $"[B, {Shape(pooling.InputShape)}] → [B, {Shape(pooling.OutputShape)}]";
        string window = $"{pooling.Window}×{pooling.Window} window (stride {pooling.Stride})";
        if (pooling.IsMax)
        {
            writer.Line($"// {pooling.Name}: {shapes}, the largest of each {window}; where it was is kept for backward");
            writer.Line($"{Kernels}.Pooling.MaxForward({source}, {OutputBuffer(pooling)}, {IndicesBuffer}, batchSize, {ShapeField(pooling)});");
        }
        else
        {
            writer.Line($"// {pooling.Name}: {shapes}, the mean of each {window}");
            writer.Line($"{Kernels}.Pooling.AverageForward({source}, {OutputBuffer(pooling)}, batchSize, {ShapeField(pooling)});");
        }
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        if (SendsDeltaDown(writer, step, saysWhenFirst: false) is not { } below)
        {
            return;
        }
        string delta = DeltaBuffer(pooling);
        string routed = pooling.IsMax ? $"δ{pooling.Name} sent to each window's maximum" : $"δ{pooling.Name} / {pooling.Window * pooling.Window} sent to every input of its window";
        writer.Line($"// {below.DeltaComment(routed, Shape(below.Layer.OutputShape))}");
        writer.Line(pooling.IsMax
            ? $"{Kernels}.Pooling.MaxBackward<{InputActivationType(below)}>({delta}, {IndicesBuffer}, {step.Input}, {DeltaBuffer(below.Layer)}, batchSize, {ShapeField(pooling)}{InputPreActivationArgument(below)});"
            : $"{Kernels}.Pooling.AverageBackward<{InputActivationType(below)}>({delta}, {step.Input}, {DeltaBuffer(below.Layer)}, batchSize, {ShapeField(pooling)}{InputPreActivationArgument(below)});");
    }
}
