using NetGen.Data;
using NetGen.Kernels;
using NetGen.Randomness;
using Xunit;

namespace NetGen.Tests.Data;

/// <summary>
/// Fit copies each shuffled mini-batch through <see cref="BatchGather"/>, which shares large batches with the kernels'
/// worker thread: whatever the split, the buffers must hold exactly the named samples and targets, in order.
/// </summary>
public sealed class BatchGatherTests
{
    [Theory]
    [InlineData(1, 300, 784)] // large enough to be split, on one thread here
    [InlineData(2, 300, 784)]
    [InlineData(2, 7, 784)]   // a few rows: not split
    [InlineData(2, 3, 5)]
    public void The_batch_holds_the_named_samples_and_targets_in_order(int threads, int batch, int sampleSize)
    {
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Dataset data = TestData.Classification(1000, [sampleSize], classes: 10, seed: 4);
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        new Rng(5).Shuffle(order);
        int[] indices = order[..batch];
        // One spare row past the batch in each buffer, which must stay untouched.
        float[] inputs = Enumerable.Repeat(float.NaN, (batch + 1) * sampleSize).ToArray();
        float[] targets = Enumerable.Repeat(float.NaN, (batch + 1) * data.TargetSize).ToArray();

        BatchGather.Run(data, indices, inputs, targets);

        for (int row = 0; row < batch; row++)
        {
            Assert.Equal(data.Sample(indices[row]).ToArray(), inputs.AsSpan(row * sampleSize, sampleSize).ToArray());
            Assert.Equal(data.Target(indices[row]).ToArray(), targets.AsSpan(row * data.TargetSize, data.TargetSize).ToArray());
        }
        Assert.All(inputs[(batch * sampleSize)..], value => Assert.True(float.IsNaN(value)));
        Assert.All(targets[(batch * data.TargetSize)..], value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void An_index_outside_the_data_is_refused_before_anything_is_copied()
    {
        Dataset data = TestData.Classification(10, [4], classes: 2, seed: 1);
        float[] inputs = new float[8], targets = new float[4];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BatchGather.Run(data, [3, 10], inputs, targets));

        Assert.Contains("Sample index 10 is outside the 10 samples", error.Message);
        Assert.All(inputs, value => Assert.Equal(0f, value));
    }
}
