using System.Runtime.InteropServices;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>
/// Training is single-owner: while one thread trains a model, another thread's training call throws a clear
/// <see cref="InvalidOperationException"/> instead of corrupting it; inference meanwhile is allowed, reads the weights
/// as they are at that moment, and never changes what training computes. Each overlap is arranged from inside a
/// callback, while the training thread is known to be mid-Fit, so nothing here depends on timing.
/// </summary>
public sealed class TrainingOwnershipTests
{
    private static readonly Dataset Data = TestData.Classification(40, [2, 3, 7], classes: 10, seed: 1);

    public static TheoryData<string> TrainingCalls() =>
    [
        "Fit", "ComputeGradients", "CheckGradients", "EnsureBatchCapacity", "LoadWeights", "LoadCheckpoint",
    ];

    [Theory]
    [MemberData(nameof(TrainingCalls))]
    public void A_training_call_from_another_thread_during_Fit_throws_and_changes_nothing(string call)
    {
        var model = new WideClassifier(seed: 1);
        using var files = new TemporaryFiles();
        string weights = files.Path("weights.safetensors"), checkpoint = files.Path("checkpoint.safetensors");
        model.SaveWeights(weights);
        model.SaveCheckpoint(checkpoint, new Sgd(0.1f), epoch: 1);
        Exception? thrown = null;
        float[]? before = null, after = null;
        var probe = new BatchHook(context =>
        {
            if (context.Epoch == 1 && context.Batch == 2)
            {
                before = (float[])model.Parameters.Clone();
                thrown = OnAnotherThread(() => Call(model, call, weights, checkpoint));
                after = (float[])model.Parameters.Clone();
            }
        });

        model.Fit(Data, new Sgd(0.1f), epochs: 2, batchSize: 8, callbacks: [probe]);

        var error = Assert.IsType<InvalidOperationException>(thrown);
        Assert.Contains($"WideClassifier.{call} was called while another thread is in Fit", error.Message);
        Assert.Contains("single-owner", error.Message);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Fit_from_inside_Fit_on_the_same_thread_throws()
    {
        var model = new WideClassifier(seed: 2);
        Exception? thrown = null;
        var probe = new BatchHook(context =>
        {
            if (context.Batch == 0)
            {
                thrown = Record.Exception(() => model.Fit(Data, new Sgd(0.1f), epochs: 1));
            }
        });

        model.Fit(Data, new Sgd(0.1f), epochs: 1, batchSize: 8, callbacks: [probe]);

        var error = Assert.IsType<InvalidOperationException>(thrown);
        Assert.Contains("this thread is already training", error.Message);
    }

    /// <summary>A callback of the training thread's own Fit may use the training calls, as it always could.</summary>
    [Fact]
    public void Training_calls_from_a_callback_on_the_training_thread_are_allowed()
    {
        var model = new WideClassifier(seed: 3);
        float loss = float.NaN;
        var probe = new BatchHook(context =>
        {
            if (context.Batch == 1)
            {
                model.EnsureBatchCapacity(16);
                loss = model.ComputeGradients(Data.Features.AsSpan(0, 4 * Data.SampleSize), Data.Targets.AsSpan(0, 40), 4);
            }
        });

        model.Fit(Data, new Sgd(0.1f), epochs: 1, batchSize: 8, callbacks: [probe]);

        Assert.True(float.IsFinite(loss));
    }

    [Fact]
    public void Once_Fit_ends_however_it_ends_another_thread_may_train()
    {
        var model = new WideClassifier(seed: 4);
        using var cancellation = new CancellationTokenSource();
        var cancel = new BatchHook(context =>
        {
            if (context.Batch == 1)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            model.Fit(Data, new Sgd(0.1f), epochs: 1, batchSize: 8, callbacks: [cancel], cancellationToken: cancellation.Token));

        Assert.Null(OnAnotherThread(() => model.Fit(Data, new Sgd(0.1f), epochs: 1, batchSize: 8)));
        Assert.Null(OnAnotherThread(() => model.ComputeGradients(Data.Features, Data.Targets, Data.Count)));
    }

    /// <summary>Between two steps, another thread's prediction is exactly the training thread's: the weights of that moment.</summary>
    [Fact]
    public void Inference_from_another_thread_during_Fit_reads_the_current_weights()
    {
        var model = new BatchNormDropoutClassifier(seed: 5);
        Dataset data = TestData.Classification(48, [3, 7], classes: 4, seed: 5);
        float[] initial = model.Predict(data.Sample(0));
        var comparisons = new List<(float[] Training, float[] Other)>();
        var probe = new BatchHook(context =>
        {
            float[] training = model.Predict(data.Sample(0));
            float[]? other = null;
            Assert.Null(OnAnotherThread(() => other = model.Predict(data.Sample(0))));
            comparisons.Add((training, other!));
        });

        model.Fit(data, new Adam(0.01f), epochs: 2, batchSize: 8, validation: data, normalizeInputs: true, callbacks: [probe]);

        Assert.Equal(12, comparisons.Count);
        Assert.All(comparisons, pair => Assert.True(SameBits(pair.Training, pair.Other)));
        Assert.False(SameBits(initial, comparisons[^1].Training));
    }

    /// <summary>
    /// Threads predicting without pause while a model trains, its validation included, leave the training bit for bit
    /// as it is without them: inference writes nothing training reads, and the kernels' worker, which the predictions
    /// compete for, gives the same bits whoever gets it.
    /// </summary>
    [Fact]
    public void Inference_running_throughout_Fit_changes_nothing_that_training_computes()
    {
        var model = new ThreadedClassifier(seed: 6);
        Dataset data = TestData.Classification(96, [300], classes: 10, seed: 6);
        (History alone, float[] aloneParameters) = Train(new ThreadedClassifier(seed: 6), data);

        using var stop = new CancellationTokenSource();
        var predictors = new Thread[2];
        var failures = new string?[predictors.Length];
        for (int p = 0; p < predictors.Length; p++)
        {
            int index = p;
            predictors[p] = new Thread(() =>
            {
                try
                {
                    var outputs = new float[32 * 10];
                    for (int i = 0; !stop.IsCancellationRequested; i++)
                    {
                        model.Predict(data.Features.AsSpan(i % 64 * 300, 32 * 300), outputs);
                        model.PredictClass(data.Sample(i % data.Count));
                        if (!outputs.All(float.IsFinite))
                        {
                            failures[index] = $"prediction {i} is not finite";
                            return;
                        }
                    }
                }
                catch (Exception exception)
                {
                    failures[index] = exception.ToString();
                }
            }) { IsBackground = true };
            predictors[p].Start();
        }
        (History shared, float[] sharedParameters) = Train(model, data);
        stop.Cancel();
        foreach (Thread predictor in predictors)
        {
            Assert.True(predictor.Join(TimeSpan.FromMinutes(1)));
        }

        Assert.All(failures, Assert.Null);
        Assert.Equal(alone.Epochs.Select(epoch => (epoch.Loss, epoch.Accuracy, epoch.Validation)), shared.Epochs.Select(epoch => (epoch.Loss, epoch.Accuracy, epoch.Validation)));
        Assert.True(SameBits(aloneParameters, sharedParameters));

        static (History, float[]) Train(Model model, Dataset data)
        {
            History history = model.Fit(data, new Momentum(0.05f, 0.9f), epochs: 3, batchSize: 32, validationSplit: 0.25, normalizeInputs: true);
            return (history, (float[])model.Parameters.Clone());
        }
    }

    private static void Call(Model model, string call, string weights, string checkpoint)
    {
        switch (call)
        {
            case "Fit":
                model.Fit(Data, new Sgd(0.1f), epochs: 1);
                break;
            case "ComputeGradients":
                model.ComputeGradients(Data.Features, Data.Targets, Data.Count);
                break;
            case "CheckGradients":
                model.CheckGradients(Data.Features.AsSpan(0, 2 * Data.SampleSize), Data.Targets.AsSpan(0, 20), 2, maxElementsPerTensor: 2);
                break;
            case "EnsureBatchCapacity":
                model.EnsureBatchCapacity(100);
                break;
            case "LoadWeights":
                model.LoadWeights(weights);
                break;
            case "LoadCheckpoint":
                model.LoadCheckpoint(checkpoint, new Sgd(0.1f));
                break;
            default:
                throw new ArgumentException(call);
        }
    }

    /// <summary>Runs <paramref name="action"/> on a new thread and waits for it; what it threw, or null.</summary>
    private static Exception? OnAnotherThread(Action action)
    {
        Exception? thrown = null;
        var thread = new Thread(() => thrown = Record.Exception(action)) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(1)), "the other thread's call never returned");
        return thrown;
    }

    private static bool SameBits(ReadOnlySpan<float> left, ReadOnlySpan<float> right) =>
        MemoryMarshal.AsBytes(left).SequenceEqual(MemoryMarshal.AsBytes(right));

    /// <summary>Runs an action after every mini-batch, on the training thread.</summary>
    private sealed class BatchHook(Action<TrainingContext> onBatchEnd) : Callback
    {
        public override void OnBatchEnd(TrainingContext context) => onBatchEnd(context);
    }

    /// <summary>A directory of its own for a test's files, deleted afterwards.</summary>
    private sealed class TemporaryFiles : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("netgen-ownership-").FullName;

        public string Path(string name) => System.IO.Path.Combine(_directory, name);

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
