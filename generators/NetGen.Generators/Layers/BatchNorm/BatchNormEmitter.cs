using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// [BatchNorm]. Fused into its host, it is only a row of the layer table: the host's emitter writes its work. On its
/// own, it is a stage: y = γ ẑ + β over x [B, C, P] forward, and backward δ at x (forming dγ, dβ) with the f' of the
/// layer below applied in the same pass.
/// </summary>
internal sealed class BatchNormEmitter(NetworkContext network, PlannedBatchNormLayer layer) : LayerEmitter(network)
{
    private PlannedBatchNorm Bn => layer.BatchNorm;

    private bool IsOwnPass => layer.Host is null;

    private string Size => Code(Shapes.ShapeInference.Product(layer.OutputShape));

    public override PlannedLayer Layer => layer;

    public override int TableParameters => 4 * layer.Channels;

    public override string TableNote => IsOwnPass ? $"a pass of its own, per {(layer.Pixels == 1 ? "feature" : "channel")}" : "fused into the layer above";

    public override bool IsStage => IsOwnPass;

    public override string? SummaryWidth => null;

    public override bool HasParameters => IsOwnPass;

    public override bool HasModes => IsOwnPass;

    public override void WriteOffsets(CodeWriter writer)
    {
        if (IsOwnPass)
        {
            BatchNormEmit.WriteOffsets(writer, Bn, replacedBias: null);
        }
    }

    public override void WriteGradientClears(CodeWriter writer)
    {
        if (IsOwnPass)
        {
            writer.Line($"gradients.Slice({Bn.MemberName}GammaOffset, 4 * {Bn.Units}).Clear(); // {layer.Name}: dγ, dβ (and the running statistics', always 0)");
        }
    }

    public override void WriteTensors(CodeWriter writer)
    {
        if (IsOwnPass)
        {
            BatchNormEmit.WriteTensors(writer, Bn);
        }
    }

    public override void WriteBuffers(CodeWriter writer)
    {
        string shape = Shape(layer.OutputShape);
        writer.Line($"private float[] {OutputBuffer(layer)} = global::System.Array.Empty<float>(); // y [B, {shape}]");
        writer.Line($"private float[] {DeltaBuffer(layer)} = global::System.Array.Empty<float>();  // δ [B, {shape}]");
        BatchNormEmit.WriteBuffers(writer, Bn, normalizedSize: shape);
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        writer.Line($"{OutputBuffer(layer)} = new float[batchCapacity * {Size}];");
        writer.Line($"{DeltaBuffer(layer)} = new float[batchCapacity * {Size}];");
        BatchNormEmit.WriteAllocation(writer, Bn, normalizedSize: Size);
    }

    /// <summary>On its own only: a fused batch norm is among its host's nodes, between the product and the activation.</summary>
    public override void WriteOnnx(CodeWriter writer)
    {
        if (IsOwnPass)
        {
            OnnxEmit.WriteBatchNorm(writer, Bn);
        }
    }

    public override void WriteForward(CodeWriter writer, string source)
    {
        string over = layer.Pixels == 1 ? "per feature over the batch" : "per channel over the batch and positions";
        writer.Line($"// {layer.Name}: y [B, {Shape(layer.OutputShape)}] = γ ẑ + β, ẑ = (x − μ) / √(σ² + {Number(Bn.Epsilon)}) {over}; μ, σ² of the mini-batch in training, running averages in inference");
        writer.Line($"{Kernels}.BatchNormPass.Forward(");
        writer.Line($"    {source},");
        writer.Line($"    {NormalizedBuffer(Bn)},");
        writer.Line($"    {OutputBuffer(layer)},");
        writer.Line($"    batchSize, channels: {layer.Channels}, pixels: {layer.Pixels},");
        writer.Line("    training,");
        writer.Line($"    new {Kernels}.BatchNormBuffers");
        writer.Line("    {");
        BatchNormEmit.WriteFields(writer, "        ", Bn, forward: true, keepsNormalized: false, backwardNeedsBeta: true);
        writer.Line("    });");
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        LayerEmitter? below = step.Below is not null && step.BelowLearns ? step.Below : null;
        writer.Line();
        writer.Line(below is null
            ? $"// {layer.Name}: dγ [{layer.Channels}] += Σ δ ẑ, dβ [{layer.Channels}] += Σ δ; nothing below it learns, so no δ goes further down"
            : $"// {layer.Name}: dγ [{layer.Channels}] += Σ δ ẑ, dβ [{layer.Channels}] += Σ δ, and {below.DeltaComment($"γ / √(σ² + ε) · (δ − (dβ + ẑ dγ) / (B·{layer.Pixels}))", Shape(below.Layer.OutputShape))}");
        writer.Line($"{Kernels}.BatchNormPass.Backward<{(below is null ? $"{Kernels}.Identity" : InputActivationType(below))}>(");
        writer.Line($"    {DeltaBuffer(layer)},");
        writer.Line($"    {NormalizedBuffer(Bn)},");
        writer.Line($"    {step.Input},");
        writer.Line($"    {(below is null ? "inputDelta: default" : DeltaBuffer(below.Layer))},");
        writer.Line($"    batchSize, channels: {layer.Channels}, pixels: {layer.Pixels},");
        writer.Line($"    new {Kernels}.BatchNormBuffers");
        writer.Line("    {");
        BatchNormEmit.WriteFields(writer, "        ", Bn, forward: false, keepsNormalized: false, backwardNeedsBeta: true);
        writer.Line($"    }}{(below is null ? "" : InputPreActivationArgument(below))});");
    }
}
