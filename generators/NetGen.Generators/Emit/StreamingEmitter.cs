using System.Collections.Generic;
using System.Linq;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Emit;

/// <summary>
/// A recurrent network's streaming API: <c>Step(x_t, output)</c> runs one time step of one sample through every layer,
/// carrying each recurrent layer's h (and c) to the next call, and <c>ResetState()</c> starts a new sequence. Written
/// for networks that read the input sequence with recurrent layers stacked on whole sequences, the last giving its last
/// step to Dense layers, or every step to per-step Dense layers (whose output at step t is then Step's); per-step Dense
/// layers may also come before the first recurrent layer. Dropout and noise, identities in inference, may come between.
/// Any other network has no Step.
/// </summary>
internal static class StreamingEmitter
{
    /// <summary>The layers Step runs, in order, or null where the network cannot be stepped.</summary>
    public static IReadOnlyList<PlannedLayer>? Steppable(NetworkPlan plan)
    {
        var run = new List<PlannedLayer>();
        bool sequence = true, sawRecurrent = false;
        foreach (PlannedLayer layer in plan.Layers)
        {
            switch (layer)
            {
                case PlannedRecurrent recurrent when sequence:
                    sawRecurrent = true;
                    sequence = recurrent.ReturnSequences;
                    run.Add(layer);
                    break;
                case PlannedDropoutLayer or PlannedNoise:
                    break;
                // A per-step layer on a sequence is, for one step, the same layer on one vector.
                case PlannedDense dense when (!sequence || dense.IsPerStep) && dense.BatchNorm is null && dense.Tie is null
                    && ActivationTraits.Of(dense.Activation).OwnPass is null:
                    run.Add(layer);
                    break;
                default:
                    return null;
            }
        }
        return sawRecurrent && (!sequence || run[run.Count - 1] is PlannedDense { IsPerStep: true }) ? run : null;
    }

    /// <summary>What one Step gives: the last layer's units for one step (a per-step layer's, or a vector layer's).</summary>
    private static int StepOutputs(PlannedLayer last) => last switch
    {
        PlannedDense dense => dense.Units,
        PlannedRecurrent recurrent => recurrent.Units,
        _ => 0,
    };

    private static string Hidden(PlannedRecurrent layer) => $"_{Camel(layer.MemberName)}StepHidden";

    private static string Cell(PlannedRecurrent layer) => $"_{Camel(layer.MemberName)}StepCell";

    private static string Output(PlannedDense layer) => $"_{Camel(layer.MemberName)}StepOutput";

    /// <summary>z of one step, for an activation whose kernel keeps it (SiLU, GELU, …): Step has no use for it after.</summary>
    private static string PreActivation(PlannedDense layer) => $"_{Camel(layer.MemberName)}StepPreActivation";

    private const string Scratch = "_stepScratch";

    public static void Write(CodeWriter writer, NetworkPlan plan, IReadOnlyList<PlannedLayer> run)
    {
        // x_t [features]: the sequence input's second dimension, whatever layer reads it first.
        int steps = plan.InputShape[0], features = plan.InputShape[1];
        PlannedLayer last = run[run.Count - 1];
        int outputs = StepOutputs(last);
        string outputSize = last is PlannedDense { IsPerStep: true } ? Code(outputs) : "OutputSize";
        writer.Line("// Streaming: the state Step carries from one call to the next, for one sample, and its scratch.");
        var scratch = new List<string>();
        foreach (PlannedLayer layer in run)
        {
            if (layer is PlannedRecurrent recurrent)
            {
                writer.Line($"private readonly float[] {Hidden(recurrent)} = new float[{recurrent.Units}]; // {recurrent.Name}: h_t [{recurrent.Units}]");
                if (recurrent.Cell == RecurrentCell.Lstm)
                {
                    writer.Line($"private readonly float[] {Cell(recurrent)} = new float[{recurrent.Units}]; // {recurrent.Name}: c_t [{recurrent.Units}]");
                }
                scratch.Add($"{Kernels}.{recurrent.Kind}.StepScratchSize({Members.ShapeField(recurrent)})");
            }
            else if (layer is PlannedDense dense)
            {
                if (!ReferenceEquals(layer, last))
                {
                    writer.Line($"private readonly float[] {Output(dense)} = new float[{dense.Units}]; // {dense.Name}: a [{dense.Units}]");
                }
                if (ActivationEmit.KeepsPreActivation(dense))
                {
                    writer.Line($"private readonly float[] {PreActivation(dense)} = new float[{dense.Units}]; // {dense.Name}: z [{dense.Units}], which its activation's kernel writes");
                }
            }
        }
        string largest = scratch.Aggregate((left, right) => $"global::System.Math.Max({left}, {right})");
        writer.Line($"private readonly float[] {Scratch} = new float[{largest}];");
        writer.Line();

        writer.Line("/// <summary>");
        writer.Line($"/// Runs one time step of one sample: <paramref name=\"input\"/> is x_t [{features}], and <paramref name=\"output\"/> [{outputs}]");
        writer.Line(last is PlannedDense { IsPerStep: true }
            ? "/// gets the network's output at this step, as <c>Predict</c> gives it for step t of the sequence so far. Each recurrent layer's"
            : "/// gets what the network gives after this step, as <c>Predict</c> would after the steps so far. Each recurrent layer's");
        writer.Line("/// state carries over to the next call until <see cref=\"ResetState\"/>, so T calls give the outputs of the whole");
        writer.Line($"/// sequence of {steps} steps, or of any length. Allocates nothing. x_t is taken as it is (no <c>InputNormalization</c>),");
        writer.Line("/// and the state is this object's: one stream per model, from one thread at a time.");
        writer.Line("/// </summary>");
        using (writer.Block($"public void Step({ReadOnlySpan} input, {Span} output)"))
        {
            writer.Line($"if (input.Length != {features})");
            writer.Line("{");
            writer.Line($"    throw new global::System.ArgumentException($\"One step of {plan.ClassName} is {features} numbers, but input has {{input.Length}}.\", nameof(input));");
            writer.Line("}");
            writer.Line($"if (output.Length < {outputSize})");
            writer.Line("{");
            writer.Line($"    throw new global::System.ArgumentException($\"{plan.ClassName} gives {{{outputSize}}} outputs, but output has room for {{output.Length}}.\", nameof(output));");
            writer.Line("}");
            writer.Line($"{ReadOnlySpan} parameters = base.Parameters;");
            string source = "input";
            foreach (PlannedLayer layer in run)
            {
                if (layer is PlannedRecurrent recurrent)
                {
                    string cell = recurrent.Cell == RecurrentCell.Lstm ? $", {Cell(recurrent)}" : "";
                    string generic = recurrent.Cell == RecurrentCell.SimpleRnn ? $"<{ActivationEmit.KernelType(recurrent)}>" : "";
                    writer.Line($"// {recurrent.Name}: h [{recurrent.Units}] ← the {recurrent.Kind} cell on x_t [{recurrent.Features}] and h");
                    writer.Line($"{Kernels}.{recurrent.Kind}.Step{generic}({source}, parameters.Slice({recurrent.MemberName}WeightIhOffset, {recurrent.ParameterCount}), {Hidden(recurrent)}{cell}, {Scratch}, {Members.ShapeField(recurrent)});");
                    source = Hidden(recurrent);
                }
                else if (layer is PlannedDense dense)
                {
                    string target = ReferenceEquals(layer, last) ? "output" : Output(dense);
                    bool softmax = dense.Activation == Activation.Softmax;
                    string type = softmax ? $"{Kernels}.Identity" : ActivationEmit.KernelType(dense);
                    writer.Line($"// {dense.Name}: a [{dense.Units}] = {ActivationTraits.Of(dense.Activation).Name}(x [{dense.Inputs}] · Wᵀ + b)");
                    writer.Line($"{Kernels}.Dense.Forward<{type}>({source}, parameters.Slice({dense.MemberName}WeightOffset, {dense.Units} * {dense.Inputs}), parameters.Slice({dense.MemberName}BiasOffset, {dense.Units}), {target}, 1, inputs: {dense.Inputs}, outputs: {dense.Units}{(ActivationEmit.KeepsPreActivation(dense) ? $", preActivation: {PreActivation(dense)}" : "")});");
                    if (softmax)
                    {
                        writer.Line($"{Kernels}.Softmax.Rows({target}, 1, {dense.Units});");
                    }
                    source = target;
                }
            }
            if (last is PlannedRecurrent)
            {
                writer.Line($"new {ReadOnlySpan}({source}).CopyTo(output);");
            }
        }
        writer.Line();
        writer.Line("/// <summary>Forgets the state <see cref=\"Step\"/> carries: the next step starts a new sequence, from h = 0 (and c = 0).</summary>");
        using (writer.Block("public void ResetState()"))
        {
            foreach (PlannedRecurrent recurrent in run.OfType<PlannedRecurrent>())
            {
                writer.Line($"global::System.Array.Clear({Hidden(recurrent)});");
                if (recurrent.Cell == RecurrentCell.Lstm)
                {
                    writer.Line($"global::System.Array.Clear({Cell(recurrent)});");
                }
            }
        }
        writer.Line();
    }
}
