using NetGen.Data;
using NetGen.IO;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Two_epochs_checkpoint_and_two_more_in_new_objects_equal_four_epochs_straight()
    {
        Dataset data = TestData.Classification(70, [3, 5], classes: 4, seed: 9);
        string path = Path.Combine(_folder, "run.safetensors");

        var straight = new SigmoidTanhClassifier(seed: 3);
        History straightHistory = Train(straight, new Adam(0.01f), epochs: 4);

        var interrupted = new SigmoidTanhClassifier(seed: 3);
        Train(interrupted, new Adam(0.01f), epochs: 2, new ModelCheckpoint(path));
        // A new model with another seed and a new optimizer: everything that matters must come from the file.
        var resumed = new SigmoidTanhClassifier(seed: 77);
        History resumedHistory = Train(resumed, new Adam(0.01f), epochs: 4, resumeFrom: path);

        Assert.Equal(straight.Parameters, resumed.Parameters);
        Assert.Equal([3, 4], resumedHistory.Epochs.Select(epoch => epoch.Epoch));
        Assert.Equal(
            straightHistory.Epochs.Skip(2).Select(e => (e.Epoch, e.Loss, e.Accuracy, e.Validation, e.LearningRate)),
            resumedHistory.Epochs.Select(e => (e.Epoch, e.Loss, e.Accuracy, e.Validation, e.LearningRate)));
        Assert.Equal(straight.InputNormalization!.Mean.ToArray(), resumed.InputNormalization!.Mean.ToArray());

        // Shuffling, augmentation, normalisation, a validation split, Adam's moments and a decaying rate.
        History Train(Model model, Optimizer optimizer, int epochs, Callback? checkpoint = null, string? resumeFrom = null) =>
            model.Fit(data, optimizer, epochs, batchSize: 8, validationSplit: 0.2, normalizeInputs: true,
                augmentation: new ImageAugmentation(maxShift: 1, maxRotationDegrees: 10f),
                callbacks: checkpoint is null
                    ? [new LearningRateScheduler(LearningRateSchedule.InverseSquareRootDecay(0.01f))]
                    : [new LearningRateScheduler(LearningRateSchedule.InverseSquareRootDecay(0.01f)), checkpoint],
                resumeFrom: resumeFrom);
    }

    [Fact]
    public void Loading_restores_parameters_optimizer_rate_and_random_state_and_returns_the_epoch()
    {
        Dataset data = TestData.Classification(30, [9], classes: 3, seed: 1);
        string path = Path.Combine(_folder, "state.safetensors");
        var source = new ReluIdentityClassifier(seed: 1);
        var optimizer = new Momentum(0.05f);
        source.Fit(data, optimizer, epochs: 3, batchSize: 8);
        optimizer.LearningRate = 0.0125f;
        source.SaveCheckpoint(path, optimizer, epoch: 3);

        var target = new ReluIdentityClassifier(seed: 2);
        var targetOptimizer = new Momentum(0.05f);
        int epoch = target.LoadCheckpoint(path, targetOptimizer);

        Assert.Equal(3, epoch);
        Assert.Equal(source.Parameters, target.Parameters);
        Assert.Equal(0.0125f, targetOptimizer.LearningRate);
        Assert.Equal(optimizer.StepCount, targetOptimizer.StepCount);
        Assert.Equal(optimizer.ExportState().Buffers["velocity"], targetOptimizer.ExportState().Buffers["velocity"]);
        Assert.Null(target.InputNormalization);
        // The same random state: the next epoch of each shuffles and steps identically.
        source.Fit(data, optimizer, epochs: 1, batchSize: 8);
        target.Fit(data, targetOptimizer, epochs: 1, batchSize: 8);
        Assert.Equal(source.Parameters, target.Parameters);
    }

    [Fact]
    public void A_checkpoint_of_another_network_or_optimizer_is_refused_and_changes_nothing()
    {
        string path = Path.Combine(_folder, "other.safetensors");
        var source = new ReluIdentityClassifier(seed: 1);
        var adam = new Adam();
        adam.Bind(source.Description);
        source.SaveCheckpoint(path, adam, epoch: 1);

        var otherNetwork = new BinaryClassifier(seed: 1);
        float[] before = (float[])otherNetwork.Parameters.Clone();
        var wrongNetwork = Assert.Throws<WeightsMismatchException>(() => otherNetwork.LoadCheckpoint(path, new Adam()));
        var sameNetwork = new ReluIdentityClassifier(seed: 2);
        float[] sameBefore = (float[])sameNetwork.Parameters.Clone();
        var wrongOptimizer = Assert.Throws<WeightsMismatchException>(() => sameNetwork.LoadCheckpoint(path, new Sgd()));

        Assert.Contains("ReluIdentityClassifier", wrongNetwork.Message);
        Assert.Contains(path, wrongNetwork.Message);
        Assert.Equal(before, otherNetwork.Parameters);
        Assert.Contains("Adam", wrongOptimizer.Message);
        Assert.Contains("Sgd", wrongOptimizer.Message);
        Assert.Equal(sameBefore, sameNetwork.Parameters);
    }

    [Fact]
    public void A_weights_file_is_not_a_checkpoint()
    {
        string path = Path.Combine(_folder, "weights.safetensors");
        var network = new ReluIdentityClassifier(seed: 1);
        network.SaveWeights(path);

        var error = Assert.Throws<InvalidDataException>(() => network.LoadCheckpoint(path, new Sgd()));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a NetGen checkpoint", error.Message);
    }

    [Fact]
    public void The_callback_saves_every_n_epochs_to_numbered_files_and_leaves_no_temporary_file()
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 1);
        var checkpoint = new ModelCheckpoint(Path.Combine(_folder, "epoch-{epoch}.safetensors"), every: 2);
        var network = new ReluIdentityClassifier(seed: 1);
        var optimizer = new Sgd(0.1f);

        network.Fit(data, optimizer, epochs: 5, callbacks: [checkpoint]);

        Assert.Equal(["epoch-2.safetensors", "epoch-4.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
        Assert.Equal(checkpoint.PathFor(4), checkpoint.LastSaved);
        Assert.Equal(4, new ReluIdentityClassifier().LoadCheckpoint(checkpoint.PathFor(4), new Sgd()));
    }

    [Fact]
    public void Resuming_a_run_that_is_already_complete_trains_no_further()
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 1);
        string path = Path.Combine(_folder, "done.safetensors");
        var source = new ReluIdentityClassifier(seed: 1);
        source.Fit(data, new Sgd(0.1f), epochs: 3, callbacks: [new ModelCheckpoint(path)]);

        var resumed = new ReluIdentityClassifier(seed: 5);
        History history = resumed.Fit(data, new Sgd(0.1f), epochs: 3, resumeFrom: path);

        Assert.Empty(history.Epochs);
        Assert.Equal(source.Parameters, resumed.Parameters);
    }
}
