using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>
/// The whole training loop — gathering, augmentation, normalisation, forward, backward, the
/// optimizer step and the callbacks' batch hooks — allocates nothing per mini-batch after warm-up.
/// A callback counts this thread's allocated bytes from the first mini-batch of an epoch to the end
/// of its last. Counts bytes; times nothing.
/// </summary>
public sealed class FitAllocationTests
{
    [Theory]
    [InlineData(nameof(Sgd))]
    [InlineData(nameof(Adam))]
    public void The_mini_batches_of_an_epoch_allocate_nothing(string optimizerName)
    {
        Dataset data = TestData.Classification(100, [2, 3, 7], classes: 10, seed: 1);

        List<long> bytesPerEpoch = AllocationCounter.WithoutCollections(() =>
        {
            var network = new WideClassifier(seed: 1);
            Optimizer optimizer = optimizerName == nameof(Adam) ? new Adam(0.001f) : new Sgd(0.01f);
            var meter = new AllocationMeter();
            network.Fit(data, optimizer, epochs: 3, batchSize: 4, normalizeInputs: true,
                augmentation: new ImageAugmentation(maxShift: 1, maxRotationDegrees: 5f),
                callbacks: [new LearningRateScheduler(LearningRateSchedule.InverseSquareRootDecay(0.01f)), new EarlyStopping(TrainingMetric.Loss, patience: 10), meter]);
            return meter.BytesPerEpoch;
        });

        // The first epoch warms up (JIT, buffers); the later ones must allocate nothing in their 25 mini-batches.
        Assert.Equal([0L, 0L], bytesPerEpoch.Skip(1));
    }

    /// <summary>This thread's allocated bytes from the start of an epoch's first mini-batch to the end of its last.</summary>
    private sealed class AllocationMeter : Callback
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
