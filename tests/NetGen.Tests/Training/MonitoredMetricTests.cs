using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>
/// Early stopping, the plateau schedule and checkpoints watch any metric the network reports, by its Keras name
/// (<c>val_mae</c>, <c>val_r2</c>, <c>val_top_k</c> …), and refuse, before training, one it does not report.
/// Each run's decisions are checked against the metric's values in the run's own history.
/// </summary>
public sealed class MonitoredMetricTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-monitor-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Early_stopping_on_validation_mae_stops_at_the_first_epoch_without_improvement_and_restores_the_best()
    {
        Dataset train = TestData.Regression(40, inputs: 5, outputs: 3, seed: 3, low: -0.5f, high: 0.5f);
        Dataset validation = TestData.Regression(20, inputs: 5, outputs: 3, seed: 4, low: -0.5f, high: 0.5f);
        var network = new TanhRegressor(seed: 2);
        var stopping = new EarlyStopping(TrainingMetric.ValidationMeanAbsoluteError, patience: 1);

        History history = network.Fit(train, new Adam(0.05f), epochs: 60, batchSize: 8, validation: validation, callbacks: [stopping]);

        float[] mae = history.Values(TrainingMetric.ValidationMeanAbsoluteError);
        int firstWorse = Enumerable.Range(1, mae.Length - 1).First(i => !(mae[i] < mae[..i].Min()));
        Assert.Equal(firstWorse + 1, stopping.StoppedEpoch);
        Assert.Equal(firstWorse + 1, history.Epochs.Count);
        Assert.Equal(mae.Min(), stopping.BestValue);
        Assert.Equal(Array.IndexOf(mae, mae.Min()) + 1, stopping.BestEpoch);
        Assert.Equal(mae.Min(), network.Evaluate(validation).MeanAbsoluteError);
    }

    [Fact]
    public void The_plateau_schedule_on_validation_r2_halves_the_rate_after_each_epoch_that_does_not_raise_it()
    {
        Dataset train = TestData.Regression(40, inputs: 4, outputs: 2, seed: 5);
        Dataset validation = TestData.Regression(20, inputs: 4, outputs: 2, seed: 6);
        var network = new LinearRegressor(seed: 1);

        History history = network.Fit(train, new Sgd(0.3f), epochs: 12, batchSize: 8, validation: validation,
            callbacks: [new ReduceLearningRateOnPlateau(TrainingMetric.ValidationRSquared, factor: 0.5f, patience: 1)]);

        float[] r2 = history.Values(TrainingMetric.ValidationRSquared);
        float rate = 0.3f, best = float.NegativeInfinity;
        var expected = new List<float>();
        foreach (float value in r2)
        {
            expected.Add(rate);
            if (value > best)
            {
                best = value;
            }
            else
            {
                rate *= 0.5f;
            }
        }
        Assert.Equal(expected, history.Epochs.Select(epoch => epoch.LearningRate));
        Assert.Contains(0.15f, expected); // the data is noise: validation R² does stall
    }

    [Fact]
    public void A_checkpoint_that_watches_validation_top_k_accuracy_saves_only_the_epochs_that_improve_it()
    {
        Dataset train = TestData.Classification(60, [2, 3, 7], classes: 10, seed: 1);
        Dataset validation = TestData.Classification(40, [2, 3, 7], classes: 10, seed: 2);
        var network = new WideClassifier(seed: 3) { TopK = 3 };
        string path = Path.Combine(_folder, "best-{epoch}.safetensors");
        var checkpoint = new ModelCheckpoint(path, monitor: TrainingMetric.ValidationTopKAccuracy);

        History history = network.Fit(train, new Adam(0.01f), epochs: 8, batchSize: 10, validation: validation, callbacks: [checkpoint]);

        float[] topK = history.Values(TrainingMetric.ValidationTopKAccuracy);
        int[] improving = Enumerable.Range(0, topK.Length).Where(i => i == 0 || topK[i] > topK[..i].Max()).Select(i => i + 1).ToArray();
        int[] saved = Directory.GetFiles(_folder)
            .Select(file => int.Parse(Path.GetFileNameWithoutExtension(file)["best-".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Order().ToArray();
        Assert.Equal(improving, saved);
        Assert.InRange(saved.Length, 2, 7); // some epochs improved on the best, some did not
        Assert.Equal(improving[^1], checkpoint.BestEpoch);
        Assert.Equal(checkpoint.PathFor(improving[^1]), checkpoint.LastSaved);
    }

    [Fact]
    public void Watching_a_metric_the_network_does_not_report_fails_before_training_and_names_those_it_does()
    {
        Dataset numbers = TestData.Regression(20, inputs: 4, outputs: 2, seed: 1);
        var regressor = new LinearRegressor(seed: 1);
        float[] before = (float[])regressor.Parameters.Clone();

        var accuracy = Assert.Throws<InvalidOperationException>(() => regressor.Fit(numbers, new Sgd(0.1f), epochs: 3, validationSplit: 0.2,
            callbacks: [new EarlyStopping(TrainingMetric.ValidationAccuracy)]));

        Assert.Contains("EarlyStopping watches val_accuracy", accuracy.Message);
        Assert.Contains("LinearRegressor is a regressor", accuracy.Message);
        Assert.Contains("val_loss, val_mae, val_rmse, val_r2", accuracy.Message);
        Assert.Equal(before, regressor.Parameters);

        Dataset classes = TestData.Classification(20, [9], classes: 3, seed: 1);
        var classifier = new ReluIdentityClassifier(seed: 1);
        var topK = Assert.Throws<InvalidOperationException>(() => classifier.Fit(classes, new Sgd(0.1f), epochs: 3,
            callbacks: [new ReduceLearningRateOnPlateau(TrainingMetric.TopKAccuracy)]));
        Assert.Contains("top-5 accuracy needs a softmax over more than 5 classes", topK.Message);
        Assert.Contains("loss, accuracy, f1", topK.Message);

        var mae = Assert.Throws<InvalidOperationException>(() => classifier.Fit(classes, new Sgd(0.1f), epochs: 3,
            callbacks: [new ModelCheckpoint(Path.Combine(_folder, "x.safetensors"), monitor: TrainingMetric.MeanAbsoluteError)]));
        Assert.Contains("ModelCheckpoint watches mae", mae.Message);
        Assert.Contains("a regressor's metric", mae.Message);
    }

    [Fact]
    public void Every_metric_has_a_keras_name_that_parses_back()
    {
        TrainingMetric[] metrics = Enum.GetValues<TrainingMetric>();

        Assert.All(metrics, metric => Assert.Equal(metric, TrainingMetricExtensions.Parse(metric.Name())));
        Assert.Equal(metrics.Length, metrics.Select(metric => metric.Name()).Distinct().Count());
        Assert.Equal(TrainingMetric.ValidationMeanAbsoluteError, TrainingMetricExtensions.Parse("val_mae"));
        Assert.Equal("val_top_k", TrainingMetric.ValidationTopKAccuracy.Name());
        Assert.Equal("r2", TrainingMetric.RSquared.Name());
        Assert.All(metrics, metric => Assert.Equal(metric.Name().StartsWith("val_", StringComparison.Ordinal), metric.NeedsValidation()));
        var error = Assert.Throws<ArgumentException>(() => TrainingMetricExtensions.Parse("val_acc"));
        Assert.Contains("val_accuracy", error.Message);
    }
}
