using System.ComponentModel;
using System.Runtime.InteropServices;
using Google.Protobuf;
using NetGen.Data;
using Onnx;

namespace NetGen.Onnx;

/// <summary>
/// The ONNX inference graph of one model as it is being written: <see cref="Model.ExportOnnx(string)"/> makes one, and the
/// network's generated code adds its layers in order, each call taking the name of the value coming in and
/// returning the name of the value going out. Weights become initializers under the model's own tensor names
/// (<c>fc1.weight</c>), read from its parameters when the layer asks for them.
/// </summary>
/// <remarks>
/// Every operator is from the standard domain at opset <see cref="OpsetVersion"/>; activations ONNX has no operator
/// for are small subgraphs of standard ones. Node and value names are <c>{layer}/{Op}</c>, so a viewer such as Netron
/// groups them by layer. Not thread-safe: one export owns it.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class OnnxGraph
{
    /// <summary>The standard operator set the graph is written against.</summary>
    public const int OpsetVersion = 17;

    /// <summary>ONNX's IR version for opset 17 (ONNX 1.12).</summary>
    internal const int IrVersion = 8;

    private readonly Model _model;
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    internal OnnxGraph(Model model, string name)
    {
        _model = model;
        _graph.Name = name;
    }

    internal GraphProto Proto => _graph;

    /// <summary>Gemm: x [B, in] · Wᵀ + b, W the layer's <c>[units, in]</c> weight; or x · W for a tied decoder, whose W is its partner's.</summary>
    /// <param name="layer">The layer's name, which prefixes its nodes.</param>
    /// <param name="x">The value coming in.</param>
    /// <param name="weight">The weight tensor's name, e.g. <c>fc1.weight</c>.</param>
    /// <param name="bias">The bias tensor's name, or null for a layer without one (batch norm's β takes its place).</param>
    /// <param name="transposeWeight">False for a tied decoder: its weight is its partner's <c>[in, units]</c>, used as it is.</param>
    public string Gemm(string layer, string x, string weight, string? bias, bool transposeWeight = true)
    {
        NodeProto node = Node(layer, "Gemm", x, Weight(weight), bias is null ? null : Weight(bias));
        if (transposeWeight)
        {
            node.Attribute.Add(Int("transB", 1));
        }
        return node.Output[0];
    }

    /// <summary>A Dense layer's product on every step of x [B, steps, in], one weight for all: [B·steps, in] rows through a Gemm, back to [B, steps, units].</summary>
    public string PerStepGemm(string layer, string x, int steps, int inputs, int units, string weight, string? bias)
    {
        string rows = Reshape(layer, x, [-1, inputs], "rows");
        string z = Gemm(layer, rows, weight, bias);
        return Reshape(layer, z, [-1, steps, units], "steps");
    }

    /// <summary>Conv: x [B, C, H, W] with the layer's <c>[filters, C, kh, kw]</c> weight, stride and zero padding.</summary>
    public string Conv(
        string layer, string x, string weight, string? bias, int kernelHeight, int kernelWidth, int strideY, int strideX,
        int padTop, int padLeft, int padBottom, int padRight)
    {
        NodeProto node = Node(layer, "Conv", x, Weight(weight), bias is null ? null : Weight(bias));
        node.Attribute.Add(Ints("kernel_shape", kernelHeight, kernelWidth));
        node.Attribute.Add(Ints("strides", strideY, strideX));
        node.Attribute.Add(Ints("pads", padTop, padLeft, padBottom, padRight));
        return node.Output[0];
    }

    /// <summary>ConvTranspose: x [B, C, H, W] with the layer's <c>[C, out, kh, kw]</c> weight, as PyTorch's ConvTranspose2d.</summary>
    public string ConvTranspose(
        string layer, string x, string weight, string bias, int kernelHeight, int kernelWidth, int stride, int padding, int outputPadding)
    {
        NodeProto node = Node(layer, "ConvTranspose", x, Weight(weight), Weight(bias));
        node.Attribute.Add(Ints("kernel_shape", kernelHeight, kernelWidth));
        node.Attribute.Add(Ints("strides", stride, stride));
        node.Attribute.Add(Ints("pads", padding, padding, padding, padding));
        if (outputPadding != 0)
        {
            node.Attribute.Add(Ints("output_padding", outputPadding, outputPadding));
        }
        return node.Output[0];
    }

    /// <summary>
    /// BatchNormalization in inference form, per feature of x [B, C] or per channel of x [B, C, H, W], with the tensors
    /// <c>{batchNorm}.weight</c>, <c>.bias</c>, <c>.running_mean</c> and <c>.running_var</c>.
    /// </summary>
    public string BatchNormalization(string batchNorm, string x, float epsilon, float momentum)
    {
        NodeProto node = Node(
            batchNorm, "BatchNormalization", x,
            Weight($"{batchNorm}.weight"), Weight($"{batchNorm}.bias"), Weight($"{batchNorm}.running_mean"), Weight($"{batchNorm}.running_var"));
        node.Attribute.Add(Float("epsilon", epsilon));
        // ONNX's momentum weighs the old running value; NetGen's, as PyTorch's, the new batch statistic.
        node.Attribute.Add(Float("momentum", 1f - momentum));
        return node.Output[0];
    }

    /// <summary>MaxPool or AveragePool over window × window squares, no padding, the output size rounded down.</summary>
    public string Pool(string layer, string x, bool max, int window, int stride)
    {
        NodeProto node = Node(layer, max ? "MaxPool" : "AveragePool", x);
        node.Attribute.Add(Ints("kernel_shape", window, window));
        node.Attribute.Add(Ints("strides", stride, stride));
        return node.Output[0];
    }

    /// <summary>Flatten: [B, …] → [B, product of the rest].</summary>
    public string Flatten(string layer, string x)
    {
        NodeProto node = Node(layer, "Flatten", x);
        node.Attribute.Add(Int("axis", 1));
        return node.Output[0];
    }

    /// <summary>Reshape: [B, …] → [B, <paramref name="sampleShape"/>], the batch left free.</summary>
    public string Reshape(string layer, string x, params int[] sampleShape) => Reshape(layer, x, [-1, .. sampleShape], "shape");

    private string Reshape(string layer, string x, long[] shape, string purpose)
    {
        string shapeName = Constant($"{layer}.{purpose}", shape);
        return Node(layer, "Reshape", x, shapeName).Output[0];
    }

    /// <summary>Nearest-neighbour upsampling by an integer scale, as PyTorch's <c>Upsample(scale_factor, mode='nearest')</c>.</summary>
    public string Upsample(string layer, string x, int scale)
    {
        string scales = Constant($"{layer}.scales", [1f, 1f, scale, scale], [4]);
        NodeProto node = Node(layer, "Resize", x, "", scales);
        node.Attribute.Add(String("mode", "nearest"));
        node.Attribute.Add(String("coordinate_transformation_mode", "asymmetric"));
        node.Attribute.Add(String("nearest_mode", "floor"));
        return node.Output[0];
    }

    /// <summary>Dropout with its rate, which is the identity in inference; kept so that a reader sees the declared layer.</summary>
    public string Dropout(string layer, string x, float rate)
    {
        string ratio = Constant($"{layer}.ratio", [rate], []);
        return Node(layer, "Dropout", x, ratio).Output[0];
    }

    internal void AddInput(string name, int[] sampleShape) => _graph.Input.Add(Value(name, sampleShape));

    internal void AddOutput(string value, string name, int[] sampleShape)
    {
        if (value != name)
        {
            // The last layer's value is renamed so that the graph's output has a fixed name.
            _graph.Node.Add(new NodeProto { Name = "output/Identity", OpType = "Identity", Input = { value }, Output = { name } });
        }
        _graph.Output.Add(Value(name, sampleShape));
    }

    internal string Normalize(string x, InputNormalization normalization, int[] sampleShape)
    {
        int[] shape = [.. sampleShape];
        string mean = Constant(InputNormalization.MeanTensorName, normalization.Mean, shape);
        string deviation = Constant(InputNormalization.StandardDeviationTensorName, normalization.StandardDeviation, shape);
        string centred = Node("input_normalization", "Sub", x, mean).Output[0];
        return Node("input_normalization", "Div", centred, deviation).Output[0];
    }

    /// <summary>Adds a node named <c>{layer}/{op}</c> (numbered if the layer has one already) with one output of the same name.</summary>
    private NodeProto Node(string layer, string op, params string?[] inputs)
    {
        string name = UniqueName($"{layer}/{op}");
        var node = new NodeProto { Name = name, OpType = op };
        foreach (string? input in inputs)
        {
            if (input is not null)
            {
                node.Input.Add(input);
            }
        }
        node.Output.Add(name);
        _graph.Node.Add(node);
        return node;
    }

    private string UniqueName(string stem)
    {
        string name = stem;
        for (int i = 2; !_names.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }
        return name;
    }

    /// <summary>The model's tensor as an initializer under its own name and shape, added once however often it is used.</summary>
    private string Weight(string tensorName)
    {
        if (_names.Contains(tensorName))
        {
            return tensorName;
        }
        ParameterTensor tensor = _model.FindTensor(tensorName);
        return Constant(tensorName, _model.Parameters.AsSpan(tensor.Offset, tensor.Length), tensor.Shape);
    }

    /// <summary>A float initializer with <paramref name="shape"/> ([] for a scalar).</summary>
    private string Constant(string name, ReadOnlySpan<float> values, int[] shape)
    {
        _names.Add(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int dimension in shape)
        {
            tensor.Dims.Add(dimension);
        }
        // raw_data is little-endian, as .NET's floats are on every platform NetGen runs on.
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>An int64 vector initializer (a shape, a list of axes).</summary>
    private string Constant(string name, long[] values)
    {
        _names.Add(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length } };
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto Value(string name, int[] sampleShape)
    {
        var shape = new TensorShapeProto();
        // The batch is free: any number of samples runs through the exported graph.
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (int dimension in sampleShape)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dimension });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    private static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        foreach (string value in values)
        {
            attribute.Strings.Add(ByteString.CopyFromUtf8(value));
        }
        return attribute;
    }
}
