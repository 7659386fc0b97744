namespace NetGen.Training;

/// <summary>A per-epoch number that <see cref="EarlyStopping"/> and <see cref="ReduceLearningRateOnPlateau"/> watch.</summary>
public enum TrainingMetric
{
    /// <summary>Mean validation loss: lower is better (Keras's <c>val_loss</c>).</summary>
    ValidationLoss,

    /// <summary>Validation accuracy: higher is better (<c>val_accuracy</c>).</summary>
    ValidationAccuracy,

    /// <summary>Mean training loss: lower is better (<c>loss</c>).</summary>
    Loss,

    /// <summary>Training accuracy: higher is better (<c>accuracy</c>).</summary>
    Accuracy,
}

/// <summary>Reading a <see cref="TrainingMetric"/> out of an epoch's metrics.</summary>
public static class TrainingMetricExtensions
{
    /// <summary>Whether a larger value is an improvement (accuracies) rather than a smaller one (losses).</summary>
    public static bool HigherIsBetter(this TrainingMetric metric) =>
        metric is TrainingMetric.ValidationAccuracy or TrainingMetric.Accuracy;

    /// <summary>Whether the metric needs validation data in <c>Fit</c>.</summary>
    public static bool NeedsValidation(this TrainingMetric metric) =>
        metric is TrainingMetric.ValidationLoss or TrainingMetric.ValidationAccuracy;

    /// <summary>The metric's value in <paramref name="epoch"/>, or null when it is a validation metric and the epoch had no validation.</summary>
    public static float? ValueIn(this TrainingMetric metric, EpochMetrics epoch) => metric switch
    {
        TrainingMetric.ValidationLoss => epoch.Validation?.Loss,
        TrainingMetric.ValidationAccuracy => epoch.Validation?.Accuracy,
        TrainingMetric.Loss => epoch.Loss,
        TrainingMetric.Accuracy => epoch.Accuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a TrainingMetric."),
    };
}

/// <summary>
/// The bookkeeping that early stopping and plateau detection share: the best value of a metric
/// so far, the epoch it came from, and how many epochs have passed without improving on it by
/// more than <c>minDelta</c> (Keras's <c>best</c> and <c>wait</c>).
/// </summary>
internal sealed class ImprovementTracker
{
    private readonly TrainingMetric _metric;
    private readonly float _minDelta;

    /// <param name="metric">What to watch.</param>
    /// <param name="minDelta">How much better than the best a value must be to count as an improvement.</param>
    /// <param name="owner">The callback's name, for the error when the metric cannot be read.</param>
    public ImprovementTracker(TrainingMetric metric, float minDelta, string owner)
    {
        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a TrainingMetric.");
        }
        if (!(minDelta >= 0f) || !float.IsFinite(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "The minimum improvement must be zero or a positive, finite number.");
        }
        _metric = metric;
        _minDelta = minDelta;
        Owner = owner;
        Reset();
    }

    /// <summary>The callback that owns the tracker, for error messages.</summary>
    public string Owner { get; }

    /// <summary>The best value seen (±∞ before the first epoch).</summary>
    public float Best { get; private set; }

    /// <summary>The epoch that produced <see cref="Best"/>; 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>Forgets everything, for a new <c>Fit</c> call.</summary>
    public void Reset()
    {
        Best = _metric.HigherIsBetter() ? float.NegativeInfinity : float.PositiveInfinity;
        BestEpoch = 0;
        EpochsWithoutImprovement = 0;
    }

    /// <summary>Fails early, at the start of training, when the metric needs validation that <c>Fit</c> does not have.</summary>
    public void RequireAvailable(TrainingContext context)
    {
        if (_metric.NeedsValidation() && !context.HasValidation)
        {
            throw new InvalidOperationException(
                $"{Owner} watches {_metric}, but Fit has no validation data: pass validation: or validationSplit:, or watch {TrainingMetric.Loss}.");
        }
    }

    /// <summary>Takes an epoch's value: returns true, and makes it the best, when it improves on the best by more than minDelta.</summary>
    public bool Update(EpochMetrics epoch)
    {
        float value = _metric.ValueIn(epoch)
            ?? throw new InvalidOperationException($"{Owner} watches {_metric}, but epoch {epoch.Epoch} has no validation result.");
        // Keras's rule: improve on the best by more than minDelta (value < best − δ for a loss). A NaN never improves.
        bool improved = _metric.HigherIsBetter() ? value > Best + _minDelta : value < Best - _minDelta;
        if (improved)
        {
            Best = value;
            BestEpoch = epoch.Epoch;
            EpochsWithoutImprovement = 0;
        }
        else
        {
            EpochsWithoutImprovement++;
        }
        return improved;
    }
}
