using System.Globalization;
using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The transposed convolution against loops in double over PyTorch's definition, by hand, and against its own
/// definition as the input gradient of the plain convolution with the same weights; strides 1 to 3, paddings 0 to 2,
/// output padding 0 and 1, square and rectangular kernels, both weight-gradient forms, every kernel path.
/// </summary>
public sealed class ConvTransposeKernelTests
{
    private const double Tolerance = 2e-4;

    /// <summary>B, C_in, H, W, C_out, kh, kw, stride, padding, output padding.</summary>
    private static readonly string[] Cases =
    [
        "2,3,4,4,2,3,3,1,0,0",
        "2,3,4,5,2,3,3,1,1,0",
        "3,2,4,4,3,3,3,2,0,0",
        "2,2,4,3,3,3,3,2,1,0",
        "2,2,4,4,1,3,3,2,1,1",
        "2,4,3,5,2,3,3,2,0,1",
        "1,2,5,4,3,2,3,2,1,1",
        "2,3,3,3,2,4,4,2,1,0",
        "2,2,4,4,2,2,2,3,2,2",
        "3,4,12,12,2,3,3,1,1,0",
    ];

    public static TheoryData<InstructionSet, int, string> Shapes() => KernelPaths.Cross(Cases);

    [Fact]
    public void One_input_spreads_its_kernel_over_the_output_by_hand()
    {
        // x [1, 1, 2, 2] = 1 2 / 3 4, W [1, 1, 2, 2] = 1 10 / 100 1000, stride 2, no padding: each input writes its own
        // 2×2 block x·W, blocks side by side: H_o = (2 − 1)·2 + 2 = 4.
        var shape = new ConvTransposeShape(1, 2, 2, 1, 2, 2, 2, 2, 0, 0, 0, 0);
        var output = new float[16];

        ConvTranspose.Forward<Identity>([1, 2, 3, 4], [1, 10, 100, 1000], [0.5f], output, 1, shape, new float[ConvTranspose.ScratchSize(shape)]);

        Assert.Equal((4, 4), (shape.OutputHeight, shape.OutputWidth));
        Assert.Equal(
        [
            1.5f, 10.5f, 2.5f, 20.5f,
            100.5f, 1000.5f, 200.5f, 2000.5f,
            3.5f, 30.5f, 4.5f, 40.5f,
            300.5f, 3000.5f, 400.5f, 4000.5f,
        ], output);
    }

    [Fact]
    public void Output_size_follows_pytorch()
    {
        // H_o = (H − 1)·s − 2p + k + op: 7 → 14 as an autoencoder's decoder doubles it (s 2, p 1, k 3, op 1).
        var doubling = new ConvTransposeShape(32, 7, 7, 16, 3, 3, 2, 2, 1, 1, 1, 1);
        var plain = new ConvTransposeShape(4, 5, 6, 3, 3, 2, 1, 1, 0, 0, 0, 0);

        Assert.Equal((14, 14), (doubling.OutputHeight, doubling.OutputWidth));
        Assert.Equal((7, 7), (plain.OutputHeight, plain.OutputWidth));
        // Its convolution maps the output back to the input: [16, 14, 14] → [32, 7, 7].
        Assert.Equal((16, 14, 14, 32, 7, 7), (doubling.Convolution.InputChannels, doubling.Convolution.InputHeight, doubling.Convolution.InputWidth,
            doubling.Convolution.OutputChannels, doubling.Convolution.OutputHeight, doubling.Convolution.OutputWidth));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvTransposeShape(1, 4, 4, 1, 3, 3, 2, 2, 1, 1, 2, 0));
        Assert.Throws<ArgumentException>(() => new ConvTransposeShape(1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 0, 0));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_a_double_loop_and_is_the_input_gradient_of_the_convolution(InstructionSet instructionSet, int threads, string text)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvTransposeShape shape) = Parse(text);
        var random = new Rng(1);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels), zeros = new float[shape.OutputChannels];
        float[] output = NaNs(batch * shape.OutputSize), plain = NaNs(batch * shape.OutputSize), gradient = NaNs(batch * shape.OutputSize);
        float[] scratch = NaNs(ConvTranspose.ScratchSize(shape));

        ConvTranspose.Forward<Tanh>(x, w, b, output, batch, shape, scratch);
        ConvTranspose.Forward<Identity>(x, w, zeros, plain, batch, shape, scratch);
        Convolution.InputDelta<Identity>(x, w, gradient, gradient, batch, shape.Convolution, NaNs(Convolution.ScratchSize(shape.Convolution)));

        double[] z = Reference.Forward(x, w, b, batch, shape);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(Math.Tanh(z[i]), output[i], Tolerance);
        }
        Assert.Equal(gradient, plain);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_double_loops_and_adds_into_the_gradients(InstructionSet instructionSet, int threads, string text)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvTransposeShape shape) = Parse(text);
        var random = new Rng(2);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] delta = TestData.Uniform(random, batch * shape.OutputSize);
        float[] weightsBefore = TestData.Uniform(random, shape.WeightSize), biasBefore = TestData.Uniform(random, shape.OutputChannels);
        float[] weightGradient = (float[])weightsBefore.Clone(), biasGradient = (float[])biasBefore.Clone();
        float[] inputDelta = NaNs(batch * shape.InputSize), scratch = NaNs(ConvTranspose.ScratchSize(shape));

        ConvTranspose.ParameterGradients(delta, x, weightGradient, biasGradient, batch, shape, scratch);
        ConvTranspose.InputDelta<Identity>(delta, w, x, inputDelta, batch, shape, scratch);

        (double[] dW, double[] db, double[] dx) = Reference.Backward(delta, x, w, batch, shape);
        AssertClose(dW.Select((sum, i) => weightsBefore[i] + sum).ToArray(), weightGradient);
        AssertClose(db.Select((sum, o) => biasBefore[o] + sum).ToArray(), biasGradient);
        AssertClose(dx, inputDelta);
    }

    [Fact]
    public void Forward_keeps_z_and_input_delta_folds_the_derivative_of_the_layer_below()
    {
        (int batch, ConvTransposeShape shape) = Parse("2,3,4,4,2,3,3,2,1,1");
        var random = new Rng(3);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels), scratch = new float[ConvTranspose.ScratchSize(shape)];
        float[] output = new float[batch * shape.OutputSize], z = new float[batch * shape.OutputSize];

        ConvTranspose.Forward<SiLU>(x, w, b, output, batch, shape, scratch, z);

        AssertClose(Reference.Forward(x, w, b, batch, shape), z);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(SiLU.Forward(z[i]), output[i], 1e-5);
        }
        // The same shape read the other way round: δ at [C_out, H_o, W_o] down to a SiLU layer below of [C_in, H, W].
        float[] belowZ = TestData.Uniform(random, batch * shape.InputSize);
        float[] belowA = belowZ.Select(value => SiLU.Forward(value)).ToArray();
        float[] delta = TestData.Uniform(random, batch * shape.OutputSize);
        float[] plain = new float[belowZ.Length], folded = new float[belowZ.Length];
        ConvTranspose.InputDelta<Identity>(delta, w, belowA, plain, batch, shape, scratch);
        ConvTranspose.InputDelta<SiLU>(delta, w, belowA, folded, batch, shape, scratch, belowZ);
        for (int i = 0; i < folded.Length; i++)
        {
            Assert.Equal(plain[i] * SiLU.Derivative(belowZ[i], belowA[i]), folded[i], 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void No_pass_allocates_after_warm_up(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvTransposeShape shape) = Parse("6,8,7,7,4,3,3,2,1,1");
        var random = new Rng(4);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels), delta = TestData.Uniform(random, batch * shape.OutputSize);
        float[] output = new float[batch * shape.OutputSize], z = new float[batch * shape.OutputSize];
        float[] dW = new float[shape.WeightSize], db = new float[shape.OutputChannels], dx = new float[batch * shape.InputSize];
        float[] scratch = new float[ConvTranspose.ScratchSize(shape)];
        void Step()
        {
            ConvTranspose.Forward<GELU>(x, w, b, output, batch, shape, scratch, z);
            ConvTranspose.ParameterGradients(delta, x, dW, db, batch, shape, scratch);
            ConvTranspose.InputDelta<Tanh>(delta, w, x, dx, batch, shape, scratch);
        }
        Step();

        Assert.Equal(0, AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                Step();
            }
        }));
    }

    private static (int Batch, ConvTransposeShape Shape) Parse(string text)
    {
        int[] n = text.Split(',').Select(part => int.Parse(part, CultureInfo.InvariantCulture)).ToArray();
        return (n[0], new ConvTransposeShape(n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[7], n[8], n[8], n[9], n[9]));
    }

    private static float[] NaNs(int count) => Enumerable.Repeat(float.NaN, count).ToArray();

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], Tolerance);
        }
    }

    /// <summary>PyTorch's definition, as loops in double over every input and tap (C = C_in, O = C_out).</summary>
    private static class Reference
    {
        /// <summary>
        /// Every (input, weight, output) triple: x[b, c, i, j] meets W[c, o, v, u] at output (o, i·s + v − p, j·s + u − p),
        /// where that lies inside [H_o, W_o].
        /// </summary>
        private static IEnumerable<(int Input, int Weight, int Output, int Channel)> Taps(int batch, ConvTransposeShape s)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int c = 0; c < s.InputChannels; c++)
                {
                    for (int i = 0; i < s.InputHeight; i++)
                    {
                        for (int j = 0; j < s.InputWidth; j++)
                        {
                            int input = ((b * s.InputChannels + c) * s.InputHeight + i) * s.InputWidth + j;
                            for (int o = 0; o < s.OutputChannels; o++)
                            {
                                for (int v = 0; v < s.KernelHeight; v++)
                                {
                                    int y = i * s.StrideY + v - s.PadY;
                                    if (y < 0 || y >= s.OutputHeight)
                                    {
                                        continue;
                                    }
                                    for (int u = 0; u < s.KernelWidth; u++)
                                    {
                                        int xo = j * s.StrideX + u - s.PadX;
                                        if (xo < 0 || xo >= s.OutputWidth)
                                        {
                                            continue;
                                        }
                                        int weight = ((c * s.OutputChannels + o) * s.KernelHeight + v) * s.KernelWidth + u;
                                        int output = ((b * s.OutputChannels + o) * s.OutputHeight + y) * s.OutputWidth + xo;
                                        yield return (input, weight, output, o);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>z[b, o, y, x] = b[o] + Σ over the taps reaching it of W · x.</summary>
        public static double[] Forward(float[] x, float[] w, float[] bias, int batch, ConvTransposeShape s)
        {
            var z = new double[batch * s.OutputSize];
            for (int at = 0; at < z.Length; at++)
            {
                z[at] = bias[at / s.OutputPixels % s.OutputChannels];
            }
            foreach ((int input, int weight, int output, _) in Taps(batch, s))
            {
                z[output] += (double)w[weight] * x[input];
            }
            return z;
        }

        /// <summary>dW = Σ δ[output] · x[input] per tap's weight, db[o] = Σ δ over channel o, dx = Σ W · δ[output] per tap's input.</summary>
        public static (double[] Weights, double[] Bias, double[] Input) Backward(float[] delta, float[] x, float[] w, int batch, ConvTransposeShape s)
        {
            double[] dW = new double[s.WeightSize], db = new double[s.OutputChannels], dx = new double[batch * s.InputSize];
            for (int at = 0; at < delta.Length; at++)
            {
                db[at / s.OutputPixels % s.OutputChannels] += delta[at];
            }
            foreach ((int input, int weight, int output, _) in Taps(batch, s))
            {
                dW[weight] += (double)delta[output] * x[input];
                dx[input] += (double)w[weight] * delta[output];
            }
            return (dW, db, dx);
        }
    }
}
