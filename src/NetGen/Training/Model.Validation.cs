using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using NetGen.Data;

namespace NetGen;

// What Fit (its training and validation data), Evaluate and Predict check of the numbers they are given before
// computing with any of them: a NaN or an infinity in an input would otherwise come out as a plausible loss, accuracy
// or prediction (a softmax of NaN logits reads as [⅓, ⅓, ⅓]), or as a diverged training run blamed on the learning
// rate; a NaN target as the same divergence, and a cross-entropy target that is no probability trains silently.
public abstract partial class Model
{
    /// <summary>
    /// How far from 1 a softmax cross-entropy target row may sum: float rounding of label-smoothed rows is a few
    /// 1e−7; a row off by more is not a distribution (a one-hot row with a second 1, or none), and cross-entropy's
    /// gradient p − y assumes Σy = 1.
    /// </summary>
    private const double TargetRowSumTolerance = 1e-3;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample of <paramref name="data"/> the network cannot
    /// train or be evaluated on: an input that is not finite (<see cref="RequireFiniteInputs"/>), then a target the
    /// loss cannot mean (<see cref="RequireValidTargets"/>). Fit checks its data sets once per call; Evaluate checks
    /// on every call.
    /// </summary>
    /// <param name="data">Samples compatible with the network (<see cref="RequireCompatible"/>).</param>
    /// <param name="role">How the message names the data: <c>"training"</c>, <c>"validation"</c>, or null for plain "sample".</param>
    /// <param name="parameterName">The argument the exception names.</param>
    private void RequireValidData(Dataset data, string? role, string parameterName)
    {
        RequireFiniteInputs(data, role, parameterName);
        RequireInputsInDomain(data, role, parameterName);
        RequireValidTargets(data, role, parameterName);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample whose finite inputs the model cannot read, where
    /// its kind constrains them (a Boltzmann machine's binary units take values in [0, 1]); every value is fine otherwise.
    /// </summary>
    private protected virtual void RequireInputsInDomain(Dataset data, string? role, string parameterName)
    {
    }

    /// <summary>"training sample 3", "sample 3": how messages name sample <paramref name="sample"/> of data with <paramref name="role"/>, capitalised.</summary>
    private protected static string NameSample(string? role, int sample) => Capitalized(SampleName(role, sample));

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample of <paramref name="data"/> whose inputs are not
    /// all finite: one vector pass over the features, at about the rate memory delivers them, small beside a forward
    /// pass over the same samples.
    /// </summary>
    private static void RequireFiniteInputs(Dataset data, string? role, string parameterName)
    {
        if (data.FindNonFinite() is (int sample, int offset))
        {
            throw new ArgumentException(
                $"{Capitalized(SampleName(role, sample))} holds {Format(data.Features[sample * data.SampleSize + offset])} at position {offset}; " +
                "inputs must be finite numbers.", parameterName);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample in <paramref name="samples"/> (consecutive
    /// samples of <paramref name="sampleSize"/> numbers; one sample alone when <paramref name="single"/>) that holds
    /// NaN or ±∞. One vector pass over the input: for the reference MLP's batch-1 <c>Predict</c> (784 inputs) it
    /// costs well under 1% of the forward pass.
    /// </summary>
    private protected static void RequireFiniteSamples(ReadOnlySpan<float> samples, int sampleSize, bool single, string parameterName)
    {
        int index = FiniteValues.IndexOfFirstNonFinite(samples);
        if (index >= 0)
        {
            string sample = single ? "The sample" : $"Sample {index / sampleSize}";
            throw new ArgumentException(
                $"{sample} holds {Format(samples[index])} at position {index % sampleSize}; inputs must be finite numbers.", parameterName);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample of <paramref name="data"/> whose target the loss
    /// cannot mean. Every target must be finite (a NaN one would otherwise surface as a diverged loss, blamed on the
    /// learning rate). For cross-entropy a target is a probability, so every number must also lie in [0, 1], and after
    /// a softmax each row must sum to 1 (within <see cref="TargetRowSumTolerance"/>): one-hot, or soft labels. Mean
    /// squared error takes any finite target, even one its output activation cannot reach.
    /// </summary>
    /// <remarks>
    /// The finiteness and range checks are vector passes; a softmax's row sums one scalar pass more: all three read the
    /// targets once each, a small fraction of the inputs' own check.
    /// </remarks>
    private void RequireValidTargets(Dataset data, string? role, string parameterName)
    {
        float[] targets = data.Targets;
        int size = data.TargetSize;
        int index = FiniteValues.IndexOfFirstNonFinite(targets);
        if (index >= 0)
        {
            throw new ArgumentException(
                $"Target {index % size} of {SampleName(role, index / size)} is {Format(targets[index])}; targets must be finite numbers.", parameterName);
        }
        if (Description.Loss != Loss.CrossEntropy)
        {
            return;
        }
        bool softmax = Description.OutputActivation == Activation.Softmax;
        index = IndexOfFirstOutsideUnitInterval(targets);
        if (index >= 0)
        {
            throw new ArgumentException(
                $"Target {index % size} of {SampleName(role, index / size)} is {Format(targets[index])}, outside [0, 1]; {CrossEntropyTargetRule(softmax, Description.IsAutoencoder)}.",
                parameterName);
        }
        if (!softmax)
        {
            return;
        }
        for (int sample = 0; sample < data.Count; sample++)
        {
            // In float: the tolerance is far above a float sum's rounding, of about size × 6e−8.
            float sum = 0;
            foreach (float target in targets.AsSpan(sample * size, size))
            {
                sum += target;
            }
            if (Math.Abs(sum - 1) > TargetRowSumTolerance)
            {
                throw new ArgumentException(
                    $"{Capitalized(SampleName(role, sample))}'s target row sums to {Format(sum)}, but {CrossEntropyTargetRule(softmax, autoencoder: false)}.", parameterName);
            }
        }
    }

    /// <summary>The index of the first number in <paramref name="values"/> (all finite) below 0 or above 1, or −1; a vector at a time, as <see cref="FiniteValues"/>.</summary>
    private static int IndexOfFirstOutsideUnitInterval(ReadOnlySpan<float> values)
    {
        ref float first = ref MemoryMarshal.GetReference(values);
        int width = Vector<float>.Count, i = 0;
        for (; i + width <= values.Length; i += width)
        {
            Vector<float> v = Vector.LoadUnsafe(ref first, (nuint)i);
            if (!Vector.GreaterThanOrEqualAll(v, Vector<float>.Zero) || !Vector.LessThanOrEqualAll(v, Vector<float>.One))
            {
                break;
            }
        }
        for (; i < values.Length; i++)
        {
            if (!(values[i] >= 0f && values[i] <= 1f))
            {
                return i;
            }
        }
        return -1;
    }

    private static string CrossEntropyTargetRule(bool softmax, bool autoencoder) => autoencoder
        ? "an autoencoder trained with cross-entropy reconstructs each input as a probability, so its inputs (its targets) must lie in [0, 1]: scale pixels by 1/255"
        : softmax
            ? "a softmax cross-entropy target must be a probability distribution (one-hot, or numbers in [0, 1] summing to 1)"
            : "a binary cross-entropy target is the probability of class 1, in [0, 1]";

    private static string SampleName(string? role, int sample) => role is null ? $"sample {sample}" : $"{role} sample {sample}";

    private static string Capitalized(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));

    /// <summary>A value as the messages show it, the same in every culture: <c>NaN</c>, <c>-Infinity</c>, <c>2</c>, <c>0.99</c>.</summary>
    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
