using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace NetGen.Tool.Import;

/// <summary>One node of the graph and its position in it; the helpers read its inputs and attributes.</summary>
internal sealed class OnnxNode(int index, NodeProto proto)
{
    /// <summary>The node's index in the graph's node list, as error messages give it.</summary>
    public int Index { get; } = index;

    public NodeProto Proto { get; } = proto;

    public string OpType => Proto.OpType;

    public string Name => Proto.Name;

    /// <summary>"node 3 (Conv '/features/features.0/Conv')", how messages name a node.</summary>
    public string Describe() => $"node {Index} ({OpType}{(Name.Length > 0 ? $" '{Name}'" : "")})";

    /// <summary>Input <paramref name="i"/>'s tensor name, or null where it is absent or left empty (an omitted optional input).</summary>
    public string? Input(int i) => i < Proto.Input.Count && Proto.Input[i].Length > 0 ? Proto.Input[i] : null;

    public string? Output(int i) => i < Proto.Output.Count && Proto.Output[i].Length > 0 ? Proto.Output[i] : null;

    public AttributeProto? Attribute(string name) => Proto.Attribute.FirstOrDefault(attribute => attribute.Name == name);

    public long Int(string name, long fallback) => Attribute(name) is { } attribute ? attribute.I : fallback;

    public float Float(string name, float fallback) => Attribute(name) is { } attribute ? attribute.F : fallback;

    public string? String(string name) => Attribute(name) is { } attribute ? attribute.S.ToStringUtf8() : null;

    public long[]? Ints(string name) => Attribute(name) is { } attribute ? attribute.Ints.ToArray() : null;

    public string[]? Strings(string name) => Attribute(name) is { } attribute ? attribute.Strings.Select(s => s.ToStringUtf8()).ToArray() : null;

    /// <summary>
    /// The PyTorch module a node came from, read off its name: <c>/features/features.0/Conv</c> → <c>features.0</c>
    /// (torch.onnx.export names nodes by module path), <c>fc1/Gemm</c> → <c>fc1</c>; null for a top-level node such as <c>/Relu</c>.
    /// </summary>
    public string? Scope()
    {
        string[] parts = Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? parts[^2] : null;
    }
}

/// <summary>A constant tensor: an initializer or a <c>Constant</c> node's value, with its elements as float or int64.</summary>
internal sealed record OnnxConstant(string Name, int[] Shape, int DataType, float[]? Floats, long[]? Longs, bool IsInitializer)
{
    public int Count => Shape.Aggregate(1, (product, dimension) => product * dimension);

    /// <summary>The ONNX element type's name, for messages.</summary>
    public string TypeName => OnnxGraph.TypeName(DataType);
}

/// <summary>
/// A parsed ONNX model's main graph, indexed for the chain walk: nodes in order, the constants (initializers and
/// <c>Constant</c> nodes), which nodes read each tensor, and the single graph input and output.
/// </summary>
internal sealed class OnnxGraph
{
    public const int Float = 1, Int32 = 6, Int64 = 7, Bool = 9;

    private readonly Dictionary<string, OnnxConstant> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);

    private OnnxGraph(string path, GraphProto graph, IEnumerable<StringStringEntryProto> metadata)
    {
        Path = path;
        foreach (StringStringEntryProto entry in metadata)
        {
            Metadata[entry.Key] = entry.Value;
        }
        Nodes = graph.Node.Select((node, i) => new OnnxNode(i, node)).ToArray();
        foreach (TensorProto initializer in graph.Initializer)
        {
            _constants[initializer.Name] = ReadTensor(initializer, initializer.Name, isInitializer: true);
        }
        foreach (OnnxNode node in Nodes)
        {
            foreach (string input in node.Proto.Input.Where(input => input.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out List<OnnxNode>? list))
                {
                    _consumers[input] = list = [];
                }
                list.Add(node);
            }
            foreach (string output in node.Proto.Output.Where(output => output.Length > 0))
            {
                _producers[output] = node;
            }
            if (node.OpType == "Constant" && node.Output(0) is { } name)
            {
                _constants[name] = ReadConstantNode(node, name);
            }
        }
        // Old exporters list initializers among the inputs too; only the others are fed by the caller.
        ValueInfoProto[] inputs = graph.Input.Where(input => !_constants.ContainsKey(input.Name)).ToArray();
        if (inputs.Length != 1)
        {
            throw new OnnxImportException(path, inputs.Length == 0
                ? $"Cannot import {path}: the graph has no input; NetGen networks take one."
                : $"Cannot import {path}: the graph has {inputs.Length} inputs ({string.Join(", ", inputs.Select(input => $"'{input.Name}'"))}); a NetGen network takes one.");
        }
        if (graph.Output.Count != 1)
        {
            throw new OnnxImportException(path,
                $"Cannot import {path}: the graph has {graph.Output.Count} outputs ({string.Join(", ", graph.Output.Select(output => $"'{output.Name}'"))}); a NetGen network gives one.");
        }
        Input = inputs[0];
        Output = graph.Output[0].Name;
    }

    /// <summary>The file read, as messages name it.</summary>
    public string Path { get; }

    /// <summary>
    /// The model's metadata_props. NetGen's export records there what a graph cannot say: <c>netgen.loss</c> and an
    /// autoencoder's code layer, <c>netgen.autoencoder</c>.
    /// </summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The one graph input that is not an initializer.</summary>
    public ValueInfoProto Input { get; }

    /// <summary>The graph output's tensor name.</summary>
    public string Output { get; }

    /// <summary>Reads and checks <paramref name="path"/>: a parseable ModelProto with a graph, one input, one output, no external data.</summary>
    public static OnnxGraph Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException(path, $"Cannot import {path}: {e.Message}", e);
        }
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException(path,
                $"Cannot import {path}: it is not a readable ONNX model ({bytes.Length:N0} bytes); parsing it as an ONNX ModelProto failed: {e.Message} The file is truncated, corrupt or not ONNX.", e);
        }
        // Random bytes can parse as a message of unknown fields: an ONNX model has an IR version and a graph with nodes.
        if (model.IrVersion <= 0 || model.Graph is null || model.Graph.Node.Count == 0)
        {
            string missing = model.IrVersion <= 0 ? "no IR version" : model.Graph is null ? "no graph" : "a graph without nodes";
            throw new OnnxImportException(path,
                $"Cannot import {path}: it is not an ONNX model ({bytes.Length:N0} bytes parsed as a ModelProto with {missing}). The file is truncated, corrupt or not ONNX.");
        }
        foreach (TensorProto tensor in model.Graph.Initializer)
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            {
                throw new OnnxImportException(path,
                    $"Cannot import {path}: initializer '{tensor.Name}' keeps its data in an external file; save the model with its weights inside (onnx.save_model(..., save_as_external_data=False)).");
            }
        }
        return new OnnxGraph(path, model.Graph, model.MetadataProps);
    }

    /// <summary>The nodes that read <paramref name="tensor"/>, in graph order.</summary>
    public IReadOnlyList<OnnxNode> ConsumersOf(string tensor) =>
        _consumers.TryGetValue(tensor, out List<OnnxNode>? list) ? list : [];

    public OnnxNode? ProducerOf(string tensor) => _producers.GetValueOrDefault(tensor);

    public bool IsGraphOutput(string tensor) => tensor == Output;

    public OnnxConstant? Constant(string? name) => name is not null ? _constants.GetValueOrDefault(name) : null;

    /// <summary>The sample's dimensions from the input's declared shape, batch first, or null where one is missing.</summary>
    public long?[]? InputShape()
    {
        if (Input.Type?.TensorType?.Shape is not { } shape)
        {
            return null;
        }
        return shape.Dim.Select(dimension => dimension.HasDimValue ? dimension.DimValue : (long?)null).ToArray();
    }

    public static string TypeName(int dataType) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType)
            ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant()
            : $"type {dataType}";

    private OnnxConstant ReadConstantNode(OnnxNode node, string name)
    {
        if (node.Attribute("value") is { T: { } tensor })
        {
            return ReadTensor(tensor, name, isInitializer: false);
        }
        if (node.Attribute("value_float") is { } single)
        {
            return new OnnxConstant(name, [], Float, [single.F], null, false);
        }
        if (node.Attribute("value_floats") is { } floats)
        {
            return new OnnxConstant(name, [floats.Floats.Count], Float, floats.Floats.ToArray(), null, false);
        }
        if (node.Attribute("value_int") is { } integer)
        {
            return new OnnxConstant(name, [], Int64, null, [integer.I], false);
        }
        if (node.Attribute("value_ints") is { } integers)
        {
            return new OnnxConstant(name, [integers.Ints.Count], Int64, null, integers.Ints.ToArray(), false);
        }
        return new OnnxConstant(name, [0], 0, null, null, false);
    }

    /// <summary>float32, and int32/int64/bool elements as int64, from raw data or the typed fields; other types keep only their shape.</summary>
    private OnnxConstant ReadTensor(TensorProto tensor, string name, bool isInitializer)
    {
        int[] shape = tensor.Dims.Select(dimension => checked((int)dimension)).ToArray();
        int count = shape.Aggregate(1, (product, dimension) => checked(product * dimension));
        ReadOnlySpan<byte> raw = tensor.RawData.Span;
        float[]? floats = null;
        long[]? longs = null;
        switch (tensor.DataType)
        {
            case Float:
                floats = raw.Length > 0 ? ReadRaw(raw, count, 4, name, bytes => BinaryPrimitives.ReadSingleLittleEndian(bytes)) : tensor.FloatData.ToArray();
                Expect(floats.Length, count, name);
                break;
            case Int64:
                longs = raw.Length > 0 ? ReadRaw(raw, count, 8, name, bytes => BinaryPrimitives.ReadInt64LittleEndian(bytes)) : tensor.Int64Data.ToArray();
                Expect(longs.Length, count, name);
                break;
            case Int32:
                longs = raw.Length > 0
                    ? ReadRaw(raw, count, 4, name, bytes => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes))
                    : tensor.Int32Data.Select(value => (long)value).ToArray();
                Expect(longs.Length, count, name);
                break;
            case Bool:
                // One byte each in raw data; int32_data otherwise.
                longs = raw.Length > 0
                    ? ReadRaw(raw, count, 1, name, bytes => (long)bytes[0])
                    : tensor.Int32Data.Select(value => (long)value).ToArray();
                Expect(longs.Length, count, name);
                break;
        }
        return new OnnxConstant(name, shape, tensor.DataType, floats, longs, isInitializer);
    }

    private delegate T Reader<T>(ReadOnlySpan<byte> bytes);

    private T[] ReadRaw<T>(ReadOnlySpan<byte> raw, int count, int size, string name, Reader<T> read)
    {
        Expect(raw.Length, count * size, name, "bytes");
        var values = new T[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = read(raw.Slice(i * size, size));
        }
        return values;
    }

    private void Expect(int actual, int expected, string name, string unit = "elements")
    {
        if (actual != expected)
        {
            throw new OnnxImportException(Path, string.Create(CultureInfo.InvariantCulture,
                $"Cannot import {Path}: tensor '{name}' holds {actual:N0} {unit} where its shape needs {expected:N0}; the file is corrupt."));
        }
    }
}
