namespace NetGen.Training;

/// <summary>
/// Sums over batches of outputs and targets what an <see cref="Evaluation"/> reports: the loss, and the classifier's
/// confusion matrix and top-k hits or the regressor's absolute and squared errors and target statistics. Its buffers
/// are allocated once, so <see cref="Add"/> allocates nothing: one lives for a whole <c>Fit</c> (reset every epoch)
/// or one <c>Evaluate</c> call.
/// </summary>
internal sealed class MetricAccumulator
{
    private readonly int _outputs;
    private readonly int _classes;
    private readonly int _topK;
    private readonly bool _binary;

    private readonly int[] _confusion;
    private readonly float[] _shift;
    private readonly double[] _targetSum;
    private readonly double[] _targetSquareSum;
    private readonly double[] _residualSquareSum;

    private double _lossSum;
    private int _correct;
    private int _topKCorrect;
    private double _absoluteSum;

    /// <param name="description">The network measured: a classifier gets a confusion matrix, a regressor per-output sums.</param>
    /// <param name="topK">The k of top-k accuracy, measured only for a softmax classifier of more than k classes.</param>
    public MetricAccumulator(ModelDescription description, int topK)
    {
        _outputs = description.OutputSize;
        IsClassifier = description.IsClassifier;
        _binary = description.IsBinaryClassifier;
        _classes = description.ClassCount;
        _topK = IsClassifier && !_binary && _classes > topK ? topK : 0;
        _confusion = new int[_classes * _classes];
        bool regressor = !IsClassifier;
        _shift = regressor ? new float[_outputs] : [];
        _targetSum = regressor ? new double[_outputs] : [];
        _targetSquareSum = regressor ? new double[_outputs] : [];
        _residualSquareSum = regressor ? new double[_outputs] : [];
    }

    /// <summary>Whether the classifier's metrics are kept rather than the regressor's.</summary>
    public bool IsClassifier { get; }

    /// <summary>The samples added since the last <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The mean loss so far; NaN before the first sample.</summary>
    public float Loss => Count == 0 ? float.NaN : (float)(_lossSum / Count);

    /// <summary>The classifier's accuracy so far (NaN before the first sample); null for a regressor.</summary>
    public float? Accuracy => IsClassifier ? Count == 0 ? float.NaN : (float)_correct / Count : null;

    /// <summary>The regressor's mean absolute error so far (NaN before the first sample); null for a classifier.</summary>
    public float? MeanAbsoluteError => IsClassifier ? null : Count == 0 ? float.NaN : (float)(_absoluteSum / ((double)Count * _outputs));

    /// <summary>Forgets every sample: the start of an epoch.</summary>
    public void Reset()
    {
        Count = 0;
        _lossSum = 0;
        _correct = 0;
        _topKCorrect = 0;
        _absoluteSum = 0;
        Array.Clear(_confusion);
        Array.Clear(_targetSum);
        Array.Clear(_targetSquareSum);
        Array.Clear(_residualSquareSum);
    }

    /// <summary>Adds a batch: <paramref name="outputs"/> and <paramref name="targets"/> <c>[batch, OutputSize]</c>, and its mean loss.</summary>
    public void Add(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batch, float meanLoss)
    {
        _lossSum += (double)meanLoss * batch;
        if (IsClassifier)
        {
            AddClassification(outputs, targets, batch);
        }
        else
        {
            AddRegression(outputs, targets, batch);
        }
        Count += batch;
    }

    /// <summary>
    /// The metrics of every sample added since the last <see cref="Reset"/>. With <paramref name="last"/> (no sample
    /// will be added again) the confusion matrix takes this accumulator's counts rather than a copy.
    /// </summary>
    public Evaluation ToEvaluation(bool last = false)
    {
        if (!IsClassifier)
        {
            return new Evaluation(Loss)
            {
                Count = Count,
                MeanAbsoluteError = MeanAbsoluteError,
                RootMeanSquaredError = RootMeanSquaredError(),
                RSquared = RSquared(),
            };
        }
        return new Evaluation(Loss, Accuracy)
        {
            Count = Count,
            TopK = _topK > 0 ? _topK : null,
            TopKAccuracy = _topK > 0 ? Count == 0 ? float.NaN : (float)_topKCorrect / Count : null,
            ConfusionMatrix = new ConfusionMatrix(last ? _confusion : (int[])_confusion.Clone(), _classes),
        };
    }

    /// <summary>The true and the predicted class of each sample into the confusion matrix; top-k hits when measured.</summary>
    private void AddClassification(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batch)
    {
        int outputSize = _outputs;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> output = outputs.Slice(b * outputSize, outputSize);
            ReadOnlySpan<float> target = targets.Slice(b * outputSize, outputSize);
            int actual, predicted;
            if (_binary)
            {
                actual = target[0] >= 0.5f ? 1 : 0;
                predicted = output[0] >= 0.5f ? 1 : 0;
            }
            else
            {
                actual = ArgMax(target);
                predicted = ArgMax(output);
                if (_topK > 0)
                {
                    // In the top k when fewer than k outputs are strictly larger than the true class's (ties are in, as in Keras).
                    float score = output[actual];
                    int larger = 0;
                    foreach (float value in output)
                    {
                        larger += value > score ? 1 : 0;
                    }
                    _topKCorrect += larger < _topK ? 1 : 0;
                }
            }
            _confusion[actual * _classes + predicted]++;
            _correct += actual == predicted ? 1 : 0;
        }
    }

    /// <summary>
    /// Absolute and squared errors, and per output the sums that give the targets' variance. Those are taken about
    /// the first target seen (a shift), so that targets far from zero (prices, temperatures in kelvin) lose no
    /// digits when Σy² − (Σy)²/n is formed.
    /// </summary>
    private void AddRegression(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batch)
    {
        int outputSize = _outputs;
        if (Count == 0)
        {
            targets[..outputSize].CopyTo(_shift);
        }
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outputSize; o++)
            {
                int i = b * outputSize + o;
                double residual = (double)outputs[i] - targets[i];
                double centred = (double)targets[i] - _shift[o];
                _absoluteSum += Math.Abs(residual);
                _residualSquareSum[o] += residual * residual;
                _targetSum[o] += centred;
                _targetSquareSum[o] += centred * centred;
            }
        }
    }

    private float RootMeanSquaredError()
    {
        if (Count == 0)
        {
            return float.NaN;
        }
        double sum = 0;
        foreach (double residualSquares in _residualSquareSum)
        {
            sum += residualSquares;
        }
        return (float)Math.Sqrt(sum / ((double)Count * _outputs));
    }

    /// <summary>The mean over outputs of 1 − SS_res / SS_tot; an output with SS_tot = 0 counts 1 if predicted exactly, else 0 (scikit-learn's rule).</summary>
    private float RSquared()
    {
        if (Count == 0)
        {
            return float.NaN;
        }
        double sum = 0;
        for (int o = 0; o < _outputs; o++)
        {
            double total = Math.Max(0, _targetSquareSum[o] - _targetSum[o] * _targetSum[o] / Count);
            double residual = _residualSquareSum[o];
            sum += total > 0 ? 1 - residual / total : residual == 0 ? 1 : 0;
        }
        return (float)(sum / _outputs);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
