using NetGen.Optimizers;

namespace NetGen.Training;

/// <summary>
/// Hooks into <c>Model.Fit</c>, as Keras callbacks do: learning-rate schedules, early
/// stopping, checkpoints and progress displays are all callbacks. Override the hooks you need;
/// the others do nothing.
/// </summary>
/// <remarks>
/// <para>
/// Order within one epoch: <see cref="OnEpochBegin"/>; then for every mini-batch
/// <see cref="OnBatchBegin"/>, the forward/backward pass, the optimizer step, <see cref="OnBatchEnd"/>;
/// then validation, the epoch's entry in the <see cref="History"/>, and <see cref="OnEpochEnd"/>.
/// Callbacks run in the order given to <c>Fit</c>, on the calling thread — so a
/// <see cref="ModelCheckpoint"/> listed after a learning-rate callback saves the rate that callback set.
/// </para>
/// <para>
/// The batch hooks run on the training hot path: keep them cheap and free of allocation.
/// Set <see cref="TrainingContext.StopTraining"/> to end training (Keras's <c>model.stop_training</c>).
/// </para>
/// </remarks>
public abstract class Callback
{
    /// <summary>Once, before the first epoch (after a checkpoint given as <c>resumeFrom</c> is loaded).</summary>
    public virtual void OnTrainBegin(TrainingContext context)
    {
    }

    /// <summary>Before each epoch's first mini-batch: the place to set the epoch's learning rate.</summary>
    public virtual void OnEpochBegin(TrainingContext context)
    {
    }

    /// <summary>Before each mini-batch's forward pass.</summary>
    public virtual void OnBatchBegin(TrainingContext context)
    {
    }

    /// <summary>After each mini-batch's optimizer step; <see cref="TrainingContext.BatchLoss"/> is its loss.</summary>
    public virtual void OnBatchEnd(TrainingContext context)
    {
    }

    /// <summary>After each epoch, once its <paramref name="metrics"/> (validation included) are in <see cref="TrainingContext.History"/>.</summary>
    public virtual void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
    }

    /// <summary>
    /// Once, when training ends for any reason — like a <c>finally</c> block. When it ends by an
    /// exception (cancellation, a diverged loss, a failing callback) <see cref="TrainingContext.Failure"/>
    /// holds it, and the exception continues to the caller of <c>Fit</c> after every callback has run.
    /// </summary>
    public virtual void OnTrainEnd(TrainingContext context)
    {
    }
}

/// <summary>
/// What a <see cref="Callback"/> sees of a <c>Model.Fit</c> call in progress: the model and
/// optimizer, where training is, and the metrics so far. One instance lives for the whole call and
/// is updated in place, so the per-batch hooks cost no allocation.
/// </summary>
public sealed class TrainingContext
{
    private readonly MetricAccumulator _metrics;

    internal TrainingContext(
        Model model, Optimizer optimizer, int firstEpoch, int epochs, int trainingSamples, int batchSize, bool hasValidation, History history)
    {
        _metrics = new MetricAccumulator(model.Description, model.TopK);
        TopK = model.TopK;
        Model = model;
        Optimizer = optimizer;
        FirstEpoch = firstEpoch;
        Epochs = epochs;
        TrainingSamples = trainingSamples;
        BatchSize = batchSize;
        BatchesPerEpoch = (trainingSamples + batchSize - 1) / batchSize;
        HasValidation = hasValidation;
        History = history;
    }

    /// <summary>The network being trained.</summary>
    public Model Model { get; }

    /// <summary>The optimizer; a callback may change its <see cref="Optimizer.LearningRate"/>.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The first epoch this call runs: 1, or the epoch after a resumed checkpoint's.</summary>
    public int FirstEpoch { get; }

    /// <summary>The last epoch this call runs, unless stopped early (<c>Fit</c>'s <c>epochs</c>).</summary>
    public int Epochs { get; }

    /// <summary>The current epoch, 1 for the first.</summary>
    public int Epoch { get; private set; }

    /// <summary>The current mini-batch within the epoch, 0 for the first.</summary>
    public int Batch { get; private set; }

    /// <summary>Mini-batches in a full epoch (the last may be smaller than <see cref="BatchSize"/>).</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; }

    /// <summary>Training samples per epoch (after any validation split).</summary>
    public int TrainingSamples { get; }

    /// <summary>Training samples of the current epoch whose mini-batch has finished.</summary>
    public int SamplesSeen { get; private set; }

    /// <summary>The mean loss of the last finished mini-batch, measured before its update.</summary>
    public float BatchLoss { get; private set; } = float.NaN;

    /// <summary>The current epoch's mean training loss so far (NaN before its first mini-batch ends).</summary>
    public float EpochLoss => _metrics.Loss;

    /// <summary>A classifier's training accuracy in the current epoch so far (NaN before its first mini-batch ends); null for a regressor.</summary>
    public float? EpochAccuracy => _metrics.Accuracy;

    /// <summary>A regressor's training mean absolute error in the current epoch so far (NaN before its first mini-batch ends); null for a classifier.</summary>
    public float? EpochMeanAbsoluteError => _metrics.MeanAbsoluteError;

    /// <summary>The k of the top-k accuracy this call measures (<see cref="Model.TopK"/> when it began).</summary>
    public int TopK { get; }

    /// <summary>Whether each epoch ends with a validation evaluation (validation data or a validation split).</summary>
    public bool HasValidation { get; }

    /// <summary>The epochs completed so far in this call.</summary>
    public History History { get; }

    /// <summary>
    /// Set to end training: checked after every mini-batch and every epoch. Set during an epoch, the
    /// epoch ends after the current mini-batch, with metrics over the samples it saw.
    /// </summary>
    public bool StopTraining { get; set; }

    /// <summary>The exception that is ending training, seen by <see cref="Callback.OnTrainEnd"/>; null while training runs and when it ends normally.</summary>
    public Exception? Failure { get; internal set; }

    internal void BeginEpoch(int epoch)
    {
        Epoch = epoch;
        Batch = 0;
        SamplesSeen = 0;
        BatchLoss = float.NaN;
        _metrics.Reset();
    }

    internal void BeginBatch(int batch) => Batch = batch;

    /// <summary>Adds a finished mini-batch of <paramref name="samples"/>, its <paramref name="outputs"/> and <paramref name="targets"/>, to the epoch's running metrics.</summary>
    internal void EndBatch(float loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int samples)
    {
        BatchLoss = loss;
        _metrics.Add(outputs, targets, samples, loss);
        SamplesSeen += samples;
    }

    /// <summary>The training metrics of the current epoch's finished mini-batches.</summary>
    internal Evaluation EpochTraining() => _metrics.ToEvaluation();
}
