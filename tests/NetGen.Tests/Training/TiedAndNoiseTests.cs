using NetGen.Data;
using NetGen.IO;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// Tied decoder weights (one tensor, both uses' gradients summed) and the noise layers of a denoising autoencoder:
/// backprop against central differences, what is stored, what changes between training and inference, and learning.
/// </summary>
public sealed class TiedAndNoiseTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Networks() => new()
    {
        { nameof(TiedDenseAutoencoder), 8 }, { nameof(TiedDenseAutoencoder), 5 },
        { nameof(TiedWithRegularizersAutoencoder), 8 }, { nameof(TiedWithRegularizersAutoencoder), 6 },
        { nameof(MaskedInputAutoencoder), 8 }, { nameof(MaskedInputAutoencoder), 3 },
        { nameof(NoiseBetweenLayersClassifier), 8 }, { nameof(NoiseBetweenLayersClassifier), 5 },
        { nameof(NoisyImageRegressor), 4 }, { nameof(NoisyImageRegressor), 3 },
        { nameof(CrossEntropyTiedAutoencoder), 8 }, { nameof(CrossEntropyTiedAutoencoder), 5 },
    };

    internal static Model Create(string network) => network switch
    {
        nameof(TiedDenseAutoencoder) => GradientCheckTests.Randomised(new TiedDenseAutoencoder(seed: 41)),
        nameof(TiedWithRegularizersAutoencoder) => GradientCheckTests.RandomisedKeepingStatistics(new TiedWithRegularizersAutoencoder(seed: 42)),
        nameof(MaskedInputAutoencoder) => GradientCheckTests.Randomised(new MaskedInputAutoencoder(seed: 43)),
        nameof(NoiseBetweenLayersClassifier) => GradientCheckTests.Randomised(new NoiseBetweenLayersClassifier(seed: 44)),
        nameof(NoisyImageRegressor) => GradientCheckTests.Randomised(new NoisyImageRegressor(seed: 45)),
        nameof(CrossEntropyTiedAutoencoder) => GradientCheckTests.Randomised(new CrossEntropyTiedAutoencoder(seed: 46)),
        _ => throw new ArgumentException(network),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backprop_matches_central_differences_for_every_parameter(string network, int batchSize)
    {
        Model model = Create(network);
        Dataset data = GradientCheckTests.DataFor(model, batchSize);

        GradientCheckTests.AssertBackpropMatchesCentralDifferences(model, data, output);
    }

    [Fact]
    public void A_tied_layer_stores_only_its_bias_and_uses_its_partners_weight_transposed()
    {
        var network = new TiedDenseAutoencoder(seed: 1);

        Assert.Equal(
            ["enc1.weight", "enc1.bias", "code.weight", "code.bias", "dec1.bias", "dec2.bias"],
            network.Description.Tensors.Select(tensor => tensor.Name));
        Assert.Equal(8 * 5 + 5 + 5 * 3 + 3 + 5 + 8, network.Parameters.Length);

        // dec2's outputs are sigmoid(h · enc1.weight + b): computed here from the stored tensors, in double.
        float[] sample = [0.1f, -0.4f, 0.9f, 0.3f, -0.2f, 0.5f, 0.7f, -0.8f];
        double[] h = Layer(Layer(Layer(sample, network, "enc1", transposed: false, Math.Tanh), network, "code", transposed: false, Math.Tanh),
            network, "code", transposed: true, Math.Tanh, bias: "dec1.bias");
        double[] expected = Layer(h, network, "enc1", transposed: true, z => 1 / (1 + Math.Exp(-z)), bias: "dec2.bias");

        float[] predicted = network.Predict(sample);

        Assert.Equal(expected.Length, predicted.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], predicted[i], 5);
        }
    }

    /// <summary>f(x · Wᵀ + b) with W = <paramref name="weightOf"/>.weight, or x · W + b with <paramref name="transposed"/>.</summary>
    private static double[] Layer<T>(T[] input, Model network, string weightOf, bool transposed, Func<double, double> activation, string? bias = null)
        where T : struct, IConvertible
    {
        ParameterTensor tensor = network.Description.Tensors.Single(t => t.Name == weightOf + ".weight");
        float[] weight = network.GetParameters(tensor.Name).ToArray();
        float[] b = network.GetParameters(bias ?? weightOf + ".bias").ToArray();
        int rows = tensor.Shape[0], columns = tensor.Shape[1];
        int outputs = transposed ? columns : rows;
        var result = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double z = b[o];
            for (int i = 0; i < input.Length; i++)
            {
                z += Convert.ToDouble(input[i]) * (transposed ? weight[i * columns + o] : weight[o * columns + i]);
            }
            result[o] = activation(z);
        }
        return result;
    }

    [Fact]
    public void A_tied_autoencoder_saves_one_weight_per_pair_and_loads_it_back()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tied-{Guid.NewGuid():N}.safetensors");
        try
        {
            var trained = new TiedDenseAutoencoder(seed: 5);
            trained.SaveWeights(path);
            var loaded = new TiedDenseAutoencoder(seed: 6);
            loaded.LoadWeights(path);

            Assert.Equal(["code.bias", "code.weight", "dec1.bias", "dec2.bias", "enc1.bias", "enc1.weight"], SafeTensors.Read(path).Tensors.Select(tensor => tensor.Name).Order());
            float[] sample = [0.2f, 0.4f, -0.6f, 0.1f, 0.0f, 0.9f, -0.3f, 0.5f];
            Assert.Equal(trained.Predict(sample), loaded.Predict(sample));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_untied_twins_weights_do_not_load_into_a_tied_autoencoder_and_change_nothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"untied-{Guid.NewGuid():N}.safetensors");
        try
        {
            new UntiedTwinAutoencoder(seed: 5).SaveWeights(path);
            var tied = new TiedDenseAutoencoder(seed: 6);
            float[] before = (float[])tied.Parameters.Clone();

            var error = Assert.Throws<WeightsMismatchException>(() => tied.LoadWeights(path));

            Assert.Contains("dec1.weight", error.Message);
            Assert.Equal(before, tied.Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Noise_corrupts_in_training_only()
    {
        Dataset data = TestData.Regression(16, 10, 10, seed: 3, low: 0.05f, high: 0.95f);
        var network = new MaskedInputAutoencoder(seed: 3);

        float trainingLoss = network.ComputeGradients(data.Features, data.Targets, data.Count);
        float inferenceLoss = network.ComputeLoss(data.Features, data.Targets, data.Count);

        Assert.NotEqual(inferenceLoss, trainingLoss);
        Assert.Equal(network.Predict(data.Sample(0)), network.Predict(data.Sample(0)));
    }

    [Fact]
    public void Masking_noise_zeroes_its_rate_without_rescaling_and_gaussian_noise_has_its_deviation()
    {
        const int count = 200_000;
        float[] ones = Enumerable.Repeat(1f, count).ToArray();
        var masked = new float[count];
        var jittered = new float[count];

        Noise.MaskingForward(ones, masked, batch: 100, size: count / 100, training: true, rate: 0.3f, key: 12345);
        Noise.GaussianForward(ones, jittered, batch: 100, size: count / 100, training: true, standardDeviation: 0.5f, key: 12345);

        Assert.All(masked, value => Assert.True(value is 0f or 1f));
        Assert.InRange(masked.Count(value => value == 0f) / (double)count, 0.297, 0.303);
        double mean = jittered.Average(value => (double)value);
        double deviation = Math.Sqrt(jittered.Average(value => (value - mean) * (value - mean)));
        Assert.InRange(mean, 0.995, 1.005);
        Assert.InRange(deviation, 0.495, 0.505);

        Noise.MaskingForward(ones, masked, batch: 100, size: count / 100, training: false, rate: 0.3f, key: 12345);
        Assert.All(masked, value => Assert.Equal(1f, value));
    }

    [Fact]
    public void A_tied_autoencoder_learns_to_reconstruct_patterns()
    {
        // Four 8-number patterns, each seen with small jitter: the tied 8-5-3-5-8 network must rebuild them.
        var random = new Randomness.Rng(9);
        float[][] patterns = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 8).Select(_ => 0.1f + 0.8f * random.NextSingle()).ToArray()).ToArray();
        float[] features = Enumerable.Range(0, 256).SelectMany(i => patterns[i % 4].Select(v => v + 0.02f * (random.NextSingle() - 0.5f))).ToArray();
        Dataset data = Dataset.FromTargets(features, [8], features, 8);
        var network = new TiedDenseAutoencoder(seed: 2);
        float before = network.ComputeLoss(data.Features, data.Targets, data.Count);

        network.Fit(data, new Adam(0.02f), epochs: 60, batchSize: 16);

        float after = network.ComputeLoss(data.Features, data.Targets, data.Count);
        Assert.True(after < before / 10, $"loss {before} → {after}");
    }

    [Fact]
    public void A_denoising_autoencoder_learns_to_restore_masked_inputs()
    {
        // Three 10-number patterns; training masks 30 % of each input, and the clean input is the target.
        var random = new Randomness.Rng(10);
        float[][] patterns = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 10).Select(_ => random.NextSingle() < 0.5f ? 0.1f : 0.9f).ToArray()).ToArray();
        float[] features = Enumerable.Range(0, 192).SelectMany(i => patterns[i % 3]).ToArray();
        Dataset data = Dataset.FromTargets(features, [10], features, 10);
        var network = new MaskedInputAutoencoder(seed: 4);
        float before = network.ComputeLoss(data.Features, data.Targets, data.Count);

        network.Fit(data, new Adam(0.02f), epochs: 60, batchSize: 16);

        float after = network.ComputeLoss(data.Features, data.Targets, data.Count);
        Assert.True(after < before / 10, $"loss {before} → {after}");
    }

    [Fact]
    public void Cross_entropy_over_sigmoid_outputs_is_the_mean_binary_cross_entropy_of_every_output()
    {
        // PyTorch's BCELoss with its default mean: −[x log p + (1 − x) log(1 − p)] averaged over all B·O outputs.
        Dataset data = TestData.Regression(6, 8, 8, seed: 8, low: 0.05f, high: 0.95f);
        var network = new CrossEntropyTiedAutoencoder(seed: 8);
        var outputs = new float[6 * 8];
        network.Predict(data.Features, outputs);
        double expected = outputs.Select((p, i) => -(data.Targets[i] * Math.Log(p) + (1 - data.Targets[i]) * Math.Log(1 - p))).Average();

        float loss = network.ComputeLoss(data.Features, data.Targets, 6);

        Assert.Equal(expected, loss, 5);
        Assert.False(network.Description.IsClassifier);
    }
}
