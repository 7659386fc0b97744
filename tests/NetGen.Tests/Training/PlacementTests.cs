using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// Batch norm and dropout in every place a Keras user writes them: on the input, after Flatten, after pooling, two
/// dropouts in a row, batch norm after dropout. Where no host can fuse them they run as passes of their own; their
/// backward passes are checked against central differences, and the networks train.
/// </summary>
public sealed class PlacementTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Networks() => new()
    {
        { nameof(InputDropoutClassifier), 8 }, { nameof(InputDropoutClassifier), 5 },
        { nameof(DropoutAfterFlattenClassifier), 8 }, { nameof(DropoutAfterFlattenClassifier), 3 },
        { nameof(PoolDropoutClassifier), 8 }, { nameof(PoolDropoutClassifier), 5 },
        { nameof(BatchNormAfterFlattenClassifier), 8 }, { nameof(BatchNormAfterFlattenClassifier), 6 },
        { nameof(StackedRegularizersRegressor), 8 }, { nameof(StackedRegularizersRegressor), 5 },
    };

    internal static Model Create(string network) => network switch
    {
        nameof(InputDropoutClassifier) => GradientCheckTests.Randomised(new InputDropoutClassifier(seed: 31)),
        nameof(DropoutAfterFlattenClassifier) => GradientCheckTests.Randomised(new DropoutAfterFlattenClassifier(seed: 32)),
        nameof(PoolDropoutClassifier) => GradientCheckTests.RandomisedKeepingStatistics(new PoolDropoutClassifier(seed: 33)),
        nameof(BatchNormAfterFlattenClassifier) => GradientCheckTests.RandomisedKeepingStatistics(new BatchNormAfterFlattenClassifier(seed: 34)),
        nameof(StackedRegularizersRegressor) => GradientCheckTests.RandomisedKeepingStatistics(new StackedRegularizersRegressor(seed: 35)),
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
    public void Regularizers_without_a_host_run_as_passes_of_their_own_and_are_listed_in_order()
    {
        var network = new StackedRegularizersRegressor(seed: 1);

        Assert.Equal(["drop1", "drop2", "drop3"], network.Description.DropoutLayers.Select(layer => layer.Name));
        Assert.Equal(
            ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "bn3.weight", "bn3.bias", "bn3.running_mean", "bn3.running_var", "fc3.weight", "fc3.bias"],
            network.Description.Tensors.Select(tensor => tensor.Name));
        Assert.Equal(7, network.GetParameters("bn3.weight").Length);
    }

    [Fact]
    public void Dropout_passes_drop_in_training_only_and_Predict_is_deterministic()
    {
        Dataset data = TestData.Classification(16, [10], classes: 3, seed: 2);
        var network = new InputDropoutClassifier(seed: 3);

        float trainingLoss = network.ComputeGradients(data.Features, data.Targets, data.Count);
        float inferenceLoss = network.ComputeLoss(data.Features, data.Targets, data.Count);
        network.SetDropoutRate("inputDrop", 0f);
        float undroppedTrainingLoss = network.ComputeGradients(data.Features, data.Targets, data.Count);

        Assert.NotEqual(inferenceLoss, trainingLoss);
        Assert.Equal(inferenceLoss, undroppedTrainingLoss);
        Assert.Equal(network.Predict(data.Sample(0)), network.Predict(data.Sample(0)));
    }

    [Fact]
    public void A_convnet_with_dropout_after_flatten_learns()
    {
        // The class is the brighter half of a 6×6 image: learnable, so accuracy must rise well above chance (0.25).
        var random = new Randomness.Rng(5);
        const int samples = 240;
        float[] features = TestData.Uniform(random, samples * 36);
        int[] labels = Enumerable.Range(0, samples).Select(sample =>
        {
            float top = Enumerable.Range(0, 18).Sum(k => features[sample * 36 + k]);
            float left = Enumerable.Range(0, 6).Sum(row => Enumerable.Range(0, 3).Sum(column => features[sample * 36 + row * 6 + column]));
            return (top > 9f ? 2 : 0) + (left > 9f ? 1 : 0);
        }).ToArray();
        Dataset data = Dataset.FromLabels(features, [1, 6, 6], labels, 4);
        var network = new DropoutAfterFlattenClassifier(seed: 6);
        float before = network.Evaluate(data).Accuracy!.Value;

        network.Fit(data, new Adam(0.02f), epochs: 40, batchSize: 16);

        float after = network.Evaluate(data).Accuracy!.Value;
        Assert.True(after > 0.7f && after > before + 0.3f, $"accuracy {before} → {after}");
    }
}
