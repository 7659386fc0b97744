namespace NetGen.Data;

/// <summary>
/// Samples and their targets in two flat row-major arrays: <see cref="Features"/> is
/// <c>[Count, SampleSize]</c>, <see cref="Targets"/> is <c>[Count, TargetSize]</c>.
/// Classification data also keeps its integer <see cref="Labels"/>, with one-hot targets; data without labels
/// (<see cref="Unlabelled"/>) has its samples as its targets.
/// </summary>
public sealed class Dataset
{
    private Dataset(float[] features, int[] sampleShape, float[] targets, int targetSize, int[]? labels)
    {
        Features = features;
        SampleShape = sampleShape;
        SampleSize = ShapeSize(sampleShape);
        Targets = targets;
        TargetSize = targetSize;
        Labels = labels;
        Count = SampleSize == 0 ? 0 : features.Length / SampleSize;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>One sample's dimensions, outermost first (images: <c>[height, width]</c> or <c>[channels, height, width]</c>).</summary>
    public int[] SampleShape { get; }

    /// <summary>Numbers per sample: the product of <see cref="SampleShape"/>.</summary>
    public int SampleSize { get; }

    /// <summary><c>[Count, SampleSize]</c>, row-major.</summary>
    public float[] Features { get; }

    /// <summary>Numbers per target.</summary>
    public int TargetSize { get; }

    /// <summary><c>[Count, TargetSize]</c>, row-major.</summary>
    public float[] Targets { get; }

    /// <summary>Class indices, for data made by <see cref="FromLabels"/>; otherwise null.</summary>
    public int[]? Labels { get; }

    /// <summary>
    /// Classification data: each label becomes a one-hot target of <paramref name="classCount"/> numbers. A binary
    /// classifier (one sigmoid unit) given labels 0 and 1 learns the labels themselves instead.
    /// </summary>
    public static Dataset FromLabels(float[] features, int[] sampleShape, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        int sampleSize = CheckShape(features, sampleShape);
        if (features.Length / sampleSize != labels.Length)
        {
            throw new ArgumentException(
                $"There are {features.Length / sampleSize} samples of {FormatShape(sampleShape)} but {labels.Length} labels.",
                nameof(labels));
        }
        var targets = new float[labels.Length * classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classCount)
            {
                throw new ArgumentException($"Label {label} of sample {i} is outside [0, {classCount}).", nameof(labels));
            }
            targets[i * classCount + label] = 1f;
        }
        return new Dataset(features, (int[])sampleShape.Clone(), targets, classCount, labels);
    }

    /// <summary>Data with arbitrary targets (regression, autoencoders, multi-output).</summary>
    public static Dataset FromTargets(float[] features, int[] sampleShape, float[] targets, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSize);
        int sampleSize = CheckShape(features, sampleShape);
        int count = features.Length / sampleSize;
        if (targets.Length != count * targetSize)
        {
            throw new ArgumentException(
                $"There are {count} samples, so {count} × {targetSize} = {count * targetSize} target numbers were expected, not {targets.Length}.",
                nameof(targets));
        }
        return new Dataset(features, (int[])sampleShape.Clone(), targets, targetSize, null);
    }

    /// <summary>
    /// Data without labels, for an autoencoder (<c>[Autoencoder]</c>): each sample is its own target.
    /// <see cref="Targets"/> is <paramref name="features"/> itself, shared, not copied, and <see cref="TargetSize"/>
    /// is <see cref="SampleSize"/>. (An autoencoder also takes labelled data, and ignores the labels.)
    /// </summary>
    /// <param name="features">The samples, <c>[count, product of sampleShape]</c> row-major; kept, not copied.</param>
    /// <param name="sampleShape">One sample's dimensions, e.g. <c>[28, 28]</c>.</param>
    public static Dataset Unlabelled(float[] features, int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(features);
        int sampleSize = CheckShape(features, sampleShape);
        return new Dataset(features, (int[])sampleShape.Clone(), features, sampleSize, null);
    }

    /// <summary>Whether each sample is its own target: <see cref="Targets"/> is <see cref="Features"/>, one array.</summary>
    internal bool TargetsAreSamples => ReferenceEquals(Targets, Features);

    /// <summary>
    /// The same samples (shared, not copied) as their own targets, the labels kept: what an autoencoder trains and is
    /// evaluated on, whatever targets the data holds.
    /// </summary>
    internal Dataset WithSamplesAsTargets() =>
        TargetsAreSamples ? this : new Dataset(Features, SampleShape, Features, SampleSize, Labels);

    /// <summary>Samples <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1, copied.</summary>
    public Dataset Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Samples [{start}, {start + count}) are not within the {Count} samples.");
        }
        if (TargetsAreSamples)
        {
            float[] samples = Features.AsSpan(start * SampleSize, count * SampleSize).ToArray();
            return new Dataset(samples, SampleShape, samples, SampleSize, Labels?.AsSpan(start, count).ToArray());
        }
        return new Dataset(
            Features.AsSpan(start * SampleSize, count * SampleSize).ToArray(),
            SampleShape,
            Targets.AsSpan(start * TargetSize, count * TargetSize).ToArray(),
            TargetSize,
            Labels?.AsSpan(start, count).ToArray());
    }

    /// <summary>
    /// The same samples (shared, not copied) with each label as its one target, 0 or 1: what a binary classifier (one
    /// sigmoid unit) learns from data labelled 0 and 1. Only for labelled data of at most two classes.
    /// </summary>
    internal Dataset WithLabelTargets()
    {
        if (Labels is null || TargetSize > 2)
        {
            throw new InvalidOperationException("Only labelled data of at most two classes has 0/1 targets.");
        }
        var targets = new float[Count];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = Labels[i];
        }
        return new Dataset(Features, SampleShape, targets, 1, Labels);
    }

    /// <summary>The first <paramref name="count"/> samples (all of them if there are fewer).</summary>
    public Dataset Take(int count) => Slice(0, Math.Min(count, Count));

    /// <summary>Sample <paramref name="index"/>'s numbers.</summary>
    public ReadOnlySpan<float> Sample(int index) => Features.AsSpan(index * SampleSize, SampleSize);

    /// <summary>Sample <paramref name="index"/>'s target.</summary>
    public ReadOnlySpan<float> Target(int index) => Targets.AsSpan(index * TargetSize, TargetSize);

    /// <summary>
    /// The first sample holding NaN or ±∞, as (sample, position within it); null if every number is finite.
    /// Training checks this once up front, so that a bad input is named instead of a diverged loss.
    /// </summary>
    public (int Sample, int Offset)? FindNonFinite()
    {
        int index = FiniteValues.IndexOfFirstNonFinite(Features);
        return index < 0 ? null : (index / SampleSize, index % SampleSize);
    }

    internal static string FormatShape(int[] shape) => string.Join("×", shape);

    private static int ShapeSize(int[] shape) => shape.Aggregate(1, (product, dimension) => product * dimension);

    private static int CheckShape(float[] features, int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Length == 0 || sampleShape.Any(dimension => dimension <= 0))
        {
            throw new ArgumentException($"A sample shape needs positive dimensions; got [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }
        int sampleSize = ShapeSize(sampleShape);
        if (features.Length % sampleSize != 0)
        {
            throw new ArgumentException(
                $"{features.Length} numbers are not a whole number of {FormatShape(sampleShape)} samples ({sampleSize} numbers each).",
                nameof(features));
        }
        return sampleSize;
    }
}
