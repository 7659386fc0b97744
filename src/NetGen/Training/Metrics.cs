namespace NetGen;

/// <summary>Loss and accuracy of a network on a data set.</summary>
/// <param name="Loss">The mean loss per sample.</param>
/// <param name="Accuracy">
/// The fraction classified right: the largest output against the target's largest entry, or, for one
/// output, both sides of 0.5.
/// </param>
public readonly record struct Evaluation(float Loss, float Accuracy);

/// <summary>What one epoch of <see cref="Model.Fit"/> measured.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="Loss">Mean training loss over the epoch's mini-batches, each measured before its update (as Keras reports it).</param>
/// <param name="Accuracy">Training accuracy, measured the same way.</param>
/// <param name="Validation">Loss and accuracy on the validation data after the epoch, if any was given.</param>
/// <param name="Duration">Wall-clock time of the epoch's training steps (validation excluded).</param>
/// <param name="SamplesPerSecond">Training samples processed per second.</param>
/// <param name="LearningRate">
/// The optimizer's learning rate during the epoch's steps, read after the epoch-begin callbacks
/// (where schedules set it).
/// </param>
public sealed record EpochMetrics(
    int Epoch, float Loss, float Accuracy, Evaluation? Validation, TimeSpan Duration, double SamplesPerSecond, float LearningRate);

/// <summary>
/// Every epoch's metrics from one <see cref="Model.Fit"/> call, in order: training loss and
/// accuracy, validation loss and accuracy, learning rate, duration and throughput
/// (Keras's <c>History</c>). <c>NetGen.Reporting</c> draws it with <c>SavePlot</c>.
/// </summary>
public sealed class History
{
    private readonly List<EpochMetrics> _epochs = [];

    /// <summary>The epochs completed so far.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>The last completed epoch, or null before the first.</summary>
    public EpochMetrics? Last => _epochs.Count == 0 ? null : _epochs[^1];

    internal void Add(EpochMetrics metrics) => _epochs.Add(metrics);
}

/// <summary>
/// Training produced a loss that is NaN or infinite. The step that would have used it was not
/// applied, and batch norm's running statistics, which its forward pass moved, were put back, so
/// <see cref="Model.Parameters"/> hold every value as it was before that mini-batch (those that
/// produced this loss), and <see cref="History"/> the epochs completed before it.
/// </summary>
public sealed class TrainingDivergedException(string message, int epoch, int batch, float loss, History history)
    : Exception(message)
{
    /// <summary>1-based epoch at which the loss was not finite.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>0-based mini-batch index within that epoch.</summary>
    public int Batch { get; } = batch;

    /// <summary>The offending loss value.</summary>
    public float Loss { get; } = loss;

    /// <summary>The completed epochs.</summary>
    public History History { get; } = history;
}

/// <summary>How far backprop's gradient of one tensor is from central differences.</summary>
/// <param name="Tensor">The tensor's name, e.g. <c>fc1.weight</c>.</param>
/// <param name="Checked">How many of its elements were compared.</param>
/// <param name="MaxAbsoluteError">max |analytic − numeric| over the elements compared.</param>
/// <param name="MaxRelativeError">max |analytic − numeric| / max(|analytic| + |numeric|, 1e-8).</param>
/// <param name="WorstIndex">The element (within the tensor) with the largest absolute error.</param>
/// <param name="Analytic">Backprop's gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="Numeric">The central difference at <paramref name="WorstIndex"/>.</param>
public sealed record GradientCheckResult(
    string Tensor, int Checked, double MaxAbsoluteError, double MaxRelativeError, int WorstIndex, double Analytic, double Numeric);
