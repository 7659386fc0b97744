using NetGen.Randomness;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

public sealed class InitializationTests
{
    [Fact]
    public void Weights_are_glorot_uniform_and_biases_zero()
    {
        var network = new WideClassifier(seed: 4);

        // hidden: 42 → 37, output: 37 → 10; b = √6 / √(fan_in + fan_out).
        AssertGlorot(network.GetParameters("hidden.weight"), fanIn: 42, fanOut: 37);
        AssertGlorot(network.GetParameters("output.weight"), fanIn: 37, fanOut: 10);
        Assert.All(network.GetParameters("hidden.bias").ToArray(), bias => Assert.Equal(0f, bias));
        Assert.All(network.GetParameters("output.bias").ToArray(), bias => Assert.Equal(0f, bias));
    }

    [Fact]
    public void Each_layer_starts_as_its_initializer_says()
    {
        var network = new InitializerShowcase(seed: 6);

        // He normal: σ² = 2 / fan_in. He uniform: U[−b, b], b = √(6 / fan_in), σ² = b² / 3 = 2 / fan_in.
        // Glorot normal: σ² = 2 / (fan_in + fan_out). Zeros: zeros.
        AssertMeanAndVariance(network.GetParameters("dense1.weight"), 2.0 / 400);
        AssertMeanAndVariance(network.GetParameters("dense2.weight"), 2.0 / 300);
        Assert.All(network.GetParameters("dense2.weight").ToArray(), weight => Assert.InRange(weight, -MathF.Sqrt(6f / 300), MathF.Sqrt(6f / 300)));
        AssertMeanAndVariance(network.GetParameters("dense3.weight"), 2.0 / (200 + 100));
        Assert.All(network.GetParameters("dense4.weight").ToArray(), weight => Assert.Equal(0f, weight));
        Assert.Equal(Initializer.HeNormal, network.Description.Tensors[0].Initializer);
        // A normal draw reaches past the uniform bound of the same variance, √3 σ; a uniform one never does.
        float heNormalBound = MathF.Sqrt(3f * 2f / 400);
        Assert.Contains(network.GetParameters("dense1.weight").ToArray(), weight => Math.Abs(weight) > heNormalBound);
    }

    [Fact]
    public void Gaussian_draws_have_mean_zero_and_variance_one()
    {
        var random = new Rng(31);
        double[] draws = Enumerable.Range(0, 100_000).Select(_ => (double)random.NextGaussian()).ToArray();
        double mean = draws.Average();
        double variance = draws.Select(value => (value - mean) * (value - mean)).Average();
        double fourth = draws.Select(value => Math.Pow(value - mean, 4)).Average() / (variance * variance);

        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(fourth, 2.9, 3.1); // a normal's kurtosis is 3 (a uniform's 1.8)
    }

    private static void AssertMeanAndVariance(Span<float> weights, double expectedVariance)
    {
        double[] values = weights.ToArray().Select(value => (double)value).ToArray();
        double mean = values.Average();
        double variance = values.Select(value => (value - mean) * (value - mean)).Average();
        Assert.InRange(mean, -0.1 * Math.Sqrt(expectedVariance), 0.1 * Math.Sqrt(expectedVariance));
        Assert.InRange(variance, 0.93 * expectedVariance, 1.07 * expectedVariance);
    }

    [Fact]
    public void The_seed_decides_the_initial_weights()
    {
        Assert.Equal(new WideClassifier(seed: 7).Parameters, new WideClassifier(seed: 7).Parameters);
        Assert.NotEqual(new WideClassifier(seed: 7).Parameters, new WideClassifier(seed: 8).Parameters);
    }

    [Fact]
    public void Tensors_are_laid_out_like_pytorch()
    {
        ModelDescription description = WideClassifier.Architecture;

        Assert.Equal(["hidden.weight", "hidden.bias", "output.weight", "output.bias"], description.Tensors.Select(tensor => tensor.Name));
        Assert.Equal([37, 42], description.Tensors[0].Shape);
        Assert.Equal([10, 37], description.Tensors[2].Shape);
        Assert.Equal([0, 37 * 42, 37 * 42 + 37, 37 * 42 + 37 + 370], description.Tensors.Select(tensor => tensor.Offset));
        Assert.Equal(WideClassifier.ParameterCount, description.ParameterCount);
        Assert.Equal(2 * 3 * 7, WideClassifier.InputSize);
        Assert.Equal(10, WideClassifier.OutputSize);
    }

    [Fact]
    public void Unknown_tensor_names_list_the_known_ones()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => new WideClassifier().GetParameters("fc1.weight"));

        Assert.Contains("hidden.weight, hidden.bias, output.weight, output.bias", error.Message);
    }

    [Fact]
    public void Rng_repeats_its_sequence_for_a_seed()
    {
        var first = new Rng(123);
        var second = new Rng(123);
        var other = new Rng(124);

        ulong[] sequence = Enumerable.Range(0, 100).Select(_ => first.NextUInt64()).ToArray();

        Assert.Equal(sequence, Enumerable.Range(0, 100).Select(_ => second.NextUInt64()));
        Assert.NotEqual(sequence, Enumerable.Range(0, 100).Select(_ => other.NextUInt64()));
    }

    [Fact]
    public void Rng_draws_uniformly_within_range()
    {
        var random = new Rng(5);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            Assert.InRange(random.NextSingle(), 0f, 0.99999994f);
            counts[random.NextInt(7)]++;
        }
        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
    }

    private static void AssertGlorot(Span<float> weights, int fanIn, int fanOut)
    {
        float bound = MathF.Sqrt(6f) / MathF.Sqrt(fanIn + fanOut);
        float[] values = weights.ToArray();
        Assert.All(values, weight => Assert.InRange(weight, -bound, bound));
        // Uniform on [−b, b]: the extremes come close to b, and the variance is b² / 3.
        Assert.True(values.Max() > 0.95f * bound && values.Min() < -0.95f * bound);
        double variance = values.Select(value => (double)value * value).Average();
        Assert.InRange(variance, 0.85 * bound * bound / 3, 1.15 * bound * bound / 3);
    }
}
