using System.Linq;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary><c>[Dense(units, activation, Alpha = …, Initializer = …, TiedTo = …, PerStep = …)]</c>.</summary>
/// <param name="TiedTo">The earlier Dense layer whose weight, transposed, this layer uses; null for a weight of its own.</param>
/// <param name="TiedToLocation">The <c>TiedTo = …</c> argument, where diagnostics about the tie point.</param>
/// <param name="PerStep">Applied to every step of a sequence, giving a sequence (Keras's TimeDistributed(Dense)).</param>
public sealed record DenseSpec(
    int Units, Activation Activation, double? Alpha, string? Name, LocationInfo? Location, LocationInfo? AlphaLocation,
    Initializer Initializer = Initializer.GlorotUniform, string? TiedTo = null, LocationInfo? TiedToLocation = null, bool PerStep = false)
    : WeightedLayerSpec(Activation, Alpha, AlphaLocation, Initializer, Name, Location)
{
    public override string Kind => "Dense";

    internal static DenseSpec Read(LayerAttribute attribute)
    {
        var (activation, alpha, alphaLocation, initializer) = ReadActivation(attribute, "Dense");
        string? tiedTo = attribute.Named("TiedTo") as string;
        LocationInfo? tiedToLocation = tiedTo is null ? null : attribute.NamedLocation("TiedTo") ?? attribute.Location;
        return new DenseSpec(
            attribute.Int(0), activation, alpha, attribute.Name, attribute.Location, alphaLocation, initializer, tiedTo, tiedToLocation,
            attribute.Named("PerStep") is true);
    }

    /// <summary>A per-step layer on a sequence gives a sequence [steps, units]; on a vector, a vector.</summary>
    internal override bool GivesSequence(bool sequenceIn) => PerStep && sequenceIn;

    /// <summary>
    /// Softmax normalises the network's outputs into class probabilities: on the last layer only, over more than one
    /// unit. A tie names an earlier Dense layer with a weight of its own.
    /// </summary>
    internal override void Check(PlanningContext context)
    {
        base.Check(context);
        if (TiedTo is not null)
        {
            CheckTie(context);
        }
        if (Activation != Activation.Softmax)
        {
            return;
        }
        if (context.Index != context.OutputIndex)
        {
            context.Report(DiagnosticDescriptors.SoftmaxNotLast, Location, context.Name);
        }
        else if (Units == 1)
        {
            context.Report(DiagnosticDescriptors.SoftmaxOverOneUnit, Location, context.Name);
        }
    }

    /// <summary>
    /// NG0038 where <see cref="TiedTo"/> names no earlier Dense layer (missing, later, itself, or another kind), NG0040
    /// where that layer is tied itself: its weight is borrowed, and a tie to a tie would only be the original again.
    /// </summary>
    private void CheckTie(PlanningContext context)
    {
        int target = -1;
        for (int j = 0; j < context.Layers.Count; j++)
        {
            if (context.NameOf(j) == TiedTo)
            {
                target = j;
                break;
            }
        }
        string? problem =
            target < 0 ? $"but the network has no layer of that name (its layers: {string.Join(", ", System.Linq.Enumerable.Range(0, context.Layers.Count).Select(context.NameOf))})"
            : target == context.Index ? "itself"
            : target > context.Index ? $"which comes after it (layer {target + 1}): the layer it mirrors must come first"
            : context.Layers[target] is not DenseSpec ? $"a {context.Layers[target].Kind} layer, which has no Dense weight"
            : null;
        if (problem is not null)
        {
            context.Report(DiagnosticDescriptors.TiedToNoEarlierDense, TiedToLocation, context.Name, TiedTo!, problem);
        }
        else if (context.Layers[target] is DenseSpec { TiedTo: { } borrowed })
        {
            context.Report(DiagnosticDescriptors.TiedToTiedLayer, TiedToLocation, context.Name, TiedTo!, borrowed);
        }
    }

    /// <summary>
    /// [inputs] → [units]. The tensors follow each other as PyTorch's Linear lays them out: weight [units, inputs], then
    /// bias [units]; with batch norm fused, Linear(bias=False) + BatchNorm1d: β takes the bias's place. Parametric
    /// ReLU's slopes come last, as a PyTorch PReLU module after the layer would.
    /// </summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        if (Units <= 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, Location, $"Dense '{name}'", "units", Units);
            return null;
        }
        // Per step, the layer is an ordinary one over B·steps rows of [features]: x [B, T, F] is already [B·T, F] row-major.
        int steps = 1;
        if (context.IsSequence && PerStep)
        {
            steps = context.Shape[0];
        }
        else if (context.IsSequence)
        {
            ReportSequence(context);
            return null;
        }
        else if (context.Shape.Count != 1)
        {
            context.Report(DiagnosticDescriptors.DenseNeedsFlatInput, Location, name, ShapeInference.FormatShape(context.Shape), ShapeInference.Product(context.Shape).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }
        int inputs = context.Shape[context.Shape.Count - 1];
        PlannedTie? tie = null;
        if (TiedTo is not null)
        {
            tie = PlanTie(context, inputs);
            if (tie is null)
            {
                return null;
            }
        }
        (int batchNormIndex, int dropoutIndex) = context.Fusion.FusedInto(context.Index);
        long weightOffset = tie is null ? context.Offset : -1;
        long afterWeights = tie is null ? context.Offset + (long)Units * inputs : context.Offset;
        long biasOffset = batchNormIndex >= 0 ? -1 : afterWeights;
        long offset = afterWeights + (batchNormIndex >= 0 ? 4L : 1L) * Units;
        long slopeOffset = Activation == Activation.PReLU ? offset : -1;
        offset += slopeOffset >= 0 ? Units : 0;
        if (!context.Fits(offset, $"The parameters up to Dense '{name}'", Location))
        {
            return null;
        }
        context.Offset = offset;
        return new PlannedDense(
            name, context.MemberName, context.Shape, (steps > 1 || context.IsSequence ? new[] { steps, Units } : new[] { Units }).ToEquatableArray(),
            inputs, Units, Activation, AlphaAsFloat,
            (int)weightOffset, (int)biasOffset,
            batchNormIndex >= 0 ? context.PlanBatchNorm(batchNormIndex, (int)afterWeights, Units) : null,
            dropoutIndex >= 0 ? context.PlanDropout(dropoutIndex) : null,
            (int)slopeOffset, Initializer, tie, WeightUsedAgainAbove(context), context.IsSequence ? steps : 0);
    }

    /// <summary>NG0047: a whole sequence [steps, features], with the ways to a vector that fit what gave it.</summary>
    private void ReportSequence(PlanningContext context)
    {
        int steps = context.Shape[0], features = context.Shape[1];
        string all = $"add [Flatten] before it to take all {steps}×{features} = {steps * features} numbers as one vector";
        PlannedRecurrent? source = null;
        for (int j = context.Planned.Count - 1; j >= 0 && source is null; j--)
        {
            source = context.Planned[j] as PlannedRecurrent;
        }
        (string from, string fix) = source is null
            ? ($"[Input({steps}, {features}, Sequence = true)]", $"read it with a recurrent layer first, set PerStep = true to apply it to every step, or {all}")
            : ($"{source.Kind} '{source.Name}'", $"set ReturnSequences = false on '{source.Name}' to take its last step's {features} outputs, set PerStep = true to apply it to every step, or {all}");
        context.Report(DiagnosticDescriptors.DenseOnSequence, Location, context.Name, steps, features, from, fix);
    }

    /// <summary>The tied weight's layer and place; NG0039, with the arithmetic, where its transpose is not [units, inputs].</summary>
    private PlannedTie? PlanTie(PlanningContext context, int inputs)
    {
        var owner = (PlannedDense)context.Planned.First(layer => layer.Name == TiedTo);
        if (owner.Inputs == Units && owner.Units == inputs)
        {
            return new PlannedTie(owner.Name, owner.MemberName, owner.WeightOffset);
        }
        context.Report(
            DiagnosticDescriptors.TiedShapesDoNotTranspose, TiedToLocation, context.Name, inputs, Units, owner.Name,
            owner.Units, owner.Inputs);
        return null;
    }

    /// <summary>
    /// Whether a later layer also uses this layer's weight (its own, or the one it is tied to). Backward runs last layer
    /// first, so the last user's gradient overwrites the slice and every earlier user's adds into it.
    /// </summary>
    private bool WeightUsedAgainAbove(PlanningContext context)
    {
        string owner = TiedTo ?? context.Name;
        for (int j = context.Index + 1; j < context.Layers.Count; j++)
        {
            if (context.Layers[j] is DenseSpec { TiedTo: { } tiedTo } && tiedTo == owner)
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A tied layer's weight: <c>{Name}.weight</c> at <paramref name="WeightOffset"/>, used transposed.</summary>
public sealed record PlannedTie(string Name, string MemberName, int WeightOffset);

/// <summary>A fully connected layer: <c>weight [Units, Inputs]</c> at <see cref="WeightOffset"/>, <c>bias [Units]</c> at <see cref="BiasOffset"/>.</summary>
/// <param name="Alpha">The activation's parameter as given in the declaration (checked, in float), or null for its default.</param>
public sealed record PlannedDense(
    string Name,
    string MemberName,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    int Inputs,
    int Units,
    Activation Activation,
    float? Alpha,
    int WeightOffset,
    int BiasOffset,
    PlannedBatchNorm? BatchNorm = null,
    PlannedDropout? Dropout = null,
    int SlopeOffset = -1,
    Initializer Initializer = Initializer.GlorotUniform,
    PlannedTie? Tie = null,
    bool WeightGradientAddsUp = false,
    int Steps = 0)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IOutputLayer
{
    public override string Kind => "Dense";

    /// <summary>Units × steps: a per-step layer on a sequence gives [steps, units] per sample.</summary>
    public int OutputSize => Units * System.Math.Max(Steps, 1);

    /// <summary>Whether the layer runs per step on a sequence (<see cref="Steps"/> &gt; 0): its rows are B·steps, not B.</summary>
    public bool IsPerStep => Steps > 0;

    /// <summary>Batch norm's β takes the place of the bias, so a normalised layer has none.</summary>
    public bool HasBias => BatchNorm is null;

    /// <summary>Parametric ReLU's learned slopes, one per unit, at <see cref="SlopeOffset"/>.</summary>
    public bool HasSlopes => SlopeOffset >= 0;

    /// <summary>The weights (none of its own when tied), the bias if the layer has one, and PReLU's slopes (batch norm's tensors are counted on its own row).</summary>
    public int ParameterCount => (Tie is null ? Units * Inputs : 0) + (HasBias ? Units : 0) + (HasSlopes ? Units : 0);

    /// <summary>The activation's parameter in effect: the one given, or the activation's default; null if it takes none.</summary>
    public float? EffectiveAlpha => Alpha ?? ActivationTraits.Of(Activation).Parameter?.Default;
}
