namespace NetGen.Training;

/// <summary>
/// The course's learning-rate recipe: (i) start with a large rate, (ii) keep it until the validation
/// error stops improving, (iii) divide it by 2 and go back to (ii). Keras calls it
/// <c>ReduceLROnPlateau</c>; the defaults here are the course's (factor ½, act on the first epoch
/// that does not improve).
/// </summary>
/// <remarks>
/// The new rate takes effect from the next epoch. Its value lives in the optimizer, so a
/// checkpoint keeps it; the count of epochs without improvement starts afresh in every <c>Fit</c>
/// call, as in Keras.
/// </remarks>
public sealed class ReduceLearningRateOnPlateau : Callback
{
    private readonly ImprovementTracker _tracker;

    /// <param name="monitor">The metric to watch; validation loss by default.</param>
    /// <param name="factor">The rate is multiplied by this, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement after which the rate is reduced (1: at the first).</param>
    /// <param name="minDelta">How much better than the best an epoch must be to count as an improvement.</param>
    /// <param name="minRate">The rate never goes below this.</param>
    public ReduceLearningRateOnPlateau(
        TrainingMetric monitor = TrainingMetric.ValidationLoss, float factor = 0.5f, int patience = 1, float minDelta = 0f, float minRate = 0f)
    {
        if (!(factor > 0f && factor < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The reduction factor must be in (0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        if (!(minRate >= 0f) || !float.IsFinite(minRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minRate), minRate, "The minimum rate must be zero or a positive, finite number.");
        }
        _tracker = new ImprovementTracker(monitor, minDelta, nameof(ReduceLearningRateOnPlateau));
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        MinRate = minRate;
    }

    /// <summary>The metric watched.</summary>
    public TrainingMetric Monitor { get; }

    /// <summary>What the rate is multiplied by on a plateau.</summary>
    public float Factor { get; }

    /// <summary>Epochs without improvement after which the rate is reduced.</summary>
    public int Patience { get; }

    /// <summary>The floor for the rate.</summary>
    public float MinRate { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        _tracker.RequireAvailable(context);
        _tracker.Reset();
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (_tracker.Update(metrics) || _tracker.EpochsWithoutImprovement < Patience)
        {
            return;
        }
        context.Optimizer.LearningRate = Math.Max(context.Optimizer.LearningRate * Factor, MinRate);
        // Count afresh: the next reduction needs another Patience epochs without improvement at the new rate.
        _tracker.EpochsWithoutImprovement = 0;
    }
}
