using System.Globalization;

namespace NetGen.Tool.Import;

/// <summary>
/// The walk along the graph's chain from its input to its output: the tensor reached so far and one sample's shape
/// there, the layers recognised, the nodes used, and every problem found. Importers read the nodes that consume
/// <see cref="Current"/>, and on a match consume them, add or amend a layer and advance.
/// </summary>
internal sealed class ImportContext
{
    private readonly HashSet<int> _consumed = [];
    private readonly HashSet<int> _reported = [];

    public ImportContext(OnnxGraph graph, string input, int[] shape)
    {
        Graph = graph;
        Current = input;
        Shape = shape;
        IsSequence = shape.Length == 2;
        Shapes[input] = shape;
    }

    public OnnxGraph Graph { get; }

    /// <summary>The tensor the chain has reached.</summary>
    public string Current { get; private set; }

    /// <summary>One sample's shape at <see cref="Current"/>, batch dimension dropped.</summary>
    public int[] Shape { get; private set; }

    /// <summary>Whether <see cref="Current"/> is a sequence [steps, features] (the input's, or a recurrent layer's all-steps output).</summary>
    public bool IsSequence { get; set; }

    public List<ImportedLayer> Layers { get; } = [];

    /// <summary>One sample's shape at each tensor the chain has passed, for Shape nodes that read them.</summary>
    public Dictionary<string, int[]> Shapes { get; } = new(StringComparer.Ordinal);

    /// <summary>Set where a node could not be shaped: the walk ends there, with its problem recorded.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Ends the walk (after a problem was recorded); returns true, as an importer that handled its node does.</summary>
    public bool Stop()
    {
        Stopped = true;
        return true;
    }

    /// <summary>input_normalization.mean and .std, each of the input's shape, where the graph starts by standardising.</summary>
    public float[]? Mean { get; set; }

    public float[]? StandardDeviation { get; set; }

    /// <summary>Each problem as a line naming the node.</summary>
    public List<string> Problems { get; } = [];

    public bool IsConsumed(OnnxNode node) => _consumed.Contains(node.Index);

    /// <summary>
    /// The nodes not yet used that read <paramref name="tensor"/> (default: <see cref="Current"/>). Shape nodes are left
    /// out: reading a tensor's shape (PyTorch's zero initial state for the batch at hand) is no branch of the data.
    /// </summary>
    public IReadOnlyList<OnnxNode> ConsumersOf(string? tensor = null) =>
        Graph.ConsumersOf(tensor ?? Current).Where(node => !_consumed.Contains(node.Index) && node.OpType != "Shape").ToArray();

    /// <summary>The only node that reads <paramref name="tensor"/> (default: <see cref="Current"/>), or null where none or several do.</summary>
    public OnnxNode? SingleConsumer(string? tensor = null)
    {
        IReadOnlyList<OnnxNode> consumers = ConsumersOf(tensor);
        return consumers.Count == 1 && !Graph.IsGraphOutput(tensor ?? Current) ? consumers[0] : null;
    }

    /// <summary>The only reader of <see cref="Current"/> if it has <paramref name="opType"/>.</summary>
    public OnnxNode? Next(string opType) => SingleConsumer() is { } node && node.OpType == opType ? node : null;

    public void Consume(params OnnxNode[] nodes)
    {
        foreach (OnnxNode node in nodes)
        {
            _consumed.Add(node.Index);
        }
    }

    /// <summary>Moves the chain to <paramref name="tensor"/>, one sample of which is <paramref name="shape"/>.</summary>
    public void Advance(string tensor, int[] shape, bool? isSequence = null)
    {
        Shapes[tensor] = shape;
        Current = tensor;
        Shape = shape;
        IsSequence = isSequence ?? false;
    }

    /// <summary>Records that <paramref name="node"/> cannot be imported, and why.</summary>
    public void Problem(OnnxNode node, string why)
    {
        _reported.Add(node.Index);
        Problems.Add($"{node.Describe()}: {why}");
    }

    public bool IsReported(OnnxNode node) => _reported.Contains(node.Index);

    /// <summary>
    /// The float32 constant at input <paramref name="input"/> of <paramref name="node"/>, or null with a problem recorded
    /// where it is missing, computed, or not float32. <paramref name="role"/> names it in the message ("weight").
    /// </summary>
    public OnnxConstant? FloatConstant(OnnxNode node, int input, string role)
    {
        string? name = node.Input(input);
        OnnxConstant? constant = Graph.Constant(name);
        if (constant is null)
        {
            Problem(node, name is null ? $"its {role} is missing" : $"its {role} '{name}' is computed in the graph; NetGen needs it as an initializer");
            return null;
        }
        if (constant.DataType != OnnxGraph.Float || constant.Floats is null)
        {
            Problem(node, $"its {role} '{name}' is {constant.TypeName}; NetGen's weights are FLOAT (float32)");
            return null;
        }
        return constant;
    }

    /// <summary>The int64/int32 constant at <paramref name="input"/> of <paramref name="node"/>, or null.</summary>
    public long[]? IntConstant(OnnxNode node, int input) => Graph.Constant(node.Input(input))?.Longs;

    /// <summary>A float constant's scalar value where it holds one element (any shape), else null.</summary>
    public float? Scalar(string? tensor) => Graph.Constant(tensor) is { Floats: [float value] } ? value : null;

    public static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>The last layer if it is a <typeparamref name="T"/>.</summary>
    public T? Last<T>() where T : ImportedLayer => Layers.Count > 0 ? Layers[^1] as T : null;
}
