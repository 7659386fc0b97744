using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Saves a checkpoint (<see cref="Model.SaveCheckpoint"/>) every <see cref="Every"/> epochs, so that an
/// interrupted run can continue with <c>Fit(…, resumeFrom: path)</c> (Keras's <c>ModelCheckpoint</c>).
/// Each file is written atomically: a crash while saving leaves the previous checkpoint intact.
/// </summary>
/// <remarks>
/// <para>
/// With a <c>monitor</c> it keeps only the best: it saves at an epoch (of every <see cref="Every"/>th) whose watched
/// metric improves on the best so far, as Keras's <c>save_best_only=True</c> does — e.g. the epoch of the lowest
/// <c>val_mae</c>, or the highest <c>val_accuracy</c>.
/// </para>
/// <para>
/// It saves in <see cref="Callback.OnEpochEnd"/>, in its turn among the callbacks: list it after any
/// callback that changes the learning rate at the end of an epoch (<see cref="ReduceLearningRateOnPlateau"/>),
/// so that the checkpoint holds the rate the next epoch will use.
/// </para>
/// </remarks>
public sealed class ModelCheckpoint : Callback
{
    /// <summary>The placeholder in <see cref="Path"/> replaced by the epoch number, e.g. <c>checkpoint-{epoch}.safetensors</c>.</summary>
    public const string EpochPlaceholder = "{epoch}";

    /// <param name="path">
    /// The file to write; with <see cref="EpochPlaceholder"/> in it, one file per saved epoch, otherwise the
    /// same file replaced each time (the latest checkpoint).
    /// </param>
    /// <param name="every">Save after every this many epochs (counted from the first epoch of the original run).</param>
    /// <param name="monitor">Save only when this metric improves on its best (Keras's <c>save_best_only</c>); null saves every time.</param>
    /// <param name="minDelta">With a <paramref name="monitor"/>: how much better than the best an epoch must be to be saved.</param>
    public ModelCheckpoint(string path, int every = 1, TrainingMetric? monitor = null, float minDelta = 0f)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        Path = path;
        Every = every;
        Monitor = monitor;
        _tracker = monitor is TrainingMetric metric ? new ImprovementTracker(metric, minDelta, nameof(ModelCheckpoint)) : null;
    }

    private readonly ImprovementTracker? _tracker;

    /// <summary>The metric whose improvements are saved, or null when every <see cref="Every"/>th epoch is.</summary>
    public TrainingMetric? Monitor { get; }

    /// <summary>With a <see cref="Monitor"/>, the epoch last saved as the best in the last <c>Fit</c> (0 before any).</summary>
    public int BestEpoch => _tracker?.BestEpoch ?? 0;

    /// <summary>The file (or file pattern) written.</summary>
    public string Path { get; }

    /// <summary>Epochs between checkpoints.</summary>
    public int Every { get; }

    /// <summary>The file written last, or null before the first save.</summary>
    public string? LastSaved { get; private set; }

    /// <summary>The file for <paramref name="epoch"/>: <see cref="Path"/> with <see cref="EpochPlaceholder"/> replaced.</summary>
    public string PathFor(int epoch) => Path.Replace(EpochPlaceholder, epoch.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        if (_tracker is not null)
        {
            _tracker.RequireAvailable(context);
            _tracker.Reset();
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (metrics.Epoch % Every != 0 || (_tracker is not null && !_tracker.Update(metrics)))
        {
            return;
        }
        string file = PathFor(metrics.Epoch);
        context.Model.SaveCheckpoint(file, context.Optimizer, metrics.Epoch);
        LastSaved = file;
    }
}
