using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Shapes;

/// <summary>
/// Pure shape inference: walks the layers from the input, giving each its input and output
/// shape and its slice of the parameter buffer, and reports every mistake it can find in one go.
/// No Roslyn types beyond the descriptors: this is plain, testable arithmetic.
/// </summary>
internal static class ShapeInference
{
    public static Result<NetworkPlan> Plan(Result<NetworkSpec> parsed)
    {
        if (parsed.Value is not { } spec)
        {
            return new Result<NetworkPlan>(null, parsed.Diagnostics);
        }
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        NetworkPlan? plan = Plan(spec, diagnostics);
        return new Result<NetworkPlan>(
            diagnostics.Any(diagnostic => diagnostic.IsError) ? null : plan,
            diagnostics.ToEquatableArray());
    }

    private static NetworkPlan? Plan(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        string[] names = AssignNames(spec.Layers, diagnostics);

        if (spec.Input is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.Location, spec.ClassName));
        }
        else if (spec.Input.Dimensions.Count is < 1 or > 3)
        {
            int rank = spec.Input.Dimensions.Count;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputRank, spec.Input.Location, rank, rank == 1 ? "" : "s"));
        }
        else
        {
            for (int i = 0; i < spec.Input.Dimensions.Count; i++)
            {
                if (spec.Input.Dimensions[i] <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NonPositiveSize, spec.Input.Location, "[Input]", $"dimension {i + 1}", spec.Input.Dimensions[i]));
                }
            }
            long inputSize = spec.Input.Dimensions.Aggregate(1L, (product, dimension) => product * dimension);
            if (inputSize > MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TooLarge, spec.Input.Location, $"[Input] {FormatShape(spec.Input.Dimensions)}",
                    inputSize.ToString("N0", CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
            }
        }

        int lastDense = LastIndexOfDense(spec.Layers);
        if (lastDense < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, spec.Location, spec.ClassName));
        }

        bool endsInDense = lastDense >= 0 && spec.Layers.Skip(lastDense + 1).All(layer => layer is DropoutSpec or BatchNormSpec);
        if (lastDense >= 0 && !endsInDense)
        {
            // Dropout or batch norm after the output layer is reported by CheckRegularizers, in its own words.
            LayerSpec last = spec.Layers[spec.Layers.Count - 1];
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LastLayerNotDense, last.Location, spec.ClassName, last.Kind, names[spec.Layers.Count - 1]));
        }
        CheckRegularizers(spec.Layers, names, lastDense, diagnostics);

        // Rules about the layer list itself hold whatever the shapes, so check them before inferring any.
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i] is not DenseSpec dense)
            {
                continue;
            }
            CheckActivationParameter(dense, names[i], diagnostics);
            if (dense.Activation == ActivationKind.Softmax)
            {
                if (i != lastDense)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxNotLast, dense.Location, names[i]));
                }
                else if (dense.Units == 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOverOneUnit, dense.Location, names[i]));
                }
            }
            if (dense.Activation == ActivationKind.BinaryStep)
            {
                IEnumerable<string> frozen = Enumerable.Range(0, i + 1).Where(j => spec.Layers[j] is DenseSpec).Select(j => $"'{names[j]}'");
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BinaryStepStopsGradient, dense.Location, names[i], JoinWithAnd(frozen.ToArray())));
            }
        }
        if (endsInDense)
        {
            CheckLoss(spec.Loss, (DenseSpec)spec.Layers[lastDense], names[lastDense], diagnostics);
        }

        if (spec.Input is null || diagnostics.Any(diagnostic => diagnostic.IsError))
        {
            return null;
        }

        // Walk the layers with the shape of one sample; stop at the first layer whose shape is wrong,
        // since every shape after it would be a guess.
        EquatableArray<int> shape = spec.Input.Dimensions;
        var planned = new List<PlannedLayer>();
        long offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            string name = names[i];
            string member = MemberName(name);
            switch (spec.Layers[i])
            {
                case FlattenSpec:
                    var flat = new[] { Product(shape) }.ToEquatableArray();
                    planned.Add(new PlannedFlatten(name, member, shape, flat));
                    shape = flat;
                    break;

                case DenseSpec dense:
                    if (dense.Units <= 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, dense.Location, $"Dense '{name}'", "units", dense.Units));
                        return null;
                    }
                    if (shape.Count != 1)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.DenseNeedsFlatInput, dense.Location, name, FormatShape(shape), Product(shape).ToString(CultureInfo.InvariantCulture)));
                        return null;
                    }
                    int inputs = shape[0];
                    // Batch norm and dropout written under this layer are fused into it. Its tensors follow
                    // the weights as PyTorch's Linear(bias=False) + BatchNorm1d lay them out; β replaces the bias.
                    int batchNormIndex = i + 1 < spec.Layers.Count && spec.Layers[i + 1] is BatchNormSpec ? i + 1 : -1;
                    int dropoutIndex = batchNormIndex >= 0 ? batchNormIndex + 1 : i + 1;
                    dropoutIndex = dropoutIndex < spec.Layers.Count && spec.Layers[dropoutIndex] is DropoutSpec ? dropoutIndex : -1;
                    long weightOffset = offset;
                    long biasOffset = batchNormIndex >= 0 ? -1 : weightOffset + (long)dense.Units * inputs;
                    offset = weightOffset + (long)dense.Units * inputs + (batchNormIndex >= 0 ? 4L : 1L) * dense.Units;
                    // Parametric ReLU's slopes come last, as a PyTorch PReLU module after the layer would.
                    long slopeOffset = dense.Activation == ActivationKind.PReLU ? offset : -1;
                    offset += slopeOffset >= 0 ? dense.Units : 0;
                    if (offset > MaxArrayLength)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.TooLarge, dense.Location, $"The parameters up to Dense '{name}'",
                            offset.ToString("N0", CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
                        return null;
                    }
                    var outputShape = new[] { dense.Units }.ToEquatableArray();
                    float? alpha = dense.Alpha is { } given ? (float)given : null;
                    PlannedBatchNorm? batchNorm = null;
                    PlannedDropout? dropout = null;
                    if (batchNormIndex >= 0)
                    {
                        var normalization = (BatchNormSpec)spec.Layers[batchNormIndex];
                        batchNorm = new PlannedBatchNorm(
                            names[batchNormIndex], MemberName(names[batchNormIndex]), (int)(weightOffset + (long)dense.Units * inputs), dense.Units,
                            (float)normalization.Momentum, (float)normalization.Epsilon);
                    }
                    if (dropoutIndex >= 0)
                    {
                        dropout = new PlannedDropout(names[dropoutIndex], (float)((DropoutSpec)spec.Layers[dropoutIndex]).Rate);
                    }
                    planned.Add(new PlannedDense(
                        name, member, shape, outputShape, inputs, dense.Units, dense.Activation, alpha, (int)weightOffset, (int)biasOffset, batchNorm, dropout,
                        (int)slopeOffset, dense.Initializer));
                    shape = outputShape;
                    break;

                case BatchNormSpec:
                    planned.Add(new PlannedModifier(name, member, shape, shape, "BatchNorm", 4 * shape[0]));
                    break;

                case DropoutSpec:
                    planned.Add(new PlannedModifier(name, member, shape, shape, "Dropout", 0));
                    break;
            }
        }
        return new NetworkPlan(spec.Namespace, spec.ClassName, spec.Loss, spec.Input.Dimensions, planned.ToEquatableArray(), (int)offset);
    }

    private static int LastIndexOfDense(EquatableArray<LayerSpec> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i] is DenseSpec)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// [BatchNorm] must come right after a hidden Dense layer, [Dropout] right after a hidden Dense
    /// layer or its [BatchNorm]: both are fused into that layer, and neither belongs on the output
    /// (dropping outputs, or normalising logits, would change what the network predicts).
    /// </summary>
    private static void CheckRegularizers(EquatableArray<LayerSpec> layers, string[] names, int lastDense, List<DiagnosticInfo> diagnostics)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not (DropoutSpec or BatchNormSpec))
            {
                continue;
            }
            LayerSpec layer = layers[i];
            LayerSpec? previous = i > 0 ? layers[i - 1] : null;
            int host = previous switch
            {
                DenseSpec => i - 1,
                BatchNormSpec when layer is DropoutSpec && i >= 2 && layers[i - 2] is DenseSpec => i - 2,
                _ => -1,
            };
            string? problem = host >= 0
                ? (host == lastDense ? $"is on the output layer '{names[host]}'" : null)
                : previous switch
                {
                    null => "comes before any layer",
                    DropoutSpec when layer is BatchNormSpec => $"follows Dropout '{names[i - 1]}'; batch norm belongs between the Dense layer and its dropout",
                    _ => $"follows {previous.Kind} '{names[i - 1]}', not a hidden Dense layer",
                };
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RegularizerMisplaced, layer.Location, layer.Kind, names[i], problem));
            }
            switch (layer)
            {
                case DropoutSpec dropout when !(dropout.Rate >= 0 && dropout.Rate < 1):
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.RegularizerValueOutOfRange, layer.Location, "Dropout", names[i], "the rate", Format(dropout.Rate), "in [0, 1)"));
                    break;
                case BatchNormSpec batchNorm:
                    if (!(batchNorm.Momentum > 0 && batchNorm.Momentum <= 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.RegularizerValueOutOfRange, layer.Location, "BatchNorm", names[i], "Momentum", Format(batchNorm.Momentum), "in (0, 1]"));
                    }
                    if (!(batchNorm.Epsilon > 0 && !double.IsInfinity(batchNorm.Epsilon)))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.RegularizerValueOutOfRange, layer.Location, "BatchNorm", names[i], "Epsilon", Format(batchNorm.Epsilon), "positive"));
                    }
                    break;
            }
        }

        static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The longest .NET float array: the parameter buffer and each sample are one array or slice.</summary>
    private const long MaxArrayLength = 0x7FFFFFC7;

    /// <summary>
    /// <c>Alpha =</c> must be in the activation's range (checked in float, the precision the kernels use),
    /// and only for activations that take a parameter: one that would be ignored is an error, since the
    /// network trained would not be the one the declaration seems to describe.
    /// </summary>
    private static void CheckActivationParameter(DenseSpec dense, string name, List<DiagnosticInfo> diagnostics)
    {
        if (dense.Alpha is not { } alpha)
        {
            return;
        }
        ActivationTraits activation = ActivationTraits.Of(dense.Activation);
        string written = alpha.ToString("R", CultureInfo.InvariantCulture);
        if (activation.Parameter is not { } parameter)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationTakesNoParameter, dense.AlphaLocation, name, written, activation.Name));
        }
        else if (!parameter.IsValid((float)alpha))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ActivationParameterOutOfRange, dense.AlphaLocation, name, written, parameter.Symbol, activation.Name, parameter.ValidRange));
        }
    }

    /// <summary>'a', 'b' and 'c'.</summary>
    private static string JoinWithAnd(string[] items) =>
        items.Length == 1 ? items[0] : string.Join(", ", items, 0, items.Length - 1) + " and " + items[items.Length - 1];

    private static void CheckLoss(LossKind loss, DenseSpec output, string name, List<DiagnosticInfo> diagnostics)
    {
        bool softmax = output.Activation == ActivationKind.Softmax;
        bool binarySigmoid = output.Activation == ActivationKind.Sigmoid && output.Units == 1;
        if (loss == LossKind.CrossEntropy && !softmax && !binarySigmoid && output.Units > 0)
        {
            string plural = output.Units == 1 ? "" : "s";
            string alternative = output.Units == 1 ? " with 2 units, or Activation.Sigmoid" : "";
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.CrossEntropyNeedsProbabilities, output.Location, name, output.Units, plural, ActivationTraits.Of(output.Activation).Name, alternative));
        }
        if (loss == LossKind.MeanSquaredError && softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MeanSquaredErrorOnSoftmax, output.Location, name));
        }
    }

    /// <summary>
    /// Each layer's name: the one given, or the kind in lower case and its position among layers of
    /// that kind (dense1, dense2, flatten1). Invalid and duplicate names are reported here.
    /// </summary>
    private static string[] AssignNames(EquatableArray<LayerSpec> layers, List<DiagnosticInfo> diagnostics)
    {
        var names = new string[layers.Count];
        var countByKind = new Dictionary<string, int>();
        var firstByName = new Dictionary<string, int>(System.StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec layer = layers[i];
            countByKind[layer.Kind] = countByKind.TryGetValue(layer.Kind, out int count) ? count + 1 : 1;
            string name = layer.Name ?? layer.Kind.ToLowerInvariant() + countByKind[layer.Kind].ToString(CultureInfo.InvariantCulture);
            names[i] = name;
            if (!IsIdentifier(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.Location, name));
            }
            else if (firstByName.TryGetValue(name, out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.Location, i + 1, name, first + 1));
            }
            else
            {
                firstByName[name] = i;
            }
        }
        return names;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsLetter(name[0]) || name[0] == '_')
        && name.All(character => char.IsLetterOrDigit(character) || character == '_');

    /// <summary>fc1 → Fc1: the stem of a layer's generated members.</summary>
    public static string MemberName(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    public static int Product(EquatableArray<int> shape)
    {
        int product = 1;
        foreach (int dimension in shape)
        {
            product *= dimension;
        }
        return product;
    }

    /// <summary>28×28, as messages and generated comments show shapes.</summary>
    public static string FormatShape(EquatableArray<int> shape) =>
        string.Join("×", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)));
}
