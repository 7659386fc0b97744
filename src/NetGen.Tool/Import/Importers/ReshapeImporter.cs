namespace NetGen.Tool.Import.Importers;

/// <summary><c>[Flatten]</c>: one sample as one vector.</summary>
internal sealed class ImportedFlatten : ImportedLayer
{
    public override string Kind => "Flatten";

    public override string NameStem => "flatten";

    protected override IEnumerable<string> Arguments() => [];
}

/// <summary><c>[Reshape(dims…)]</c>: one sample's new shape.</summary>
internal sealed class ImportedReshape(int[] shape) : ImportedLayer
{
    public override string Kind => "Reshape";

    public override string NameStem => "reshape";

    protected override IEnumerable<string> Arguments() => shape.Select(Int);
}

/// <summary>
/// <c>Flatten(axis 1)</c>, and <c>Reshape</c> that keeps the batch dimension (its shape a constant such as NetGen's
/// <c>{name}.shape</c> = [−1, dims…], or PyTorch's <c>view(x.size(0), −1)</c> computed from Shape): [Flatten] where it
/// gives vectors, [Reshape(dims…)] otherwise.
/// </summary>
internal sealed class ReshapeImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.SingleConsumer() is not { OpType: "Flatten" or "Reshape" } node || node.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(node);
        int size = context.Shape.Aggregate(1, (product, dimension) => product * dimension);
        int[]? sample = null;
        if (node.OpType == "Flatten")
        {
            if (node.Int("axis", 1) != 1)
            {
                context.Problem(node, $"Flatten at axis {node.Int("axis", 1)}; NetGen flattens each sample (axis 1)");
                return context.Stop();
            }
            sample = [size];
        }
        else if (ShapeValues.Evaluate(context, node.Input(1)) is { } target)
        {
            sample = Resolve(target, size);
            if (sample is null)
            {
                context.Problem(node, $"Reshape to [{string.Join(", ", target.Select(ShapeValues.Format))}] of samples of shape {ImportContext.Format(context.Shape)}; NetGen reshapes each sample, keeping the batch dimension first");
                return context.Stop();
            }
        }
        else
        {
            context.Problem(node, "Reshape to a shape computed in a way the importer cannot follow; NetGen needs each sample's shape fixed");
            return context.Stop();
        }
        // NetGen's export writes [Reshape] as Reshape(x, "{name}.shape") and [Flatten] as Flatten: a named shape stays a Reshape.
        string? name = node.OpType == "Reshape" ? LayerNames.FromTensor(node.Input(1)) : null;
        context.Layers.Add(sample.Length == 1 && name is null ? new ImportedFlatten() : new ImportedReshape(sample) { SourceName = name });
        context.Advance(node.Output(0)!, sample);
        return true;
    }

    /// <summary>
    /// One sample's shape from a Reshape target whose first entry is the batch (−1 with every other entry given, 0 to
    /// copy it, or the batch read off a Shape node), or null where the batch dimension does not stay first.
    /// </summary>
    internal static int[]? Resolve(long[] target, int size)
    {
        if (target.Length < 2 || (target[0] != -1 && target[0] != 0 && target[0] != ShapeValues.Batch))
        {
            return null;
        }
        long[] rest = target[1..];
        if (target[0] == -1)
        {
            return rest.All(dimension => dimension > 0) && rest.Aggregate(1L, (p, d) => p * d) == size ? rest.Select(d => (int)d).ToArray() : null;
        }
        if (rest.Count(dimension => dimension == -1) > 1 || rest.Any(dimension => dimension == 0 || dimension < -1))
        {
            return null;
        }
        long known = rest.Where(dimension => dimension > 0).Aggregate(1L, (p, d) => p * d);
        if (known == 0 || size % known != 0 || (!rest.Contains(-1) && known != size))
        {
            return null;
        }
        return rest.Select(dimension => dimension == -1 ? (int)(size / known) : (int)dimension).ToArray();
    }
}

/// <summary>
/// Evaluates the small integer subgraphs exporters write to compute shapes (Shape, Gather, Unsqueeze, Squeeze,
/// Concat, Cast, constants), with the batch dimension as the marker <see cref="Batch"/>.
/// </summary>
internal static class ShapeValues
{
    /// <summary>Stands for the batch dimension, unknown until run time.</summary>
    public const long Batch = long.MinValue;

    public static string Format(long value) => value == Batch ? "N" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The values of <paramref name="tensor"/>, or null where they depend on anything but shapes and constants.</summary>
    public static long[]? Evaluate(ImportContext context, string? tensor, int depth = 0)
    {
        if (tensor is null || depth > 16)
        {
            return null;
        }
        if (context.Graph.Constant(tensor) is { } constant)
        {
            return constant.Longs;
        }
        if (context.Graph.ProducerOf(tensor) is not { } node)
        {
            return null;
        }
        long[]? First() => Evaluate(context, node.Input(0), depth + 1);
        long[]? result = node.OpType switch
        {
            "Shape" when node.Input(0) is { } source && context.Shapes.TryGetValue(source, out int[]? shape)
                && node.Attribute("start") is null && node.Attribute("end") is null => [Batch, .. shape.Select(d => (long)d)],
            "Gather" when node.Int("axis", 0) == 0 && First() is { } data && Evaluate(context, node.Input(1), depth + 1) is [long index] =>
                index >= -data.Length && index < data.Length ? [data[index < 0 ? index + data.Length : index]] : null,
            "Unsqueeze" or "Squeeze" or "Cast" or "Identity" => First(),
            "Concat" => Concat(context, node, depth),
            _ => null,
        };
        if (result is not null)
        {
            context.Consume(node);
        }
        return result;
    }

    private static long[]? Concat(ImportContext context, OnnxNode node, int depth)
    {
        var values = new List<long>();
        foreach (string input in node.Proto.Input)
        {
            if (Evaluate(context, input, depth + 1) is not { } part)
            {
                return null;
            }
            values.AddRange(part);
        }
        return values.ToArray();
    }
}
