using System.Globalization;
using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The convolution kernels against hand-computed cases, against loops in double over shapes that reach every
/// path (padding, strides, rectangular kernels, 1×1, both weight-gradient forms, odd batches split in two), and
/// their gradients against finite differences of a double-precision forward pass.
/// </summary>
public sealed class ConvolutionKernelTests
{
    /// <summary>Float sums of up to 150 products of numbers in [−1, 1] round to within about 1e-5; a wrong index is off by ~0.1.</summary>
    private const double Tolerance = 2e-4;

    /// <summary>
    /// B, C_in, H, W, C_out, kh, kw, stride y, stride x, padding. They cover: both paddings with stride 1 and 2; even
    /// kernels under "same" (padding only bottom/right); rectangular kernels and strides; a 1×1 stride-1 (pointwise)
    /// layer and a strided 1×1; a kernel as large as the input; P ≥ 128 (dot-product weight gradient) and below;
    /// odd batches (unequal halves); and products large enough to be split over two threads.
    /// </summary>
    private static readonly string[] Cases =
    [
        "1,1,3,3,1,2,2,1,1,valid",
        "2,3,7,5,4,3,2,1,1,same",
        "3,2,9,8,5,3,3,2,2,valid",
        "2,2,9,8,3,3,3,2,2,same",
        "3,5,16,20,7,4,4,2,3,same",
        "2,3,6,7,2,1,1,1,1,valid",
        "2,3,6,7,2,1,1,2,1,valid",
        "2,3,5,5,4,5,5,1,1,valid",
        "3,4,13,11,17,5,3,1,2,same",
        "5,6,12,12,20,5,5,1,1,valid",
        "4,1,28,28,8,5,5,1,1,valid",
        "3,3,20,20,9,3,3,1,1,same",
        "3,16,9,9,24,1,1,1,1,valid",
        "4,16,10,10,24,3,3,2,2,valid",
        "2,4,5,5,3,1,1,1,1,valid",
    ];

    public static TheoryData<InstructionSet, int, string> Shapes() => KernelPaths.Cross(Cases);

    public static TheoryData<InstructionSet, int> Paths() => KernelPaths.All();

    // x [1, 1, 3, 3] = 1 2 3 / 4 5 6 / 7 8 9 and W [1, 1, 2, 2] = 1 2 / 3 4 in the hand-computed cases below.
    private static readonly float[] Nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly float[] Four = [1, 2, 3, 4];

    [Fact]
    public void Valid_2x2_on_3x3_by_hand()
    {
        var shape = ConvolutionShape.Valid(1, 3, 3, 1, 2, 2);
        var output = new float[4];

        Convolution.Forward<Identity>(Nine, Four, [0.5f], output, 1, shape, new float[Convolution.ScratchSize(shape)]);

        // (0,0): 1·1 + 2·2 + 4·3 + 5·4 = 37     (0,1): 2·1 + 3·2 + 5·3 + 6·4 = 47
        // (1,0): 4·1 + 5·2 + 7·3 + 8·4 = 67     (1,1): 5·1 + 6·2 + 8·3 + 9·4 = 77     each + 0.5
        Assert.Equal([37.5f, 47.5f, 67.5f, 77.5f], output);
    }

    [Fact]
    public void Valid_2x2_on_3x3_with_relu_by_hand()
    {
        var shape = ConvolutionShape.Valid(1, 3, 3, 1, 2, 2);
        var output = new float[4];

        Convolution.Forward<ReLU>(Nine, Four, [-45f], output, 1, shape, new float[Convolution.ScratchSize(shape)]);

        // 37 − 45 = −8 → 0,  47 − 45 = 2,  67 − 45 = 22,  77 − 45 = 32
        Assert.Equal([0f, 2f, 22f, 32f], output);
    }

    [Fact]
    public void Same_2x2_on_3x3_pads_only_bottom_and_right_by_hand()
    {
        var shape = ConvolutionShape.Same(1, 3, 3, 1, 2, 2);
        var output = new float[9];

        Convolution.Forward<Identity>(Nine, Four, [0f], output, 1, shape, new float[Convolution.ScratchSize(shape)]);

        // pad = (3 − 1)·1 + 2 − 3 = 1: none above or left, one row below and one column right, all zeros.
        // (0,2): 3·1 + 0·2 + 6·3 + 0·4 = 21     (1,2): 6·1 + 9·3 = 33
        // (2,0): 7·1 + 8·2 = 23     (2,1): 8·1 + 9·2 = 26     (2,2): 9·1 = 9
        Assert.Equal((0, 1, 0, 1), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        Assert.Equal([37f, 47f, 21f, 67f, 77f, 33f, 23f, 26f, 9f], output);
    }

    [Fact]
    public void Stride_2_on_3x3_by_hand()
    {
        var valid = ConvolutionShape.Valid(1, 3, 3, 1, 2, 2, strideY: 2, strideX: 2);
        var same = ConvolutionShape.Same(1, 3, 3, 1, 2, 2, strideY: 2, strideX: 2);
        var validOutput = new float[1];
        var sameOutput = new float[4];
        var scratch = new float[Convolution.ScratchSize(same)];

        Convolution.Forward<Identity>(Nine, Four, [0f], validOutput, 1, valid, scratch);
        Convolution.Forward<Identity>(Nine, Four, [0f], sameOutput, 1, same, scratch);

        // Valid: (3 − 2) / 2 + 1 = 1 output, the window at (0,0): 37.
        // Same: ⌈3 / 2⌉ = 2 outputs, pad = (2 − 1)·2 + 2 − 3 = 1 below and right.
        // (0,1): 3·1 + 6·3 = 21     (1,0): 7·1 + 8·2 = 23     (1,1): 9·1 = 9
        Assert.Equal([37f], validOutput);
        Assert.Equal([37f, 21f, 23f, 9f], sameOutput);
    }

    [Fact]
    public void Gradients_of_one_output_by_hand()
    {
        var shape = ConvolutionShape.Valid(1, 3, 3, 1, 2, 2);
        float[] delta = [1, 0, 0, 0]; // dL/dz = 1 at output (0,0) only
        var weightGradient = new float[4];
        var biasGradient = new float[1];
        var inputDelta = new float[9];
        var scratch = new float[Convolution.ScratchSize(shape)];

        Convolution.ParameterGradients(delta, Nine, weightGradient, biasGradient, 1, shape, scratch);
        Convolution.InputDelta<Identity>(delta, Four, Nine, inputDelta, 1, shape, scratch);

        // Output (0,0) = 1·x00 + 2·x01 + 3·x10 + 4·x11 + b: its weights met 1 2 / 4 5, and its inputs x00 x01 x10 x11 met W.
        Assert.Equal([1f, 2f, 4f, 5f], weightGradient);
        Assert.Equal([1f], biasGradient);
        Assert.Equal([1f, 2f, 0f, 3f, 4f, 0f, 0f, 0f, 0f], inputDelta);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_a_double_loop(InstructionSet instructionSet, int threads, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvolutionShape shape) = Parse(shapeText);
        var random = new Rng(1);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels);
        float[] output = NaNs(batch * shape.OutputSize), scratch = NaNs(Convolution.ScratchSize(shape));

        Convolution.Forward<Tanh>(x, w, b, output, batch, shape, scratch);

        double[] z = Reference.Forward(x, w, b, batch, shape);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(Math.Tanh(z[i]), output[i], Tolerance);
        }
    }

    /// <summary>The gradients are added into buffers that already hold something.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Parameter_gradients_add_a_double_loop_s_sums(InstructionSet instructionSet, int threads, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvolutionShape shape) = Parse(shapeText);
        var random = new Rng(2);
        float[] delta = TestData.Uniform(random, batch * shape.OutputSize), x = TestData.Uniform(random, batch * shape.InputSize);
        float[] weightsBefore = TestData.Uniform(random, shape.WeightSize), biasBefore = TestData.Uniform(random, shape.OutputChannels);
        float[] weightGradient = (float[])weightsBefore.Clone(), biasGradient = (float[])biasBefore.Clone(), scratch = NaNs(Convolution.ScratchSize(shape));

        Convolution.ParameterGradients(delta, x, weightGradient, biasGradient, batch, shape, scratch);

        (double[] expectedWeights, double[] expectedBias) = Reference.ParameterGradients(delta, x, batch, shape);
        AssertClose(expectedWeights.Select((sum, i) => weightsBefore[i] + sum).ToArray(), weightGradient, Tolerance);
        AssertClose(expectedBias.Select((sum, o) => biasBefore[o] + sum).ToArray(), biasGradient, Tolerance);
    }

    /// <summary>
    /// A filter and bias used twice, as a tied or recurrent one is: L = ½ Σ conv(x₁, W, b)² + Σ sin(conv(x₂, W, b)), in
    /// double. Two calls into the same slices, with δ₁ = conv(x₁, W, b) and δ₂ = cos(conv(x₂, W, b)), must give dL/dW and
    /// dL/db against central differences (h = 1e-3), on both weight-gradient forms (P &lt; 128 and P ≥ 128).
    /// </summary>
    [Theory]
    [MemberData(nameof(TiedGradientShapes))]
    public void A_filter_used_twice_gets_the_sum_of_both_uses(InstructionSet instructionSet, int threads, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvolutionShape shape) = Parse(shapeText);
        var random = new Rng(9);
        float[] x1 = TestData.Uniform(random, batch * shape.InputSize), x2 = TestData.Uniform(random, batch * shape.InputSize);
        double[] w = TestData.Uniform(random, shape.WeightSize).Select(v => 0.3 * v).ToArray();
        double[] b = TestData.Uniform(random, shape.OutputChannels).Select(v => (double)v).ToArray();
        double[] x1D = x1.Select(v => (double)v).ToArray(), x2D = x2.Select(v => (double)v).ToArray();
        double Loss() =>
            Reference.Forward(x1D, w, b, batch, shape).Sum(z => 0.5 * z * z) + Reference.Forward(x2D, w, b, batch, shape).Sum(Math.Sin);
        float[] delta1 = Reference.Forward(x1D, w, b, batch, shape).Select(z => (float)z).ToArray();
        float[] delta2 = Reference.Forward(x2D, w, b, batch, shape).Select(z => (float)Math.Cos(z)).ToArray();
        float[] weightGradient = new float[shape.WeightSize], biasGradient = new float[shape.OutputChannels];
        var scratch = new float[Convolution.ScratchSize(shape)];

        Convolution.ParameterGradients(delta1, x1, weightGradient, biasGradient, batch, shape, scratch);
        Convolution.ParameterGradients(delta2, x2, weightGradient, biasGradient, batch, shape, scratch);

        AssertClose(CentralDifferences(w, Loss), weightGradient, 1e-4);
        AssertClose(CentralDifferences(b, Loss), biasGradient, 1e-4);
    }

    /// <summary>The outer-product weight gradient (P = 30) and the dot-product one (P = 144), each on every kernel path.</summary>
    public static TheoryData<InstructionSet, int, string> TiedGradientShapes() =>
        KernelPaths.Cross(["3,2,5,6,3,3,2,1,1,same", "3,2,12,12,4,3,3,1,1,same"]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Input_delta_matches_a_double_loop_times_the_derivative(InstructionSet instructionSet, int threads, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvolutionShape shape) = Parse(shapeText);
        var random = new Rng(3);
        float[] delta = TestData.Uniform(random, batch * shape.OutputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] a = TestData.Uniform(random, batch * shape.InputSize).Select(value => 0.5f + 0.4f * value).ToArray(); // sigmoid outputs in (0, 1)
        float[] inputDelta = NaNs(batch * shape.InputSize), scratch = NaNs(Convolution.ScratchSize(shape));

        Convolution.InputDelta<Sigmoid>(delta, w, a, inputDelta, batch, shape, scratch);

        double[] expected = Reference.InputDelta(delta, w, batch, shape);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] * a[i] * (1.0 - a[i]), inputDelta[i], Tolerance);
        }
    }

    /// <summary>
    /// Stride 1 and 2 × valid and same, on shapes small enough to perturb every weight and input; P &lt; 32 in the first
    /// four (the outer-product weight gradient), P = 72 in the last (the dot-product one).
    /// </summary>
    public static TheoryData<InstructionSet, string> GradientCheckShapes()
    {
        var data = new TheoryData<InstructionSet, string>();
        foreach (InstructionSet instructionSet in KernelPaths.InstructionSets)
        {
            foreach (string shape in new[] { "2,2,5,6,3,3,2,1,1,valid", "2,2,5,6,3,3,2,1,1,same", "2,2,7,6,3,3,3,2,2,valid", "2,2,7,6,3,2,3,2,2,same", "2,2,9,8,3,3,3,1,1,same" })
            {
                data.Add(instructionSet, shape);
            }
        }
        return data;
    }

    /// <summary>
    /// L = Σ r ⊙ conv(tanh(u), W) + b for random r, evaluated in double: central differences in u, W and b (L is
    /// linear in W and b, and smooth in u, so h = 1e-3 leaves an error near 1e-7) against the kernels' δx at u
    /// (with tanh' folded in), dW and db, given δ = r.
    /// </summary>
    [Theory]
    [MemberData(nameof(GradientCheckShapes))]
    public void Gradients_match_finite_differences(InstructionSet instructionSet, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        (int batch, ConvolutionShape shape) = Parse(shapeText);
        var random = new Rng(4);
        float[] u = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels), r = TestData.Uniform(random, batch * shape.OutputSize);
        float[] a = u.Select(MathF.Tanh).ToArray();
        double[] uD = u.Select(value => (double)value).ToArray(), wD = w.Select(value => (double)value).ToArray(), bD = b.Select(value => (double)value).ToArray();
        double Loss() => Reference.Forward(uD.Select(Math.Tanh).ToArray(), wD, bD, batch, shape).Select((z, i) => r[i] * z).Sum();
        float[] weightGradient = new float[shape.WeightSize], biasGradient = new float[shape.OutputChannels], inputDelta = new float[u.Length];
        var scratch = new float[Convolution.ScratchSize(shape)];

        Convolution.ParameterGradients(r, a, weightGradient, biasGradient, batch, shape, scratch);
        Convolution.InputDelta<Tanh>(r, w, a, inputDelta, batch, shape, scratch);

        AssertClose(CentralDifferences(wD, Loss), weightGradient, 1e-4);
        AssertClose(CentralDifferences(bD, Loss), biasGradient, 1e-4);
        AssertClose(CentralDifferences(uD, Loss), inputDelta, 1e-4);
    }

    [Fact]
    public void The_pre_activation_is_kept_when_the_derivative_needs_it_and_read_back()
    {
        (int batch, ConvolutionShape shape) = Parse("2,3,7,5,4,3,2,1,1,same");
        var random = new Rng(5);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels);
        float[] output = new float[batch * shape.OutputSize], z = new float[batch * shape.OutputSize];
        var scratch = new float[Convolution.ScratchSize(shape)];

        Convolution.Forward<SiLU>(x, w, b, output, batch, shape, scratch, z);

        double[] expected = Reference.Forward(x, w, b, batch, shape);
        AssertClose(expected, z, Tolerance);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(SiLU.Forward(z[i]), output[i], 1e-5);
        }

        // The same z, as the layer below's, gives δx = (Wᵀ · δ) ⊙ SiLU'(z).
        var below = ConvolutionShape.Valid(shape.OutputChannels, shape.OutputHeight, shape.OutputWidth, 2, 2, 2);
        float[] delta = TestData.Uniform(random, batch * below.OutputSize), w2 = TestData.Uniform(random, below.WeightSize);
        var inputDelta = new float[batch * below.InputSize];
        Convolution.InputDelta<SiLU>(delta, w2, output, inputDelta, batch, below, new float[Convolution.ScratchSize(below)], z);
        double[] sum = Reference.InputDelta(delta, w2, batch, below);
        for (int i = 0; i < sum.Length; i++)
        {
            Assert.Equal(sum[i] * SiLU.Derivative(z[i], output[i]), inputDelta[i], Tolerance);
        }
    }

    [Fact]
    public void One_thread_and_two_give_identical_bits()
    {
        (int batch, ConvolutionShape shape) = Parse("5,6,12,12,20,5,5,1,1,valid");
        var random = new Rng(6);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels), delta = TestData.Uniform(random, batch * shape.OutputSize);

        (float[] Output, float[] Weights, float[] Bias, float[] Input) Run(int threads)
        {
            using IDisposable threading = KernelSelection.UseThreads(threads);
            var scratch = new float[Convolution.ScratchSize(shape)];
            float[] output = new float[batch * shape.OutputSize], dW = new float[shape.WeightSize], db = new float[shape.OutputChannels];
            var dx = new float[batch * shape.InputSize];
            Convolution.Forward<ReLU>(x, w, b, output, batch, shape, scratch);
            Convolution.ParameterGradients(delta, x, dW, db, batch, shape, scratch);
            Convolution.InputDelta<ReLU>(delta, w, x, dx, batch, shape, scratch);
            return (output, dW, db, dx);
        }

        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Output, two.Output);
        Assert.Equal(one.Weights, two.Weights);
        Assert.Equal(one.Bias, two.Bias);
        Assert.Equal(one.Input, two.Input);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void No_pass_allocates_after_warm_up(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, ConvolutionShape shape) = Parse("5,6,12,12,20,5,5,1,1,valid");
        var random = new Rng(7);
        float[] x = TestData.Uniform(random, batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
        float[] b = TestData.Uniform(random, shape.OutputChannels), delta = TestData.Uniform(random, batch * shape.OutputSize);
        float[] output = new float[batch * shape.OutputSize], dW = new float[shape.WeightSize], db = new float[shape.OutputChannels];
        float[] dx = new float[batch * shape.InputSize], scratch = new float[Convolution.ScratchSize(shape)];
        void Step()
        {
            Convolution.Forward<ReLU>(x, w, b, output, batch, shape, scratch);
            Convolution.ParameterGradients(delta, x, dW, db, batch, shape, scratch);
            Convolution.InputDelta<ReLU>(delta, w, x, dx, batch, shape, scratch);
        }
        Step();

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                Step();
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Same_padding_follows_tensorflow()
    {
        var five = ConvolutionShape.Same(1, 28, 28, 32, 5, 5);
        var strided = ConvolutionShape.Same(1, 28, 27, 8, 3, 3, strideY: 2, strideX: 2);

        // 5×5 stride 1: pad = 27 + 5 − 28 = 4, two each side. 3×3 stride 2: H_o = ⌈28 / 2⌉ = 14, pad = 13·2 + 3 − 28 = 1,
        // below only; W_o = ⌈27 / 2⌉ = 14, pad = 13·2 + 3 − 27 = 2, one each side.
        Assert.Equal((28, 28, 2, 2, 2, 2), (five.OutputHeight, five.OutputWidth, five.PadTop, five.PadBottom, five.PadLeft, five.PadRight));
        Assert.Equal((14, 14, 0, 1, 1, 1), (strided.OutputHeight, strided.OutputWidth, strided.PadTop, strided.PadBottom, strided.PadLeft, strided.PadRight));
    }

    [Fact]
    public void Valid_output_size_drops_windows_past_the_edge_and_a_kernel_larger_than_the_input_is_rejected()
    {
        var shape = ConvolutionShape.Valid(3, 12, 11, 4, 5, 3, strideY: 2, strideX: 3);

        var error = Assert.Throws<ArgumentException>(() => ConvolutionShape.Valid(32, 3, 3, 8, 5, 5, strideY: 2, strideX: 2));

        // (12 − 5) / 2 + 1 = 4 rows; (11 − 3) / 3 + 1 = 3 columns (column 9's window would need columns 9…11).
        Assert.Equal((4, 3), (shape.OutputHeight, shape.OutputWidth));
        Assert.Contains("(3 + 0 − 5) / 2 + 1 ≤ 0", error.Message);
    }

    [Fact]
    public void Kernels_name_the_argument_whose_length_is_wrong()
    {
        var shape = ConvolutionShape.Valid(2, 5, 5, 3, 3, 3);
        int scratchSize = Convolution.ScratchSize(shape);

        var weight = Assert.Throws<ArgumentException>(() =>
            Convolution.Forward<Identity>(new float[50], new float[53], new float[3], new float[27], 1, shape, new float[scratchSize]));
        var scratch = Assert.Throws<ArgumentException>(() =>
            Convolution.Forward<Identity>(new float[50], new float[54], new float[3], new float[27], 1, shape, new float[10]));

        Assert.Equal("weight", weight.ParamName);
        Assert.Contains("weight [C_out, C_in, kh, kw] needs 54 numbers but has 53", weight.Message);
        Assert.Equal("scratch", scratch.ParamName);
    }

    private static (int Batch, ConvolutionShape Shape) Parse(string text)
    {
        string[] parts = text.Split(',');
        int[] n = parts[..9].Select(part => int.Parse(part, CultureInfo.InvariantCulture)).ToArray();
        var shape = parts[9] == "same"
            ? ConvolutionShape.Same(n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8])
            : ConvolutionShape.Valid(n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
        return (n[0], shape);
    }

    /// <summary>NaN-filled, so any element a kernel fails to write fails the comparison.</summary>
    private static float[] NaNs(int count) => Enumerable.Repeat(float.NaN, count).ToArray();

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], tolerance);
        }
    }

    /// <summary>(L(v + h eᵢ) − L(v − h eᵢ)) / 2h for every element i of <paramref name="values"/>, which L reads.</summary>
    private static double[] CentralDifferences(double[] values, Func<double> loss)
    {
        const double h = 1e-3;
        var gradient = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double kept = values[i];
            values[i] = kept + h;
            double above = loss();
            values[i] = kept - h;
            double below = loss();
            values[i] = kept;
            gradient[i] = (above - below) / (2 * h);
        }
        return gradient;
    }

    /// <summary>The definitions, as loops in double over every index (C = C_in, O = C_out).</summary>
    private static class Reference
    {
        /// <summary>z[b, o, y, x] = bias[o] + Σ_{i, v, u} W[o, i, v, u] · x[b, i, y·sy + v − pad_top, x·sx + u − pad_left], 0 outside.</summary>
        public static double[] Forward(IReadOnlyList<float> x, IReadOnlyList<float> w, IReadOnlyList<float> bias, int batch, ConvolutionShape s) =>
            Forward(x.Select(value => (double)value).ToArray(), w.Select(value => (double)value).ToArray(), bias.Select(value => (double)value).ToArray(), batch, s);

        public static double[] Forward(double[] x, double[] w, double[] bias, int batch, ConvolutionShape s)
        {
            var z = new double[batch * s.OutputSize];
            foreach ((int b, int o, int y, int xo, int at) in Outputs(batch, s))
            {
                double sum = bias[o];
                foreach ((int weight, int input) in Taps(b, o, y, xo, s))
                {
                    sum += w[weight] * x[input];
                }
                z[at] = sum;
            }
            return z;
        }

        /// <summary>dW[o, i, v, u] = Σ_{b, y, x} δ[b, o, y, x] · x[b, i, y·sy + v − pad_top, x·sx + u − pad_left]; db[o] = Σ_{b, y, x} δ[b, o, y, x].</summary>
        public static (double[] Weights, double[] Bias) ParameterGradients(float[] delta, float[] x, int batch, ConvolutionShape s)
        {
            double[] dW = new double[s.WeightSize], db = new double[s.OutputChannels];
            foreach ((int b, int o, int y, int xo, int at) in Outputs(batch, s))
            {
                db[o] += delta[at];
                foreach ((int weight, int input) in Taps(b, o, y, xo, s))
                {
                    dW[weight] += (double)delta[at] * x[input];
                }
            }
            return (dW, db);
        }

        /// <summary>dx[b, i, r, c] = Σ over every (o, v, u, y, x) whose tap reads x[b, i, r, c] of W[o, i, v, u] · δ[b, o, y, x].</summary>
        public static double[] InputDelta(float[] delta, float[] w, int batch, ConvolutionShape s)
        {
            var dx = new double[batch * s.InputSize];
            foreach ((int b, int o, int y, int xo, int at) in Outputs(batch, s))
            {
                foreach ((int weight, int input) in Taps(b, o, y, xo, s))
                {
                    dx[input] += (double)w[weight] * delta[at];
                }
            }
            return dx;
        }

        private static IEnumerable<(int B, int O, int Y, int X, int At)> Outputs(int batch, ConvolutionShape s)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int o = 0; o < s.OutputChannels; o++)
                {
                    for (int y = 0; y < s.OutputHeight; y++)
                    {
                        for (int x = 0; x < s.OutputWidth; x++)
                        {
                            yield return (b, o, y, x, ((b * s.OutputChannels + o) * s.OutputHeight + y) * s.OutputWidth + x);
                        }
                    }
                }
            }
        }

        /// <summary>The (weight, input) index pairs output (b, o, y, x) sums over, skipping taps on the zero padding.</summary>
        private static IEnumerable<(int Weight, int Input)> Taps(int b, int o, int y, int x, ConvolutionShape s)
        {
            for (int i = 0; i < s.InputChannels; i++)
            {
                for (int v = 0; v < s.KernelHeight; v++)
                {
                    int row = y * s.StrideY + v - s.PadTop;
                    for (int u = 0; u < s.KernelWidth; u++)
                    {
                        int column = x * s.StrideX + u - s.PadLeft;
                        if (row >= 0 && row < s.InputHeight && column >= 0 && column < s.InputWidth)
                        {
                            yield return (((o * s.InputChannels + i) * s.KernelHeight + v) * s.KernelWidth + u,
                                ((b * s.InputChannels + i) * s.InputHeight + row) * s.InputWidth + column);
                        }
                    }
                }
            }
        }
    }
}
