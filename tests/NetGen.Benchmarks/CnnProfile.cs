using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

/// <summary>
/// Where the reference CNN's training step goes: each kernel call of its generated forward and backward, at batch 64,
/// timed on its own (median µs of many calls) with its GFLOP/s where it is a product, against the whole step.
/// </summary>
internal static class CnnProfile
{
    private const int Batch = 64;

    public static void Run()
    {
        var random = new Rng(3);
        float[] Random(int count, float scale = 1f) => Enumerable.Range(0, count).Select(_ => random.NextSingle(-scale, scale)).ToArray();
        ConvolutionShape conv1 = ConvolutionShape.Valid(1, 28, 28, 32, 5, 5), conv2 = ConvolutionShape.Valid(32, 12, 12, 64, 5, 5);
        var pool1 = new PoolingShape(32, 24, 24, 2);
        var pool2 = new PoolingShape(64, 8, 8, 2);
        float[] scratch = new float[Math.Max(Convolution.ScratchSize(conv1), Convolution.ScratchSize(conv2))];
        float[] x = Random(Batch * 784), w1 = Random(conv1.WeightSize, 0.2f), b1 = Random(32), a1 = new float[Batch * conv1.OutputSize], d1 = Random(Batch * conv1.OutputSize);
        float[] p1 = new float[Batch * pool1.OutputSize], dp1 = Random(Batch * pool1.OutputSize);
        int[] i1 = new int[Batch * pool1.OutputSize], i2 = new int[Batch * pool2.OutputSize];
        float[] w2 = Random(conv2.WeightSize, 0.05f), b2 = Random(64), a2 = new float[Batch * conv2.OutputSize], d2 = Random(Batch * conv2.OutputSize);
        float[] p2 = new float[Batch * pool2.OutputSize], dp2 = Random(Batch * pool2.OutputSize);
        float[] wf1 = Random(128 * 1024, 0.03f), bf1 = Random(128), af1 = new float[Batch * 128], df1 = Random(Batch * 128);
        float[] wf2 = Random(10 * 128, 0.1f), bf2 = Random(10), af2 = new float[Batch * 10], df2 = Random(Batch * 10);
        float[] dw1 = new float[w1.Length], db1 = new float[32], dw2 = new float[w2.Length], db2 = new float[64];
        float[] dwf1 = new float[wf1.Length], dbf1 = new float[128], dwf2 = new float[wf2.Length], dbf2 = new float[10];
        Convolution.Forward<ReLU>(x, w1, b1, a1, Batch, conv1, scratch);
        Pooling.MaxForward(a1, p1, i1, Batch, pool1);
        Convolution.Forward<ReLU>(p1, w2, b2, a2, Batch, conv2, scratch);
        Pooling.MaxForward(a2, p2, i2, Batch, pool2);

        var network = new ReferenceCnn(seed: 1);
        float[] images = Random(Batch * 784), targets = new float[Batch * 10];
        for (int b = 0; b < Batch; b++)
        {
            targets[b * 10 + b % 10] = 1f;
        }
        var adam = new Adam(0.001f);
        adam.Bind(network.Description);
        // The Adam pass alone steps its own copy: thousands of steps along one gradient would push the weights of the
        // network whose whole step is timed next far from where training keeps them.
        var stepped = new ReferenceCnn(seed: 1);
        var steppedAdam = new Adam(0.001f);
        steppedAdam.Bind(stepped.Description);

        double Flops(in ConvolutionShape s) => 2.0 * Batch * s.WeightSize * s.OutputPixels;
        StepProfile.Pass[] passes =
        [
            new("conv1 forward (ReLU)", Flops(conv1), () => Convolution.Forward<ReLU>(x, w1, b1, a1, Batch, conv1, scratch)),
            new("pool1 forward", 0, () => Pooling.MaxForward(a1, p1, i1, Batch, pool1)),
            new("conv2 forward (ReLU)", Flops(conv2), () => Convolution.Forward<ReLU>(p1, w2, b2, a2, Batch, conv2, scratch)),
            new("pool2 forward", 0, () => Pooling.MaxForward(a2, p2, i2, Batch, pool2)),
            new("f1 forward", 2.0 * Batch * 1024 * 128, () => Dense.Forward<ReLU>(p2, wf1, bf1, af1, Batch, 1024, 128)),
            new("f2 forward + softmax", 2.0 * Batch * 128 * 10, () => { Dense.Forward<Identity>(af1, wf2, bf2, af2, Batch, 128, 10); Softmax.Rows(af2, Batch, 10); }),
            new("f2 weight gradient", 2.0 * Batch * 128 * 10, () => Dense.ParameterGradients(df2, af1, dwf2, dbf2, Batch, 128, 10)),
            new("f2 input delta", 2.0 * Batch * 128 * 10, () => Dense.InputDelta<ReLU>(df2, wf2, af1, df1, Batch, 128, 10)),
            new("f1 weight gradient", 2.0 * Batch * 1024 * 128, () => Dense.ParameterGradients(df1, p2, dwf1, dbf1, Batch, 1024, 128)),
            new("f1 input delta", 2.0 * Batch * 1024 * 128, () => Dense.InputDelta<Identity>(df1, wf1, p2, dp2, Batch, 1024, 128)),
            new("pool2 backward (ReLU')", 0, () => Pooling.MaxBackward<ReLU>(dp2, i2, a2, d2, Batch, pool2)),
            new("conv2 weight gradient", Flops(conv2), () => Convolution.ParameterGradients(d2, p1, dw2, db2, Batch, conv2, scratch)),
            new("conv2 input delta", Flops(conv2), () => Convolution.InputDelta<Identity>(d2, w2, p1, dp1, Batch, conv2, scratch)),
            new("pool1 backward (ReLU')", 0, () => Pooling.MaxBackward<ReLU>(dp1, i1, a1, d1, Batch, pool1)),
            new("conv1 weight gradient", Flops(conv1), () => Convolution.ParameterGradients(d1, x, dw1, db1, Batch, conv1, scratch)),
            new("Adam step (184,586 parameters)", 0, () => steppedAdam.Step(stepped.Parameters, stepped.Gradients)),
            new("whole generated step + Adam", 0, () => { network.ComputeGradients(images, targets, Batch); adam.Step(network.Parameters, network.Gradients); }, IsWhole: true),
        ];
        StepProfile.Print($"# reference CNN, batch {Batch}, {KernelSelection.Current} kernels, {KernelSelection.DefaultThreadCount} threads", Batch, passes);
    }
}
