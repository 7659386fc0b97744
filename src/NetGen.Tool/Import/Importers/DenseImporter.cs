using NetGen.IO;

namespace NetGen.Tool.Import.Importers;

/// <summary><c>[Dense(units, activation, Alpha = …, TiedTo = …, PerStep = …)]</c>: weight [units, inputs], bias [units], PReLU slopes.</summary>
internal sealed class ImportedDense(int units, int inputs) : WeightedLayer
{
    public override string Kind => "Dense";

    public override string NameStem => "dense";

    public override int Units { get; } = units;

    public int Inputs { get; } = inputs;

    /// <summary>[units, inputs] row-major; null for a tied layer.</summary>
    public float[]? Weight { get; set; }

    /// <summary>The graph's name for the weight initializer, so a later Gemm that reuses it is recognised as tied.</summary>
    public string? WeightSource { get; set; }

    /// <summary>The Dense layer whose weight this one uses transposed, or null.</summary>
    public ImportedDense? TiedTo { get; set; }

    public bool PerStep { get; set; }

    /// <summary>PReLU's slopes [units].</summary>
    public float[]? Slopes { get; set; }

    protected override IEnumerable<string> Arguments() => [Int(Units), .. ActivationArgument()];

    protected override IEnumerable<(string, string)> Options()
    {
        foreach ((string, string) alpha in AlphaOption())
        {
            yield return alpha;
        }
        if (TiedTo is not null)
        {
            yield return ("TiedTo", $"\"{TiedTo.Name}\"");
        }
        if (PerStep)
        {
            yield return ("PerStep", "true");
        }
    }

    public override IEnumerable<SafeTensor> Tensors()
    {
        if (Weight is not null)
        {
            yield return Tensor(".weight", [Units, Inputs], Weight);
        }
        foreach (SafeTensor bias in BiasTensor())
        {
            yield return bias;
        }
        if (Slopes is not null)
        {
            yield return Tensor("_prelu.weight", [Units], Slopes);
        }
    }
}

/// <summary>
/// A fully connected layer: <c>Gemm(x, W, b)</c> (transB = 1, PyTorch's Linear and NetGen's export; transB = 0 with an
/// earlier Dense layer's weight is NetGen's tied decoder), or <c>MatMul(x, Wᵀ)</c> with an optional <c>Add(·, b)</c>
/// (PyTorch's Linear on a 3-D tensor: a per-step Dense on a sequence).
/// </summary>
internal sealed class DenseImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        return context.SingleConsumer() switch
        {
            { OpType: "Gemm" } gemm when gemm.Input(0) == context.Current => ImportGemm(context, gemm),
            { OpType: "MatMul" } matMul when matMul.Input(0) == context.Current => ImportMatMul(context, matMul),
            _ => false,
        };
    }

    private static bool ImportGemm(ImportContext context, OnnxNode gemm)
    {
        context.Consume(gemm);
        string output = gemm.Output(0)!;
        if (context.IsSequence || context.Shape.Length != 1)
        {
            context.Problem(gemm, $"Gemm on samples of shape {ImportContext.Format(context.Shape)}; a Dense layer takes vectors (flatten first)");
            return context.Stop();
        }
        if (gemm.Int("transA", 0) != 0 || gemm.Float("alpha", 1f) != 1f || gemm.Float("beta", 1f) != 1f)
        {
            context.Problem(gemm, "Gemm with transA, alpha or beta other than 0, 1, 1; a Dense layer is x·Wᵀ + b");
            return context.Stop();
        }
        if (context.FloatConstant(gemm, 1, "weight") is not { } weight)
        {
            return context.Stop();
        }
        if (weight.Shape.Length != 2)
        {
            context.Problem(gemm, $"weight '{weight.Name}' is {ImportContext.Format(weight.Shape)}; a Dense layer's is 2-D");
            return context.Stop();
        }
        int inputs = context.Shape[0];
        bool transposed = gemm.Int("transB", 0) == 1;
        int units = transposed ? weight.Shape[0] : weight.Shape[1];
        if ((transposed ? weight.Shape[1] : weight.Shape[0]) != inputs)
        {
            context.Problem(gemm, $"weight '{weight.Name}' {ImportContext.Format(weight.Shape)} does not fit {inputs} inputs");
            return context.Stop();
        }
        var layer = new ImportedDense(units, inputs);
        ImportedDense? owner = transposed ? null : context.Layers.OfType<ImportedDense>().FirstOrDefault(dense => dense.WeightSource == weight.Name);
        if (owner is not null && owner.Units == inputs && owner.Inputs == units && owner.TiedTo is null)
        {
            // Y = x·Wₑ with Wₑ [inputs, units] an earlier layer's weight: NetGen's tied decoder, W = Wₑᵀ.
            layer.TiedTo = owner;
        }
        else
        {
            layer.Weight = transposed ? weight.Floats : Transpose(weight.Floats!, inputs, units);
            layer.WeightSource = weight.Name;
        }
        if (gemm.Input(2) is not null)
        {
            layer.Bias = Bias(context, gemm, 2, units);
        }
        // A tied layer's weight is named for the layer it borrows from: its own name is in its bias, or its node's.
        layer.SourceName = layer.TiedTo is not null
            ? LayerNames.FromTensor(gemm.Input(2)) ?? gemm.Scope()
            : LayerNames.FromTensor(weight.Name) ?? LayerNames.FromTensor(gemm.Input(2)) ?? gemm.Scope();
        context.Layers.Add(layer);
        context.Advance(output, [units]);
        return true;
    }

    /// <summary>MatMul(x [.., F], W [F, units]), then Add(·, b [units]) if one follows: a Dense on a vector, per step on a sequence.</summary>
    private static bool ImportMatMul(ImportContext context, OnnxNode matMul)
    {
        context.Consume(matMul);
        string output = matMul.Output(0)!;
        if (context.FloatConstant(matMul, 1, "weight") is not { Shape: [int inputs, int units] } weight)
        {
            if (!context.IsReported(matMul))
            {
                context.Problem(matMul, "MatMul whose second input is not a 2-D weight initializer; only a Linear layer's MatMul maps to Dense");
            }
            return context.Stop();
        }
        if (context.Shape.Length != 1 && !context.IsSequence || context.Shape[^1] != inputs)
        {
            context.Problem(matMul, $"MatMul on samples of shape {ImportContext.Format(context.Shape)} with weight {ImportContext.Format(weight.Shape)}; a Dense layer takes vectors, or a sequence's steps");
            return context.Stop();
        }
        var layer = new ImportedDense(units, inputs)
        {
            Weight = Transpose(weight.Floats!, inputs, units),
            WeightSource = weight.Name,
            PerStep = context.IsSequence,
        };
        if (context.SingleConsumer(output) is { OpType: "Add" } add && (add.Input(0) == output ? add.Input(1) : add.Input(0)) is { } biasName
            && context.Graph.Constant(biasName) is not null)
        {
            context.Consume(add);
            layer.Bias = Bias(context, add, add.Input(0) == output ? 1 : 0, units);
            output = add.Output(0)!;
            layer.SourceName = LayerNames.FromTensor(biasName);
        }
        layer.SourceName ??= LayerNames.FromTensor(weight.Name) ?? matMul.Scope();
        context.Layers.Add(layer);
        int[] shape = context.IsSequence ? [context.Shape[0], units] : [units];
        context.Advance(output, shape, context.IsSequence);
        return true;
    }

    /// <summary>The bias [units] (or [1, units], or one value for all), or null with a problem.</summary>
    internal static float[]? Bias(ImportContext context, OnnxNode node, int input, int units)
    {
        if (context.FloatConstant(node, input, "bias") is not { } bias)
        {
            return null;
        }
        if (bias.Count == units)
        {
            return bias.Floats;
        }
        if (bias.Count == 1)
        {
            return Enumerable.Repeat(bias.Floats![0], units).ToArray();
        }
        context.Problem(node, $"bias '{bias.Name}' {ImportContext.Format(bias.Shape)} for {units} units");
        return null;
    }

    /// <summary>[rows, columns] → [columns, rows].</summary>
    internal static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }
}
