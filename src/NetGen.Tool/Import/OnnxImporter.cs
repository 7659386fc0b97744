using System.Text;
using NetGen.Tool.Import.Importers;

namespace NetGen.Tool.Import;

/// <summary>
/// Turns an ONNX model into a NetGen declaration and its weights: the graphs <c>torch.onnx.export</c> writes (opset 17,
/// eval mode) and NetGen's own export, for NetGen's layer kinds. The graph must be one chain of such layers from its
/// one input to its one output; anything else is an <see cref="OnnxImportException"/> that lists every node it cannot
/// map, and nothing is written. <c>docs/onnx.md</c> lists what maps to what.
/// </summary>
public static class OnnxImporter
{
    /// <summary>
    /// The importers, tried in this order at each step of the walk: the more specific patterns first (a per-step
    /// Dense's Reshape before a plain Reshape, GELU's subgraph inside the activations).
    /// </summary>
    private static readonly INodeImporter[] Importers =
    [
        new NormalizationImporter(),
        new IdentityImporter(),
        new PerStepDenseImporter(),
        new DenseImporter(),
        new ConvImporter(),
        new ConvTransposeImporter(),
        new PoolImporter(),
        new BatchNormImporter(),
        new ReshapeImporter(),
        new ResizeImporter(),
        new DropoutImporter(),
        new RecurrentImporter(),
        new ActivationImporter(),
        new ElementwiseActivationImporter(),
    ];

    /// <summary>The ops some importer reads; a graph with any other is refused before the walk, naming every such node.</summary>
    private static readonly HashSet<string> KnownOps =
    [
        "Gemm", "MatMul", "Add", "Sub", "Div", "Mul", "Relu", "Sigmoid", "Tanh", "Softmax", "LeakyRelu", "Elu", "Selu", "Softplus",
        "Softsign", "PRelu", "Atan", "Asinh", "Erf", "GreaterOrEqual", "Cast", "Conv", "ConvTranspose", "MaxPool", "AveragePool",
        "BatchNormalization", "Flatten", "Reshape", "Resize", "Dropout", "Identity", "Pad", "Transpose", "LSTM", "GRU", "RNN",
        "Squeeze", "Unsqueeze", "Gather", "Slice", "Shape", "Concat", "Constant", "ConstantOfShape",
        "Sqrt", "Abs", "Neg", "Clip", "Min", "Max", "Where", "Greater", "Less", "LessOrEqual", "Exp", "Log", "Pow", "Reciprocal",
    ];

    /// <summary>Ops that only compute shapes and constants; used where everything they feed was imported.</summary>
    private static readonly HashSet<string> ShapeOps =
        ["Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "ConstantOfShape", "Cast", "Slice"];

    /// <summary>Reads <paramref name="path"/> and maps its graph to a declaration of <paramref name="className"/> and its tensors.</summary>
    /// <param name="path">An ONNX model file (<c>.onnx</c>).</param>
    /// <param name="className">The partial class to declare, a C# identifier.</param>
    /// <param name="namespaceName">The namespace to put it in, or null for none.</param>
    /// <exception cref="OnnxImportException">The file is not ONNX, or its graph has something NetGen cannot express; the message says what and where.</exception>
    public static ImportedNetwork Import(string path, string className, string? namespaceName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!SyntaxFacts.IsIdentifier(className))
        {
            throw new ArgumentException($"'{className}' is not a C# class name.", nameof(className));
        }
        if (namespaceName is not null && !namespaceName.Split('.').All(SyntaxFacts.IsIdentifier))
        {
            throw new ArgumentException($"'{namespaceName}' is not a C# namespace.", nameof(namespaceName));
        }
        OnnxGraph graph = OnnxGraph.Load(path);
        string file = Path.GetFileName(path);

        var unknown = graph.Nodes.Where(node => !KnownOps.Contains(node.OpType) || node.Proto.Domain is not ("" or "ai.onnx")).ToArray();
        if (unknown.Length > 0)
        {
            throw Fail(path, unknown.Select(node => $"{node.Describe()}: NetGen has no layer or activation for {(node.Proto.Domain is "" or "ai.onnx" ? "" : node.Proto.Domain + ".")}{node.OpType}"));
        }

        long?[]? dimensions = graph.InputShape();
        if (dimensions is null || dimensions.Length is < 2 or > 4 || dimensions.Skip(1).Any(d => d is not > 0))
        {
            string shape = dimensions is null ? "no shape" : "[" + string.Join(", ", dimensions.Select(d => d?.ToString() ?? "?")) + "]";
            throw new OnnxImportException(path,
                $"Cannot import {path}: input '{graph.Input.Name}' has {shape}; NetGen needs [batch, d1(, d2(, d3))] with every dimension but the batch fixed.");
        }
        int[] sample = dimensions.Skip(1).Select(d => (int)d!.Value).ToArray();
        var context = new ImportContext(graph, graph.Input.Name, sample);
        Walk(context);
        if (context.Stopped && context.Problems.Count == 0)
        {
            context.Problems.Add($"the chain of layers could not go on past '{context.Current}'");
        }
        if (context.Problems.Count == 0)
        {
            foreach (OnnxNode node in Unused(context))
            {
                context.Problem(node, "not on the chain of layers from the input to the output");
            }
        }
        if (context.Problems.Count == 0 && context.Layers.LastOrDefault() is not (WeightedLayer or null))
        {
            context.Problems.Add($"the graph ends with what NetGen declares as [{context.Layers[^1].Kind}]; a NetGen network ends with a Dense, Conv2D or ConvTranspose2D layer");
        }
        if (context.Problems.Count == 0 && context.Layers.Count == 0)
        {
            context.Problems.Add("the graph has no layer NetGen could declare");
        }
        DeclarationWriter? writer = context.Problems.Count == 0 ? new DeclarationWriter(context, file, className, namespaceName) : null;
        if (context.Problems.Count > 0)
        {
            throw Fail(path, context.Problems);
        }
        return writer!.Build();
    }

    /// <summary>From the input, one construct at a time, until the output, a node nothing maps, or a node that could not be shaped.</summary>
    private static void Walk(ImportContext context)
    {
        while (!context.Stopped && context.Current != context.Graph.Output)
        {
            if (Importers.Any(importer => importer.TryImport(context)))
            {
                continue;
            }
            IReadOnlyList<OnnxNode> readers = context.ConsumersOf();
            if (readers.Count == 0)
            {
                context.Problems.Add($"the chain of layers ends at '{context.Current}', which no node reads, before the output '{context.Graph.Output}'");
                return;
            }
            foreach (OnnxNode reader in readers)
            {
                context.Problem(reader, readers.Count > 1
                    ? $"one of {readers.Count} nodes reading '{context.Current}'; a NetGen network is a chain, each layer's output read once"
                    : $"{reader.OpType} here (reading '{context.Current}', samples {ImportContext.Format(context.Shape)}) is no construct NetGen maps");
            }
            return;
        }
    }

    /// <summary>Nodes the walk did not use, after taking as used the shape helpers whose results only used nodes read.</summary>
    private static IEnumerable<OnnxNode> Unused(ImportContext context)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (OnnxNode node in context.Graph.Nodes.Where(node => !context.IsConsumed(node) && ShapeOps.Contains(node.OpType)))
            {
                bool feedsOnlyUsed = node.Proto.Output.All(output =>
                    !context.Graph.IsGraphOutput(output) && context.Graph.ConsumersOf(output).All(context.IsConsumed));
                if (feedsOnlyUsed)
                {
                    context.Consume(node);
                    changed = true;
                }
            }
        }
        return context.Graph.Nodes.Where(node => !context.IsConsumed(node));
    }

    private static OnnxImportException Fail(string path, IEnumerable<string> problems)
    {
        string[] lines = problems.ToArray();
        var message = new StringBuilder($"Cannot import {path}: {lines.Length} problem{(lines.Length == 1 ? "" : "s")} NetGen cannot express; nothing was written.");
        foreach (string line in lines)
        {
            message.Append("\n  ").Append(line);
        }
        return new OnnxImportException(path, message.ToString());
    }
}

/// <summary>C# identifiers, for the class and namespace names given on the command line.</summary>
internal static class SyntaxFacts
{
    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
