using System.Globalization;
using System.Text;

namespace NetGen;

/// <summary>
/// What <see cref="Model.CheckCanOverfit"/> saw: whether the network memorised a handful of samples, its loss (and
/// accuracy) after every epoch, and, when it did not, the likely reasons. <see cref="ToString"/> gives the verdict.
/// </summary>
public sealed record OverfitCheckResult
{
    /// <summary>A regressor has memorised its samples when R² reaches this: the loss is 0.1 % of the targets' variance.</summary>
    public const float RSquaredToPass = 0.999f;

    /// <summary>Below this the mean loss of a regressor counts as zero, also for samples whose targets are all equal (whose R² is 0 or 1).</summary>
    public const float NegligibleLoss = 1e-6f;

    /// <summary>A loss that ends above this fraction of where it began has not moved: the curve is flat.</summary>
    private const float FlatFraction = 0.99f;

    internal OverfitCheckResult(
        string network, int samples, bool isClassification, bool passed, IReadOnlyList<Evaluation> evaluations,
        IReadOnlyList<string> zeroGradientTensors, int learnableTensors, bool gradientsFinite, int? divergedAtEpoch)
    {
        Network = network;
        Samples = samples;
        IsClassification = isClassification;
        Passed = passed;
        Evaluations = evaluations;
        ZeroGradientTensors = zeroGradientTensors;
        AllGradientsZero = learnableTensors > 0 && zeroGradientTensors.Count == learnableTensors;
        GradientsFinite = gradientsFinite;
        DivergedAtEpoch = divergedAtEpoch;
    }

    /// <summary>The network's class name.</summary>
    public string Network { get; }

    /// <summary>The samples it was trained on.</summary>
    public int Samples { get; }

    /// <summary>Whether the network is a classifier (the goal: 100 % accuracy) rather than a regressor (a near-zero loss).</summary>
    public bool IsClassification { get; }

    /// <summary>Whether it memorised the samples: every one classified right, or R² ≥ <see cref="RSquaredToPass"/>.</summary>
    public bool Passed { get; }

    /// <summary>The samples measured in inference mode before training (element 0) and after each epoch.</summary>
    public IReadOnlyList<Evaluation> Evaluations { get; }

    /// <summary>The epochs trained: one full-batch step each.</summary>
    public int Epochs => Evaluations.Count - 1;

    /// <summary>The loss before training and after each epoch: the learning curve.</summary>
    public IReadOnlyList<float> LossCurve => Evaluations.Select(evaluation => evaluation.Loss).ToArray();

    /// <summary>A classifier's accuracy before training and after each epoch; null for a regressor.</summary>
    public IReadOnlyList<float>? AccuracyCurve => IsClassification ? Evaluations.Select(evaluation => evaluation.Accuracy ?? float.NaN).ToArray() : null;

    /// <summary>The last measurement.</summary>
    public Evaluation Final => Evaluations[^1];

    /// <summary>
    /// The learnable tensors whose gradient was zero for every element on the samples at the start: they cannot learn
    /// (a binary step above them passes no gradient; so do dead ReLUs and saturated units).
    /// </summary>
    public IReadOnlyList<string> ZeroGradientTensors { get; }

    /// <summary>Whether every learnable tensor's gradient was zero: nothing in the network can learn.</summary>
    public bool AllGradientsZero { get; }

    /// <summary>Whether every gradient at the start was a finite number.</summary>
    public bool GradientsFinite { get; }

    /// <summary>The epoch at which the training loss became NaN or infinite, ending the check; null if it never did.</summary>
    public int? DivergedAtEpoch { get; }

    /// <summary>Whether the loss ended where it began (above 99 % of its first value) without memorising the samples.</summary>
    public bool LossIsFlat => !Passed && Final.Loss >= FlatFraction * Evaluations[0].Loss;

    /// <summary>Whether <paramref name="evaluation"/> of the samples shows them memorised.</summary>
    internal static bool Memorised(Evaluation evaluation) => evaluation.Accuracy is float accuracy
        ? accuracy >= 1f
        : evaluation.RSquared >= RSquaredToPass || evaluation.Loss <= NegligibleLoss;

    /// <summary>
    /// The verdict: whether the network memorised the samples, in how many epochs and from which loss to which; if not,
    /// a line for each thing that went wrong, and the loss at a few epochs along the way.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Evaluation first = Evaluations[0], last = Final;
        string reached = IsClassification
            ? Format($"{last.Accuracy * 100:F0} % training accuracy")
            : Format($"R² {last.RSquared:F4}");
        string verb = Passed ? "can" : "cannot";
        text.Append(Format($"{Network} {verb} overfit {Samples} samples: {reached} after {Epochs} epoch{(Epochs == 1 ? "" : "s")} (loss {first.Loss:G4} → {last.Loss:G4})."));
        if (Passed)
        {
            return text.ToString();
        }
        if (DivergedAtEpoch is int epoch)
        {
            text.AppendLine().Append(Format($"- The loss became NaN or infinite at epoch {epoch}: lower the learning rate, or scale the inputs (InputNormalization)."));
        }
        if (!GradientsFinite)
        {
            text.AppendLine().Append("- Some gradients are NaN or infinite from the first step: look for a non-finite input or an overflowing activation.");
        }
        if (AllGradientsZero)
        {
            text.AppendLine().Append(
                $"- Every gradient is zero ({string.Join(", ", ZeroGradientTensors)}): nothing can learn. A binary step passes no gradient; " +
                "dead ReLUs and saturated units none either.");
        }
        else if (ZeroGradientTensors.Count > 0)
        {
            text.AppendLine().Append(
                $"- {string.Join(", ", ZeroGradientTensors)} get a zero gradient: they never learn. A binary step above them passes no gradient; " +
                "dead ReLUs and saturated units none either.");
        }
        if (LossIsFlat && DivergedAtEpoch is null)
        {
            text.AppendLine().Append(Format($"- The loss curve is flat: {first.Loss:G4} → {last.Loss:G4} in {Epochs} epochs."));
        }
        else if (DivergedAtEpoch is null && ZeroGradientTensors.Count == 0 && GradientsFinite)
        {
            text.AppendLine().Append("- The loss fell, but not to zero: train longer (epochs:), change the learning rate, or give the network more units.");
        }
        text.AppendLine().Append("  loss by epoch: ").Append(string.Join(", ", CurvePoints().Select(point => Format($"{point}: {Evaluations[point].Loss:G4}"))));
        return text.ToString();
    }

    /// <summary>About six epochs spread over the curve, the first and the last among them.</summary>
    private IEnumerable<int> CurvePoints()
    {
        int step = Math.Max(1, Epochs / 5);
        for (int epoch = 0; epoch < Epochs; epoch += step)
        {
            yield return epoch;
        }
        yield return Epochs;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
