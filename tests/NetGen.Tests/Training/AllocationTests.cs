using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Tests.Kernels;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// After warm-up, a training step and a prediction allocate nothing: the promise that makes
/// generated networks usable in a hot loop. These count bytes, they do not time anything.
/// </summary>
public sealed class AllocationTests
{
    /// <summary>Every instruction set × one and two threads: each path has its own buffers to reserve up front (packed panels, staging).</summary>
    public static TheoryData<InstructionSet, int> Paths() => KernelPaths.All();

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_training_step_allocates_nothing_after_warm_up(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Dataset batch = TestData.Classification(32, [300], classes: 10, seed: 1);
        var network = new ThreadedClassifier(seed: 1);
        var optimizer = new Sgd(0.1f);
        optimizer.Bind(network.Description);
        Step(network, optimizer, batch);

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Step(network, optimizer, batch);
            }
        });

        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_prediction_allocates_nothing_after_warm_up(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Dataset data = TestData.Classification(64, [300], classes: 10, seed: 2);
        var network = new ThreadedClassifier(seed: 2);
        var output = new float[10];
        var outputs = new float[64 * 10];
        network.Predict(data.Sample(0), output);
        network.Predict(data.Features, outputs);

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                network.Predict(data.Sample(i % data.Count), output);
                network.Predict(data.Features, outputs);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(1f, output.Sum(), 4);
    }

    private static void Step(Model network, Optimizer optimizer, Dataset batch)
    {
        network.ComputeGradients(batch.Features, batch.Targets, batch.Count);
        optimizer.Step(network.Parameters, network.Gradients);
    }
}
