using NetGen.Generators.Layers;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Emit;

/// <summary>The lines of <c>AddOnnxLayers</c> that several layer kinds share: a host's batch norm and activation.</summary>
internal static class OnnxEmit
{
    /// <summary><c>x = graph.Activation("fc1", x, …);</c>, or nothing for the identity.</summary>
    public static void WriteActivation(CodeWriter writer, IActivatedLayer layer, int units)
    {
        if (layer.Activation != Activation.Identity)
        {
            string alpha = layer.EffectiveAlpha is { } value ? $", alpha: {FloatLiteral(value)}" : "";
            string alternation = layer.Activation == Activation.BipolarReLU ? $", units: {Code(units)}" : "";
            writer.Line($"x = graph.Activation({String(layer.Name)}, x, global::NetGen.Activation.{layer.Activation}{alpha}{alternation});");
        }
    }

    /// <summary><c>x = graph.BatchNormalization("bn1", x, …);</c> for a batch norm its host runs, between its product and its activation.</summary>
    public static void WriteBatchNorm(CodeWriter writer, PlannedBatchNorm? batchNorm)
    {
        if (batchNorm is not null)
        {
            writer.Line($"x = graph.BatchNormalization({String(batchNorm.Name)}, x, epsilon: {FloatLiteral(batchNorm.Epsilon)}, momentum: {FloatLiteral(batchNorm.Momentum)});");
        }
    }
}
