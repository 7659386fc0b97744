using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// A recurrent layer: the runtime's <c>SimpleRnn</c>, <c>Lstm</c> or <c>Gru</c> unrolled over the steps, with
/// backpropagation through time in its own backward. Its δ buffer holds dL/dh, at its output: h = o ⊙ tanh(c) (or the
/// GRU's mix) has no single f' the layer above could fold, so the layer takes δ back through its gates itself.
/// </summary>
internal sealed class RecurrentEmitter(NetworkContext network, PlannedRecurrent recurrent) : LayerEmitter(network)
{
    public override PlannedLayer Layer => recurrent;

    private string KernelClass => recurrent.Cell switch
    {
        RecurrentCell.SimpleRnn => $"{Kernels}.SimpleRnn",
        RecurrentCell.Lstm => $"{Kernels}.Lstm",
        _ => $"{Kernels}.Gru",
    };

    /// <summary>SimpleRnn's activation as a type argument, before the one for the layer below where there is one.</summary>
    private string ActivationArgument => recurrent.Cell == RecurrentCell.SimpleRnn ? ActivationEmit.KernelType(recurrent) : "";

    private string WorkspaceBuffer => $"_{Camel(recurrent.MemberName)}Workspace";

    private string Steps => recurrent.ReturnSequences ? "every step" : "last step";

    public override string TableKind => $"{recurrent.Kind}, {recurrent.Steps} steps, {Steps}";

    public override int TableParameters => recurrent.ParameterCount;

    public override string TableNote => recurrent.Cell switch
    {
        RecurrentCell.SimpleRnn => ActivationTraits.Of(recurrent.Activation).Name,
        RecurrentCell.Lstm => "σ gates, tanh cell",
        _ => "σ gates, tanh candidate",
    };

    public override bool IsStage => true;

    public override bool HasParameters => true;

    public override string DeltaText(string product) => $"{product}: dL/dh, taken back through the gates by {recurrent.Name}'s own backward";

    private string Gates => recurrent.Cell switch
    {
        RecurrentCell.SimpleRnn => "",
        RecurrentCell.Lstm => ", gates i, f, g, o",
        _ => ", gates r, z, n",
    };

    public override void WriteOffsets(CodeWriter writer)
    {
        int rows = recurrent.GateRows;
        writer.Line($"private const int {recurrent.MemberName}WeightIhOffset = {recurrent.WeightIhOffset}; // {recurrent.Name}.weight_ih_l0 [{rows}, {recurrent.Features}]{Gates}");
        writer.Line($"private const int {recurrent.MemberName}WeightHhOffset = {recurrent.WeightHhOffset}; // {recurrent.Name}.weight_hh_l0 [{rows}, {recurrent.Units}]");
        writer.Line($"private const int {recurrent.MemberName}BiasIhOffset = {recurrent.BiasIhOffset}; // {recurrent.Name}.bias_ih_l0 [{rows}]");
        writer.Line($"private const int {recurrent.MemberName}BiasHhOffset = {recurrent.BiasHhOffset}; // {recurrent.Name}.bias_hh_l0 [{rows}]");
    }

    public override bool HasGeometry => true;

    public override void WriteGeometry(CodeWriter writer)
    {
        writer.Line($"// {recurrent.Name}: {Shape(recurrent.InputShape)} → {Shape(recurrent.OutputShape)}, {recurrent.Units} units over {recurrent.Steps} steps of {recurrent.Features} features");
        writer.Line($"private static readonly {Kernels}.RecurrentShape {ShapeField(recurrent)} = new(steps: {recurrent.Steps}, features: {recurrent.Features}, hidden: {recurrent.Units}, returnSequences: {(recurrent.ReturnSequences ? "true" : "false")});");
    }

    public override void WriteTensors(CodeWriter writer)
    {
        // PyTorch draws every tensor from U(±1/√H): they give H as their fan-in for it. Other initializers see the
        // weights' own fans (in F or H, out G·H).
        int rows = recurrent.GateRows, units = recurrent.Units;
        bool pyTorch = recurrent.Initializer == Initializer.RecurrentUniform;
        string initializer = $", global::NetGen.Initializer.{recurrent.Initializer}";
        string Fans(int fanIn) => $"FanIn: {(pyTorch ? units : fanIn)}, FanOut: {rows}";
        string prefix = $"        new(\"{recurrent.Name}.";
        writer.Line($"{prefix}weight_ih_l0\", {recurrent.MemberName}WeightIhOffset, new[] {{ {rows}, {recurrent.Features} }}, global::NetGen.ParameterRole.Weight, {Fans(recurrent.Features)}{initializer}),");
        writer.Line($"{prefix}weight_hh_l0\", {recurrent.MemberName}WeightHhOffset, new[] {{ {rows}, {units} }}, global::NetGen.ParameterRole.Weight, {Fans(units)}{initializer}),");
        writer.Line($"{prefix}bias_ih_l0\", {recurrent.MemberName}BiasIhOffset, new[] {{ {rows} }}, global::NetGen.ParameterRole.Bias, {Fans(units)}{initializer}),");
        writer.Line($"{prefix}bias_hh_l0\", {recurrent.MemberName}BiasHhOffset, new[] {{ {rows} }}, global::NetGen.ParameterRole.Bias, {Fans(units)}{initializer}),");
    }

    /// <summary>All four tensors are added into, step by step.</summary>
    public override void WriteGradientClears(CodeWriter writer) =>
        writer.Line($"gradients.Slice({recurrent.MemberName}WeightIhOffset, {recurrent.ParameterCount}).Clear(); // {recurrent.Name}: dW_ih, dW_hh, db_ih, db_hh");

    public override void WriteBuffers(CodeWriter writer)
    {
        string size = Shape(recurrent.OutputShape);
        writer.Line($"private float[] {OutputBuffer(recurrent)} = global::System.Array.Empty<float>(); // h [B, {size}]");
        writer.Line($"private float[] {DeltaBuffer(recurrent)} = global::System.Array.Empty<float>();  // δ = dL/dh [B, {size}]");
        writer.Line($"private float[] {WorkspaceBuffer} = global::System.Array.Empty<float>(); // gates, cells and h of every step, kept for BPTT");
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        string size = Code(recurrent.OutputSize);
        writer.Line($"{OutputBuffer(recurrent)} = new float[batchCapacity * {size}];");
        writer.Line($"{DeltaBuffer(recurrent)} = new float[batchCapacity * {size}];");
        writer.Line($"{WorkspaceBuffer} = new float[{KernelClass}.WorkspaceSize(batchCapacity, {ShapeField(recurrent)})];");
    }

    private string Parameters(string buffer) => $"{buffer}.Slice({recurrent.MemberName}WeightIhOffset, {recurrent.ParameterCount})";

    /// <summary>ONNX's LSTM, GRU or RNN node between the transposes to and from its time-major layout.</summary>
    public override void WriteOnnx(CodeWriter writer)
    {
        writer.Line($"// {recurrent.Name}: {recurrent.Kind} {Shape(recurrent.InputShape)} → {Shape(recurrent.OutputShape)}");
        string returnSequences = recurrent.ReturnSequences ? "true" : "false";
        writer.Line(recurrent.Cell switch
        {
            RecurrentCell.Lstm => $"x = graph.Lstm({String(recurrent.Name)}, x, units: {Code(recurrent.Units)}, returnSequences: {returnSequences});",
            RecurrentCell.Gru => $"x = graph.Gru({String(recurrent.Name)}, x, units: {Code(recurrent.Units)}, returnSequences: {returnSequences});",
            _ => $"x = graph.SimpleRnn({String(recurrent.Name)}, x, units: {Code(recurrent.Units)}, global::NetGen.Activation.{recurrent.Activation}, returnSequences: {returnSequences});",
        });
    }

    public override void WriteForward(CodeWriter writer, string source)
    {
        string h = Shape(recurrent.OutputShape);
        writer.Line($"// {recurrent.Name}: h [B, {h}] from x [B, {Shape(recurrent.InputShape)}], {recurrent.Steps} steps ({Steps}); x · W_ihᵀ + b_ih for all steps at once,");
        writer.Line($"//   then per step h_{{t−1}} · W_hhᵀ + b_hh and the {recurrent.Kind} cell{Gates}");
        string generic = recurrent.Cell == RecurrentCell.SimpleRnn ? $"<{ActivationArgument}>" : "";
        writer.Call($"{KernelClass}.Forward{generic}", source, Parameters("parameters"), OutputBuffer(recurrent), WorkspaceBuffer, $"batchSize, {ShapeField(recurrent)}");
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        writer.Line();
        writer.Line($"// {recurrent.Name}: backpropagation through time, last step first; dW_ih, dW_hh, db_ih, db_hh += their sums over the steps");
        LayerEmitter? below = SendsDeltaDown(writer, step);
        string activation = recurrent.Cell == RecurrentCell.SimpleRnn ? $"{ActivationArgument}, " : "";
        if (below is null)
        {
            writer.Call(
                $"{KernelClass}.Backward<{activation}{Kernels}.Identity>", DeltaBuffer(recurrent), step.Input, Parameters("parameters"), Parameters("gradients"),
                $"{Span}.Empty", WorkspaceBuffer, $"batchSize, {ShapeField(recurrent)}");
            return;
        }
        writer.Line($"// {below.DeltaComment($"δz{recurrent.Name} · W_ih{recurrent.Name}", Shape(below.Layer.OutputShape))}");
        writer.Call(
            $"{KernelClass}.Backward<{activation}{InputActivationType(below)}>", DeltaBuffer(recurrent), step.Input, Parameters("parameters"), Parameters("gradients"),
            DeltaBuffer(below.Layer), WorkspaceBuffer, $"batchSize, {ShapeField(recurrent)}{InputPreActivationArgument(below)}");
    }
}
