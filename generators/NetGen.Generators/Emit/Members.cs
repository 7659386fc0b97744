using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Emit;

/// <summary>The names of a layer's generated members, in one place so that every section agrees on them.</summary>
internal static class Members
{
    /// <summary>a [B, …]: the layer's outputs.</summary>
    public static string OutputBuffer(PlannedLayer layer) => $"_{Camel(layer.MemberName)}Output";

    /// <summary>δ [B, …]: dL/dz at the layer's pre-activation (at its output for a layer with no activation).</summary>
    public static string DeltaBuffer(PlannedLayer layer) => $"_{Camel(layer.MemberName)}Delta";

    /// <summary>z [B, …], kept where f' needs it or a pass after the product reads it.</summary>
    public static string PreActivationBuffer(PlannedLayer layer) => $"_{Camel(layer.MemberName)}PreActivation";

    public static string ShapeField(PlannedLayer layer) => $"{layer.MemberName}Shape";

    /// <summary>The convolutions' lowered inputs and partial sums, shared by every convolution.</summary>
    public const string ConvolutionScratch = "_convolutionScratch";

    /// <summary>ẑ [B, features], kept by batch norm for the backward pass.</summary>
    public static string NormalizedBuffer(PlannedBatchNorm batchNorm) => $"_{Camel(batchNorm.MemberName)}Normalized";

    /// <summary>μ [features] of the mini-batch.</summary>
    public static string BatchMeanBuffer(PlannedBatchNorm batchNorm) => $"_{Camel(batchNorm.MemberName)}BatchMean";

    /// <summary>1/√(σ² + ε) [features] of the mini-batch.</summary>
    public static string InverseDeviationBuffer(PlannedBatchNorm batchNorm) => $"_{Camel(batchNorm.MemberName)}InverseDeviation";

    /// <summary>The key that picks a dropout layer's mask for the current mini-batch.</summary>
    public static string DropoutKey(PlannedDropout dropout) => $"_{Camel(dropout.Name)}Key";
}
