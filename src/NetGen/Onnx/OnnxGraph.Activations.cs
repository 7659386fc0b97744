using NetGen.Kernels;
using Onnx;

namespace NetGen.Onnx;

public sealed partial class OnnxGraph
{
    /// <summary>
    /// The activation a = f(z) of a layer's output z [B, units] (or [B, C, H, W]): one operator where ONNX has it,
    /// otherwise a small subgraph of standard operators that computes the formula NetGen's kernels do, in inference
    /// form (randomized ReLU at its mean slope).
    /// </summary>
    /// <param name="layer">The layer's name, which prefixes the nodes.</param>
    /// <param name="z">The value coming in.</param>
    /// <param name="activation">The layer's activation.</param>
    /// <param name="alpha">Its parameter in effect, for the activations that take one.</param>
    /// <param name="units">The units of a Dense layer, for bipolar ReLU, which alternates along them.</param>
    public string Activation(string layer, string z, Activation activation, float alpha = 0f, int units = 0) => activation switch
    {
        NetGen.Activation.Identity => z,
        NetGen.Activation.Sigmoid => Unary(layer, "Sigmoid", z),
        NetGen.Activation.Tanh => Unary(layer, "Tanh", z),
        NetGen.Activation.ReLU => Unary(layer, "Relu", z),
        NetGen.Activation.Softmax => Unary(layer, "Softmax", z, Int("axis", -1)),
        NetGen.Activation.ArcTan => Unary(layer, "Atan", z),
        NetGen.Activation.ArSinh => Unary(layer, "Asinh", z),
        NetGen.Activation.Softsign => Unary(layer, "Softsign", z),
        NetGen.Activation.Softplus => Unary(layer, "Softplus", z),
        NetGen.Activation.LeakyReLU => LeakyRelu(layer, z, alpha),
        NetGen.Activation.RReLU => LeakyRelu(layer, z, (UnitActivations.RReLULower + UnitActivations.RReLUUpper) / 2f),
        NetGen.Activation.ELU => Unary(layer, "Elu", z, Float("alpha", alpha)),
        NetGen.Activation.SELU => Unary(layer, "Selu", z, Float("alpha", Kernels.SELU.Alpha), Float("gamma", Kernels.SELU.Scale)),
        NetGen.Activation.PReLU => Node(layer, "PRelu", z, Weight($"{layer}_prelu.weight")).Output[0],
        NetGen.Activation.GELU => Gelu(layer, z),
        NetGen.Activation.SiLU => Node(layer, "Mul", z, Unary(layer, "Sigmoid", z)).Output[0],
        NetGen.Activation.BinaryStep => BinaryStep(layer, z),
        NetGen.Activation.ISRU => Isru(layer, z, alpha),
        NetGen.Activation.ISRLU => Node(layer, "Where", NonNegative(layer, z), z, Isru(layer, z, alpha)).Output[0],
        NetGen.Activation.SQNL => Sqnl(layer, z),
        NetGen.Activation.BipolarReLU => BipolarRelu(layer, z, units),
        _ => throw new NotSupportedException($"Layer '{layer}': no ONNX form for the activation {activation}."),
    };

    /// <summary>A node of one input, with its attributes.</summary>
    private string Unary(string layer, string op, string x, params AttributeProto[] attributes)
    {
        NodeProto node = Node(layer, op, x);
        node.Attribute.Add(attributes);
        return node.Output[0];
    }

    private string LeakyRelu(string layer, string z, float slope) => Unary(layer, "LeakyRelu", z, Float("alpha", slope));

    /// <summary>z · (1 + erf(z / √2)) · 0.5, node for node as <c>torch.onnx.export</c> writes GELU before opset 20.</summary>
    private string Gelu(string layer, string z)
    {
        string scaled = Node(layer, "Div", z, Scalar(layer, "sqrt2", MathF.Sqrt(2f))).Output[0];
        string erf = Unary(layer, "Erf", scaled);
        string onePlus = Node(layer, "Add", erf, Scalar(layer, "one", 1f)).Output[0];
        string product = Node(layer, "Mul", z, onePlus).Output[0];
        return Node(layer, "Mul", product, Scalar(layer, "half", 0.5f)).Output[0];
    }

    /// <summary>1 where z ≥ 0, else 0, as floats.</summary>
    private string BinaryStep(string layer, string z)
    {
        NodeProto cast = Node(layer, "Cast", NonNegative(layer, z));
        cast.Attribute.Add(Int("to", (int)TensorProto.Types.DataType.Float));
        return cast.Output[0];
    }

    private string NonNegative(string layer, string z) => Node(layer, "GreaterOrEqual", z, Scalar(layer, "zero", 0f)).Output[0];

    /// <summary>z / √(1 + α z²).</summary>
    private string Isru(string layer, string z, float alpha)
    {
        string square = Node(layer, "Mul", z, z).Output[0];
        string scaled = Node(layer, "Mul", square, Scalar(layer, "alpha", alpha)).Output[0];
        string onePlus = Node(layer, "Add", scaled, Scalar(layer, "one", 1f)).Output[0];
        return Node(layer, "Div", z, Unary(layer, "Sqrt", onePlus)).Output[0];
    }

    /// <summary>c − c|c| / 4 with c = clip(z, −2, 2): z ∓ z²/4 inside ±2, ±1 beyond.</summary>
    private string Sqnl(string layer, string z)
    {
        string clipped = Node(layer, "Clip", z, Scalar(layer, "minus_two", -2f), Scalar(layer, "two", 2f)).Output[0];
        string magnitude = Unary(layer, "Abs", clipped);
        string square = Node(layer, "Mul", clipped, magnitude).Output[0];
        string quarter = Node(layer, "Mul", square, Scalar(layer, "quarter", 0.25f)).Output[0];
        return Node(layer, "Sub", clipped, quarter).Output[0];
    }

    /// <summary>max(0, z) on even units, min(0, z) on odd ones, chosen by a constant boolean mask [units].</summary>
    private string BipolarRelu(string layer, string z, int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        _names.Add($"{layer}/even_units");
        var mask = new TensorProto { Name = $"{layer}/even_units", DataType = (int)TensorProto.Types.DataType.Bool, Dims = { units } };
        byte[] even = new byte[units];
        for (int unit = 0; unit < units; unit += 2)
        {
            even[unit] = 1;
        }
        mask.RawData = Google.Protobuf.ByteString.CopyFrom(even);
        _graph.Initializer.Add(mask);
        string positive = Unary(layer, "Relu", z);
        string negative = Node(layer, "Min", z, Scalar(layer, "zero", 0f)).Output[0];
        return Node(layer, "Where", mask.Name, positive, negative).Output[0];
    }

    /// <summary>A float scalar constant of this layer's subgraph, <c>{layer}/{purpose}</c>, shared by its nodes.</summary>
    private string Scalar(string layer, string purpose, float value)
    {
        string name = $"{layer}/{purpose}";
        return _names.Contains(name) ? name : Constant(name, [value], []);
    }
}
