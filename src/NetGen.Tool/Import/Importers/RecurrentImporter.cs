using NetGen.IO;

namespace NetGen.Tool.Import.Importers;

/// <summary>
/// <c>[SimpleRnn(units, activation)]</c>, <c>[Lstm(units)]</c> or <c>[Gru(units)]</c>, with <c>ReturnSequences</c>:
/// PyTorch's tensors <c>weight_ih_l0</c> [G·H, F], <c>weight_hh_l0</c> [G·H, H], <c>bias_ih_l0</c>, <c>bias_hh_l0</c> [G·H],
/// gates in PyTorch's order.
/// </summary>
internal sealed class ImportedRecurrent(string kind, int units, int features) : ImportedLayer
{
    public override string Kind => kind;

    public override string NameStem => kind switch { "SimpleRnn" => "rnn", "Lstm" => "lstm", _ => "gru" };

    public int Units { get; } = units;

    public Activation Activation { get; set; } = Activation.Tanh;

    public bool ReturnSequences { get; set; }

    public float[] WeightIh { get; set; } = [];

    public float[] WeightHh { get; set; } = [];

    public float[] BiasIh { get; set; } = [];

    public float[] BiasHh { get; set; } = [];

    private int Rows => BiasIh.Length;

    protected override IEnumerable<string> Arguments() =>
        Kind == "SimpleRnn" && Activation != Activation.Tanh ? [Int(Units), $"Activation.{Activation}"] : [Int(Units)];

    protected override IEnumerable<(string, string)> Options() => ReturnSequences ? [("ReturnSequences", "true")] : [];

    public override IEnumerable<SafeTensor> Tensors() =>
    [
        Tensor(".weight_ih_l0", [Rows, features], WeightIh), Tensor(".weight_hh_l0", [Rows, Units], WeightHh),
        Tensor(".bias_ih_l0", [Rows], BiasIh), Tensor(".bias_hh_l0", [Rows], BiasHh),
    ];
}

/// <summary>
/// <c>Transpose(perm 1,0,2) → RNN / LSTM / GRU(X, W, R, B)</c> on a sequence [T, F] (how PyTorch's batch_first layers and
/// NetGen's export write them), forward, one layer, zero initial state; then either every step's output
/// (<c>Squeeze(Y, [1]) → Transpose(1,0,2)</c>: ReturnSequences) or the last step's (<c>Squeeze(Y_h, [0])</c> or
/// <c>Gather(Y_h, −1)</c>, or the sequence's last step by <c>Gather(·, −1, axis 1)</c>). ONNX's gate blocks are
/// reordered to PyTorch's: LSTM i,o,f,c → i,f,g,o; GRU z,r,h → r,z,n. B = [Wb; Rb] splits into bias_ih and bias_hh.
/// </summary>
internal sealed class RecurrentImporter : INodeImporter
{
    /// <summary>For each PyTorch gate block, the ONNX block it comes from.</summary>
    private static readonly Dictionary<string, (string Kind, int[] Blocks)> Cells = new()
    {
        ["RNN"] = ("SimpleRnn", [0]),
        ["LSTM"] = ("Lstm", [0, 2, 3, 1]),
        ["GRU"] = ("Gru", [1, 0, 2]),
    };

    public bool TryImport(ImportContext context)
    {
        if (!context.IsSequence || context.Shape is not [int steps, int features] || context.Next("Transpose") is not { } transpose
            || transpose.Ints("perm") is not [1, 0, 2] || context.SingleConsumer(transpose.Output(0)) is not { } cell
            || !Cells.TryGetValue(cell.OpType, out var info) || cell.Input(0) != transpose.Output(0))
        {
            return false;
        }
        context.Consume(transpose, cell);
        int units = (int)cell.Int("hidden_size", 0);
        int gates = info.Blocks.Length;
        if (!CheckAttributes(context, cell, out Activation activation)
            || context.FloatConstant(cell, 1, "W") is not { } w || context.FloatConstant(cell, 2, "R") is not { } r)
        {
            return context.Stop();
        }
        if (units <= 0 || w.Count != gates * units * features || r.Count != gates * units * units)
        {
            context.Problem(cell, $"W {ImportContext.Format(w.Shape)} and R {ImportContext.Format(r.Shape)} with hidden_size {units} on {features} features; one forward layer has [1, {gates * units}, {features}] and [1, {gates * units}, {units}]");
            return context.Stop();
        }
        float[] b = new float[2 * gates * units];
        if (cell.Input(3) is not null)
        {
            if (context.FloatConstant(cell, 3, "B") is not { } bias || bias.Count != b.Length)
            {
                if (!context.IsReported(cell))
                {
                    context.Problem(cell, $"B is not [1, {b.Length}]");
                }
                return context.Stop();
            }
            b = bias.Floats!;
        }
        var layer = new ImportedRecurrent(info.Kind, units, features)
        {
            Activation = activation,
            WeightIh = Reorder(w.Floats!, info.Blocks, units * features),
            WeightHh = Reorder(r.Floats!, info.Blocks, units * units),
            BiasIh = Reorder(b[..(gates * units)], info.Blocks, units),
            BiasHh = Reorder(b[(gates * units)..], info.Blocks, units),
            SourceName = LayerNames.FromTensor(w.Name) ?? cell.Scope(),
        };
        context.Layers.Add(layer);
        return Outputs(context, cell, layer, steps);
    }

    /// <summary>Forward, one direction, no clip, PyTorch's activations, zero initial state, no sequence lengths or peepholes.</summary>
    private static bool CheckAttributes(ImportContext context, OnnxNode cell, out Activation activation)
    {
        var problems = new List<string>();
        activation = Activation.Tanh;
        if ((cell.String("direction") ?? "forward") != "forward")
        {
            problems.Add($"direction {cell.String("direction")}; NetGen's recurrent layers run forward only");
        }
        if (cell.Attribute("clip") is not null || cell.Int("layout", 0) != 0 || cell.Int("input_forget", 0) != 0)
        {
            problems.Add("clip, layout or input_forget set; NetGen's cells have none of them");
        }
        string[]? activations = cell.Strings("activations");
        switch (cell.OpType)
        {
            case "RNN" when activations is null or ["Tanh"]:
                break;
            case "RNN" when activations is ["Relu"]:
                activation = Activation.ReLU;
                break;
            case "LSTM" when activations is null or ["Sigmoid", "Tanh", "Tanh"]:
            case "GRU" when activations is null or ["Sigmoid", "Tanh"]:
                break;
            default:
                problems.Add($"activations [{string.Join(", ", activations!)}]; NetGen's cells use PyTorch's");
                break;
        }
        if (cell.OpType == "GRU" && cell.Int("linear_before_reset", 0) != 1)
        {
            problems.Add("linear_before_reset 0; NetGen's GRU is PyTorch's, which applies the reset gate after the linear map (1)");
        }
        if (cell.Input(4) is not null)
        {
            problems.Add("sequence_lens given; NetGen's sequences all have the declared length");
        }
        if (cell.Input(7) is not null)
        {
            problems.Add("peepholes (P); NetGen's LSTM has none");
        }
        for (int input = 5; input <= 6; input++)
        {
            if (cell.Input(input) is { } state && !IsZero(context, state))
            {
                problems.Add($"initial state '{state}' is not zero; NetGen's recurrent layers start from zero");
            }
        }
        problems.ForEach(problem => context.Problem(cell, problem));
        return problems.Count == 0;
    }

    /// <summary>Zeros: a constant of zeros, or ConstantOfShape with value 0 (PyTorch's h0 for the batch at hand).</summary>
    private static bool IsZero(ImportContext context, string tensor)
    {
        if (context.Graph.Constant(tensor) is { Floats: { } values })
        {
            return values.All(value => value == 0);
        }
        return context.Graph.ProducerOf(tensor) is { OpType: "ConstantOfShape" } fill
            && (fill.Attribute("value")?.T is not { } value || value.FloatData.All(v => v == 0) && value.RawData.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    /// <summary>Which output the graph goes on with: all steps (ReturnSequences) or the last step's.</summary>
    private static bool Outputs(ImportContext context, OnnxNode cell, ImportedRecurrent layer, int steps)
    {
        string y = cell.Output(0) ?? "", yh = cell.Output(1) ?? "";
        bool usesY = y.Length > 0 && (context.ConsumersOf(y).Count > 0 || context.Graph.IsGraphOutput(y));
        bool usesYh = yh.Length > 0 && (context.ConsumersOf(yh).Count > 0 || context.Graph.IsGraphOutput(yh));
        bool usesYc = cell.Output(2) is { } yc && (context.ConsumersOf(yc).Count > 0 || context.Graph.IsGraphOutput(yc));
        if (usesY == usesYh || usesYc)
        {
            context.Problem(cell, "uses several of its outputs Y, Y_h, Y_c; a NetGen layer gives either every step's output or the last step's");
            return context.Stop();
        }
        if (usesYh)
        {
            // Y_h [1, N, H] → [N, H].
            if (context.SingleConsumer(yh) is { } squeeze && (IsSqueeze(context, squeeze, 0) || IsLast(context, squeeze, 0, 1)))
            {
                context.Consume(squeeze);
                context.Advance(squeeze.Output(0)!, [layer.Units]);
                return true;
            }
            context.Problem(cell, "its last state Y_h is not taken as [N, H] by Squeeze(axes [0]) or Gather(0 or −1)");
            return context.Stop();
        }
        // Y [T, 1, N, H] → Squeeze → [T, N, H] → Transpose → [N, T, H].
        if (context.SingleConsumer(y) is not { } squeezeY || !IsSqueeze(context, squeezeY, 1)
            || context.SingleConsumer(squeezeY.Output(0)) is not { OpType: "Transpose" } back || back.Ints("perm") is not [1, 0, 2])
        {
            context.Problem(cell, "its output Y is not taken as [N, T, H] by Squeeze(axes [1]) and Transpose(perm [1, 0, 2])");
            return context.Stop();
        }
        context.Consume(squeezeY, back);
        string sequence = back.Output(0)!;
        // The last step of the sequence: Gather(axis 1, −1 or T−1), or Slice of it and a Squeeze.
        if (context.SingleConsumer(sequence) is { } pick && IsLast(context, pick, 1, steps))
        {
            context.Consume(pick);
            context.Advance(pick.Output(0)!, [layer.Units]);
            return true;
        }
        if (context.SingleConsumer(sequence) is { OpType: "Slice" } slice && IsLastSlice(context, slice, steps)
            && context.SingleConsumer(slice.Output(0)) is { } squeezeStep && IsSqueeze(context, squeezeStep, 1))
        {
            context.Consume(slice, squeezeStep);
            context.Advance(squeezeStep.Output(0)!, [layer.Units]);
            return true;
        }
        layer.ReturnSequences = true;
        context.Advance(sequence, [steps, layer.Units], isSequence: true);
        return true;
    }

    private static bool IsSqueeze(ImportContext context, OnnxNode node, long axis) =>
        node.OpType == "Squeeze" && (context.IntConstant(node, 1) ?? node.Ints("axes")) is [long given] && given == axis;

    /// <summary>Gather(·, −1 or <paramref name="count"/> − 1, axis <paramref name="axis"/>) with a scalar index.</summary>
    private static bool IsLast(ImportContext context, OnnxNode node, long axis, int count) =>
        node.OpType == "Gather" && node.Int("axis", 0) == axis && context.Graph.Constant(node.Input(1)) is { Shape: [], Longs: [long index] }
        && (index == -1 || index == count - 1);

    /// <summary>Slice(starts −1 or T−1, ends ≥ T, axes [1], step 1).</summary>
    private static bool IsLastSlice(ImportContext context, OnnxNode node, int steps) =>
        context.IntConstant(node, 1) is [long start] && (start == -1 || start == steps - 1)
        && context.IntConstant(node, 2) is [long end] && end >= steps
        && context.IntConstant(node, 3) is [1] && (node.Input(4) is null || context.IntConstant(node, 4) is [1]);

    /// <summary>Blocks of <paramref name="blockSize"/> floats, taken in the order <paramref name="blocks"/> gives.</summary>
    private static float[] Reorder(float[] values, int[] blocks, int blockSize) =>
        blocks.SelectMany(block => values.Skip(block * blockSize).Take(blockSize)).ToArray();
}
