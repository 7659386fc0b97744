using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

/// <summary>
/// Where the reference MLP's training step goes (784-500-500-10 sigmoid, SGD, batch 100): each kernel call of its
/// generated forward and backward timed alone, the whole step, and a Fit epoch per batch, whose gap to the whole step
/// is what the loop around it costs (gathering the shuffled batch, the loss and accuracy bookkeeping).
/// </summary>
internal static class MlpProfile
{
    private const int Batch = 100;

    public static void Run()
    {
        var random = new Rng(3);
        float[] Random(int count, float scale = 1f) => Enumerable.Range(0, count).Select(_ => random.NextSingle(-scale, scale)).ToArray();
        float[] x = Random(Batch * 784);
        float[] w1 = Random(500 * 784, 0.05f), b1 = Random(500), a1 = new float[Batch * 500], d1 = Random(Batch * 500);
        float[] w2 = Random(500 * 500, 0.05f), b2 = Random(500), a2 = new float[Batch * 500], d2 = Random(Batch * 500);
        float[] w3 = Random(10 * 500, 0.05f), b3 = Random(10), a3 = new float[Batch * 10], d3 = Random(Batch * 10);
        float[] dw1 = new float[w1.Length], db1 = new float[500], dw2 = new float[w2.Length], db2 = new float[500];
        float[] dw3 = new float[w3.Length], db3 = new float[10];
        float[] targets = new float[Batch * 10];
        for (int b = 0; b < Batch; b++)
        {
            targets[b * 10 + b % 10] = 1f;
        }
        Dense.Forward<Sigmoid>(x, w1, b1, a1, Batch, 784, 500);
        Dense.Forward<Sigmoid>(a1, w2, b2, a2, Batch, 500, 500);

        var network = new SigmoidMlp(seed: 1);
        var sgd = new Sgd(0.1f);
        sgd.Bind(network.Description);
        // The SGD pass alone steps its own copy: thousands of steps along one gradient drove the network whose whole step
        // is timed next into saturation (every δ exactly zero), a state training never leaves it in.
        var stepped = new SigmoidMlp(seed: 1);
        var steppedSgd = new Sgd(0.1f);
        steppedSgd.Bind(stepped.Description);
        const int FitSamples = 12_000;
        var data = Dataset.FromLabels(Random(FitSamples * 784), [784], Enumerable.Range(0, FitSamples).Select(i => i % 10).ToArray(), 10);
        var fitted = new SigmoidMlp(seed: 2);
        var fitSgd = new Sgd(0.1f);

        int nextBatch = 0;
        ReadOnlySpan<float> NextBatch() => data.Features.AsSpan((nextBatch = (nextBatch + 1) % (FitSamples / Batch)) * Batch * 784, Batch * 784);
        double Flops(int inputs, int outputs) => 2.0 * Batch * inputs * outputs;
        StepProfile.Pass[] passes =
        [
            new("fc1 forward (sigmoid)", Flops(784, 500), () => Dense.Forward<Sigmoid>(x, w1, b1, a1, Batch, 784, 500)),
            new("fc2 forward (sigmoid)", Flops(500, 500), () => Dense.Forward<Sigmoid>(a1, w2, b2, a2, Batch, 500, 500)),
            new("fc3 forward + softmax", Flops(500, 10), () => { Dense.Forward<Identity>(a2, w3, b3, a3, Batch, 500, 10); Softmax.Rows(a3, Batch, 10); }),
            new("loss + output delta", 0, () => { Losses.CategoricalCrossEntropy(a3, targets, Batch, 10); Losses.ProbabilityMinusTargetDelta(a3, targets, d3, Batch, 10); }),
            new("fc3 weight gradient", Flops(500, 10), () => Dense.ParameterGradients(d3, a2, dw3, db3, Batch, 500, 10)),
            new("fc2 input delta (sigmoid')", Flops(500, 10), () => Dense.InputDelta<Sigmoid>(d3, w3, a2, d2, Batch, 500, 10)),
            new("fc2 weight gradient", Flops(500, 500), () => Dense.ParameterGradients(d2, a1, dw2, db2, Batch, 500, 500)),
            new("fc1 input delta (sigmoid')", Flops(500, 500), () => Dense.InputDelta<Sigmoid>(d2, w2, a1, d1, Batch, 500, 500)),
            new("fc1 weight gradient", Flops(784, 500), () => Dense.ParameterGradients(d1, x, dw1, db1, Batch, 784, 500)),
            new("SGD step (648,010 parameters)", 0, () => steppedSgd.Step(stepped.Parameters, stepped.Gradients)),
            new("whole generated step + SGD", 0, () => { network.ComputeGradients(x, targets, Batch); sgd.Step(network.Parameters, network.Gradients); }, IsWhole: true),
            // As Fit feeds it: a different batch each step, not one that stays in cache.
            new("whole step + SGD, fresh batches", 0, () => { network.ComputeGradients(NextBatch(), targets, Batch); sgd.Step(network.Parameters, network.Gradients); }, IsWhole: true),
            new($"Fit, per batch ({FitSamples:N0} samples)", 0, () => fitted.Fit(data, fitSgd, epochs: 1, batchSize: Batch), IsWhole: true, Steps: FitSamples / Batch),
        ];
        StepProfile.Print($"# reference MLP, batch {Batch}, {KernelSelection.Current} kernels, {KernelSelection.DefaultThreadCount} threads", Batch, passes);
    }
}
