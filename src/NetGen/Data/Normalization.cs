using System.Numerics;

namespace NetGen.Data;

/// <summary>
/// Per-feature standardisation, the course's "normalizing your (real-valued) data": for each input
/// dimension i, x'ᵢ = (xᵢ − μᵢ) / σᵢ, with μᵢ and σᵢ that dimension's mean and standard deviation
/// over the <em>training</em> set. The same μ and σ are then applied unchanged to validation, test
/// and prediction inputs — recomputing them on other data would feed the network differently
/// scaled numbers than it was trained on.
/// </summary>
/// <remarks>
/// <para>
/// Give a model one through <see cref="Model.InputNormalization"/> (or <c>Fit(…, normalizeInputs: true)</c>)
/// and <c>Model.Fit</c>, <see cref="Model.Evaluate(Dataset)"/> and <c>Predict</c> apply it, so it cannot be
/// forgotten on one path. The statistics are part of the model: they are saved with its weights as the
/// tensors <see cref="MeanTensorName"/> and <see cref="StandardDeviationTensorName"/>.
/// </para>
/// <para>
/// <b>Constant features.</b> A feature with the same value in every training sample (the border
/// pixels of MNIST, say) has σ = 0. Its divisor is stored as 1 instead: x − μ is then 0 on the
/// training data, as a standardised constant should be, and a different value at test time passes
/// through as its plain offset from μ rather than being blown up by a tiny divisor. This is
/// scikit-learn's <c>StandardScaler</c> choice. σ is computed in double with two passes (mean first,
/// then squared deviations), which gives exactly 0 for a constant feature, so only truly constant
/// features get the substitute; <see cref="StandardDeviation"/> holds the divisor actually used.
/// </para>
/// </remarks>
public sealed class InputNormalization
{
    /// <summary>The name of the per-feature mean tensor in a weights file.</summary>
    public const string MeanTensorName = "input_normalization.mean";

    /// <summary>The name of the per-feature divisor tensor in a weights file.</summary>
    public const string StandardDeviationTensorName = "input_normalization.std";

    private readonly float[] _mean;
    private readonly float[] _standardDeviation;

    /// <summary>Statistics computed elsewhere (e.g. read from a weights file).</summary>
    /// <param name="mean">μ, one number per input feature.</param>
    /// <param name="standardDeviation">σ, the divisor per feature: positive and finite.</param>
    /// <exception cref="ArgumentException">The lengths differ or are zero, a mean is not finite, or a divisor is not positive and finite.</exception>
    public InputNormalization(ReadOnlySpan<float> mean, ReadOnlySpan<float> standardDeviation)
    {
        if (mean.Length == 0 || mean.Length != standardDeviation.Length)
        {
            throw new ArgumentException(
                $"Input normalisation needs one mean and one standard deviation per feature; got {mean.Length} means and {standardDeviation.Length} standard deviations.",
                nameof(standardDeviation));
        }
        for (int i = 0; i < mean.Length; i++)
        {
            if (!float.IsFinite(mean[i]))
            {
                throw new ArgumentException($"The mean of feature {i} is {mean[i]}; it must be a finite number.", nameof(mean));
            }
            if (!(standardDeviation[i] > 0f) || !float.IsFinite(standardDeviation[i]))
            {
                throw new ArgumentException($"The standard deviation of feature {i} is {standardDeviation[i]}; it must be positive and finite.", nameof(standardDeviation));
            }
        }
        _mean = mean.ToArray();
        _standardDeviation = standardDeviation.ToArray();
    }

    /// <summary>Numbers per sample this normalisation applies to.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>μ per feature.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>σ per feature, with 1 for features that were constant in the training data.</summary>
    public ReadOnlySpan<float> StandardDeviation => _standardDeviation;

    /// <summary>The statistics of every sample of <paramref name="training"/>.</summary>
    public static InputNormalization Compute(Dataset training)
    {
        ArgumentNullException.ThrowIfNull(training);
        return Compute(training.Features, training.SampleSize);
    }

    /// <summary>
    /// The statistics of <paramref name="samples"/>, <c>[n, featureCount]</c> row-major: μᵢ = Σ xᵢ / n and the
    /// population standard deviation σᵢ = √(Σ (xᵢ − μᵢ)² / n), as in the course and scikit-learn.
    /// </summary>
    /// <exception cref="ArgumentException">No samples, a partial sample, or a non-finite number (named by sample and position).</exception>
    public static InputNormalization Compute(ReadOnlySpan<float> samples, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (samples.Length == 0 || samples.Length % featureCount != 0)
        {
            throw new ArgumentException(
                $"{samples.Length} numbers are not a positive whole number of samples of {featureCount} features.", nameof(samples));
        }
        int count = samples.Length / featureCount;

        // Two passes in double: the mean first, then squared deviations from it. The one-pass
        // E[x²] − E[x]² cancels catastrophically when the spread is small against the mean.
        var sum = new double[featureCount];
        for (int sample = 0; sample < count; sample++)
        {
            ReadOnlySpan<float> row = samples.Slice(sample * featureCount, featureCount);
            for (int i = 0; i < featureCount; i++)
            {
                if (!float.IsFinite(row[i]))
                {
                    throw new ArgumentException($"Sample {sample} holds {row[i]} at position {i}; normalisation statistics need finite numbers.", nameof(samples));
                }
                sum[i] += row[i];
            }
        }
        var mean = new float[featureCount];
        for (int i = 0; i < featureCount; i++)
        {
            sum[i] /= count;
            mean[i] = (float)sum[i];
        }

        var squares = new double[featureCount];
        for (int sample = 0; sample < count; sample++)
        {
            ReadOnlySpan<float> row = samples.Slice(sample * featureCount, featureCount);
            for (int i = 0; i < featureCount; i++)
            {
                double deviation = row[i] - sum[i];
                squares[i] += deviation * deviation;
            }
        }
        var standardDeviation = new float[featureCount];
        for (int i = 0; i < featureCount; i++)
        {
            float sigma = (float)Math.Sqrt(squares[i] / count);
            // A constant feature (σ = 0 exactly, see the remarks), or a σ so small that float holds it
            // only as a subnormal (dividing by it could overflow): divide by 1.
            standardDeviation[i] = float.IsNormal(sigma) ? sigma : 1f;
        }
        return new InputNormalization(mean, standardDeviation);
    }

    /// <summary>Normalises whole samples in place: x ← (x − μ) / σ, feature by feature.</summary>
    public void Apply(Span<float> samples) => Apply(samples, samples);

    /// <summary>Writes the normalised <paramref name="samples"/> to <paramref name="destination"/> (which may be the same memory).</summary>
    /// <exception cref="ArgumentException">The samples are not a whole number of <see cref="FeatureCount"/>, or the destination is shorter.</exception>
    public void Apply(ReadOnlySpan<float> samples, Span<float> destination)
    {
        int features = _mean.Length;
        if (samples.Length % features != 0)
        {
            throw new ArgumentException($"{samples.Length} numbers are not a whole number of samples of {features} features.", nameof(samples));
        }
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} numbers; {samples.Length} are needed.", nameof(destination));
        }
        ReadOnlySpan<float> mean = _mean, sigma = _standardDeviation;
        int width = Vector<float>.Count;
        for (int start = 0; start < samples.Length; start += features)
        {
            ReadOnlySpan<float> source = samples.Slice(start, features);
            Span<float> target = destination.Slice(start, features);
            int i = 0;
            for (; i + width <= features; i += width)
            {
                ((new Vector<float>(source[i..]) - new Vector<float>(mean[i..])) / new Vector<float>(sigma[i..])).CopyTo(target[i..]);
            }
            for (; i < features; i++)
            {
                target[i] = (source[i] - mean[i]) / sigma[i];
            }
        }
    }
}
