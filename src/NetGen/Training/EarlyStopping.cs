namespace NetGen.Training;

/// <summary>
/// The course's "knowing when to stop": ends training when the validation error has not improved
/// for <see cref="Patience"/> epochs (the "look ahead"), and puts back the parameters of the best
/// epoch, so the number of epochs is chosen on validation data (Keras's <c>EarlyStopping</c>).
/// </summary>
/// <remarks>
/// The best parameters are copied into a buffer allocated once per <c>Fit</c> whenever the watched
/// metric improves. They are restored when training ends normally — stopped early or not — so the
/// model ends at its best epoch; after an exception (cancellation, divergence) the parameters are
/// left as they are, as the exception documents.
/// </remarks>
public sealed class EarlyStopping : Callback
{
    private readonly ImprovementTracker _tracker;
    private float[] _bestParameters = [];

    /// <param name="monitor">The metric to watch; validation loss by default.</param>
    /// <param name="patience">
    /// Epochs without improvement after which training stops, as in Keras: 1 stops at the first epoch
    /// that does not improve on the best.
    /// </param>
    /// <param name="minDelta">How much better than the best an epoch must be to count as an improvement.</param>
    /// <param name="restoreBestWeights">Put back the best epoch's parameters when training ends.</param>
    public EarlyStopping(TrainingMetric monitor = TrainingMetric.ValidationLoss, int patience = 5, float minDelta = 0f, bool restoreBestWeights = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        _tracker = new ImprovementTracker(monitor, minDelta, nameof(EarlyStopping));
        Monitor = monitor;
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>The metric watched.</summary>
    public TrainingMetric Monitor { get; }

    /// <summary>Epochs without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>Whether the best epoch's parameters are put back at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The epoch with the best value in the last <c>Fit</c> (0 before any).</summary>
    public int BestEpoch => _tracker.BestEpoch;

    /// <summary>That best value.</summary>
    public float BestValue => _tracker.Best;

    /// <summary>The epoch after which training stopped early, or null if it ran to the end.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        _tracker.RequireAvailable(context);
        _tracker.Reset();
        StoppedEpoch = null;
        if (RestoreBestWeights && _bestParameters.Length != context.Model.Parameters.Length)
        {
            _bestParameters = new float[context.Model.Parameters.Length];
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (_tracker.Update(metrics))
        {
            if (RestoreBestWeights)
            {
                context.Model.Parameters.CopyTo(_bestParameters, 0);
            }
        }
        else if (_tracker.EpochsWithoutImprovement >= Patience)
        {
            StoppedEpoch = metrics.Epoch;
            context.StopTraining = true;
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && context.Failure is null && _tracker.BestEpoch > 0)
        {
            _bestParameters.CopyTo(context.Model.Parameters, 0);
        }
    }
}
