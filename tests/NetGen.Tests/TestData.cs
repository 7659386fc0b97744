using NetGen.Data;
using NetGen.Randomness;

namespace NetGen.Tests;

/// <summary>Small random data sets made from a seed, so every test sees the same numbers.</summary>
internal static class TestData
{
    /// <summary>Inputs uniform in [−1, 1) and one-hot targets of random classes.</summary>
    public static Dataset Classification(int count, int[] sampleShape, int classes, ulong seed)
    {
        var random = new Rng(seed);
        int sampleSize = sampleShape.Aggregate(1, (product, dimension) => product * dimension);
        float[] features = Uniform(random, count * sampleSize);
        int[] labels = Enumerable.Range(0, count).Select(_ => random.NextInt(classes)).ToArray();
        return classes == 1
            ? Dataset.FromTargets(features, sampleShape, labels.Select(_ => (float)random.NextInt(2)).ToArray(), 1)
            : Dataset.FromLabels(features, sampleShape, labels, classes);
    }

    /// <summary>Inputs uniform in [−1, 1) and targets uniform in [low, high).</summary>
    public static Dataset Regression(int count, int inputs, int outputs, ulong seed, float low = -1f, float high = 1f)
    {
        var random = new Rng(seed);
        float[] features = Uniform(random, count * inputs);
        float[] targets = Enumerable.Range(0, count * outputs).Select(_ => random.NextSingle(low, high)).ToArray();
        return Dataset.FromTargets(features, [inputs], targets, outputs);
    }

    public static float[] Uniform(Rng random, int count) =>
        Enumerable.Range(0, count).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
}
