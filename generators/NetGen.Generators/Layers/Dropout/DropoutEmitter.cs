using System.Collections.Generic;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// [Dropout]. Fused into its host, it is only a row of the layer table. On its own, it is a stage: a = x ⊙ mask /
/// (1 − p) forward, and backward δ at x with the f' of the layer below applied in the same pass. The mask is a hash of
/// the mini-batch's key and the element's index, so backward recomputes it instead of storing it.
/// </summary>
internal sealed class DropoutEmitter(NetworkContext network, PlannedDropoutLayer layer) : LayerEmitter(network)
{
    private PlannedDropout Dropout => layer.Dropout;

    private bool IsOwnPass => layer.Host is null;

    private string Size => Code(Shapes.ShapeInference.Product(layer.OutputShape));

    public override PlannedLayer Layer => layer;

    public override string TableNote => $"p = {Number(Dropout.Rate)}, {(IsOwnPass ? "a pass of its own" : "fused into the layer above")}";

    public override bool IsStage => IsOwnPass;

    public override string? SummaryWidth => null;

    public override bool HasModes => IsOwnPass;

    public override IEnumerable<PlannedDropout> Dropouts => IsOwnPass ? [Dropout] : [];

    private string Parameters => $"new {Kernels}.DropoutParameters({Network.DropoutRateCall(Dropout)}, {DropoutKey(Dropout)})";

    public override void WriteBuffers(CodeWriter writer)
    {
        string shape = Shape(layer.OutputShape);
        writer.Line($"private float[] {OutputBuffer(layer)} = global::System.Array.Empty<float>(); // a [B, {shape}]");
        writer.Line($"private float[] {DeltaBuffer(layer)} = global::System.Array.Empty<float>();  // δ [B, {shape}]");
        writer.Line($"private ulong {DropoutKey(Dropout)}; // picks {Dropout.Name}'s mask for the current mini-batch");
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        writer.Line($"{OutputBuffer(layer)} = new float[batchCapacity * {Size}];");
        writer.Line($"{DeltaBuffer(layer)} = new float[batchCapacity * {Size}];");
    }

    public override void WriteRandomKeys(CodeWriter writer)
    {
        if (IsOwnPass)
        {
            writer.Line($"{DropoutKey(Dropout)} = training ? base.NextRandomKey() : 0;");
        }
    }

    /// <summary>A Dropout node, the identity in inference, so that the exported graph shows the declared layer.</summary>
    public override void WriteOnnx(CodeWriter writer) =>
        writer.Line($"x = graph.Dropout({String(layer.Name)}, x, rate: {FloatLiteral(layer.Dropout.Rate)});");

    public override void WriteForward(CodeWriter writer, string source)
    {
        writer.Line($"// {layer.Name}: a [B, {Shape(layer.OutputShape)}] = x ⊙ mask / (1 − p), p = {Number(Dropout.Rate)}: a fresh mask per mini-batch in training, a = x in inference");
        writer.Line($"{Kernels}.DropoutPass.Forward({source}, {OutputBuffer(layer)}, batchSize, {Size}, training, {Parameters});");
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        writer.Line();
        if (SendsDeltaDown(writer, step) is not { } below)
        {
            return;
        }
        writer.Line($"// {below.DeltaComment($"δ{layer.Name} ⊙ mask / (1 − p)", Shape(below.Layer.OutputShape))}");
        writer.Line($"{Kernels}.DropoutPass.Backward<{InputActivationType(below)}>({DeltaBuffer(layer)}, {step.Input}, {DeltaBuffer(below.Layer)}, batchSize, {Size}, {Parameters}{InputPreActivationArgument(below)});");
    }
}
