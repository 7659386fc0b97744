using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary><c>[Dense(units, activation, Alpha = …, Initializer = …)]</c>.</summary>
public sealed record DenseSpec(
    int Units, Activation Activation, double? Alpha, string? Name, LocationInfo? Location, LocationInfo? AlphaLocation,
    Initializer Initializer = Initializer.GlorotUniform)
    : WeightedLayerSpec(Activation, Alpha, AlphaLocation, Initializer, Name, Location)
{
    public override string Kind => "Dense";

    internal static DenseSpec Read(LayerAttribute attribute)
    {
        var (activation, alpha, alphaLocation, initializer) = ReadActivation(attribute, "Dense");
        return new DenseSpec(attribute.Int(0), activation, alpha, attribute.Name, attribute.Location, alphaLocation, initializer);
    }

    /// <summary>Softmax normalises the network's outputs into class probabilities: on the last layer only, over more than one unit.</summary>
    internal override void Check(PlanningContext context)
    {
        base.Check(context);
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
        if (context.Shape.Count != 1)
        {
            context.Report(DiagnosticDescriptors.DenseNeedsFlatInput, Location, name, ShapeInference.FormatShape(context.Shape), ShapeInference.Product(context.Shape).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }
        int inputs = context.Shape[0];
        (int batchNormIndex, int dropoutIndex) = context.Fusion.FusedInto(context.Index);
        long weightOffset = context.Offset;
        long afterWeights = weightOffset + (long)Units * inputs;
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
            name, context.MemberName, context.Shape, new[] { Units }.ToEquatableArray(), inputs, Units, Activation, AlphaAsFloat,
            (int)weightOffset, (int)biasOffset,
            batchNormIndex >= 0 ? context.PlanBatchNorm(batchNormIndex, (int)afterWeights, Units) : null,
            dropoutIndex >= 0 ? context.PlanDropout(dropoutIndex) : null,
            (int)slopeOffset, Initializer);
    }
}

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
    Initializer Initializer = Initializer.GlorotUniform)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape), IOutputLayer
{
    public override string Kind => "Dense";

    public int OutputSize => Units;

    /// <summary>Batch norm's β takes the place of the bias, so a normalised layer has none.</summary>
    public bool HasBias => BatchNorm is null;

    /// <summary>Parametric ReLU's learned slopes, one per unit, at <see cref="SlopeOffset"/>.</summary>
    public bool HasSlopes => SlopeOffset >= 0;

    /// <summary>The weights, the bias if the layer has one, and PReLU's slopes (batch norm's tensors are counted on its own row).</summary>
    public int ParameterCount => Units * Inputs + (HasBias ? Units : 0) + (HasSlopes ? Units : 0);

    /// <summary>The activation's parameter in effect: the one given, or the activation's default; null if it takes none.</summary>
    public float? EffectiveAlpha => Alpha ?? ActivationTraits.Of(Activation).Parameter?.Default;
}
