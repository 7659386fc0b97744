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
