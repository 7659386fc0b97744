using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Layers;
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
            return new Result<NetworkPlan>(null, parsed.Diagnostics) { StandIn = parsed.StandIn };
        }
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        NetworkPlan? plan = Plan(spec, diagnostics);
        bool failed = diagnostics.Any(diagnostic => diagnostic.IsError);
        return new Result<NetworkPlan>(failed ? null : plan, diagnostics.ToEquatableArray()) { StandIn = failed ? parsed.StandIn : null };
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
        else if (spec.Input.Sequence && spec.Input.Dimensions.Count != 2)
        {
            int rank = spec.Input.Dimensions.Count;
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.SequenceInputRank, spec.Input.Location, FormatShape(spec.Input.Dimensions), rank, rank == 1 ? "" : "s",
                rank == 1 ? $"; a series of {spec.Input.Dimensions[0]} single numbers is [Input({spec.Input.Dimensions[0]}, 1, Sequence = true)]" : ""));
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
            if (inputSize > PlanningContext.MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TooLarge, spec.Input.Location, $"[Input] {FormatShape(spec.Input.Dimensions)}",
                    inputSize.ToString("N0", CultureInfo.InvariantCulture), PlanningContext.MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
            }
        }

        int outputIndex = LastIndexOfOutputKind(spec.Layers);
        if (outputIndex < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, spec.Location, spec.ClassName, OutputKindList));
        }
        bool endsInOutput = outputIndex >= 0 && spec.Layers.Skip(outputIndex + 1).All(layer => layer is DropoutSpec or BatchNormSpec or NoiseSpec);
        if (outputIndex >= 0 && !endsInOutput)
        {
            // Dropout, batch norm or noise after the output layer is reported by its own check, in its own words.
            LayerSpec last = spec.Layers[spec.Layers.Count - 1];
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LastLayerNotDense, last.Location, spec.ClassName, last.Kind, names[spec.Layers.Count - 1], OutputKindList));
        }

        int code = CodeLayerIndex(spec, names, diagnostics);

        // Rules about each layer that hold whatever the shapes, checked before any shape is inferred.
        var context = new PlanningContext(spec, names, FusionPlan.For(spec.Layers, outputIndex, code), outputIndex, diagnostics);
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            context.Index = i;
            spec.Layers[i].Check(context);
        }
        if (endsInOutput)
        {
            CheckLoss(spec.Loss, (WeightedLayerSpec)spec.Layers[outputIndex], names[outputIndex], diagnostics);
        }
        if (spec.Input is null || context.HasErrors)
        {
            return null;
        }

        // Walk the layers with the shape of one sample; stop at the first layer whose shape is wrong,
        // since every shape after it would be a guess.
        context.Shape = spec.Input.Dimensions;
        context.IsSequence = spec.Input.Sequence;
        List<PlannedLayer> planned = context.Planned;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            context.Index = i;
            if (spec.Layers[i].Plan(context) is not { } layer)
            {
                return null;
            }
            planned.Add(layer);
            context.Shape = layer.OutputShape;
            context.IsSequence = spec.Layers[i].GivesSequence(context.IsSequence);
        }
        if (context.IsSequence && spec.Loss == Loss.CrossEntropy && planned[outputIndex] is PlannedDense { IsPerStep: true, Activation: Activation.Softmax } output)
        {
            ReportSequenceOutput(spec, output, planned, diagnostics);
            return null;
        }
        var plan = new NetworkPlan(spec.Namespace, spec.ClassName, spec.Loss, spec.Input.Dimensions, planned.ToEquatableArray(), (int)context.Offset)
        {
            CodeLayer = code,
        };
        if (code >= 0 && !CheckReconstruction(spec, plan, diagnostics))
        {
            return null;
        }
        Emit.GeneratedNames.Check(spec, plan, diagnostics);
        return plan;
    }

    /// <summary>
    /// NG0049: softmax with cross-entropy over a per-step output [steps, units]. The loss takes one class distribution and
    /// one label per sample; per step it would sum the steps' losses and read the steps' units as one vector of classes.
    /// </summary>
    private static void ReportSequenceOutput(NetworkSpec spec, PlannedDense output, List<PlannedLayer> planned, List<DiagnosticInfo> diagnostics)
    {
        PlannedRecurrent? source = planned.OfType<PlannedRecurrent>().LastOrDefault();
        string whole = source is null
            ? $"to classify the whole sequence, read it with a recurrent layer and Dense '{output.Name}' without PerStep"
            : $"to classify the whole sequence, set ReturnSequences = false on '{source.Name}' and drop PerStep";
        // The planned layers follow the declared ones one for one.
        LocationInfo? location = spec.Layers[planned.IndexOf(output)].Location;
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.SequenceOutputNeedsVector, location, output.Name, output.Steps, output.Units,
            $"{whole}; to label every step, use Activation.Sigmoid (binary cross-entropy per output, targets [steps, units] of 0 and 1)"));
    }

    /// <summary>
    /// The kinds whose outputs can be the network's: each has weights and an element-wise activation, and its emitter
    /// takes δ from the loss with f' included. Every other kind (a view, pooling, a regularizer) ends no network.
    /// </summary>
    public static readonly string[] OutputKinds = ["Dense", "Conv2D", "ConvTranspose2D"];

    /// <summary>"[Dense], [Conv2D] or [ConvTranspose2D]", as NG0013 and NG0018 list the kinds that can end a network.</summary>
    private static string OutputKindList =>
        string.Join(", ", OutputKinds.Take(OutputKinds.Length - 1).Select(kind => $"[{kind}]")) + $" or [{OutputKinds[OutputKinds.Length - 1]}]";

    /// <summary>The index of an autoencoder's code layer; −1 for a network that is not one, or (NG0036) where no layer has the name.</summary>
    private static int CodeLayerIndex(NetworkSpec spec, string[] names, List<DiagnosticInfo> diagnostics)
    {
        if (spec.Autoencoder is not { } autoencoder)
        {
            return -1;
        }
        int index = autoencoder.Code is null ? -1 : Array.IndexOf(names, autoencoder.Code);
        if (index < 0)
        {
            string layers = names.Length == 0 ? "none" : string.Join(", ", names.Select(name => $"'{name}'"));
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CodeLayerNotFound, autoencoder.Location, spec.ClassName, autoencoder.Code ?? "null", layers));
        }
        return index;
    }

    /// <summary>NG0037 where an autoencoder's output holds other than its input's numbers; true where they agree.</summary>
    private static bool CheckReconstruction(NetworkSpec spec, NetworkPlan plan, List<DiagnosticInfo> diagnostics)
    {
        PlannedLayer output = plan.Layers[plan.Layers.Count - 1];
        int outputSize = Product(output.OutputShape);
        if (outputSize == plan.InputSize)
        {
            return true;
        }
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.ReconstructionSizeMismatch, spec.Layers[spec.Layers.Count - 1].Location,
            spec.ClassName, Arithmetic(plan.InputShape), output.Name, Arithmetic(output.OutputShape), plan.InputSize));
        return false;
    }

    /// <summary>"28×28 = 784 numbers", or "500 numbers" for a flat shape.</summary>
    private static string Arithmetic(EquatableArray<int> shape)
    {
        string size = Product(shape).ToString(CultureInfo.InvariantCulture);
        return shape.Count == 1 ? $"{size} numbers" : $"{FormatShape(shape)} = {size} numbers";
    }

    private static int LastIndexOfOutputKind(EquatableArray<LayerSpec> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i] is WeightedLayerSpec && OutputKinds.Contains(layers[i].Kind))
            {
                return i;
            }
        }
        return -1;
    }

    private static void CheckLoss(Loss loss, WeightedLayerSpec output, string name, List<DiagnosticInfo> diagnostics)
    {
        if (output is not DenseSpec dense)
        {
            // A convolution's outputs are pixels, not classes (softmax is NG0033 there): cross-entropy reads each as a
            // probability of its own, which needs a sigmoid.
            if (loss == Loss.CrossEntropy && output.Activation != Activation.Sigmoid)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.CrossEntropyOnSpatialOutput, output.Location, output.Kind, name, ActivationTraits.Of(output.Activation).Name));
            }
            return;
        }
        // Softmax gives one distribution over the classes; sigmoid a probability per unit, each with its own binary
        // cross-entropy (a yes/no answer, multi-label classes, or an autoencoder's pixels).
        bool softmax = dense.Activation == Activation.Softmax;
        bool sigmoid = dense.Activation == Activation.Sigmoid;
        if (loss == Loss.CrossEntropy && !softmax && !sigmoid && dense.Units > 0)
        {
            string plural = dense.Units == 1 ? "" : "s";
            string alternative = dense.Units == 1 ? " with 2 units" : "";
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.CrossEntropyNeedsProbabilities, dense.Location, name, dense.Units, plural, ActivationTraits.Of(dense.Activation).Name, alternative));
        }
        if (loss == Loss.MeanSquaredError && softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MeanSquaredErrorOnSoftmax, dense.Location, name));
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
        // Keyed by the lower-case form the generated field names use: "\u212Aa" (Kelvin sign) and "ka" both give _kaOutput.
        var firstByName = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec layer = layers[i];
            countByKind[layer.Kind] = countByKind.TryGetValue(layer.Kind, out int count) ? count + 1 : 1;
            string name = layer.Name ?? layer.NameStem + countByKind[layer.Kind].ToString(CultureInfo.InvariantCulture);
            names[i] = name;
            if (!IsIdentifier(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.Location, name));
            }
            else if (firstByName.TryGetValue(name.ToLowerInvariant(), out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.Location, i + 1, name, first + 1));
            }
            else
            {
                firstByName[name.ToLowerInvariant()] = i;
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
