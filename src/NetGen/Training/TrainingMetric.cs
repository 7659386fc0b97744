namespace NetGen.Training;

/// <summary>
/// A per-epoch number that <see cref="EarlyStopping"/>, <see cref="ReduceLearningRateOnPlateau"/> and
/// <see cref="ModelCheckpoint"/> watch, and <see cref="History.Values"/> reads: the training or validation value of a
/// metric of <see cref="Evaluation"/>. Each has its Keras name (<see cref="TrainingMetricExtensions.Name"/>):
/// <c>loss</c>, <c>accuracy</c>, <c>top_k</c>, <c>f1</c>, <c>mae</c>, <c>rmse</c>, <c>r2</c>, with <c>val_</c> before
/// the validation ones. Accuracy, top-k accuracy and F1 are a classifier's; mean absolute error, RMSE and R² a
/// regressor's (see <see cref="ModelDescription.IsClassifier"/>).
/// </summary>
public enum TrainingMetric
{
    /// <summary>Mean validation loss: lower is better (Keras's <c>val_loss</c>).</summary>
    ValidationLoss,

    /// <summary>A classifier's validation accuracy: higher is better (<c>val_accuracy</c>).</summary>
    ValidationAccuracy,

    /// <summary>Mean training loss: lower is better (<c>loss</c>).</summary>
    Loss,

    /// <summary>A classifier's training accuracy: higher is better (<c>accuracy</c>).</summary>
    Accuracy,

    /// <summary>A regressor's training mean absolute error: lower is better (<c>mae</c>).</summary>
    MeanAbsoluteError,

    /// <summary>A regressor's validation mean absolute error: lower is better (<c>val_mae</c>).</summary>
    ValidationMeanAbsoluteError,

    /// <summary>A regressor's training root mean squared error: lower is better (<c>rmse</c>).</summary>
    RootMeanSquaredError,

    /// <summary>A regressor's validation root mean squared error: lower is better (<c>val_rmse</c>).</summary>
    ValidationRootMeanSquaredError,

    /// <summary>A regressor's training R²: higher is better (<c>r2</c>).</summary>
    RSquared,

    /// <summary>A regressor's validation R²: higher is better (<c>val_r2</c>).</summary>
    ValidationRSquared,

    /// <summary>A softmax classifier's training top-k accuracy (k = <see cref="Model.TopK"/>, fewer classes than k have none): higher is better (<c>top_k</c>).</summary>
    TopKAccuracy,

    /// <summary>A softmax classifier's validation top-k accuracy: higher is better (<c>val_top_k</c>).</summary>
    ValidationTopKAccuracy,

    /// <summary>A classifier's training F1, averaged over the classes: higher is better (<c>f1</c>).</summary>
    MacroF1,

    /// <summary>A classifier's validation F1, averaged over the classes: higher is better (<c>val_f1</c>).</summary>
    ValidationMacroF1,
}

/// <summary>Reading a <see cref="TrainingMetric"/> out of an epoch's metrics.</summary>
public static class TrainingMetricExtensions
{
    /// <summary>Whether a larger value is an improvement (accuracies, F1, R²) rather than a smaller one (losses, errors).</summary>
    public static bool HigherIsBetter(this TrainingMetric metric) => metric is
        TrainingMetric.ValidationAccuracy or TrainingMetric.Accuracy or
        TrainingMetric.RSquared or TrainingMetric.ValidationRSquared or
        TrainingMetric.TopKAccuracy or TrainingMetric.ValidationTopKAccuracy or
        TrainingMetric.MacroF1 or TrainingMetric.ValidationMacroF1;

    /// <summary>Whether the metric needs validation data in <c>Fit</c>.</summary>
    public static bool NeedsValidation(this TrainingMetric metric) => metric is
        TrainingMetric.ValidationLoss or TrainingMetric.ValidationAccuracy or
        TrainingMetric.ValidationMeanAbsoluteError or TrainingMetric.ValidationRootMeanSquaredError or TrainingMetric.ValidationRSquared or
        TrainingMetric.ValidationTopKAccuracy or TrainingMetric.ValidationMacroF1;

    /// <summary>Its Keras name: <c>loss</c>, <c>accuracy</c>, <c>top_k</c>, <c>f1</c>, <c>mae</c>, <c>rmse</c>, <c>r2</c>, or one of those after <c>val_</c>.</summary>
    public static string Name(this TrainingMetric metric)
    {
        string name = BaseName(metric);
        return metric.NeedsValidation() ? "val_" + name : name;
    }

    /// <summary>The metric with the Keras <paramref name="name"/> (<c>"val_mae"</c>; see <see cref="Name"/>).</summary>
    /// <exception cref="ArgumentException">No metric has that name; the message lists those that do.</exception>
    public static TrainingMetric Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (TrainingMetric metric in Enum.GetValues<TrainingMetric>())
        {
            if (metric.Name() == name)
            {
                return metric;
            }
        }
        throw new ArgumentException(
            $"No metric is called '{name}'; they are {string.Join(", ", Enum.GetValues<TrainingMetric>().Select(metric => metric.Name()))}.", nameof(name));
    }

    /// <summary>
    /// Whether a network of <paramref name="description"/> reports the metric: accuracy and F1 for a classifier, top-k
    /// accuracy for a softmax classifier of more than <paramref name="topK"/> classes, the error measures for a
    /// regressor; loss for every network.
    /// </summary>
    public static bool AppliesTo(this TrainingMetric metric, ModelDescription description, int topK)
    {
        ArgumentNullException.ThrowIfNull(description);
        return metric switch
        {
            TrainingMetric.Loss or TrainingMetric.ValidationLoss => true,
            TrainingMetric.Accuracy or TrainingMetric.ValidationAccuracy or TrainingMetric.MacroF1 or TrainingMetric.ValidationMacroF1 =>
                description.IsClassifier,
            TrainingMetric.TopKAccuracy or TrainingMetric.ValidationTopKAccuracy =>
                description.IsClassifier && !description.IsBinaryClassifier && description.ClassCount > topK,
            _ => !description.IsClassifier,
        };
    }

    /// <summary>
    /// The metric's value in <paramref name="epoch"/>, or null when it is a validation metric and the epoch had no
    /// validation, or when the network does not report it (accuracy of a regressor, say).
    /// </summary>
    public static float? ValueIn(this TrainingMetric metric, EpochMetrics epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        return metric.ValueIn(metric.NeedsValidation() ? epoch.Validation : epoch.Training);
    }

    /// <summary>The metric's quantity (training and validation alike) in <paramref name="evaluation"/>, or null when absent.</summary>
    public static float? ValueIn(this TrainingMetric metric, Evaluation? evaluation) => metric switch
    {
        TrainingMetric.Loss or TrainingMetric.ValidationLoss => evaluation?.Loss,
        TrainingMetric.Accuracy or TrainingMetric.ValidationAccuracy => evaluation?.Accuracy,
        TrainingMetric.MeanAbsoluteError or TrainingMetric.ValidationMeanAbsoluteError => evaluation?.MeanAbsoluteError,
        TrainingMetric.RootMeanSquaredError or TrainingMetric.ValidationRootMeanSquaredError => evaluation?.RootMeanSquaredError,
        TrainingMetric.RSquared or TrainingMetric.ValidationRSquared => evaluation?.RSquared,
        TrainingMetric.TopKAccuracy or TrainingMetric.ValidationTopKAccuracy => evaluation?.TopKAccuracy,
        TrainingMetric.MacroF1 or TrainingMetric.ValidationMacroF1 => evaluation?.MacroF1,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a TrainingMetric."),
    };

    private static string BaseName(TrainingMetric metric) => metric switch
    {
        TrainingMetric.Loss or TrainingMetric.ValidationLoss => "loss",
        TrainingMetric.Accuracy or TrainingMetric.ValidationAccuracy => "accuracy",
        TrainingMetric.MeanAbsoluteError or TrainingMetric.ValidationMeanAbsoluteError => "mae",
        TrainingMetric.RootMeanSquaredError or TrainingMetric.ValidationRootMeanSquaredError => "rmse",
        TrainingMetric.RSquared or TrainingMetric.ValidationRSquared => "r2",
        TrainingMetric.TopKAccuracy or TrainingMetric.ValidationTopKAccuracy => "top_k",
        TrainingMetric.MacroF1 or TrainingMetric.ValidationMacroF1 => "f1",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a TrainingMetric."),
    };

    /// <summary>The same quantity measured on the training data, for a message's suggestion.</summary>
    internal static TrainingMetric OnTraining(this TrainingMetric metric) => metric switch
    {
        TrainingMetric.ValidationLoss => TrainingMetric.Loss,
        TrainingMetric.ValidationAccuracy => TrainingMetric.Accuracy,
        TrainingMetric.ValidationMeanAbsoluteError => TrainingMetric.MeanAbsoluteError,
        TrainingMetric.ValidationRootMeanSquaredError => TrainingMetric.RootMeanSquaredError,
        TrainingMetric.ValidationRSquared => TrainingMetric.RSquared,
        TrainingMetric.ValidationTopKAccuracy => TrainingMetric.TopKAccuracy,
        TrainingMetric.ValidationMacroF1 => TrainingMetric.MacroF1,
        _ => metric,
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

    /// <summary>
    /// Fails early, at the start of training, when the network does not report the metric (a regressor's accuracy, a
    /// classifier's mean absolute error) or it needs validation that <c>Fit</c> does not have.
    /// </summary>
    public void RequireAvailable(TrainingContext context)
    {
        ModelDescription description = context.Model.Description;
        if (!_metric.AppliesTo(description, context.TopK))
        {
            string reported = string.Join(", ", Enum.GetValues<TrainingMetric>()
                .Where(metric => metric.NeedsValidation() == _metric.NeedsValidation() && metric.AppliesTo(description, context.TopK))
                .Select(metric => metric.Name()));
            string why = _metric is TrainingMetric.TopKAccuracy or TrainingMetric.ValidationTopKAccuracy && description.IsClassifier
                ? $"top-{context.TopK} accuracy needs a softmax over more than {context.TopK} classes (see Model.TopK)"
                : $"{_metric.Name()} is a {(description.IsClassifier ? "regressor" : "classifier")}'s metric";
            throw new InvalidOperationException(
                $"{Owner} watches {_metric.Name()} (TrainingMetric.{_metric}), but {description.Name} is {description.Kind} and {why}. Watch one it reports: {reported}.");
        }
        if (_metric.NeedsValidation() && !context.HasValidation)
        {
            throw new InvalidOperationException(
                $"{Owner} watches {_metric.Name()} (TrainingMetric.{_metric}), but Fit has no validation data: pass validation: or validationSplit:, or watch {_metric.OnTraining().Name()} (TrainingMetric.{_metric.OnTraining()}).");
        }
    }

    /// <summary>Takes an epoch's value: returns true, and makes it the best, when it improves on the best by more than minDelta.</summary>
    public bool Update(EpochMetrics epoch)
    {
        float value = _metric.ValueIn(epoch)
            ?? throw new InvalidOperationException($"{Owner} watches {_metric.Name()}, but epoch {epoch.Epoch} does not report it.");
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
