using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// [MaskingNoise] and [GaussianNoise]: a stage that corrupts its input in training and copies it in inference. Like a
/// dropout pass, its draws are a hash of the mini-batch's key and the element's index, so backward recomputes the mask.
/// </summary>
internal sealed class NoiseEmitter(NetworkContext network, PlannedNoise noise) : LayerEmitter(network)
{
    private string Size => Code(Shapes.ShapeInference.Product(noise.OutputShape));

    private string Key => $"_{Camel(noise.MemberName)}Key";

    private string Amount => FloatLiteral(noise.Amount);

    public override PlannedLayer Layer => noise;

    public override string TableNote => noise.Gaussian ? $"σ = {Number(noise.Amount)}, training only" : $"p = {Number(noise.Amount)}, training only";

    public override bool IsStage => true;

    public override string? SummaryWidth => null;

    public override bool HasModes => true;

    public override void WriteBuffers(CodeWriter writer)
    {
        string shape = Shape(noise.OutputShape);
        writer.Line($"private float[] {OutputBuffer(noise)} = global::System.Array.Empty<float>(); // a [B, {shape}]");
        writer.Line($"private float[] {DeltaBuffer(noise)} = global::System.Array.Empty<float>();  // δ [B, {shape}]");
        writer.Line($"private ulong {Key}; // picks {noise.Name}'s noise for the current mini-batch");
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        writer.Line($"{OutputBuffer(noise)} = new float[batchCapacity * {Size}];");
        writer.Line($"{DeltaBuffer(noise)} = new float[batchCapacity * {Size}];");
    }

    public override void WriteRandomKeys(CodeWriter writer) => writer.Line($"{Key} = training ? base.NextRandomKey() : 0;");

    public override void WriteForward(CodeWriter writer, string source)
    {
        string shape = Shape(noise.OutputShape);
        if (noise.Gaussian)
        {
            writer.Line($"// {noise.Name}: a [B, {shape}] = x + σ·n, n ~ N(0, 1), σ = {Number(noise.Amount)}: fresh noise per mini-batch in training, a = x in inference");
            writer.Line($"{Kernels}.Noise.GaussianForward({source}, {OutputBuffer(noise)}, batchSize, {Size}, training, {Amount}, {Key});");
        }
        else
        {
            writer.Line($"// {noise.Name}: a [B, {shape}] = x ⊙ keep, P(keep = 0) = {Number(noise.Amount)}, not rescaled: a fresh mask per mini-batch in training, a = x in inference");
            writer.Line($"{Kernels}.Noise.MaskingForward({source}, {OutputBuffer(noise)}, batchSize, {Size}, training, {Amount}, {Key});");
        }
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        writer.Line();
        if (SendsDeltaDown(writer, step) is not { } below)
        {
            return;
        }
        string target = DeltaBuffer(below.Layer);
        if (noise.Gaussian)
        {
            writer.Line($"// {below.DeltaComment($"δ{noise.Name}", Shape(below.Layer.OutputShape))}");
            writer.Line($"{Kernels}.Noise.GaussianBackward<{InputActivationType(below)}>({DeltaBuffer(noise)}, {step.Input}, {target}, batchSize, {Size}{InputPreActivationArgument(below)});");
        }
        else
        {
            writer.Line($"// {below.DeltaComment($"δ{noise.Name} ⊙ keep", Shape(below.Layer.OutputShape))}");
            writer.Line($"{Kernels}.Noise.MaskingBackward<{InputActivationType(below)}>({DeltaBuffer(noise)}, {step.Input}, {target}, batchSize, {Size}, {Amount}, {Key}{InputPreActivationArgument(below)});");
        }
    }
}
