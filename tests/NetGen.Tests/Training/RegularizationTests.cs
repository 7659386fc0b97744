using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>Generated networks with batch norm and dropout: modes, determinism, persistence, learning.</summary>
public sealed class RegularizationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netgen-regularization-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Batch_norm_tensors_are_named_and_initialised_like_PyTorch()
    {
        var network = new BatchNormDropoutClassifier(seed: 1);

        Assert.Equal(
            ["fc1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
             "fc2.weight", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "fc3.weight", "fc3.bias"],
            network.Description.Tensors.Select(tensor => tensor.Name));
        Assert.All(network.GetParameters("bn1.weight").ToArray(), gamma => Assert.Equal(1f, gamma));
        Assert.All(network.GetParameters("bn1.bias").ToArray(), beta => Assert.Equal(0f, beta));
        Assert.All(network.GetParameters("bn1.running_mean").ToArray(), mean => Assert.Equal(0f, mean));
        Assert.All(network.GetParameters("bn1.running_var").ToArray(), variance => Assert.Equal(1f, variance));
    }

    [Fact]
    public void Predict_and_Evaluate_never_drop_and_never_move_the_running_statistics()
    {
        Dataset data = TestData.Classification(32, [3, 7], classes: 4, seed: 1);
        var network = new BatchNormDropoutClassifier(seed: 2);
        network.Fit(data, new Sgd(0.1f), epochs: 2, batchSize: 8);
        float[] parameters = (float[])network.Parameters.Clone();

        float[] first = network.Predict(data.Sample(5));
        Evaluation evaluation = network.Evaluate(data);
        float[] second = network.Predict(data.Sample(5));

        Assert.Equal(first, second);
        Assert.Equal(evaluation, network.Evaluate(data));
        Assert.Equal(parameters, network.Parameters);
    }

    [Fact]
    public void Training_moves_the_running_statistics_and_the_same_seed_trains_the_same_weights()
    {
        Dataset data = TestData.Classification(48, [3, 7], classes: 4, seed: 3);
        var first = new BatchNormDropoutClassifier(seed: 4);
        var second = new BatchNormDropoutClassifier(seed: 4);
        var other = new BatchNormDropoutClassifier(seed: 5);

        first.Fit(data, new Adam(0.01f), epochs: 3, batchSize: 16);
        second.Fit(data, new Adam(0.01f), epochs: 3, batchSize: 16);
        other.Fit(data, new Adam(0.01f), epochs: 3, batchSize: 16);

        Assert.Equal(first.Parameters, second.Parameters);
        Assert.NotEqual(first.Parameters, other.Parameters);
        Assert.Contains(first.GetParameters("bn1.running_mean").ToArray(), mean => mean != 0f);
        Assert.Contains(first.GetParameters("bn2.running_var").ToArray(), variance => variance != 1f);
    }

    [Fact]
    public void Saved_weights_keep_the_running_statistics()
    {
        Dataset data = TestData.Classification(40, [3, 7], classes: 4, seed: 6);
        var trained = new BatchNormDropoutClassifier(seed: 7);
        trained.Fit(data, new Sgd(0.1f), epochs: 3, batchSize: 10);
        string path = Path.Combine(_directory, "bn.safetensors");

        trained.SaveWeights(path);
        var loaded = new BatchNormDropoutClassifier(seed: 8);
        loaded.LoadWeights(path);

        Assert.Equal(trained.GetParameters("bn1.running_mean").ToArray(), loaded.GetParameters("bn1.running_mean").ToArray());
        Assert.Equal(trained.GetParameters("bn2.running_var").ToArray(), loaded.GetParameters("bn2.running_var").ToArray());
        Assert.Equal(trained.Evaluate(data), loaded.Evaluate(data));
        // PyTorch's BatchNorm1d state also holds an int64 counter per layer, which its strict loading wants.
        var file = global::NetGen.IO.SafeTensors.Read(path);
        Assert.Equal(global::NetGen.IO.SafeTensorsDType.I64, file["bn1.num_batches_tracked"].DType);
        Assert.Equal(0, file["bn2.num_batches_tracked"].Shape.Length);
    }

    [Fact]
    public void Dropout_rates_can_be_changed_and_a_rate_of_zero_drops_nothing()
    {
        Dataset data = TestData.Classification(12, [8], classes: 1, seed: 13);
        var network = new DropoutBinaryClassifier(seed: 14);
        Assert.Equal(["dropout1", "dropout2"], network.Description.DropoutLayers.Select(layer => layer.Name));
        Assert.Equal(0.5f, network.GetDropoutRate("dropout1"));

        network.SetDropoutRate("dropout1", 0f);
        network.SetDropoutRate("dropout2", 0f);
        float trainingLoss = network.ComputeGradients(data.Features, data.Targets, data.Count);

        Assert.Equal(network.ComputeLoss(data.Features, data.Targets, data.Count), trainingLoss);
        Assert.Throws<KeyNotFoundException>(() => network.SetDropoutRate("dropout3", 0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.SetDropoutRate("dropout1", 1f));
    }

    [Fact]
    public void Weight_decay_leaves_batch_norm_alone()
    {
        Dataset data = TestData.Classification(16, [3, 7], classes: 4, seed: 9);
        var network = new BatchNormDropoutClassifier(seed: 10);
        var optimizer = new Sgd(0.1f) { WeightDecay = 0.5f };
        optimizer.Bind(network.Description);
        network.GetParameters("bn1.weight").Fill(2f);
        network.Gradients.AsSpan().Clear();

        optimizer.Step(network.Parameters, network.Gradients);

        Assert.All(network.GetParameters("bn1.weight").ToArray(), gamma => Assert.Equal(2f, gamma));
        Assert.All(network.GetParameters("bn1.running_var").ToArray(), variance => Assert.Equal(1f, variance));
    }

    [Fact]
    public void A_batch_normalised_network_with_dropout_learns()
    {
        // A learnable rule (the class is the largest of four feature sums), so accuracy must rise well above chance.
        var random = new Randomness.Rng(11);
        float[] features = TestData.Uniform(random, 400 * 21);
        int[] labels = Enumerable.Range(0, 400)
            .Select(sample => Enumerable.Range(0, 4).MaxBy(group => Enumerable.Range(0, 5).Sum(k => features[sample * 21 + group * 5 + k])))
            .ToArray();
        Dataset data = Dataset.FromLabels(features, [3, 7], labels, 4);
        var network = new BatchNormDropoutClassifier(seed: 12);

        network.Fit(data, new Adam(0.01f), epochs: 30, batchSize: 20);

        Assert.True(network.Evaluate(data).Accuracy > 0.85f, $"accuracy {network.Evaluate(data).Accuracy}");
    }
}
