using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Saves a checkpoint (<see cref="Model.SaveCheckpoint"/>) every <see cref="Every"/> epochs, so that an
/// interrupted run can continue with <c>Fit(…, resumeFrom: path)</c> (Keras's <c>ModelCheckpoint</c>).
/// Each file is written atomically: a crash while saving leaves the previous checkpoint intact.
/// </summary>
/// <remarks>
/// It saves in <see cref="Callback.OnEpochEnd"/>, in its turn among the callbacks: list it after any
/// callback that changes the learning rate at the end of an epoch (<see cref="ReduceLearningRateOnPlateau"/>),
/// so that the checkpoint holds the rate the next epoch will use.
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
    public ModelCheckpoint(string path, int every = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        Path = path;
        Every = every;
    }

    /// <summary>The file (or file pattern) written.</summary>
    public string Path { get; }

    /// <summary>Epochs between checkpoints.</summary>
    public int Every { get; }

    /// <summary>The file written last, or null before the first save.</summary>
    public string? LastSaved { get; private set; }

    /// <summary>The file for <paramref name="epoch"/>: <see cref="Path"/> with <see cref="EpochPlaceholder"/> replaced.</summary>
    public string PathFor(int epoch) => Path.Replace(EpochPlaceholder, epoch.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (metrics.Epoch % Every != 0)
        {
            return;
        }
        string file = PathFor(metrics.Epoch);
        context.Model.SaveCheckpoint(file, context.Optimizer, metrics.Epoch);
        LastSaved = file;
    }
}
