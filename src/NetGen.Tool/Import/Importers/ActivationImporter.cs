namespace NetGen.Tool.Import.Importers;

/// <summary>
/// An activation node, or PyTorch's subgraph for one, after a Dense or convolution layer (or its batch norm): it
/// becomes that layer's <c>Activation</c>. ONNX ops: Relu, Sigmoid, Tanh, Softmax (last axis), LeakyRelu (α →
/// <c>Alpha</c>), Elu, Selu, Softplus, Softsign, PRelu (slopes → <c>{layer}_prelu.weight</c>), Atan, Asinh; subgraphs:
/// GELU x·0.5·(1 + Erf(x/√2)), SiLU x·Sigmoid(x), BinaryStep Cast(GreaterOrEqual(x, 0)).
/// </summary>
internal sealed class ActivationImporter : INodeImporter
{
    /// <summary>ONNX's own activation ops and NetGen's equivalents.</summary>
    private static readonly Dictionary<string, Activation> Ops = new()
    {
        ["Relu"] = Activation.ReLU, ["Sigmoid"] = Activation.Sigmoid, ["Tanh"] = Activation.Tanh, ["Softmax"] = Activation.Softmax,
        ["LeakyRelu"] = Activation.LeakyReLU, ["Elu"] = Activation.ELU, ["Selu"] = Activation.SELU, ["Softplus"] = Activation.Softplus,
        ["Softsign"] = Activation.Softsign, ["PRelu"] = Activation.PReLU, ["Atan"] = Activation.ArcTan, ["Asinh"] = Activation.ArSinh,
    };

    /// <summary>RReLU's slope below zero in inference: the mean of U(1/8, 1/3), as PyTorch's defaults give.</summary>
    private const float RReLUSlope = 11f / 48f;

    public bool TryImport(ImportContext context)
    {
        if (Subgraph(context) is { } matched)
        {
            Fold(context, matched.Nodes, matched.Activation, null, null, matched.Output);
            return true;
        }
        if (context.SingleConsumer() is not { } node || !Ops.TryGetValue(node.OpType, out Activation activation) || node.Output(0) is not { } output)
        {
            return false;
        }
        float? alpha = null;
        float[]? slopes = null;
        switch (activation)
        {
            case Activation.LeakyReLU:
                alpha = node.Float("alpha", 0.01f);
                // NetGen's export writes RReLU as its inference form, LeakyRelu with the mean slope 11/48.
                if (Math.Abs(alpha.Value - RReLUSlope) <= 1e-7f && context.Last<ImportedDense>() is not null)
                {
                    (activation, alpha) = (Activation.RReLU, null);
                }
                break;
            case Activation.ELU:
                alpha = node.Float("alpha", 1f);
                break;
            case Activation.SELU:
                // NetGen's SELU has the fixed constants of the paper, which are ONNX's defaults too.
                if (Math.Abs(node.Float("alpha", 1.67326319f) - 1.67326319f) > 1e-6f || Math.Abs(node.Float("gamma", 1.05070102f) - 1.05070102f) > 1e-6f)
                {
                    context.Problem(node, "Selu with α or γ other than the standard 1.6733 and 1.0507, which NetGen's SELU has fixed");
                }
                break;
            case Activation.Softmax:
                long axis = node.Int("axis", -1);
                if (axis != -1 && axis != context.Shape.Length)
                {
                    context.Problem(node, $"Softmax over axis {axis} of a {context.Shape.Length + 1}-D tensor; NetGen's softmax is over the last axis");
                }
                break;
            case Activation.PReLU:
                slopes = Slopes(context, node);
                break;
        }
        Fold(context, [node], activation, alpha, slopes, output);
        return true;
    }

    /// <summary>
    /// Puts the activation on the layer that computed <see cref="ImportContext.Current"/>: the last layer, or the layer
    /// before a batch norm that follows it (then z → BN → f, as NetGen fuses them).
    /// </summary>
    internal static void Fold(ImportContext context, OnnxNode[] nodes, Activation activation, float? alpha, float[]? slopes, string output)
    {
        context.Consume(nodes);
        WeightedLayer? host = context.Last<WeightedLayer>();
        bool afterBatchNorm = false;
        if (host is null && context.Last<ImportedBatchNorm>() is not null && context.Layers.Count >= 2 && context.Layers[^2] is WeightedLayer beforeBatchNorm)
        {
            host = beforeBatchNorm;
            afterBatchNorm = true;
        }
        if (host is null || host.Activation != Activation.Identity)
        {
            context.Problem(nodes[^1], host is null
                ? "an activation with no Dense or convolution layer right before it to carry it; NetGen has no activation layer of its own"
                : $"a second activation after {host.Kind} layer's {host.Activation}; a NetGen layer has one");
        }
        else if (Activations.DenseOnly(activation) && host is not ImportedDense)
        {
            context.Problem(nodes[^1], $"{activation} after a {host.Kind} layer; NetGen has it on Dense layers only");
        }
        else
        {
            host.Activation = activation;
            host.Alpha = alpha;
            host.ActivationAfterBatchNorm = afterBatchNorm;
            if (slopes is not null && host is ImportedDense dense)
            {
                dense.Slopes = slopes.Length == 1 ? Enumerable.Repeat(slopes[0], dense.Units).ToArray() : slopes;
                if (dense.Slopes.Length != dense.Units)
                {
                    context.Problem(nodes[^1], $"{slopes.Length} PReLU slopes for {dense.Units} units; NetGen's PReLU has one per unit");
                }
            }
        }
        context.Advance(output, context.Shape, context.IsSequence);
    }

    /// <summary>PRelu's slopes: one for all units (PyTorch's default PReLU()) or one per unit.</summary>
    private static float[]? Slopes(ImportContext context, OnnxNode node) => context.FloatConstant(node, 1, "slope")?.Floats;

    private sealed record Match(Activation Activation, OnnxNode[] Nodes, string Output);

    /// <summary>GELU, SiLU or BinaryStep written as a subgraph of <see cref="ImportContext.Current"/>, if one is there.</summary>
    private static Match? Subgraph(ImportContext context)
    {
        string x = context.Current;
        IReadOnlyList<OnnxNode> readers = context.ConsumersOf(x);
        return Silu(context, x, readers) ?? Gelu(context, x, readers) ?? BinaryStep(context, x, readers);
    }

    /// <summary>SiLU: s = Sigmoid(x), Mul(x, s) in either order.</summary>
    private static Match? Silu(ImportContext context, string x, IReadOnlyList<OnnxNode> readers)
    {
        if (readers.Count != 2 || readers.FirstOrDefault(node => node.OpType == "Sigmoid") is not { } sigmoid || sigmoid.Output(0) is not { } s)
        {
            return null;
        }
        OnnxNode other = readers.First(node => node != sigmoid);
        return other.OpType == "Mul" && Operands(other, x, s) && context.SingleConsumer(s) == other && other.Output(0) is { } output
            ? new Match(Activation.SiLU, [sigmoid, other], output)
            : null;
    }

    /// <summary>
    /// GELU (erf form): d = x/√2 (Div by √2 or Mul by 1/√2), e = Erf(d), a = e + 1, and x·a·0.5 in any grouping: PyTorch's
    /// Mul(Mul(x, a), 0.5), or Mul(Mul(x, 0.5), a).
    /// </summary>
    private static Match? Gelu(ImportContext context, string x, IReadOnlyList<OnnxNode> readers)
    {
        OnnxNode? scale = readers.FirstOrDefault(node =>
            (node.OpType == "Div" && node.Input(0) == x && Near(context.Scalar(node.Input(1)), MathF.Sqrt(2f)))
            || (node.OpType == "Mul" && Operand(node, x, out string? c) && Near(context.Scalar(c), 1f / MathF.Sqrt(2f))));
        if (scale?.Output(0) is not { } d || context.SingleConsumer(d) is not { OpType: "Erf" } erf || erf.Output(0) is not { } e
            || context.SingleConsumer(e) is not { OpType: "Add" } add || !Operand(add, e, out string? one) || !Near(context.Scalar(one), 1f)
            || add.Output(0) is not { } a)
        {
            return null;
        }
        var nodes = new List<OnnxNode> { scale, erf, add };
        // Multiply out x · a · 0.5 through at most two Mul nodes, starting from a.
        bool hasX = false, hasHalf = false;
        string value = a;
        OnnxNode? halfOfX = readers.FirstOrDefault(node => node.OpType == "Mul" && node != scale && Operand(node, x, out string? h) && Near(context.Scalar(h), 0.5f));
        for (int step = 0; step < 2 && !(hasX && hasHalf); step++)
        {
            if (context.SingleConsumer(value) is not { OpType: "Mul" } mul || !Operand(mul, value, out string? factor) || mul.Output(0) is not { } product)
            {
                return null;
            }
            if (factor == x && !hasX)
            {
                hasX = true;
            }
            else if (Near(context.Scalar(factor), 0.5f) && !hasHalf)
            {
                hasHalf = true;
            }
            else if (halfOfX is not null && factor == halfOfX.Output(0) && !hasX && !hasHalf)
            {
                hasX = hasHalf = true;
                nodes.Add(halfOfX);
            }
            else
            {
                return null;
            }
            nodes.Add(mul);
            value = product;
        }
        return hasX && hasHalf && readers.Count == 2 ? new Match(Activation.GELU, nodes.ToArray(), value) : null;
    }

    /// <summary>BinaryStep: Cast(GreaterOrEqual(x, 0), to float).</summary>
    private static Match? BinaryStep(ImportContext context, string x, IReadOnlyList<OnnxNode> readers)
    {
        if (readers is not [{ OpType: "GreaterOrEqual" } compare] || compare.Input(0) != x || !Near(context.Scalar(compare.Input(1)), 0f)
            || compare.Output(0) is not { } mask || context.SingleConsumer(mask) is not { OpType: "Cast" } cast
            || cast.Int("to", 0) != OnnxGraph.Float || cast.Output(0) is not { } output)
        {
            return null;
        }
        return new Match(Activation.BinaryStep, [compare, cast], output);
    }

    private static bool Near(float? value, float expected) => value is { } v && Math.Abs(v - expected) <= 1e-6f * Math.Max(1f, Math.Abs(expected));

    /// <summary>Whether a two-input node reads <paramref name="left"/> and <paramref name="right"/>, in either order.</summary>
    private static bool Operands(OnnxNode node, string left, string right) =>
        (node.Input(0) == left && node.Input(1) == right) || (node.Input(0) == right && node.Input(1) == left);

    /// <summary>Whether a two-input node reads <paramref name="value"/>; <paramref name="other"/> is its other input.</summary>
    private static bool Operand(OnnxNode node, string value, out string? other)
    {
        other = node.Input(0) == value ? node.Input(1) : node.Input(1) == value ? node.Input(0) : null;
        return other is not null;
    }
}
