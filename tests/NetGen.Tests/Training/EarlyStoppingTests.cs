using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;
using static NetGen.Tests.Training.TrainingCallbackTestKit;

namespace NetGen.Tests.Training;

public sealed class EarlyStoppingTests
{
    [Fact]
    public void Stops_after_patience_epochs_without_improvement()
    {
        var stopping = new EarlyStopping(patience: 2);
        TrainingContext context = Context(new ReluIdentityClassifier(), new Sgd());

        Run(stopping, context, 1.0f, 0.9f, 0.95f, 0.91f, 0.5f);

        Assert.True(context.StopTraining);
        Assert.Equal(4, stopping.StoppedEpoch);
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Equal(0.9f, stopping.BestValue);
    }

    [Fact]
    public void An_improvement_within_min_delta_does_not_count()
    {
        var stopping = new EarlyStopping(patience: 1, minDelta: 0.1f);
        TrainingContext context = Context(new ReluIdentityClassifier(), new Sgd());

        Run(stopping, context, 1.0f, 0.95f);

        Assert.Equal(2, stopping.StoppedEpoch);
        Assert.Equal(1, stopping.BestEpoch);
    }

    [Fact]
    public void Stops_an_overfitting_run_and_restores_the_best_epochs_parameters()
    {
        // Random labels: the network can only memorise the training set, so the validation loss soon
        // rises — the situation early stopping is for.
        Dataset train = TestData.Classification(40, [2, 3, 7], classes: 10, seed: 1);
        Dataset validation = TestData.Classification(40, [2, 3, 7], classes: 10, seed: 2);
        var network = new WideClassifier(seed: 3);
        var snapshots = new List<float[]>();
        var stopping = new EarlyStopping(patience: 3);

        History history = network.Fit(train, new Sgd(0.3f), epochs: 200, batchSize: 5, validation: validation,
            onEpochEnd: _ => snapshots.Add((float[])network.Parameters.Clone()), callbacks: [stopping]);

        float[] validationLosses = history.Epochs.Select(epoch => epoch.Validation!.Loss).ToArray();
        int best = Array.IndexOf(validationLosses, validationLosses.Min()) + 1;
        Assert.True(history.Epochs.Count < 200, $"ran all {history.Epochs.Count} epochs");
        Assert.Equal(history.Epochs.Count, stopping.StoppedEpoch);
        Assert.Equal(best + 3, stopping.StoppedEpoch);
        Assert.Equal(best, stopping.BestEpoch);
        Assert.Equal(snapshots[best - 1], network.Parameters);
        Assert.NotEqual(snapshots[^1], network.Parameters);
    }

    [Fact]
    public void The_best_parameters_are_not_restored_after_a_failure_or_when_asked_not_to()
    {
        var network = new ReluIdentityClassifier(seed: 1);
        float[] best = (float[])network.Parameters.Clone();
        float[] later = best.Select(value => value + 1f).ToArray();

        (bool Restore, Exception? Failure, float[] Expected)[] cases = [(true, new Exception("diverged"), later), (false, null, later), (true, null, best)];
        foreach ((bool restore, Exception? failure, float[] expected) in cases)
        {
            best.CopyTo(network.Parameters, 0);
            var stopping = new EarlyStopping(restoreBestWeights: restore);
            TrainingContext context = Context(network, new Sgd());
            stopping.OnTrainBegin(context);
            stopping.OnEpochEnd(context, Epoch(1, validationLoss: 0.5f));
            later.CopyTo(network.Parameters, 0);
            stopping.OnEpochEnd(context, Epoch(2, validationLoss: 0.9f));
            context.Failure = failure;

            stopping.OnTrainEnd(context);

            Assert.Equal(expected, network.Parameters);
        }
    }

    [Fact]
    public void Watching_training_loss_needs_no_validation()
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 4);
        var stopping = new EarlyStopping(TrainingMetric.Loss, patience: 2);

        History history = new ReluIdentityClassifier(seed: 4).Fit(data, new Sgd(0.05f), epochs: 5, callbacks: [stopping]);

        Assert.InRange(history.Epochs.Count, 1, 5);
        Assert.Equal(history.Epochs.MinBy(epoch => epoch.Loss)!.Epoch, stopping.BestEpoch);
    }

    [Fact]
    public void Watching_validation_without_validation_data_fails_before_training()
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 4);
        var network = new ReluIdentityClassifier(seed: 4);
        float[] before = (float[])network.Parameters.Clone();

        var error = Assert.Throws<InvalidOperationException>(() => network.Fit(data, new Sgd(0.05f), epochs: 5, callbacks: [new EarlyStopping()]));

        Assert.Contains("EarlyStopping", error.Message);
        Assert.Contains("validationSplit", error.Message);
        Assert.Equal(before, network.Parameters);
    }
}
