using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// Greedy layer-wise pre-training: each hidden layer gets the weights of a machine (or autoencoder) trained on the layer
/// below's outputs, earlier layers stay as they were, the output layer is left to Fit, and what cannot be pre-trained is
/// refused before anything changes.
/// </summary>
public sealed class PretrainingTests(ITestOutputHelper output)
{
    /// <summary>12 binary-ish features from three prototypes, labelled by prototype.</summary>
    private static Dataset Data(int count = 240)
    {
        var random = new Randomness.Rng(21);
        float[][] prototypes = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 12).Select(_ => random.NextSingle() < 0.5f ? 0.9f : 0.1f).ToArray()).ToArray();
        int[] labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        float[] features = labels.SelectMany(label => prototypes[label].Select(p => Math.Clamp(p + 0.1f * (random.NextSingle() - 0.5f), 0f, 1f))).ToArray();
        return Dataset.FromLabels(features, [12], labels, 3);
    }

    [Theory]
    [InlineData(PretrainingMethod.RestrictedBoltzmannMachine)]
    [InlineData(PretrainingMethod.DenoisingAutoencoder)]
    public void Each_layer_is_trained_in_turn_and_earlier_layers_stay_fixed(PretrainingMethod method)
    {
        // Pre-training only fc1 on one model and both layers on its twin: fc1 must come out the same (fc2's training
        // never touched it), fc2 must have moved, and the output layer must be as initialised in both.
        Dataset data = Data();
        var firstOnly = new PretrainableClassifier(seed: 3);
        var both = new PretrainableClassifier(seed: 3);
        float[] initial = (float[])both.Parameters.Clone();

        firstOnly.Pretrain(data, method, () => new Sgd(0.1f), epochs: 5, batchSize: 16, layers: 1);
        IReadOnlyList<LayerPretraining> results = both.Pretrain(data, method, () => new Sgd(0.1f), epochs: 5, batchSize: 16);

        Assert.Equal(["fc1", "fc2"], results.Select(result => result.Layer));
        Assert.All(results, result => Assert.Equal(5, result.History.Epochs.Count));
        Assert.Equal(firstOnly.GetParameters("fc1.weight").ToArray(), both.GetParameters("fc1.weight").ToArray());
        Assert.Equal(firstOnly.GetParameters("fc1.bias").ToArray(), both.GetParameters("fc1.bias").ToArray());
        Assert.NotEqual(Slice(initial, both, "fc1.weight"), both.GetParameters("fc1.weight").ToArray());
        Assert.NotEqual(Slice(initial, both, "fc2.weight"), both.GetParameters("fc2.weight").ToArray());
        Assert.Equal(Slice(initial, firstOnly, "fc2.weight"), firstOnly.GetParameters("fc2.weight").ToArray());
        Assert.Equal(Slice(initial, both, "out.weight"), both.GetParameters("out.weight").ToArray());
        Assert.Equal(Slice(initial, both, "out.bias"), both.GetParameters("out.bias").ToArray());
        foreach (LayerPretraining result in results)
        {
            output.WriteLine($"{result.Layer}: reconstruction {result.History.Epochs[0].Loss} → {result.History.Epochs[^1].Loss}");
            Assert.True(result.History.Epochs[^1].Loss < result.History.Epochs[0].Loss, $"{result.Layer} did not learn");
        }
    }

    private static float[] Slice(float[] parameters, Model model, string tensor)
    {
        ParameterTensor t = model.Description.Tensors.Single(x => x.Name == tensor);
        return parameters.AsSpan(t.Offset, t.Length).ToArray();
    }

    [Fact]
    public void A_pretrained_network_fine_tunes_with_labels()
    {
        Dataset data = Data();
        var network = new PretrainableClassifier(seed: 4);
        network.Pretrain(data, PretrainingMethod.RestrictedBoltzmannMachine, () => new Sgd(0.1f), epochs: 10, batchSize: 16);

        network.Fit(data, new Adam(0.01f), epochs: 20, batchSize: 16);

        Assert.True(network.Evaluate(data).Accuracy > 0.95f);
    }

    [Fact]
    public void A_layer_that_cannot_be_pretrained_is_refused_before_anything_changes()
    {
        var network = new DropoutAfterFlattenClassifier(seed: 5);
        float[] before = (float[])network.Parameters.Clone();
        Dataset data = Dataset.Unlabelled(new float[10 * 36], [1, 6, 6]);

        var error = Assert.Throws<InvalidOperationException>(() =>
            network.Pretrain(data, PretrainingMethod.RestrictedBoltzmannMachine, () => new Sgd(0.1f), epochs: 1));

        Assert.Contains("'c1' is a Conv2D layer, which it cannot pre-train", error.Message);
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void The_denoising_layer_autoencoders_backprop_matches_central_differences()
    {
        var denoiser = new Model.LayerDenoiser("fc1", visible: 7, hidden: 4, seed: 6, rate: 0.3f);
        GradientCheckTests.Randomised(denoiser);
        var random = new Randomness.Rng(6);
        float[] samples = Enumerable.Range(0, 5 * 7).Select(_ => random.NextSingle()).ToArray();

        GradientCheckTests.AssertBackpropMatchesCentralDifferences(denoiser, Dataset.FromTargets(samples, [7], samples, 7), output);
    }
}
