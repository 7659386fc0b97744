using System.Globalization;
using System.Text;
using NetGen.Training;

namespace NetGen;

/// <summary>
/// What <see cref="Model.Evaluate(Data.Dataset)"/> measured, with the metrics that fit the network (Keras's
/// <c>evaluate(…, return_dict=True)</c>): for a classifier (<see cref="ModelDescription.IsClassifier"/>) accuracy,
/// top-k accuracy, per-class precision, recall and F1, and the confusion matrix; for a regressor mean absolute error,
/// RMSE and R². The metrics that do not apply are null. <see cref="ToString"/> prints the report.
/// </summary>
/// <param name="Loss">The mean loss per sample.</param>
/// <param name="Accuracy">
/// For a classifier, the fraction classified right: the largest output against the target's largest entry, or, for
/// one sigmoid output, both sides of 0.5. Null for a regressor.
/// </param>
public sealed record Evaluation(float Loss, float? Accuracy = null)
{
    /// <summary>The samples measured.</summary>
    public int Count { get; init; }

    /// <summary>
    /// For a softmax classifier of more than <see cref="TopK"/> classes: the fraction of samples whose true class is
    /// among the k largest outputs (Keras's <c>top_k_categorical_accuracy</c>; ties at the k-th place count as in).
    /// Null otherwise: with k or fewer classes it would always be 1.
    /// </summary>
    public float? TopKAccuracy { get; init; }

    /// <summary>The k of <see cref="TopKAccuracy"/> (<see cref="Model.TopK"/> when measured); null when it was not measured.</summary>
    public int? TopK { get; init; }

    /// <summary>For a classifier, the counts of (true class, predicted class); null for a regressor.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; init; }

    /// <summary>For a classifier, the mean F1 over the classes (<see cref="ConfusionMatrix.MacroF1"/>); null for a regressor.</summary>
    public float? MacroF1 => ConfusionMatrix?.MacroF1;

    /// <summary>For a regressor, the mean |output − target| over every output of every sample; null for a classifier.</summary>
    public float? MeanAbsoluteError { get; init; }

    /// <summary>For a regressor, √(mean (output − target)²) over every output of every sample: in the targets' units. Null for a classifier.</summary>
    public float? RootMeanSquaredError { get; init; }

    /// <summary>
    /// For a regressor, the coefficient of determination 1 − Σ(a − y)² / Σ(y − ȳ)², per output, averaged over the
    /// outputs (scikit-learn's and Keras's <c>r2_score</c>): 1 is perfect, 0 no better than predicting the mean. An
    /// output whose targets are all equal counts 1 when predicted exactly, else 0. Null for a classifier.
    /// </summary>
    public float? RSquared { get; init; }

    /// <summary>
    /// For a restricted Boltzmann machine with binary visible units, the mean pseudo-log-likelihood of the samples
    /// (<see cref="BoltzmannMachine.PseudoLikelihood"/>, scikit-learn's <c>score_samples</c>): higher is better. Null otherwise.
    /// </summary>
    public float? PseudoLikelihood { get; init; }

    /// <summary>Whether these are a classifier's metrics (<see cref="Accuracy"/> and the rest) rather than a regressor's.</summary>
    public bool IsClassification => Accuracy is not null;

    /// <summary>
    /// The metrics that apply, by their Keras names, in this order: <c>loss</c>, <c>accuracy</c>, <c>top_k</c> (when
    /// measured), <c>f1</c> (macro) for a classifier; <c>loss</c>, <c>mae</c>, <c>rmse</c>, <c>r2</c> for a regressor.
    /// <see cref="Training.TrainingMetric"/> watches the same quantities, with <c>val_</c> before the validation ones.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, float>> NamedValues()
    {
        var values = new List<KeyValuePair<string, float>>(4) { new("loss", Loss) };
        if (Accuracy is float accuracy)
        {
            values.Add(new("accuracy", accuracy));
            if (TopKAccuracy is float topK)
            {
                values.Add(new("top_k", topK));
            }
            if (MacroF1 is float f1)
            {
                values.Add(new("f1", f1));
            }
        }
        AddIfPresent(values, "mae", MeanAbsoluteError);
        AddIfPresent(values, "rmse", RootMeanSquaredError);
        AddIfPresent(values, "r2", RSquared);
        AddIfPresent(values, "pseudo_likelihood", PseudoLikelihood);
        return values;
    }

    /// <summary>
    /// The metrics on one line, Keras's way (<c>loss: 0.1234 - accuracy: 0.9500</c>), each name after
    /// <paramref name="prefix"/> (<c>"val_"</c>); invariant culture.
    /// </summary>
    public string FormatLine(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return string.Join(" - ", NamedValues().Select(metric => string.Create(CultureInfo.InvariantCulture, $"{prefix}{metric.Key}: {metric.Value:F4}")));
    }

    /// <summary>
    /// The report: the metrics line with the sample count; for a classifier also each class's precision, recall, F1
    /// and support (with their macro average) and the confusion matrix. Invariant culture.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(FormatLine()).Append(CultureInfo.InvariantCulture, $" ({Count} samples");
        if (TopK is int k && TopKAccuracy is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; top_k is top-{k} accuracy");
        }
        text.Append(')');
        if (ConfusionMatrix is { } matrix)
        {
            text.AppendLine().AppendLine();
            text.AppendLine("    class  precision  recall  f1-score  support");
            double precision = 0, recall = 0;
            foreach (ClassMetrics metrics in matrix.Classes)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{metrics.Class,9}  {metrics.Precision,9:F4}  {metrics.Recall,6:F4}  {metrics.F1,8:F4}  {metrics.Support,7}"));
                precision += metrics.Precision;
                recall += metrics.Recall;
            }
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"macro avg  {precision / matrix.ClassCount,9:F4}  {recall / matrix.ClassCount,6:F4}  {matrix.MacroF1,8:F4}  {matrix.Total,7}"));
            text.AppendLine().AppendLine("confusion matrix (rows: true class, columns: predicted class)");
            text.Append(matrix);
        }
        return text.ToString();
    }

    private static void AddIfPresent(List<KeyValuePair<string, float>> values, string name, float? value)
    {
        if (value is float present)
        {
            values.Add(new(name, present));
        }
    }
}

/// <summary>What one epoch of <c>Model.Fit</c> measured.</summary>
/// <param name="Epoch">1 for the first epoch.</param>
/// <param name="Training">
/// The training metrics, measured on each mini-batch before its update (as Keras reports them), in training mode
/// (dropout on, batch norm on the mini-batch's statistics): the same kinds as <see cref="Validation"/>'s.
/// </param>
/// <param name="Validation">The metrics on the validation data after the epoch, if any was given.</param>
/// <param name="Duration">Wall-clock time of the epoch's training steps (validation excluded).</param>
/// <param name="SamplesPerSecond">Training samples processed per second.</param>
/// <param name="LearningRate">
/// The optimizer's learning rate during the epoch's steps, read after the epoch-begin callbacks
/// (where schedules set it).
/// </param>
public sealed record EpochMetrics(
    int Epoch, Evaluation Training, Evaluation? Validation, TimeSpan Duration, double SamplesPerSecond, float LearningRate)
{
    /// <summary>An epoch with only a training loss and (for a classifier) accuracy, e.g. to test a callback.</summary>
    public EpochMetrics(int epoch, float loss, float? accuracy, Evaluation? validation, TimeSpan duration, double samplesPerSecond, float learningRate)
        : this(epoch, new Evaluation(loss, accuracy), validation, duration, samplesPerSecond, learningRate)
    {
    }

    /// <summary>Mean training loss over the epoch's mini-batches, each measured before its update: <see cref="Training"/>'s loss.</summary>
    public float Loss => Training.Loss;

    /// <summary>Training accuracy, measured the same way; null for a regressor.</summary>
    public float? Accuracy => Training.Accuracy;

    /// <summary>
    /// The epoch as Keras prints it: <c>epoch 3 - loss: 0.0123 - mae: 0.0812 - … - val_loss: … - lr: 0.01</c>, with the
    /// metrics that fit the network; invariant culture.
    /// </summary>
    public override string ToString()
    {
        string validation = Validation is null ? "" : " - " + Validation.FormatLine("val_");
        return string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch} - {Training.FormatLine()}{validation} - lr: {LearningRate:G6}");
    }
}

/// <summary>
/// Every epoch's metrics from one <c>Model.Fit</c> call, in order: training and validation
/// metrics (loss and accuracy, or a regressor's error measures), learning rate, duration and
/// throughput (Keras's <c>History</c>). <c>NetGen.Reporting</c> draws it with <c>SavePlot</c>.
/// </summary>
public sealed class History
{
    private readonly List<EpochMetrics> _epochs = [];

    /// <summary>The epochs completed so far.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>The last completed epoch, or null before the first.</summary>
    public EpochMetrics? Last => _epochs.Count == 0 ? null : _epochs[^1];

    internal void Add(EpochMetrics metrics) => _epochs.Add(metrics);

    /// <summary>
    /// One metric over the epochs, as Keras's <c>history.history["val_mae"]</c>: its value in each epoch, in order;
    /// NaN where an epoch does not report it (no validation, or a metric the network does not have).
    /// </summary>
    public float[] Values(TrainingMetric metric)
    {
        var values = new float[_epochs.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = metric.ValueIn(_epochs[i]) ?? float.NaN;
        }
        return values;
    }
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
