using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// Batch norm's four tensors and its <c>BatchNormBuffers</c> argument, shared by every place it runs: fused into a
/// Dense layer or a convolution, or as a pass of its own.
/// </summary>
internal static class BatchNormEmit
{
    public static void WriteOffsets(CodeWriter writer, PlannedBatchNorm bn, string? replacedBias)
    {
        int features = bn.Units;
        writer.Line($"private const int {bn.MemberName}GammaOffset = {bn.GammaOffset}; // {bn.Name}.weight [{features}], γ");
        writer.Line($"private const int {bn.MemberName}BetaOffset = {bn.BetaOffset}; // {bn.Name}.bias [{features}], β{(replacedBias is null ? "" : $" (in place of {replacedBias}.bias)")}");
        writer.Line($"private const int {bn.MemberName}RunningMeanOffset = {bn.RunningMeanOffset}; // {bn.Name}.running_mean [{features}]");
        writer.Line($"private const int {bn.MemberName}RunningVarianceOffset = {bn.RunningVarianceOffset}; // {bn.Name}.running_var [{features}]");
    }

    /// <summary>Batch norm's four tensors, [features] each, named as PyTorch's BatchNorm1d and BatchNorm2d name them.</summary>
    public static void WriteTensors(CodeWriter writer, PlannedBatchNorm bn)
    {
        int features = bn.Units;
        foreach ((string suffix, string offset, string role) in new[]
        {
            ("weight", "GammaOffset", "BatchNormScale"),
            ("bias", "BetaOffset", "BatchNormShift"),
            ("running_mean", "RunningMeanOffset", "RunningMean"),
            ("running_var", "RunningVarianceOffset", "RunningVariance"),
        })
        {
            writer.Line($"        new(\"{bn.Name}.{suffix}\", {bn.MemberName}{offset}, new[] {{ {features} }}, global::NetGen.ParameterRole.{role}, FanIn: {features}, FanOut: {features}),");
        }
    }

    /// <summary>μ and 1/√(σ² + ε) of the mini-batch, [features] each; ẑ too where <paramref name="normalizedSize"/> is given.</summary>
    public static void WriteBuffers(CodeWriter writer, PlannedBatchNorm bn, string? normalizedSize)
    {
        if (normalizedSize is not null)
        {
            writer.Line($"private float[] {NormalizedBuffer(bn)} = global::System.Array.Empty<float>(); // ẑ [B, {normalizedSize}], kept by {bn.Name} for backward");
        }
        writer.Line($"private float[] {BatchMeanBuffer(bn)} = global::System.Array.Empty<float>(); // μ [{bn.Units}] of the mini-batch");
        writer.Line($"private float[] {InverseDeviationBuffer(bn)} = global::System.Array.Empty<float>(); // 1/√(σ² + ε) [{bn.Units}] of the mini-batch");
    }

    public static void WriteAllocation(CodeWriter writer, PlannedBatchNorm bn, string? normalizedSize)
    {
        if (normalizedSize is not null)
        {
            writer.Line($"{NormalizedBuffer(bn)} = new float[batchCapacity * {normalizedSize}];");
        }
        writer.Line($"{BatchMeanBuffer(bn)} = new float[{bn.Units}];");
        writer.Line($"{InverseDeviationBuffer(bn)} = new float[{bn.Units}];");
    }

    /// <summary>
    /// The fields of a <c>BatchNormBuffers</c> initializer, a line each at <paramref name="indent"/>. Forward: γ, β, the
    /// running statistics, ẑ where <paramref name="keepsNormalized"/> (a Dense host; elsewhere ẑ stays in the pass's own
    /// buffer), μ and 1/√(σ² + ε) of the batch, momentum and ε. Backward: γ, β where the pass rebuilds y from ẑ
    /// (<paramref name="backwardNeedsBeta"/>), the kept ẑ, 1/√(σ² + ε), dγ and dβ.
    /// </summary>
    public static void WriteFields(CodeWriter writer, string indent, PlannedBatchNorm bn, bool forward, bool keepsNormalized, bool backwardNeedsBeta)
    {
        int features = bn.Units;
        writer.Line($"{indent}Gamma = parameters.Slice({bn.MemberName}GammaOffset, {features}),");
        if (forward || backwardNeedsBeta)
        {
            writer.Line($"{indent}Beta = parameters.Slice({bn.MemberName}BetaOffset, {features}),");
        }
        if (forward)
        {
            writer.Line($"{indent}RunningMean = parameters.Slice({bn.MemberName}RunningMeanOffset, {features}),");
            writer.Line($"{indent}RunningVariance = parameters.Slice({bn.MemberName}RunningVarianceOffset, {features}),");
        }
        if (keepsNormalized)
        {
            writer.Line($"{indent}Normalized = {NormalizedBuffer(bn)},");
        }
        if (forward)
        {
            writer.Line($"{indent}BatchMean = {BatchMeanBuffer(bn)},");
        }
        writer.Line($"{indent}InverseStandardDeviation = {InverseDeviationBuffer(bn)},");
        if (forward)
        {
            writer.Line($"{indent}Momentum = {FloatLiteral(bn.Momentum)},");
            writer.Line($"{indent}Epsilon = {FloatLiteral(bn.Epsilon)},");
        }
        else
        {
            writer.Line($"{indent}GammaGradient = gradients.Slice({bn.MemberName}GammaOffset, {features}),");
            writer.Line($"{indent}BetaGradient = gradients.Slice({bn.MemberName}BetaOffset, {features}),");
        }
    }
}
