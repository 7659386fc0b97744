using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Training;

namespace NetGen;

// Fit, Evaluate and Predict on plain arrays, as Keras takes NumPy arrays: features as float[n, inputs] or float[n][],
// class labels as int[] (one-hot inside; 0 or 1 for one sigmoid unit), numeric targets as float[n] (one output) or
// float[n, outputs]. A [28, 28] or [1, 28, 28] network takes each sample flattened, row-major: 784 columns.
// Each overload documents its own arrays; <inheritdoc> brings the other parameters' docs from the Dataset overload,
// whose names they share, which the compiler's CS1573 does not know.
#pragma warning disable CS1573
public abstract partial class Model
{
    /// <summary>
    /// <see cref="Fit(Dataset, Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// on a classifier's samples and class labels, as Keras's <c>fit(x, y)</c>: each label becomes a one-hot target
    /// (a binary classifier learns 0 and 1 as they are). The arrays are copied once into a <see cref="Dataset"/>.
    /// </summary>
    /// <param name="features"><c>[samples, InputSize]</c>: one row per sample, flattened row-major for image networks.</param>
    /// <param name="labels">Each sample's class, 0 to <see cref="ModelDescription.ClassCount"/> − 1.</param>
    /// <inheritdoc cref="Fit(Dataset, Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// <exception cref="ArgumentException">
    /// The arrays do not fit the network or each other: the message names the argument and both shapes.
    /// </exception>
    public History Fit(
        float[,] features, int[] labels, Optimizer optimizer, int epochs, int batchSize = 32, Dataset? validation = null, bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null, IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0, bool normalizeInputs = false,
        ImageAugmentation? augmentation = null, string? resumeFrom = null, CancellationToken cancellationToken = default) =>
        Owning(() => FitClaimed(LabelledData(CopyFeatures(features, nameof(features)), labels, nameof(labels)), nameof(features), optimizer, epochs, batchSize,
            validation, shuffle, onEpochEnd, callbacks, validationSplit, normalizeInputs, augmentation, resumeFrom, cancellationToken));

    /// <inheritdoc cref="Fit(float[,], int[], Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    public History Fit(
        float[][] features, int[] labels, Optimizer optimizer, int epochs, int batchSize = 32, Dataset? validation = null, bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null, IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0, bool normalizeInputs = false,
        ImageAugmentation? augmentation = null, string? resumeFrom = null, CancellationToken cancellationToken = default) =>
        Owning(() => FitClaimed(LabelledData(CopyFeatures(features, nameof(features)), labels, nameof(labels)), nameof(features), optimizer, epochs, batchSize,
            validation, shuffle, onEpochEnd, callbacks, validationSplit, normalizeInputs, augmentation, resumeFrom, cancellationToken));

    /// <summary>
    /// <see cref="Fit(Dataset, Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// on the samples and numeric targets of a network with one output, as Keras's <c>fit(x, y)</c>. The arrays are
    /// copied once into a <see cref="Dataset"/>.
    /// </summary>
    /// <inheritdoc cref="Fit(float[,], int[], Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// <param name="targets">Each sample's one target.</param>
    public History Fit(
        float[,] features, float[] targets, Optimizer optimizer, int epochs, int batchSize = 32, Dataset? validation = null, bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null, IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0, bool normalizeInputs = false,
        ImageAugmentation? augmentation = null, string? resumeFrom = null, CancellationToken cancellationToken = default) =>
        Owning(() => FitClaimed(TargetData(CopyFeatures(features, nameof(features)), CheckTargets(targets, features.GetLength(0), nameof(targets)).ToArray()), nameof(features),
            optimizer, epochs, batchSize, validation, shuffle, onEpochEnd, callbacks, validationSplit, normalizeInputs, augmentation, resumeFrom, cancellationToken));

    /// <inheritdoc cref="Fit(float[,], float[], Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    public History Fit(
        float[][] features, float[] targets, Optimizer optimizer, int epochs, int batchSize = 32, Dataset? validation = null, bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null, IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0, bool normalizeInputs = false,
        ImageAugmentation? augmentation = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        float[] flat = CopyFeatures(features, nameof(features));
        return Owning(() => FitClaimed(TargetData(flat, CheckTargets(targets, features.Length, nameof(targets)).ToArray()), nameof(features),
            optimizer, epochs, batchSize, validation, shuffle, onEpochEnd, callbacks, validationSplit, normalizeInputs, augmentation, resumeFrom, cancellationToken));
    }

    /// <summary>
    /// <see cref="Fit(Dataset, Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// on samples and numeric targets, <c>[samples, OutputSize]</c>, as Keras's <c>fit(x, y)</c>. The arrays are copied
    /// once into a <see cref="Dataset"/>.
    /// </summary>
    /// <inheritdoc cref="Fit(float[,], int[], Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// <param name="targets">One row of <see cref="ModelDescription.OutputSize"/> targets per sample.</param>
    public History Fit(
        float[,] features, float[,] targets, Optimizer optimizer, int epochs, int batchSize = 32, Dataset? validation = null, bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null, IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0, bool normalizeInputs = false,
        ImageAugmentation? augmentation = null, string? resumeFrom = null, CancellationToken cancellationToken = default) =>
        Owning(() => FitClaimed(TargetData(CopyFeatures(features, nameof(features)), CheckTargets(targets, features.GetLength(0), nameof(targets)).ToArray()), nameof(features),
            optimizer, epochs, batchSize, validation, shuffle, onEpochEnd, callbacks, validationSplit, normalizeInputs, augmentation, resumeFrom, cancellationToken));

    /// <inheritdoc cref="Fit(float[,], float[,], Optimizer, int, int, Dataset?, bool, Action{EpochMetrics}?, IReadOnlyList{Callback}?, double, bool, ImageAugmentation?, string?, CancellationToken)"/>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    public History Fit(
        float[][] features, float[,] targets, Optimizer optimizer, int epochs, int batchSize = 32, Dataset? validation = null, bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null, IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0, bool normalizeInputs = false,
        ImageAugmentation? augmentation = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        float[] flat = CopyFeatures(features, nameof(features));
        return Owning(() => FitClaimed(TargetData(flat, CheckTargets(targets, features.Length, nameof(targets)).ToArray()), nameof(features),
            optimizer, epochs, batchSize, validation, shuffle, onEpochEnd, callbacks, validationSplit, normalizeInputs, augmentation, resumeFrom, cancellationToken));
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> of a classifier on samples and their class labels (Keras's <c>evaluate(x, y)</c>):
    /// the samples are read in place and the labels turned into targets a batch at a time, so it allocates no more
    /// than the <see cref="Dataset"/> overload. Safe from any number of threads at once.
    /// </summary>
    /// <param name="features"><c>[samples, InputSize]</c>: one row per sample, flattened row-major for image networks.</param>
    /// <param name="labels">Each sample's class, 0 to <see cref="ModelDescription.ClassCount"/> − 1.</param>
    /// <exception cref="ArgumentException">The arrays do not fit the network or each other: the message names the argument and both shapes.</exception>
    public Evaluation Evaluate(float[,] features, int[] labels)
    {
        ReadOnlySpan<float> samples = FeatureView(features, nameof(features), requireSamples: true);
        int count = features.GetLength(0);
        CheckLabels(labels, count, nameof(labels));
        return EvaluateCore(samples, count, default, labels);
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> of a classifier on samples and their class labels; the samples are copied into one
    /// array first. Safe from any number of threads at once.
    /// </summary>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    /// <param name="labels">Each sample's class, 0 to <see cref="ModelDescription.ClassCount"/> − 1.</param>
    /// <exception cref="ArgumentException">The arrays do not fit the network or each other: the message names the argument and both shapes.</exception>
    public Evaluation Evaluate(float[][] features, int[] labels)
    {
        float[] samples = CopyFeatures(features, nameof(features));
        CheckLabels(labels, features.Length, nameof(labels));
        return EvaluateCore(samples, features.Length, default, labels);
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> of a network with one output on samples and their targets, read in place. Safe
    /// from any number of threads at once.
    /// </summary>
    /// <param name="features"><c>[samples, InputSize]</c>: one row per sample, flattened row-major for image networks.</param>
    /// <param name="targets">Each sample's one target.</param>
    /// <exception cref="ArgumentException">The arrays do not fit the network or each other: the message names the argument and both shapes.</exception>
    public Evaluation Evaluate(float[,] features, float[] targets)
    {
        ReadOnlySpan<float> samples = FeatureView(features, nameof(features), requireSamples: true);
        return EvaluateCore(samples, features.GetLength(0), CheckTargets(targets, features.GetLength(0), nameof(targets)), default);
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> of a network with one output on samples and their targets; the samples are
    /// copied into one array first. Safe from any number of threads at once.
    /// </summary>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    /// <param name="targets">Each sample's one target.</param>
    /// <exception cref="ArgumentException">The arrays do not fit the network or each other: the message names the argument and both shapes.</exception>
    public Evaluation Evaluate(float[][] features, float[] targets)
    {
        float[] samples = CopyFeatures(features, nameof(features));
        return EvaluateCore(samples, features.Length, CheckTargets(targets, features.Length, nameof(targets)), default);
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> on samples and their targets, <c>[samples, OutputSize]</c>, both read in place.
    /// Safe from any number of threads at once.
    /// </summary>
    /// <param name="features"><c>[samples, InputSize]</c>: one row per sample, flattened row-major for image networks.</param>
    /// <param name="targets">One row of <see cref="ModelDescription.OutputSize"/> targets per sample.</param>
    /// <exception cref="ArgumentException">The arrays do not fit the network or each other: the message names the argument and both shapes.</exception>
    public Evaluation Evaluate(float[,] features, float[,] targets)
    {
        ReadOnlySpan<float> samples = FeatureView(features, nameof(features), requireSamples: true);
        return EvaluateCore(samples, features.GetLength(0), CheckTargets(targets, features.GetLength(0), nameof(targets)), default);
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> on samples and their targets, <c>[samples, OutputSize]</c>; the samples are copied
    /// into one array first. Safe from any number of threads at once.
    /// </summary>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    /// <param name="targets">One row of <see cref="ModelDescription.OutputSize"/> targets per sample.</param>
    /// <exception cref="ArgumentException">The arrays do not fit the network or each other: the message names the argument and both shapes.</exception>
    public Evaluation Evaluate(float[][] features, float[,] targets)
    {
        float[] samples = CopyFeatures(features, nameof(features));
        return EvaluateCore(samples, features.Length, CheckTargets(targets, features.Length, nameof(targets)), default);
    }

    /// <summary>
    /// The outputs of every raw sample (Keras's <c>predict(x)</c>): row i of the result, <c>[samples, OutputSize]</c>,
    /// is sample i's (probabilities, after a softmax). Computed as
    /// <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> computes them, reading the samples in place; safe from any
    /// number of threads at once.
    /// </summary>
    /// <param name="features"><c>[samples, InputSize]</c>: one row per sample, flattened row-major for image networks.</param>
    /// <exception cref="ArgumentException">A row is not <see cref="ModelDescription.InputSize"/> numbers.</exception>
    public float[,] Predict(float[,] features)
    {
        ReadOnlySpan<float> samples = FeatureView(features, nameof(features), requireSamples: false);
        var outputs = new float[features.GetLength(0), Description.OutputSize];
        Predict(samples, View(outputs));
        return outputs;
    }

    /// <summary>
    /// The outputs of every raw sample: element i of the result is sample i's, <see cref="ModelDescription.OutputSize"/>
    /// numbers. The samples are copied into one array and computed together, as
    /// <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> does; safe from any number of threads at once.
    /// </summary>
    /// <param name="features">One array of <see cref="ModelDescription.InputSize"/> numbers per sample.</param>
    /// <exception cref="ArgumentException">A sample is null or not <see cref="ModelDescription.InputSize"/> numbers.</exception>
    public float[][] Predict(float[][] features)
    {
        float[] samples = CopyFeatures(features, nameof(features), requireSamples: false);
        int outputSize = Description.OutputSize;
        var flat = new float[features.Length * outputSize];
        Predict(samples, flat);
        var outputs = new float[features.Length][];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = flat.AsSpan(i * outputSize, outputSize).ToArray();
        }
        return outputs;
    }

    /// <summary>A 2-D array's elements as one row-major span, in place.</summary>
    private static Span<float> View(float[,] array) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);

    /// <summary><paramref name="features"/> (the caller's argument <paramref name="name"/>), checked against the network's input, as one span in place.</summary>
    private ReadOnlySpan<float> FeatureView(float[,] features, string name, bool requireSamples)
    {
        ArgumentNullException.ThrowIfNull(features, name);
        if (features.GetLength(1) != Description.InputSize)
        {
            throw new ArgumentException(
                $"{name} has {features.GetLength(1)} columns, but {Description.Name} takes {InputsPerSample()} per sample.", name);
        }
        if (requireSamples && features.GetLength(0) == 0)
        {
            throw new ArgumentException($"{name} has no samples (no rows).", name);
        }
        return View(features);
    }

    private float[] CopyFeatures(float[,] features, string name) => FeatureView(features, name, requireSamples: true).ToArray();

    /// <summary>The samples of <paramref name="features"/> (the caller's argument <paramref name="name"/>), each checked against the network's input, in one new row-major array.</summary>
    private float[] CopyFeatures(float[][] features, string name, bool requireSamples = true)
    {
        ArgumentNullException.ThrowIfNull(features, name);
        if (requireSamples && features.Length == 0)
        {
            throw new ArgumentException($"{name} has no samples.", name);
        }
        int inputSize = Description.InputSize;
        var flat = new float[features.Length * inputSize];
        for (int i = 0; i < features.Length; i++)
        {
            float[]? sample = features[i];
            if (sample is null)
            {
                throw new ArgumentException($"{name}[{i}] is null; every sample needs {InputsPerSample()}.", name);
            }
            if (sample.Length != inputSize)
            {
                throw new ArgumentException($"{name}[{i}] has {sample.Length} numbers, but {Description.Name} takes {InputsPerSample()} per sample.", name);
            }
            sample.CopyTo(flat, i * inputSize);
        }
        return flat;
    }

    /// <summary>"2 inputs", or "784 inputs (28×28, flattened row-major)" for a multi-dimensional input.</summary>
    private string InputsPerSample() => Description.InputShape.Length == 1
        ? $"{Description.InputSize} inputs"
        : $"{Description.InputSize} inputs ({Dataset.FormatShape(Description.InputShape)}, flattened row-major)";

    /// <summary>Checks a classifier's <paramref name="labels"/> (the caller's argument <paramref name="name"/>): one per sample, each a class of the network.</summary>
    private void CheckLabels(int[] labels, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        ModelDescription network = Description;
        if (!network.IsClassifier)
        {
            throw new ArgumentException(
                $"{network.Name} is {network.Kind}: it learns numeric targets, not class labels; give them as float[] (one output) or float[samples, {network.OutputSize}].",
                name);
        }
        if (labels.Length != count)
        {
            throw new ArgumentException($"{name} has {Count(labels.Length, "label")}, but features has {Count(count, "sample")}; each sample needs one.", name);
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)network.ClassCount)
            {
                throw new ArgumentException(
                    $"{name}[{i}] is {labels[i]}, but {network.Name} is {network.Kind}: its classes are 0 to {network.ClassCount - 1}.", name);
            }
        }
    }

    /// <summary>Checks one target per sample (the caller's argument <paramref name="name"/>) for a network of one output; returns them.</summary>
    private ReadOnlySpan<float> CheckTargets(float[] targets, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(targets, name);
        if (Description.OutputSize != 1)
        {
            throw new ArgumentException(
                $"{name} holds one number per sample, but {Description.Name} has {Description.OutputSize} outputs: give float[samples, {Description.OutputSize}]" +
                (Description.IsClassifier ? ", or the classes as int[] labels." : "."), name);
        }
        if (targets.Length != count)
        {
            throw new ArgumentException($"{name} has {Count(targets.Length, "number")}, but features has {Count(count, "sample")}; each sample needs one.", name);
        }
        return targets;
    }

    /// <summary>Checks a row of targets per sample (the caller's argument <paramref name="name"/>) against the network's outputs; returns them in place.</summary>
    private ReadOnlySpan<float> CheckTargets(float[,] targets, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(targets, name);
        if (targets.GetLength(1) != Description.OutputSize)
        {
            throw new ArgumentException(
                $"{name} has {targets.GetLength(1)} columns, but {Description.Name} has {Description.OutputSize} outputs" +
                (Description.IsClassifier ? "; class indices go in int[] labels." : "."), name);
        }
        if (targets.GetLength(0) != count)
        {
            throw new ArgumentException($"{name} has {Count(targets.GetLength(0), "row")}, but features has {Count(count, "sample")}; each sample needs one.", name);
        }
        return View(targets);
    }

    /// <summary>A data set of checked flat samples and labels, one-hot over the network's classes (a binary classifier's become 0/1 in Fit).</summary>
    private Dataset LabelledData(float[] features, int[] labels, string name)
    {
        CheckLabels(labels, features.Length / Description.InputSize, name);
        return Dataset.FromLabels(features, Description.InputShape, labels, Description.ClassCount);
    }

    /// <summary>A data set of checked flat samples and targets.</summary>
    private Dataset TargetData(float[] features, float[] targets) =>
        Dataset.FromTargets(features, Description.InputShape, targets, Description.OutputSize);
}
#pragma warning restore CS1573
