using System.Globalization;
using NetGen.Data;

namespace NetGen;

// What Fit (its training and validation data), Evaluate and Predict check of the numbers they are given before
// computing with any of them: a NaN or an infinity in an input would otherwise come out as a plausible loss, accuracy
// or prediction (a softmax of NaN logits reads as [⅓, ⅓, ⅓]), or as a diverged training run blamed on the learning rate.
public abstract partial class Model
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample of <paramref name="data"/> whose inputs are not
    /// all finite. Fit checks its data sets once per call; Evaluate checks on every call (one pass over the features
    /// at about the rate memory delivers them, small beside the forward pass over the same samples).
    /// </summary>
    /// <param name="data">Samples whose <see cref="Dataset.SampleSize"/> is the network's input size.</param>
    /// <param name="role">How the message names the data: <c>"training"</c>, <c>"validation"</c>, or null for plain "sample".</param>
    /// <param name="parameterName">The argument the exception names.</param>
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
    private static void RequireFiniteSamples(ReadOnlySpan<float> samples, int sampleSize, bool single, string parameterName)
    {
        int index = FiniteValues.IndexOfFirstNonFinite(samples);
        if (index >= 0)
        {
            string sample = single ? "The sample" : $"Sample {index / sampleSize}";
            throw new ArgumentException(
                $"{sample} holds {Format(samples[index])} at position {index % sampleSize}; inputs must be finite numbers.", parameterName);
        }
    }

    private static string SampleName(string? role, int sample) => role is null ? $"sample {sample}" : $"{role} sample {sample}";

    private static string Capitalized(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));

    /// <summary>A value as the messages show it, the same in every culture: <c>NaN</c>, <c>-Infinity</c>, <c>2</c>, <c>0.99</c>.</summary>
    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
