using System.Globalization;
using System.Text;

namespace NetGen;

/// <summary>
/// How often each class was predicted as each class: row = the true class, column = the predicted one (scikit-learn's
/// and Keras's orientation). The diagonal counts the right answers. Per-class precision, recall and F1 are read from it.
/// </summary>
/// <remarks>
/// A classifier's predicted class is its largest output, or, for one sigmoid unit, 1 when the output is at least 0.5;
/// the true class is the target's largest entry (the label of a one-hot target), or 1 when a single target is at
/// least 0.5. Two matrices are equal when they hold the same counts.
/// </remarks>
public sealed class ConfusionMatrix : IEquatable<ConfusionMatrix>
{
    private readonly int[] _counts;

    /// <param name="counts"><c>[classCount, classCount]</c>, row-major, owned from now on.</param>
    /// <param name="classCount">Classes told apart.</param>
    internal ConfusionMatrix(int[] counts, int classCount)
    {
        _counts = counts;
        ClassCount = classCount;
        foreach (int count in counts)
        {
            Total += count;
        }
    }

    /// <summary>The classes, 0 to <c>ClassCount − 1</c>.</summary>
    public int ClassCount { get; }

    /// <summary>Samples counted: the sum of every cell.</summary>
    public int Total { get; }

    /// <summary>Samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, <see cref="ClassCount"/>).</exception>
    public int this[int actual, int predicted]
    {
        get
        {
            CheckClass(actual, nameof(actual));
            CheckClass(predicted, nameof(predicted));
            return _counts[actual * ClassCount + predicted];
        }
    }

    /// <summary>The samples whose true class is <paramref name="actualClass"/>: its row's sum (scikit-learn's support).</summary>
    public int Support(int actualClass)
    {
        CheckClass(actualClass, nameof(actualClass));
        int sum = 0;
        for (int predicted = 0; predicted < ClassCount; predicted++)
        {
            sum += _counts[actualClass * ClassCount + predicted];
        }
        return sum;
    }

    /// <summary>The samples predicted as <paramref name="predictedClass"/>: its column's sum.</summary>
    public int PredictedCount(int predictedClass)
    {
        CheckClass(predictedClass, nameof(predictedClass));
        int sum = 0;
        for (int actual = 0; actual < ClassCount; actual++)
        {
            sum += _counts[actual * ClassCount + predictedClass];
        }
        return sum;
    }

    /// <summary>Of the samples predicted as <paramref name="classIndex"/>, the fraction that are: TP / (TP + FP); 0 when none was predicted so.</summary>
    public float Precision(int classIndex)
    {
        int predicted = PredictedCount(classIndex);
        return predicted == 0 ? 0f : (float)_counts[classIndex * ClassCount + classIndex] / predicted;
    }

    /// <summary>Of the samples of class <paramref name="classIndex"/>, the fraction predicted so: TP / (TP + FN); 0 when the class has no samples.</summary>
    public float Recall(int classIndex)
    {
        int support = Support(classIndex);
        return support == 0 ? 0f : (float)_counts[classIndex * ClassCount + classIndex] / support;
    }

    /// <summary>The harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>: 2TP / (2TP + FP + FN); 0 when both are 0.</summary>
    public float F1(int classIndex)
    {
        int truePositives = this[classIndex, classIndex];
        int denominator = Support(classIndex) + PredictedCount(classIndex);
        return denominator == 0 ? 0f : 2f * truePositives / denominator;
    }

    /// <summary>
    /// The mean of <see cref="F1"/> over the classes that occur, as truth or as prediction (scikit-learn's macro
    /// average): every class weighs the same, however rare, which accuracy hides.
    /// </summary>
    public float MacroF1
    {
        get
        {
            double sum = 0;
            int classes = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                if (Support(c) + PredictedCount(c) > 0)
                {
                    sum += F1(c);
                    classes++;
                }
            }
            return classes == 0 ? 0f : (float)(sum / classes);
        }
    }

    /// <summary>The fraction on the diagonal: right answers over <see cref="Total"/>.</summary>
    public float Accuracy
    {
        get
        {
            int right = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                right += _counts[c * ClassCount + c];
            }
            return Total == 0 ? 0f : (float)right / Total;
        }
    }

    /// <summary>Precision, recall, F1 and support of every class, in class order (scikit-learn's <c>classification_report</c>).</summary>
    public IReadOnlyList<ClassMetrics> Classes
    {
        get
        {
            var classes = new ClassMetrics[ClassCount];
            for (int c = 0; c < ClassCount; c++)
            {
                classes[c] = new ClassMetrics(c, Precision(c), Recall(c), F1(c), Support(c));
            }
            return classes;
        }
    }

    /// <summary>The counts as a new <c>[actual, predicted]</c> array.</summary>
    public int[,] ToArray()
    {
        var counts = new int[ClassCount, ClassCount];
        for (int actual = 0; actual < ClassCount; actual++)
        {
            for (int predicted = 0; predicted < ClassCount; predicted++)
            {
                counts[actual, predicted] = _counts[actual * ClassCount + predicted];
            }
        }
        return counts;
    }

    /// <summary>The matrix as a table: a header of predicted classes, then a row per true class.</summary>
    public override string ToString()
    {
        int width = Math.Max(5, _counts.Length == 0 ? 1 : _counts.Max().ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append("true \\ predicted");
        for (int predicted = 0; predicted < ClassCount; predicted++)
        {
            text.Append(predicted.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }
        for (int actual = 0; actual < ClassCount; actual++)
        {
            text.AppendLine().Append(actual.ToString(CultureInfo.InvariantCulture).PadLeft(16));
            for (int predicted = 0; predicted < ClassCount; predicted++)
            {
                text.Append(_counts[actual * ClassCount + predicted].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }
        }
        return text.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(ConfusionMatrix? other) =>
        other is not null && (ReferenceEquals(this, other) || (ClassCount == other.ClassCount && _counts.AsSpan().SequenceEqual(other._counts)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ConfusionMatrix);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ClassCount);
        foreach (int count in _counts)
        {
            hash.Add(count);
        }
        return hash.ToHashCode();
    }

    private void CheckClass(int value, string name)
    {
        if ((uint)value >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Classes are 0 to {ClassCount - 1}.");
        }
    }
}

/// <summary>One class's line of a classification report.</summary>
/// <param name="Class">The class index.</param>
/// <param name="Precision">TP / (TP + FP); 0 when the class was never predicted.</param>
/// <param name="Recall">TP / (TP + FN); 0 when the class has no samples.</param>
/// <param name="F1">2 · precision · recall / (precision + recall); 0 when both are 0.</param>
/// <param name="Support">The samples of the class.</param>
public sealed record ClassMetrics(int Class, float Precision, float Recall, float F1, int Support);
