using System.Globalization;
using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Max and average pooling against hand-computed cases and against their definitions, on data full of ties
/// (small integers), over shapes that reach the vector and scalar paths (rows wider and narrower than a register,
/// the end of the input), overlapping and rectangular windows, and both thread counts.
/// </summary>
public sealed class PoolingKernelTests
{
    /// <summary>B, C, H, W, kh, kw, stride y, stride x.</summary>
    private static readonly string[] Cases =
    [
        "2,3,4,4,2,2,2,2",
        "2,4,8,8,2,2,2,2",
        "3,2,24,24,2,2,2,2",
        "2,3,9,7,3,3,2,2",
        "2,2,7,9,2,3,1,2",
        "1,5,33,35,3,2,3,1",
        "2,3,5,5,5,5,1,1",
        "2,2,6,40,1,4,1,3",
        "64,8,12,12,2,2,2,2",
        "2,3,7,9,2,2,2,2",
        "1,2,6,70,2,2,2,2",
    ];

    public static TheoryData<InstructionSet, int, string> Shapes() => KernelPaths.Cross(Cases);

    // x [1, 1, 4, 4] for the hand-computed cases: four 2×2 windows, two of them with ties.
    private static readonly float[] Grid =
    [
        1, 3, 2, 0,
        4, 2, 1, 5,
        0, 1, 7, 7,
        2, 2, 3, 6,
    ];

    [Fact]
    public void Max_2x2_stride_2_by_hand_takes_the_first_of_equal_maxima()
    {
        var shape = new PoolingShape(1, 4, 4, 2);
        var output = new float[4];
        var indices = new int[4];

        Pooling.MaxForward(Grid, output, indices, 1, shape);

        // Windows 1 3 / 4 2 → 4 at (1,0) = 4;   2 0 / 1 5 → 5 at (1,3) = 7;
        //         0 1 / 2 2 → 2 at (3,0) = 12, not (3,1);   7 7 / 3 6 → 7 at (2,2) = 10, not (2,3).
        Assert.Equal([4f, 5f, 2f, 7f], output);
        Assert.Equal([4, 7, 12, 10], indices);
    }

    [Fact]
    public void Average_2x2_stride_2_by_hand()
    {
        var output = new float[4];

        Pooling.AverageForward(Grid, output, 1, new PoolingShape(1, 4, 4, 2));

        // (1 + 3 + 4 + 2) / 4 = 2.5   (2 + 0 + 1 + 5) / 4 = 2   (0 + 1 + 2 + 2) / 4 = 1.25   (7 + 7 + 3 + 6) / 4 = 5.75
        Assert.Equal([2.5f, 2f, 1.25f, 5.75f], output);
    }

    [Fact]
    public void Backward_by_hand_routes_max_gradients_to_the_argmax_and_spreads_average_ones()
    {
        var shape = new PoolingShape(1, 4, 4, 2);
        float[] delta = [1, 2, 3, 4];
        int[] indices = [4, 7, 12, 10]; // from the max-pooling case above
        float[] max = new float[16], average = new float[16];

        Pooling.MaxBackward<Identity>(delta, indices, Grid, max, 1, shape);
        Pooling.AverageBackward<Identity>(delta, Grid, average, 1, shape);

        Assert.Equal(
        [
            0, 0, 0, 0,
            1, 0, 0, 2,
            0, 0, 4, 0,
            3, 0, 0, 0,
        ], max);
        Assert.Equal(
        [
            0.25f, 0.25f, 0.5f, 0.5f,
            0.25f, 0.25f, 0.5f, 0.5f,
            0.75f, 0.75f, 1f, 1f,
            0.75f, 0.75f, 1f, 1f,
        ], average);
    }

    [Fact]
    public void Overlapping_windows_add_their_gradients()
    {
        // 2×2 windows, stride 1, on 3×3: the centre (9) is the maximum of all four windows and under all four.
        var shape = new PoolingShape(1, 3, 3, 2, 2, 1, 1);
        float[] x = [1, 2, 3, 4, 9, 5, 6, 7, 8];
        float[] output = new float[4], delta = [1, 2, 3, 4], max = new float[9], average = new float[9];
        var indices = new int[4];

        Pooling.MaxForward(x, output, indices, 1, shape);
        Pooling.MaxBackward<Identity>(delta, indices, x, max, 1, shape);
        Pooling.AverageBackward<Identity>(delta, x, average, 1, shape);

        Assert.Equal([9f, 9f, 9f, 9f], output);
        Assert.Equal([4, 4, 4, 4], indices);
        Assert.Equal([0f, 0f, 0f, 0f, 10f, 0f, 0f, 0f, 0f], max);
        // Corners are under one window each, edges under two, the centre under all four: Σ δ / 4 over the windows covering each.
        Assert.Equal([0.25f, 0.75f, 0.5f, 1f, 2.5f, 1.5f, 0.75f, 1.75f, 1f], average);
    }

    [Theory]
    [InlineData(InstructionSet.Portable)]
    [InlineData(InstructionSet.Avx2)]
    [InlineData(InstructionSet.Avx512)]
    public void A_NaN_wins_its_window_as_in_pytorch(InstructionSet instructionSet)
    {
        if (instructionSet > KernelSelection.Best)
        {
            return;
        }
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        // A 4 × 40 plane of ones, wide enough for the vector path: windows 0 (columns 0-1) and 3 (columns 6-7) of the
        // first row hold a NaN, window 3 also an 8 after it.
        var shape = new PoolingShape(1, 4, 40, 2);
        float[] x = Enumerable.Repeat(1f, 160).ToArray();
        x[1] = float.NaN;
        x[40 + 6] = float.NaN;
        x[40 + 7] = 8f;
        var output = new float[40];
        var indices = new int[40];

        Pooling.MaxForward(x, output, indices, 1, shape);

        Assert.True(float.IsNaN(output[0]) && float.IsNaN(output[3]));
        Assert.Equal((1, 46), (indices[0], indices[3]));
        Assert.Equal(1f, output[1]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Max_pooling_matches_its_definition(InstructionSet instructionSet, int threads, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, PoolingShape shape) = Parse(shapeText);
        float[] x = Ties(new Rng(1), batch * shape.InputSize);
        float[] delta = TestData.Uniform(new Rng(2), batch * shape.OutputSize);
        float[] output = NaNs(batch * shape.OutputSize), inputDelta = NaNs(batch * shape.InputSize);
        int[] indices = Enumerable.Repeat(-1, batch * shape.OutputSize).ToArray();

        Pooling.MaxForward(x, output, indices, batch, shape);
        Pooling.MaxBackward<Identity>(delta, indices, x, inputDelta, batch, shape);

        var expectedDelta = new double[inputDelta.Length];
        foreach ((int plane, int at, int[] window) in Windows(batch, shape))
        {
            // The first input of the window, in row-major order, that no later one exceeds.
            int first = window.Aggregate((best, i) => x[plane + i] > x[plane + best] ? i : best);
            Assert.Equal(x[plane + first], output[at]);
            Assert.Equal(first, indices[at]);
            expectedDelta[plane + first] += delta[at];
        }
        AssertClose(expectedDelta, inputDelta, 1e-6);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Average_pooling_matches_its_definition(InstructionSet instructionSet, int threads, string shapeText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, PoolingShape shape) = Parse(shapeText);
        float[] x = TestData.Uniform(new Rng(3), batch * shape.InputSize), delta = TestData.Uniform(new Rng(4), batch * shape.OutputSize);
        float[] output = NaNs(batch * shape.OutputSize), inputDelta = NaNs(batch * shape.InputSize);

        Pooling.AverageForward(x, output, batch, shape);
        Pooling.AverageBackward<Identity>(delta, x, inputDelta, batch, shape);

        var expectedDelta = new double[inputDelta.Length];
        int size = shape.WindowHeight * shape.WindowWidth;
        foreach ((int plane, int at, int[] window) in Windows(batch, shape))
        {
            Assert.Equal(window.Average(i => (double)x[plane + i]), output[at], 1e-6);
            foreach (int i in window)
            {
                expectedDelta[plane + i] += delta[at] / (double)size;
            }
        }
        AssertClose(expectedDelta, inputDelta, 1e-6);
    }

    [Theory]
    [InlineData(InstructionSet.Portable)]
    [InlineData(InstructionSet.Avx2)]
    [InlineData(InstructionSet.Avx512)]
    public void Backward_folds_in_the_derivative_of_the_layer_below(InstructionSet instructionSet)
    {
        if (instructionSet > KernelSelection.Best)
        {
            return;
        }
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        (int batch, PoolingShape shape) = Parse("2,3,9,7,3,3,2,2");
        var random = new Rng(5);
        float[] z = TestData.Uniform(random, batch * shape.InputSize), delta = TestData.Uniform(random, batch * shape.OutputSize);
        float[] a = z.Select(SiLU.Forward).ToArray(), relu = z.Select(ReLU.Forward).ToArray();
        float[] output = new float[batch * shape.OutputSize], plain = new float[z.Length], folded = new float[z.Length];
        var indices = new int[output.Length];

        // ReLU reads its derivative from a; SiLU needs z.
        Pooling.MaxForward(relu, output, indices, batch, shape);
        Pooling.MaxBackward<Identity>(delta, indices, relu, plain, batch, shape);
        Pooling.MaxBackward<ReLU>(delta, indices, relu, folded, batch, shape);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(plain[i] * ReLU.Derivative(z[i], relu[i]), folded[i]);
        }

        Pooling.AverageBackward<Identity>(delta, a, plain, batch, shape);
        Pooling.AverageBackward<SiLU>(delta, a, folded, batch, shape, z);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(plain[i] * SiLU.Derivative(z[i], a[i]), folded[i], 1e-5);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void No_pass_allocates_after_warm_up(int threads)
    {
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, PoolingShape shape) = Parse("64,8,12,12,2,2,2,2");
        float[] x = TestData.Uniform(new Rng(6), batch * shape.InputSize), delta = TestData.Uniform(new Rng(7), batch * shape.OutputSize);
        float[] output = new float[batch * shape.OutputSize], inputDelta = new float[x.Length];
        var indices = new int[output.Length];
        void Step()
        {
            Pooling.MaxForward(x, output, indices, batch, shape);
            Pooling.MaxBackward<ReLU>(delta, indices, x, inputDelta, batch, shape);
            Pooling.AverageForward(x, output, batch, shape);
            Pooling.AverageBackward<ReLU>(delta, x, inputDelta, batch, shape);
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
    public void The_output_size_rounds_down_and_a_window_larger_than_the_input_is_rejected()
    {
        var shape = new PoolingShape(4, 9, 7, 3, 2, 2, 2);

        var error = Assert.Throws<ArgumentException>(() => new PoolingShape(8, 3, 3, 4));

        // (9 − 3) / 2 + 1 = 4 rows; (7 − 2) / 2 + 1 = 3 columns, the last input column under no window.
        Assert.Equal((4, 3), (shape.OutputHeight, shape.OutputWidth));
        Assert.Equal((2, 2), (new PoolingShape(1, 5, 5, 2).OutputHeight, new PoolingShape(1, 5, 5, 2).OutputWidth));
        Assert.Contains("A 4×4 window does not fit in a 3×3 input", error.Message);
    }

    [Fact]
    public void Kernels_name_the_argument_whose_length_is_wrong()
    {
        var shape = new PoolingShape(2, 4, 4, 2);

        var error = Assert.Throws<ArgumentException>(() => Pooling.MaxForward(new float[32], new float[8], new int[7], 1, shape));

        Assert.Equal("indices", error.ParamName);
        Assert.Contains("indices [B, C, H_o, W_o] needs 8 numbers but has 7", error.Message);
    }

    private static (int Batch, PoolingShape Shape) Parse(string text)
    {
        int[] n = text.Split(',').Select(part => int.Parse(part, CultureInfo.InvariantCulture)).ToArray();
        return (n[0], new PoolingShape(n[1], n[2], n[3], n[4], n[5], n[6], n[7]));
    }

    /// <summary>Integers 0 … 3: most windows hold several equal maxima, so the tie rule is tested everywhere.</summary>
    private static float[] Ties(Rng random, int count) => Enumerable.Range(0, count).Select(_ => (float)random.NextInt(4)).ToArray();

    private static float[] NaNs(int count) => Enumerable.Repeat(float.NaN, count).ToArray();

    private static void AssertClose(double[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], tolerance);
        }
    }

    /// <summary>
    /// Every window: the offset of its plane in the input, the output's index, and its inputs' positions in the plane
    /// (row·W + column) in row-major order.
    /// </summary>
    private static IEnumerable<(int Plane, int At, int[] Window)> Windows(int batch, PoolingShape s)
    {
        for (int plane = 0; plane < batch * s.Channels; plane++)
        {
            for (int oy = 0; oy < s.OutputHeight; oy++)
            {
                for (int ox = 0; ox < s.OutputWidth; ox++)
                {
                    int[] window =
                    [
                        .. from v in Enumerable.Range(0, s.WindowHeight)
                           from u in Enumerable.Range(0, s.WindowWidth)
                           select (oy * s.StrideY + v) * s.InputWidth + ox * s.StrideX + u,
                    ];
                    yield return (plane * s.InputHeight * s.InputWidth, (plane * s.OutputHeight + oy) * s.OutputWidth + ox, window);
                }
            }
        }
    }
}
