using System.Globalization;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary>The recurrent cells, each with PyTorch's gate blocks in W_ih and W_hh.</summary>
public enum RecurrentCell
{
    /// <summary>Elman: h = f(W_ih x + b_ih + W_hh h + b_hh); one block.</summary>
    SimpleRnn,

    /// <summary>LSTM: blocks i, f, g, o.</summary>
    Lstm,

    /// <summary>GRU: blocks r, z, n.</summary>
    Gru,
}

/// <summary><c>[SimpleRnn(units, activation)]</c>, <c>[Lstm(units)]</c> or <c>[Gru(units)]</c>, with <c>ReturnSequences =</c> and <c>Initializer =</c>.</summary>
/// <param name="Activation">SimpleRnn's f; tanh for the gated cells, whose activations are fixed.</param>
public sealed record RecurrentSpec(
    RecurrentCell Cell, int Units, Activation Activation, bool ReturnSequences, Initializer Initializer, string? Name, LocationInfo? Location)
    : LayerSpec(Name, Location)
{
    public override string Kind => Cell.ToString();

    public override string NameStem => Cell switch { RecurrentCell.SimpleRnn => "rnn", RecurrentCell.Lstm => "lstm", _ => "gru" };

    /// <summary>G: the gate blocks of H rows in each weight.</summary>
    public static int Gates(RecurrentCell cell) => cell switch { RecurrentCell.SimpleRnn => 1, RecurrentCell.Lstm => 4, _ => 3 };

    internal static RecurrentSpec ReadSimpleRnn(LayerAttribute attribute) => Read(attribute, RecurrentCell.SimpleRnn);

    internal static RecurrentSpec ReadLstm(LayerAttribute attribute) => Read(attribute, RecurrentCell.Lstm);

    internal static RecurrentSpec ReadGru(LayerAttribute attribute) => Read(attribute, RecurrentCell.Gru);

    private static RecurrentSpec Read(LayerAttribute attribute, RecurrentCell cell)
    {
        string layer = $"layer {attribute.LayerNumber} ({attribute.Name ?? cell.ToString()})";
        Activation activation = cell == RecurrentCell.SimpleRnn && attribute.Value(1) is int activationValue
            ? attribute.Enum<Activation>(activationValue, "Activation", $"The activation of {layer}")
            : Activation.Tanh;
        Initializer initializer = attribute.Named("Initializer") is int initializerValue
            ? attribute.Enum<Initializer>(initializerValue, "Initializer", $"The initializer of {layer}")
            : Initializer.RecurrentUniform;
        return new RecurrentSpec(cell, attribute.Int(0), activation, attribute.Named("ReturnSequences") is true, initializer, attribute.Name, attribute.Location);
    }

    /// <summary>SimpleRnn's f runs inside the cell, element by element: not softmax, nor a rectifier with a pass of its own.</summary>
    internal override void Check(PlanningContext context)
    {
        ActivationTraits activation = ActivationTraits.Of(Activation);
        string? reason = Activation == Activation.Softmax
            ? "normalises over a layer's outputs as class probabilities, and belongs on the last Dense layer"
            : activation.OwnPass is not null
                ? "has a slope per unit or per element that only Dense layers implement"
                : null;
        if (reason is not null)
        {
            context.Report(DiagnosticDescriptors.ActivationNotForConvolution, Location, context.Name, activation.Name, reason, Kind);
        }
    }

    internal override bool GivesSequence(bool sequenceIn) => ReturnSequences;

    /// <summary>
    /// [steps, features] → [units], or [steps, units] with <see cref="ReturnSequences"/>; the tensors in PyTorch's order:
    /// weight_ih_l0 [G·units, features], weight_hh_l0 [G·units, units], bias_ih_l0 [G·units], bias_hh_l0 [G·units].
    /// </summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        if (Units <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, Location, $"{Kind} '{name}'", "units", Units);
            return null;
        }
        EquatableArray<int> shape = context.Shape;
        if (!context.IsSequence || shape.Count != 2)
        {
            context.Report(DiagnosticDescriptors.RecurrentNeedsSequence, Location, Kind, name, WhatComesIn(context), Hint(context));
            return null;
        }
        int steps = shape[0], features = shape[1], gates = Gates(Cell) * Units;
        long count = (long)gates * features + (long)gates * Units + 2L * gates;
        long offset = context.Offset + count;
        if (!context.Fits(offset, $"The parameters up to {Kind} '{name}'", Location))
        {
            return null;
        }
        // What the kernel keeps per sample for backpropagation through time (Recurrent<TCell>.WorkspaceSize), at most
        // steps · (5H + 2H + 2·4H) + 13H: it must fit one array for one sample at least.
        long workspace = (long)steps * (5L * Units + 2L * Units + 2L * gates) + 5L * Units + 2L * gates;
        if (!context.Fits(workspace, $"The working memory of {Kind} '{name}' ({steps} steps of {Units} units)", Location))
        {
            return null;
        }
        int weightIh = (int)context.Offset;
        context.Offset = offset;
        EquatableArray<int> output = ReturnSequences ? new[] { steps, Units }.ToEquatableArray() : new[] { Units }.ToEquatableArray();
        return new PlannedRecurrent(name, context.MemberName, shape, output, Cell, steps, features, Units, ReturnSequences, Activation, weightIh, Initializer);
    }

    /// <summary>"a flat vector of 784 numbers", "28×28 from [Input(28, 28)], which is not marked as a sequence", …</summary>
    private static string WhatComesIn(PlanningContext context)
    {
        EquatableArray<int> shape = context.Shape;
        string size = ShapeInference.Product(shape).ToString(CultureInfo.InvariantCulture);
        if (context.Below is null)
        {
            string dimensions = string.Join(", ", shape);
            return shape.Count == 2
                ? $"{ShapeInference.FormatShape(shape)} from [Input({dimensions})], which is read as an image"
                : $"{(shape.Count == 1 ? "a flat vector of " + size + " numbers" : "an image " + ShapeInference.FormatShape(shape))} from [Input({dimensions})]";
        }
        PlannedLayer below = context.Below;
        return below is PlannedRecurrent { ReturnSequences: false } recurrent
            ? $"only the last step's {recurrent.Units} outputs of {recurrent.Kind} '{recurrent.Name}'"
            : shape.Count == 1
                ? $"a flat vector of {size} numbers from {below.Kind} '{below.Name}'"
                : $"{ShapeInference.FormatShape(shape)} from {below.Kind} '{below.Name}', which is not a sequence";
    }

    private static string Hint(PlanningContext context)
    {
        EquatableArray<int> shape = context.Shape;
        if (context.Below is null)
        {
            return shape.Count == 2
                ? $": write [Input({shape[0]}, {shape[1]}, Sequence = true)] to read it as {shape[0]} steps of {shape[1]} features"
                : shape.Count == 1
                    ? $": give each sample as steps × features, e.g. [Input({shape[0]}, 1, Sequence = true)] for {shape[0]} steps of one number"
                    : "";
        }
        return context.Below is PlannedRecurrent { ReturnSequences: false } recurrent
            ? $": set ReturnSequences = true on '{recurrent.Name}' to give every step's outputs, [{recurrent.Steps}, {recurrent.Units}], to the layer above"
            : "; recurrent layers read the input sequence, a recurrent layer's sequence (ReturnSequences = true), or those through dropout or noise";
    }
}

/// <summary>
/// A recurrent layer over <see cref="Steps"/> steps of <see cref="Features"/>: its four tensors one after another from
/// <see cref="WeightIhOffset"/>, in PyTorch's order and layouts.
/// </summary>
public sealed record PlannedRecurrent(
    string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, RecurrentCell Cell, int Steps, int Features,
    int Units, bool ReturnSequences, Activation Activation, int WeightIhOffset, Initializer Initializer)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IActivatedLayer
{
    public override string Kind => Cell.ToString();

    public int GateRows => RecurrentSpec.Gates(Cell) * Units;

    public int WeightHhOffset => WeightIhOffset + GateRows * Features;

    public int BiasIhOffset => WeightHhOffset + GateRows * Units;

    public int BiasHhOffset => BiasIhOffset + GateRows;

    public int ParameterCount => GateRows * (Features + Units + 2);

    public int OutputSize => ReturnSequences ? Steps * Units : Units;

    float? IActivatedLayer.Alpha => null;

    float? IActivatedLayer.EffectiveAlpha => null;

    PlannedBatchNorm? IActivatedLayer.BatchNorm => null;

    PlannedDropout? IActivatedLayer.Dropout => null;
}
