using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>
/// A mini-batch whose loss is not finite changes nothing: its update is not applied, and batch norm's running
/// statistics, which its training forward pass moved, are put back; the exception says so.
/// </summary>
public sealed class DivergenceRollbackTests
{
    [Fact]
    public void A_batch_norm_network_diverging_mid_training_keeps_every_tensor_as_before_the_failing_step()
    {
        Dataset data = TestData.Regression(40, 6, 2, seed: 3, low: -100f, high: 100f);
        var network = new BatchNormRegressor(seed: 1);
        var recorder = new ParameterRecorder();

        var error = Assert.Throws<TrainingDivergedException>(
            () => network.Fit(data, new Sgd(1e4f), epochs: 50, batchSize: 10, callbacks: [recorder]));

        // Some steps were taken first, so the running statistics had moved away from their first values (0 and 1).
        Assert.True(error.Epoch > 1 || error.Batch > 0, $"diverged at epoch {error.Epoch}, mini-batch {error.Batch}");
        Assert.NotEqual(new BatchNormRegressor(seed: 1).Parameters, recorder.BeforeLastBatch);
        AssertEveryTensorEqual(network, recorder.BeforeLastBatch!);
        Assert.Contains("running statistics", error.Message);
        Assert.Contains("as it was before this mini-batch", error.Message);
    }

    [Fact]
    public void A_first_step_whose_activations_overflow_leaves_the_running_statistics_at_their_first_values()
    {
        // Finite inputs (so Fit accepts them) large enough that a batch's variance overflows float.
        Dataset data = TestData.Classification(16, [3, 7], classes: 4, seed: 2);
        for (int i = 0; i < data.Features.Length; i++)
        {
            data.Features[i] *= 3e38f;
        }
        var network = new BatchNormDropoutClassifier(seed: 1);
        float[] before = (float[])network.Parameters.Clone();

        var error = Assert.Throws<TrainingDivergedException>(() => network.Fit(data, new Sgd(0.1f), epochs: 1, batchSize: 8));

        Assert.Equal((1, 0), (error.Epoch, error.Batch));
        AssertEveryTensorEqual(network, before);
        Assert.Contains("as it was before this mini-batch", error.Message);
    }

    [Fact]
    public void Without_batch_norm_the_message_does_not_speak_of_running_statistics()
    {
        Dataset data = TestData.Regression(40, 4, 2, seed: 3, low: -100f, high: 100f);
        var network = new LinearRegressor(seed: 1);
        var recorder = new ParameterRecorder();

        var error = Assert.Throws<TrainingDivergedException>(
            () => network.Fit(data, new Sgd(1e3f), epochs: 50, batchSize: 10, callbacks: [recorder]));

        AssertEveryTensorEqual(network, recorder.BeforeLastBatch!);
        Assert.Contains("as it was before this mini-batch", error.Message);
        Assert.DoesNotContain("running statistics", error.Message);
    }

    [Fact]
    public void The_mini_batches_of_a_batch_norm_network_allocate_nothing()
    {
        Dataset data = TestData.Classification(40, [3, 7], classes: 4, seed: 1);

        List<long> bytesPerEpoch = AllocationCounter.WithoutCollections(() =>
        {
            var network = new BatchNormDropoutClassifier(seed: 1);
            var meter = new EpochAllocationMeter();
            network.Fit(data, new Sgd(0.01f), epochs: 3, batchSize: 4, callbacks: [meter]);
            return meter.BytesPerEpoch;
        });

        Assert.Equal([0L, 0L], bytesPerEpoch.Skip(1));
    }

    /// <summary>Tensor by tensor, so that a failure names the tensor and how many of its values differ.</summary>
    private static void AssertEveryTensorEqual(Model network, float[] expected)
    {
        foreach (ParameterTensor tensor in network.Description.Tensors)
        {
            float[] want = expected.AsSpan(tensor.Offset, tensor.Length).ToArray();
            float[] have = network.Parameters.AsSpan(tensor.Offset, tensor.Length).ToArray();
            int differing = want.Zip(have).Count(pair => BitConverter.SingleToInt32Bits(pair.First) != BitConverter.SingleToInt32Bits(pair.Second));
            int nonFinite = have.Count(value => !float.IsFinite(value));
            Assert.True(differing == 0, $"{tensor.Name} ({tensor.Role}): {differing} of {tensor.Length} values changed, {nonFinite} not finite");
        }
    }

    /// <summary>Copies the parameters at the start of every mini-batch.</summary>
    private sealed class ParameterRecorder : Callback
    {
        public float[]? BeforeLastBatch { get; private set; }

        public override void OnBatchBegin(TrainingContext context)
        {
            BeforeLastBatch = context.Model.Parameters.ToArray();
        }
    }

    /// <summary>This thread's allocated bytes from the start of an epoch's first mini-batch to the end of its last.</summary>
    private sealed class EpochAllocationMeter : Callback
    {
        private long _start;

        public List<long> BytesPerEpoch { get; } = [];

        public override void OnBatchBegin(TrainingContext context)
        {
            if (context.Batch == 0)
            {
                _start = GC.GetAllocatedBytesForCurrentThread();
            }
        }

        public override void OnBatchEnd(TrainingContext context)
        {
            if (context.SamplesSeen == context.TrainingSamples)
            {
                BytesPerEpoch.Add(GC.GetAllocatedBytesForCurrentThread() - _start);
            }
        }
    }
}
