using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

public sealed class CallbackTests
{
    [Fact]
    public void Hooks_run_in_keras_order_around_every_epoch_and_mini_batch()
    {
        // 10 samples in batches of 4: three mini-batches (4, 4, 2) per epoch.
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 1);
        var recorder = new Recorder();

        new ReluIdentityClassifier(seed: 1).Fit(data, new Sgd(0.1f), epochs: 2, batchSize: 4, callbacks: [recorder]);

        string[] epoch(int e) =>
        [
            $"epoch-begin {e}",
            $"batch-begin {e}.0", $"batch-end {e}.0 seen 4",
            $"batch-begin {e}.1", $"batch-end {e}.1 seen 8",
            $"batch-begin {e}.2", $"batch-end {e}.2 seen 10",
            $"epoch-end {e}",
        ];
        Assert.Equal(["train-begin", .. epoch(1), .. epoch(2), "train-end"], recorder.Events);
    }

    [Fact]
    public void The_context_carries_the_running_metrics_that_end_as_the_epochs_metrics()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 2);
        var recorder = new Recorder();

        History history = new ReluIdentityClassifier(seed: 2).Fit(data, new Sgd(0.1f), epochs: 2, batchSize: 4, callbacks: [recorder]);

        Assert.Equal(3, recorder.BatchesPerEpoch);
        Assert.Equal(10, recorder.TrainingSamples);
        Assert.Equal(history.Epochs.Select(e => e.Loss), recorder.EpochLossAtLastBatch);
        Assert.Equal(history.Epochs.Select(e => e.Accuracy), recorder.EpochAccuracyAtLastBatch);
        Assert.Equal(history.Epochs, recorder.EpochMetrics);
        // The running mean weights each batch by its size: (4·l₀ + 4·l₁ + 2·l₂) / 10.
        float[] firstEpoch = recorder.BatchLosses.Take(3).ToArray();
        Assert.Equal((4.0 * firstEpoch[0] + 4.0 * firstEpoch[1] + 2.0 * firstEpoch[2]) / 10, history.Epochs[0].Loss, 5);
    }

    [Fact]
    public void Setting_stop_training_in_a_batch_ends_the_epoch_there_and_training_after_it()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 3);
        var stopper = new StopAt(epoch: 2, batch: 0);
        var recorder = new Recorder();

        History history = new ReluIdentityClassifier(seed: 3).Fit(data, new Sgd(0.1f), epochs: 5, batchSize: 4, callbacks: [stopper, recorder]);

        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(recorder.BatchLosses[3], history.Epochs[1].Loss);
        Assert.Equal("train-end", recorder.Events[^1]);
        Assert.DoesNotContain("batch-begin 2.1", recorder.Events);
    }

    [Fact]
    public void Train_end_runs_after_a_failure_and_sees_it()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 4);
        using var cancellation = new CancellationTokenSource();
        var canceller = new CancelAt(cancellation, epoch: 1, batch: 1);
        var recorder = new Recorder();

        Assert.Throws<OperationCanceledException>(() => new ReluIdentityClassifier(seed: 4).Fit(
            data, new Sgd(0.1f), epochs: 3, batchSize: 4, callbacks: [canceller, recorder], cancellationToken: cancellation.Token));

        Assert.Equal("train-end", recorder.Events[^1]);
        Assert.IsType<OperationCanceledException>(recorder.FailureAtEnd);
    }

    [Fact]
    public void Only_callbacks_that_began_are_ended_when_one_fails_to_begin()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 5);
        var first = new Recorder();
        var failing = new FailingBegin();
        var third = new Recorder();

        var error = Assert.Throws<InvalidOperationException>(() => new ReluIdentityClassifier(seed: 5).Fit(
            data, new Sgd(0.1f), epochs: 1, callbacks: [first, failing, third]));

        Assert.Equal("no", error.Message);
        Assert.Equal(["train-begin", "train-end"], first.Events);
        Assert.IsType<InvalidOperationException>(first.FailureAtEnd);
        Assert.Empty(third.Events);
    }

    [Fact]
    public void The_history_records_rate_duration_and_throughput_of_every_epoch()
    {
        Dataset data = TestData.Classification(30, [9], classes: 3, seed: 6);
        var optimizer = new Sgd(0.05f);

        History history = new ReluIdentityClassifier(seed: 6).Fit(data, optimizer, epochs: 3, batchSize: 8, validationSplit: 0.2);

        Assert.All(history.Epochs, epoch =>
        {
            Assert.Equal(0.05f, epoch.LearningRate);
            Assert.True(epoch.Duration > TimeSpan.Zero);
            Assert.True(epoch.SamplesPerSecond > 0);
            Assert.NotNull(epoch.Validation);
        });
    }

    [Fact]
    public void A_null_callback_is_rejected_by_position()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 7);

        var error = Assert.Throws<ArgumentException>(() => new ReluIdentityClassifier(seed: 1).Fit(data, new Sgd(), epochs: 1, callbacks: [new Recorder(), null!]));

        Assert.Contains("Callback 1", error.Message);
    }

    /// <summary>Writes down every hook call and what the context said at the time.</summary>
    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = [];
        public List<float> BatchLosses { get; } = [];
        public List<float> EpochLossAtLastBatch { get; } = [];
        public List<float?> EpochAccuracyAtLastBatch { get; } = [];
        public List<EpochMetrics> EpochMetrics { get; } = [];
        public int BatchesPerEpoch { get; private set; }
        public int TrainingSamples { get; private set; }
        public Exception? FailureAtEnd { get; private set; }

        public override void OnTrainBegin(TrainingContext context)
        {
            Events.Add("train-begin");
            BatchesPerEpoch = context.BatchesPerEpoch;
            TrainingSamples = context.TrainingSamples;
        }

        public override void OnEpochBegin(TrainingContext context) => Events.Add($"epoch-begin {context.Epoch}");

        public override void OnBatchBegin(TrainingContext context) => Events.Add($"batch-begin {context.Epoch}.{context.Batch}");

        public override void OnBatchEnd(TrainingContext context)
        {
            Events.Add($"batch-end {context.Epoch}.{context.Batch} seen {context.SamplesSeen}");
            BatchLosses.Add(context.BatchLoss);
            if (context.SamplesSeen == context.TrainingSamples)
            {
                EpochLossAtLastBatch.Add(context.EpochLoss);
                EpochAccuracyAtLastBatch.Add(context.EpochAccuracy);
            }
        }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            Events.Add($"epoch-end {context.Epoch}");
            EpochMetrics.Add(metrics);
        }

        public override void OnTrainEnd(TrainingContext context)
        {
            Events.Add("train-end");
            FailureAtEnd = context.Failure;
        }
    }

    private sealed class StopAt(int epoch, int batch) : Callback
    {
        public override void OnBatchEnd(TrainingContext context) =>
            context.StopTraining |= context.Epoch == epoch && context.Batch == batch;
    }

    private sealed class CancelAt(CancellationTokenSource source, int epoch, int batch) : Callback
    {
        public override void OnBatchEnd(TrainingContext context)
        {
            if (context.Epoch == epoch && context.Batch == batch)
            {
                source.Cancel();
            }
        }
    }

    private sealed class FailingBegin : Callback
    {
        public override void OnTrainBegin(TrainingContext context) => throw new InvalidOperationException("no");
    }
}
