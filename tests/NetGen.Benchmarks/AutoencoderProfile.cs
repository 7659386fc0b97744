using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

/// <summary>
/// Where the compare row's autoencoder training step goes (784-1000-500-250-30 and its mirror, batch 100): the
/// generated forward and backward pass, Adam's update of its 2.8 million parameters (a pass over four arrays, bound
/// by memory rather than multiply-adds), SGD's for comparison, and a Fit epoch per batch.
/// </summary>
internal static class AutoencoderProfile
{
    private const int Batch = 100;

    public static void Run()
    {
        var random = new Rng(5);
        const int Samples = 6_000;
        float[] images = Enumerable.Range(0, Samples * 784).Select(_ => random.NextSingle()).ToArray();
        var network = new ReferenceAutoencoder(seed: 1);
        var adam = new Adam(0.001f);
        adam.Bind(network.Description);
        var sgd = new Sgd(0.01f);
        sgd.Bind(network.Description);
        var fitted = new ReferenceAutoencoder(seed: 2);
        var fitAdam = new Adam(0.001f);
        int next = 0;
        ReadOnlySpan<float> NextBatch() => images.AsSpan((next = (next + 1) % (Samples / Batch)) * Batch * 784, Batch * 784);
        double trainingFlops = Compare.DenseFlopsPerSample(ReferenceAutoencoder.Architecture, training: true) * Batch;
        StepProfile.Pass[] passes =
        [
            new("forward + backward (generated)", trainingFlops, () => { ReadOnlySpan<float> x = NextBatch(); network.ComputeGradients(x, x, Batch); }),
            new($"Adam step ({network.Parameters.Length:N0} parameters)", 0, () => adam.Step(network.Parameters, network.Gradients)),
            new($"SGD step ({network.Parameters.Length:N0} parameters)", 0, () => sgd.Step(network.Parameters, network.Gradients)),
            new("whole step + Adam", 0, () => { ReadOnlySpan<float> x = NextBatch(); network.ComputeGradients(x, x, Batch); adam.Step(network.Parameters, network.Gradients); }, IsWhole: true),
            new($"Fit with Adam, per batch ({Samples:N0} samples)", 0, () => fitted.Fit(Dataset.Unlabelled(images, [784]), fitAdam, epochs: 1, batchSize: Batch), IsWhole: true, Steps: Samples / Batch),
        ];
        StepProfile.Print($"# reference autoencoder, batch {Batch}, {KernelSelection.Current} kernels, {KernelSelection.DefaultThreadCount} threads", Batch, passes);
    }
}
