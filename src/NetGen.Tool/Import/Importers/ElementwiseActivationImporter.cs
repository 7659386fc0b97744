namespace NetGen.Tool.Import.Importers;

/// <summary>
/// An activation written as a small subgraph of elementwise nodes on <see cref="ImportContext.Current"/>, in whatever
/// form the exporter chose (NetGen's export writes ISRU as x / Sqrt(1 + α·x²), ISRLU as Where(x ≥ 0, x, ISRU), SQNL
/// from Clip(x, −2, 2), BipolarReLU as Where(even-unit mask, Relu(x), Min(x, 0))): the subgraph is found by following
/// elementwise nodes whose other inputs are constants, then evaluated on probe values and compared with each of
/// NetGen's activations (fitting α where one takes it). It becomes the layer's activation as
/// <see cref="ActivationImporter"/>'s do.
/// </summary>
internal sealed class ElementwiseActivationImporter : INodeImporter
{
    /// <summary>Elementwise ops the subgraph may use; their other inputs must be constants.</summary>
    private static readonly HashSet<string> Ops =
    [
        "Add", "Sub", "Mul", "Div", "Sqrt", "Abs", "Neg", "Clip", "Min", "Max", "Where", "GreaterOrEqual", "Greater", "Less",
        "LessOrEqual", "Cast", "Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Pow", "Reciprocal",
    ];

    private const int MaxNodes = 16;

    /// <summary>The activations recognised this way (the others are single ONNX ops or have matchers of their own).</summary>
    private static readonly Activation[] Candidates =
        [Activation.ISRU, Activation.ISRLU, Activation.SQNL, Activation.BipolarReLU, Activation.BinaryStep, Activation.GELU, Activation.SiLU];

    public bool TryImport(ImportContext context)
    {
        if (context.Shape.Length == 0 || Collect(context) is not { } subgraph)
        {
            return false;
        }
        int units = context.Shape[^1];
        float[][] probes = Probes(units);
        float[][] outputs = new float[probes.Length][];
        for (int p = 0; p < probes.Length; p++)
        {
            if (Evaluate(context, subgraph.Nodes, subgraph.Output, probes[p], units) is not { } values)
            {
                return false;
            }
            outputs[p] = values;
        }
        foreach (Activation candidate in Candidates)
        {
            float? alpha = Refine(context, subgraph.Nodes, FitAlpha(candidate, probes, outputs));
            if (Matches(candidate, alpha, probes, outputs))
            {
                ActivationImporter.Fold(context, subgraph.Nodes, candidate, alpha, null, subgraph.Output);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The elementwise nodes reachable from the current tensor through inputs that are it, constants, or their outputs,
    /// if they end in one tensor that alone is read outside them; null otherwise.
    /// </summary>
    private static (OnnxNode[] Nodes, string Output)? Collect(ImportContext context)
    {
        var values = new HashSet<string>(StringComparer.Ordinal) { context.Current };
        var nodes = new List<OnnxNode>();
        bool grew = true;
        while (grew && nodes.Count <= MaxNodes)
        {
            grew = false;
            foreach (string value in values.ToArray())
            {
                foreach (OnnxNode node in context.ConsumersOf(value))
                {
                    if (nodes.Contains(node) || !Ops.Contains(node.OpType)
                        || !node.Proto.Input.All(input => input.Length == 0 || values.Contains(input) || context.Graph.Constant(input) is not null))
                    {
                        continue;
                    }
                    nodes.Add(node);
                    values.UnionWith(node.Proto.Output.Where(output => output.Length > 0));
                    grew = true;
                }
            }
        }
        if (nodes.Count == 0 || nodes.Count > MaxNodes)
        {
            return null;
        }
        // Exactly one value leaves the subgraph, and nothing outside reads the others.
        string[] leaving = values.Where(value => context.Graph.IsGraphOutput(value)
            || context.ConsumersOf(value).Any(reader => !nodes.Contains(reader))).ToArray();
        if (leaving.Length != 1 || leaving[0] == context.Current)
        {
            return null;
        }
        nodes.Sort((left, right) => left.Index.CompareTo(right.Index));
        return (nodes.ToArray(), leaving[0]);
    }

    /// <summary>Probe inputs of one sample's last axis: ramps both ways and constants, so that each unit sees both signs.</summary>
    private static float[][] Probes(int units)
    {
        float[] Ramp(float from, float to) =>
            Enumerable.Range(0, units).Select(j => units == 1 ? from : from + (to - from) * j / (units - 1)).ToArray();
        float[] Fill(float value) => Enumerable.Repeat(value, units).ToArray();
        return [Fill(1f), Fill(-1f), Fill(0.5f), Fill(-0.5f), Fill(2.5f), Fill(-2.5f), Fill(0f), Ramp(-3f, 3f), Ramp(3f, -3f), Ramp(-0.7f, 1.3f)];
    }

    /// <summary>α from the probes at ±1, for the activations that take one: 1/a² − 1 where a = ±1/√(1 + α).</summary>
    private static float? FitAlpha(Activation activation, float[][] probes, float[][] outputs) => activation switch
    {
        Activation.ISRU => 1f / (outputs[0][0] * outputs[0][0]) - 1f,
        Activation.ISRLU => 1f / (outputs[1][0] * outputs[1][0]) - 1f,
        _ => null,
    };

    /// <summary>
    /// The fitted α is off in its last bits: take the subgraph's own constant near it (α·x²'s α), else its value to six
    /// significant digits (α = 1, which an exporter folds away).
    /// </summary>
    private static float? Refine(ImportContext context, OnnxNode[] nodes, float? fitted)
    {
        if (fitted is not { } alpha || !float.IsFinite(alpha))
        {
            return fitted;
        }
        foreach (string input in nodes.SelectMany(node => node.Proto.Input))
        {
            if (context.Scalar(input) is { } constant && Math.Abs(constant - alpha) <= 1e-4f * Math.Max(1f, Math.Abs(alpha)))
            {
                return constant;
            }
        }
        return float.Parse(alpha.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Matches(Activation activation, float? alpha, float[][] probes, float[][] outputs)
    {
        if (alpha is { } a && !(a > 0 && float.IsFinite(a)))
        {
            return false;
        }
        for (int p = 0; p < probes.Length; p++)
        {
            for (int j = 0; j < probes[p].Length; j++)
            {
                double z = probes[p][j], expected = Reference(activation, alpha ?? 0, z, j);
                if (Math.Abs(outputs[p][j] - expected) > 1e-5 + 1e-5 * Math.Abs(expected))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>NetGen's definitions (Activation's docs), in double.</summary>
    private static double Reference(Activation activation, double alpha, double z, int unit) => activation switch
    {
        Activation.ISRU => z / Math.Sqrt(1 + alpha * z * z),
        Activation.ISRLU => z >= 0 ? z : z / Math.Sqrt(1 + alpha * z * z),
        Activation.SQNL => z > 2 ? 1 : z < -2 ? -1 : z - z * Math.Abs(z) / 4,
        Activation.BipolarReLU => unit % 2 == 0 ? Math.Max(0, z) : Math.Min(0, z),
        Activation.BinaryStep => z >= 0 ? 1 : 0,
        Activation.GELU => 0.5 * z * (1 + Erf(z / Math.Sqrt(2))),
        Activation.SiLU => z / (1 + Math.Exp(-z)),
        _ => double.NaN,
    };

    /// <summary>erf from Numerical Recipes' erfc approximation (fractional error below 1.2e-7), well inside the probes' tolerance.</summary>
    private static double Erf(double x)
    {
        double t = 1 / (1 + 0.5 * Math.Abs(x));
        double y = t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - y : y - 1;
    }

    /// <summary>Runs the subgraph on one probe vector [units]; constants broadcast as scalars or per unit. Null where a shape does not fit.</summary>
    private static float[]? Evaluate(ImportContext context, OnnxNode[] nodes, string output, float[] input, int units)
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal) { [context.Current] = input };
        float[]? Value(string? name)
        {
            if (name is null)
            {
                return null;
            }
            if (values.TryGetValue(name, out float[]? known))
            {
                return known;
            }
            OnnxConstant? constant = context.Graph.Constant(name);
            float[]? elements = constant?.Floats ?? constant?.Longs?.Select(value => (float)value).ToArray();
            if (elements is null || (elements.Length != 1 && elements.Length != units))
            {
                return null;
            }
            return elements.Length == units ? elements : Enumerable.Repeat(elements[0], units).ToArray();
        }
        foreach (OnnxNode node in nodes)
        {
            float[]? a = Value(node.Input(0)), b = Value(node.Input(1)), c = Value(node.Input(2));
            if (a is null)
            {
                return null;
            }
            Func<int, float>? f = node.OpType switch
            {
                "Add" when b is not null => j => a[j] + b[j],
                "Sub" when b is not null => j => a[j] - b[j],
                "Mul" when b is not null => j => a[j] * b[j],
                "Div" when b is not null => j => a[j] / b[j],
                "Pow" when b is not null => j => MathF.Pow(a[j], b[j]),
                "Min" when b is not null => j => MathF.Min(a[j], b[j]),
                "Max" when b is not null => j => MathF.Max(a[j], b[j]),
                "GreaterOrEqual" when b is not null => j => a[j] >= b[j] ? 1 : 0,
                "Greater" when b is not null => j => a[j] > b[j] ? 1 : 0,
                "Less" when b is not null => j => a[j] < b[j] ? 1 : 0,
                "LessOrEqual" when b is not null => j => a[j] <= b[j] ? 1 : 0,
                "Where" when b is not null && c is not null => j => a[j] != 0 ? b[j] : c[j],
                "Clip" => j => MathF.Min(MathF.Max(a[j], b?[j] ?? float.NegativeInfinity), c?[j] ?? float.PositiveInfinity),
                "Sqrt" => j => MathF.Sqrt(a[j]),
                "Abs" => j => MathF.Abs(a[j]),
                "Neg" => j => -a[j],
                "Reciprocal" => j => 1 / a[j],
                "Cast" => j => a[j],
                "Relu" => j => MathF.Max(a[j], 0),
                "Sigmoid" => j => 1 / (1 + MathF.Exp(-a[j])),
                "Tanh" => j => MathF.Tanh(a[j]),
                "Erf" => j => (float)Erf(a[j]),
                "Exp" => j => MathF.Exp(a[j]),
                "Log" => j => MathF.Log(a[j]),
                _ => null,
            };
            if (f is null || node.Output(0) is not { } result)
            {
                return null;
            }
            values[result] = Enumerable.Range(0, units).Select(f).ToArray();
        }
        return values.GetValueOrDefault(output);
    }
}
