using Onnx;

namespace NetGen.Onnx;

public sealed partial class OnnxGraph
{
    /// <summary>
    /// ONNX's LSTM over x [B, steps, features]: W, R and B rebuilt from the layer's PyTorch-ordered tensors in ONNX's
    /// gate order i, o, f, c (NetGen's blocks are i, f, g, o).
    /// </summary>
    public string Lstm(string layer, string x, int units, bool returnSequences) =>
        Recurrent(layer, x, "LSTM", units, returnSequences, [0, 3, 1, 2], null);

    /// <summary>ONNX's GRU, gates z, r, h from NetGen's r, z, n, with the reset gate applied after R's product as PyTorch does.</summary>
    public string Gru(string layer, string x, int units, bool returnSequences) =>
        Recurrent(layer, x, "GRU", units, returnSequences, [1, 0, 2], null);

    /// <summary>ONNX's RNN (Elman) with tanh or ReLU.</summary>
    public string SimpleRnn(string layer, string x, int units, Activation activation, bool returnSequences) =>
        Recurrent(layer, x, "RNN", units, returnSequences, [0], activation switch
        {
            NetGen.Activation.Tanh => "Tanh",
            NetGen.Activation.ReLU => "Relu",
            _ => throw new NotSupportedException($"Layer '{layer}': ONNX's RNN has no {activation}."),
        });

    /// <summary>
    /// x [B, T, F] → [T, B, F] (ONNX Runtime runs only the time-major layout) → the recurrent node → Y [T, 1, B, H]
    /// squeezed and turned back to [B, T, H], or the last state Y_h [1, B, H] squeezed to [B, H].
    /// </summary>
    /// <param name="layer">The layer's name, which prefixes its nodes and its W, R and B.</param>
    /// <param name="x">The value coming in, [B, T, F].</param>
    /// <param name="op">LSTM, GRU or RNN.</param>
    /// <param name="units">H, the hidden size.</param>
    /// <param name="returnSequences">Whether every step's h goes on, or only the last.</param>
    /// <param name="blocks">For each ONNX gate block in turn, the index of NetGen's block that holds it.</param>
    /// <param name="activation">RNN's activation as ONNX names it; null for LSTM and GRU, which use their defaults.</param>
    private string Recurrent(string layer, string x, string op, int units, bool returnSequences, int[] blocks, string? activation)
    {
        string timeMajor = Transpose(layer, x);
        ParameterTensor inputWeight = _model.FindTensor($"{layer}.weight_ih_l0");
        int features = inputWeight.Shape[1];
        string w = Constant($"{layer}.W", Reordered(inputWeight, blocks, units, features), [1, blocks.Length * units, features]);
        string r = Constant($"{layer}.R", Reordered(_model.FindTensor($"{layer}.weight_hh_l0"), blocks, units, units), [1, blocks.Length * units, units]);
        float[] inputBias = Reordered(_model.FindTensor($"{layer}.bias_ih_l0"), blocks, units, 1);
        float[] hiddenBias = Reordered(_model.FindTensor($"{layer}.bias_hh_l0"), blocks, units, 1);
        string b = Constant($"{layer}.B", [.. inputBias, .. hiddenBias], [1, 2 * blocks.Length * units]);

        string name = UniqueName($"{layer}/{op}");
        var node = new NodeProto { Name = name, OpType = op, Input = { timeMajor, w, r, b }, Output = { $"{name}_Y", $"{name}_Y_h" } };
        node.Attribute.Add(Int("hidden_size", units));
        if (op == "GRU")
        {
            node.Attribute.Add(Int("linear_before_reset", 1));
        }
        if (activation is not null)
        {
            node.Attribute.Add(Strings("activations", activation));
        }
        _graph.Node.Add(node);

        if (returnSequences)
        {
            string sequence = Node(layer, "Squeeze", node.Output[0], Constant($"{layer}.direction_axis", [1L])).Output[0];
            return Transpose(layer, sequence);
        }
        return Node(layer, "Squeeze", node.Output[1], Constant($"{layer}.direction_axis", [0L])).Output[0];
    }

    /// <summary>Swaps the first two axes of a 3-D value: [B, T, F] ↔ [T, B, F].</summary>
    private string Transpose(string layer, string x)
    {
        NodeProto node = Node(layer, "Transpose", x);
        node.Attribute.Add(Ints("perm", 1, 0, 2));
        return node.Output[0];
    }

    /// <summary>The tensor's blocks of <paramref name="units"/> rows of <paramref name="columns"/>, in ONNX's order.</summary>
    private float[] Reordered(ParameterTensor tensor, int[] blocks, int units, int columns)
    {
        ReadOnlySpan<float> values = _model.Parameters.AsSpan(tensor.Offset, tensor.Length);
        int block = units * columns;
        float[] reordered = new float[tensor.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            values.Slice(blocks[i] * block, block).CopyTo(reordered.AsSpan(i * block, block));
        }
        return reordered;
    }
}
