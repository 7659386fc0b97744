using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

public sealed class FitTests
{
    [Fact]
    public void Overfits_fifty_random_examples_to_full_training_accuracy()
    {
        // The course's debugging advice: a correct network and backprop can memorise a small set,
        // even one whose labels are pure noise.
        Dataset data = TestData.Classification(50, [2, 3, 7], classes: 10, seed: 5);
        var network = new WideClassifier(seed: 3);
        Evaluation before = network.Evaluate(data);

        History history = network.Fit(data, new Sgd(0.5f), epochs: 300, batchSize: 10);

        Evaluation after = network.Evaluate(data);
        Assert.InRange(before.Accuracy!.Value, 0f, 0.4f);
        Assert.Equal(1f, after.Accuracy);
        Assert.True(after.Loss < before.Loss / 10, $"loss {before.Loss} -> {after.Loss}");
        Assert.Equal(300, history.Epochs.Count);
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss);
    }

    [Fact]
    public void Fits_a_regression_target()
    {
        // y = (x0 − x1, x2 · 0.5): a linear map the identity-output regressor can learn exactly.
        var random = new Randomness.Rng(8);
        float[] features = TestData.Uniform(random, 200 * 4);
        float[] targets = new float[200 * 2];
        for (int i = 0; i < 200; i++)
        {
            targets[2 * i] = features[4 * i] - features[4 * i + 1];
            targets[2 * i + 1] = 0.5f * features[4 * i + 2];
        }
        Dataset data = Dataset.FromTargets(features, [4], targets, 2);
        var network = new LinearRegressor(seed: 2);
        float before = network.Evaluate(data).Loss;

        network.Fit(data, new Sgd(0.1f), epochs: 200, batchSize: 20);

        Assert.True(network.Evaluate(data).Loss < before / 50, $"mean squared error {before} -> {network.Evaluate(data).Loss}");
    }

    [Fact]
    public void The_same_seed_trains_bit_identical_weights()
    {
        Dataset data = TestData.Classification(64, [3, 5], classes: 4, seed: 21);
        var first = new SigmoidTanhClassifier(seed: 42);
        var second = new SigmoidTanhClassifier(seed: 42);
        var other = new SigmoidTanhClassifier(seed: 43);

        first.Fit(data, new Sgd(0.2f), epochs: 3, batchSize: 16);
        second.Fit(data, new Sgd(0.2f), epochs: 3, batchSize: 16);
        other.Fit(data, new Sgd(0.2f), epochs: 3, batchSize: 16);

        Assert.Equal(first.Parameters, second.Parameters);
        Assert.NotEqual(first.Parameters, other.Parameters);
    }

    [Fact]
    public void Reports_every_epoch_with_validation_metrics()
    {
        Dataset train = TestData.Classification(30, [9], classes: 3, seed: 1);
        Dataset validation = TestData.Classification(12, [9], classes: 3, seed: 2);
        var network = new ReluIdentityClassifier(seed: 1);
        var seen = new List<EpochMetrics>();

        History history = network.Fit(train, new Sgd(0.1f), epochs: 4, batchSize: 8, validation: validation, onEpochEnd: seen.Add);

        Assert.Equal([1, 2, 3, 4], seen.Select(epoch => epoch.Epoch));
        Assert.Equal(history.Epochs, seen);
        Assert.Equal(network.Evaluate(validation), history.Last!.Validation);
        Assert.All(seen, epoch => Assert.True(epoch.SamplesPerSecond > 0 && float.IsFinite(epoch.Loss)));
    }

    [Fact]
    public void Predictions_agree_with_evaluation()
    {
        Dataset data = TestData.Classification(40, [9], classes: 3, seed: 4);
        var network = new ReluIdentityClassifier(seed: 9);
        network.Fit(data, new Sgd(0.1f), epochs: 5, batchSize: 8);

        var outputs = new float[data.Count * 3];
        network.Predict(data.Features, outputs);
        int correct = Enumerable.Range(0, data.Count).Count(i => network.PredictClass(data.Sample(i)) == data.Labels![i]);

        for (int i = 0; i < data.Count; i++)
        {
            float[] single = network.Predict(data.Sample(i));
            Assert.Equal(1f, single.Sum(), 5);
            Assert.Equal(outputs.AsSpan(i * 3, 3).ToArray(), single);
        }
        Assert.Equal(network.Evaluate(data).Accuracy, correct / (float)data.Count);
    }

    [Fact]
    public void Rejects_data_of_the_wrong_shape_naming_both_shapes()
    {
        var network = new SigmoidTanhClassifier(seed: 1);
        Dataset wrongInput = TestData.Classification(4, [4, 4], classes: 4, seed: 1);
        Dataset wrongTarget = TestData.Classification(4, [3, 5], classes: 3, seed: 1);

        var input = Assert.Throws<ArgumentException>(() => network.Fit(wrongInput, new Sgd(), epochs: 1));
        var target = Assert.Throws<ArgumentException>(() => network.Evaluate(wrongTarget));

        Assert.Contains("3×5 (15 numbers)", input.Message);
        Assert.Contains("4×4 (16 numbers)", input.Message);
        Assert.Contains("4 outputs", target.Message);
        Assert.Contains("3 numbers", target.Message);
    }

    [Fact]
    public void Rejects_non_finite_inputs_naming_the_sample()
    {
        Dataset data = TestData.Classification(6, [9], classes: 3, seed: 1);
        data.Features[4 * 9 + 2] = float.NaN;
        var network = new ReluIdentityClassifier(seed: 1);
        float[] before = (float[])network.Parameters.Clone();

        var error = Assert.Throws<ArgumentException>(() => network.Fit(data, new Sgd(), epochs: 1));

        Assert.Contains("sample 4", error.Message);
        Assert.Contains("position 2", error.Message);
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void A_diverging_run_stops_with_the_epoch_and_batch_and_keeps_the_last_parameters()
    {
        Dataset data = TestData.Regression(40, 4, 2, seed: 3, low: -100f, high: 100f);
        var network = new LinearRegressor(seed: 1);
        var optimizer = new RecordingSgd(1e3f);

        var error = Assert.Throws<TrainingDivergedException>(() => network.Fit(data, optimizer, epochs: 50, batchSize: 10));

        Assert.False(float.IsFinite(error.Loss));
        Assert.Contains($"epoch {error.Epoch}, mini-batch {error.Batch}", error.Message);
        Assert.Equal(error.Epoch - 1, error.History.Epochs.Count);
        // Every step before the non-finite loss was applied; the one for it was not.
        Assert.NotNull(optimizer.LastResult);
        Assert.Equal(optimizer.LastResult, network.Parameters);
    }

    /// <summary>SGD that remembers the parameters each step left behind.</summary>
    private sealed class RecordingSgd(float learningRate) : Optimizer(learningRate)
    {
        private readonly Sgd _sgd = new(learningRate);

        public float[]? LastResult { get; private set; }

        public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            _sgd.Step(parameters, gradients);
            LastResult = parameters.ToArray();
        }
    }
}
