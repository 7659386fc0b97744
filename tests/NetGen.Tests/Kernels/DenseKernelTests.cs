using System.Runtime.Intrinsics;
using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>The blocked kernels against plain triple loops in double, over sizes that hit every tile and tail.</summary>
public sealed class DenseKernelTests
{
    /// <summary>Float sums of up to 784 products of numbers in [−1, 1] round to within about 2e-5; a wrong index is off by ~0.1.</summary>
    private const double Tolerance = 2e-4;

    /// <summary>
    /// Batch × inputs × outputs that hit every tile and tail. Rows 1, 2, 3 (one-row tiles), 4, 5, 6, 8, 13
    /// (dot-product tiles, the last one overlapping) and 64, 67, 70, 100 (packed panels, the last tile of
    /// 10 or 6 rows overlapping); depths below a register, at one, past one by 1 and by 13, and past the
    /// transposed blocks; columns below 4, between 4 and 8, at and just past a panel, large enough to be
    /// split over two threads; and one sample against 784 inputs, large enough to be split too (with 330 outputs, 1 MB of
    /// weights, each next tile's rows prefetched; a prefetch past W's end is a hint and cannot fault). Weight
    /// gradients (outputs as rows) take the packed tiles from 100 outputs with AVX-512 ([20, 50, 100] just at
    /// it, with a last panel that overlaps) and from 6 with 16 registers, unless the inputs are narrower than
    /// a panel (200 outputs of 20 inputs). Input deltas take them with
    /// AVX-512 for [100, 200, 150] and [97, 40, 70] (a last tile of rows and a last panel that overlap their neighbours),
    /// not for [67, 45, 70], whose last tile would recompute 3 of 67 rows. On two threads, products less than two
    /// panels wide and of at least the parallel minimum's work are shared by rows: forward [200, 70, 20] with 16-column
    /// panels, [200, 70, 40] and [64, 300, 33] with AVX-512's 32, and the weight gradient of [60, 24, 300] (24 inputs)
    /// with 16-column panels; so are the dot-product forwards of [400, 64, 10] and [130, 300, 12], narrower than a
    /// panel at 128 rows or more.
    /// </summary>
    private static readonly int[][] Shapes =
    [
        [1, 1, 1], [3, 5, 2], [4, 16, 2], [5, 17, 3], [8, 33, 7], [13, 40, 9], [2, 130, 70], [100, 64, 10], [6, 300, 133],
        [100, 200, 150], [67, 45, 70], [64, 300, 33], [70, 7, 40], [1, 784, 130], [1, 784, 330], [3, 70, 128], [7, 20, 200],
        [97, 40, 70], [20, 50, 100], [200, 70, 20], [200, 70, 40], [60, 24, 300], [400, 64, 10], [130, 300, 12],
        [100, 500, 10], [70, 784, 20], // shared by rows on the dot-product tiles from 64 rows (AVX-512)
    ];

    /// <summary>Every instruction set this machine runs × one and two threads × <see cref="Shapes"/>.</summary>
    public static TheoryData<InstructionSet, int, int, int, int> Sizes()
    {
        var data = new TheoryData<InstructionSet, int, int, int, int>();
        foreach (InstructionSet instructionSet in InstructionSets())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                foreach (int[] shape in Shapes)
                {
                    data.Add(instructionSet, threads, shape[0], shape[1], shape[2]);
                }
            }
        }
        return data;
    }

    public static TheoryData<InstructionSet> InstructionSetData() => KernelPaths.EachInstructionSet();

    private static IEnumerable<InstructionSet> InstructionSets() => KernelPaths.InstructionSets;

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_applies_weights_bias_and_activation(InstructionSet instructionSet, int threads, int batch, int inputs, int outputs)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        var random = new Rng(1);
        float[] x = TestData.Uniform(random, batch * inputs), w = TestData.Uniform(random, outputs * inputs), b = TestData.Uniform(random, outputs);
        var actual = new float[batch * outputs];

        Dense.Forward<Tanh>(x, w, b, actual, batch, inputs, outputs);

        for (int row = 0; row < batch; row++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double z = b[o];
                for (int i = 0; i < inputs; i++)
                {
                    z += (double)x[row * inputs + i] * w[o * inputs + i];
                }
                Assert.Equal(Math.Tanh(z), actual[row * outputs + o], Tolerance);
            }
        }
    }

    /// <summary>
    /// dW += δᵀ · x and db += Σ δ, from gradients that already hold something: every output is added to exactly once,
    /// including those the packed kernel's overlapping last tile of rows and last panel of columns compute twice.
    /// </summary>
    [Theory]
    [MemberData(nameof(Sizes))]
    public void Parameter_gradients_add_delta_transposed_times_input(InstructionSet instructionSet, int threads, int batch, int inputs, int outputs)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        var random = new Rng(2);
        float[] delta = TestData.Uniform(random, batch * outputs), x = TestData.Uniform(random, batch * inputs);
        float[] dWBefore = TestData.Uniform(random, outputs * inputs), dbBefore = TestData.Uniform(random, outputs);
        float[] dW = (float[])dWBefore.Clone(), db = (float[])dbBefore.Clone();

        Dense.ParameterGradients(delta, x, dW, db, batch, inputs, outputs);

        for (int o = 0; o < outputs; o++)
        {
            Assert.Equal(dbBefore[o] + Enumerable.Range(0, batch).Sum(row => (double)delta[row * outputs + o]), db[o], Tolerance);
            for (int i = 0; i < inputs; i++)
            {
                double expected = Enumerable.Range(0, batch).Sum(row => (double)delta[row * outputs + o] * x[row * inputs + i]);
                Assert.Equal(dWBefore[o * inputs + i] + expected, dW[o * inputs + i], Tolerance);
            }
        }
    }

    /// <summary>
    /// Batch × inputs × outputs for <see cref="A_weight_used_twice_gets_the_sum_of_both_uses"/>: the outer-product tiles
    /// ([5, 17, 3]); the packed ones with a last tile of rows and a last panel that overlap their neighbours ([12, 40, 103]
    /// with AVX-512, [12, 20, 9] with 16 registers); and a product shared between two threads by rows ([60, 24, 300]).
    /// </summary>
    public static TheoryData<InstructionSet, int, int, int, int> TiedSizes()
    {
        var data = new TheoryData<InstructionSet, int, int, int, int>();
        foreach (InstructionSet instructionSet in InstructionSets())
        {
            foreach (int threads in new[] { 1, 2 })
            {
                foreach (int[] shape in new[] { new[] { 5, 17, 3 }, [12, 40, 103], [12, 20, 9], [60, 24, 300] })
                {
                    data.Add(instructionSet, threads, shape[0], shape[1], shape[2]);
                }
            }
        }
        return data;
    }

    /// <summary>
    /// A weight and bias used twice, as a tied or recurrent one is: L = ½ Σ (x₁ Wᵀ + b)² + Σ sin(x₂ Wᵀ + b), in double.
    /// Two calls into the same slices, with δ₁ = x₁ Wᵀ + b and δ₂ = cos(x₂ Wᵀ + b), must give dL/dW and dL/db, against
    /// central differences (h = 1e-4: the first term is quadratic, the second's error is about h², far below float's).
    /// </summary>
    [Theory]
    [MemberData(nameof(TiedSizes))]
    public void A_weight_used_twice_gets_the_sum_of_both_uses(InstructionSet instructionSet, int threads, int batch, int inputs, int outputs)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        var random = new Rng(8);
        float[] x1 = TestData.Uniform(random, batch * inputs), x2 = TestData.Uniform(random, batch * inputs);
        double[] w = TestData.Uniform(random, outputs * inputs).Select(v => 0.3 * v).ToArray();
        double[] b = TestData.Uniform(random, outputs).Select(v => (double)v).ToArray();
        // Only output o's column of either product depends on row o of W and on b[o], so the differences need only it.
        double Z(float[] x, int row, int o) => b[o] + Enumerable.Range(0, inputs).Sum(i => x[row * inputs + i] * w[o * inputs + i]);
        double ColumnLoss(int o) => Enumerable.Range(0, batch).Sum(row => 0.5 * Z(x1, row, o) * Z(x1, row, o) + Math.Sin(Z(x2, row, o)));
        double CentralDifference(double[] tensor, int at, int o)
        {
            const double H = 1e-4;
            double original = tensor[at];
            tensor[at] = original + H;
            double plus = ColumnLoss(o);
            tensor[at] = original - H;
            double minus = ColumnLoss(o);
            tensor[at] = original;
            return (plus - minus) / (2 * H);
        }
        float[] delta1 = new float[batch * outputs], delta2 = new float[batch * outputs];
        for (int row = 0; row < batch; row++)
        {
            for (int o = 0; o < outputs; o++)
            {
                delta1[row * outputs + o] = (float)Z(x1, row, o);
                delta2[row * outputs + o] = (float)Math.Cos(Z(x2, row, o));
            }
        }
        float[] dW = new float[outputs * inputs], db = new float[outputs];

        Dense.ParameterGradients(delta1, x1, dW, db, batch, inputs, outputs);
        Dense.ParameterGradients(delta2, x2, dW, db, batch, inputs, outputs);

        for (int o = 0; o < outputs; o++)
        {
            double expectedBias = CentralDifference(b, o, o);
            Assert.True(Math.Abs(expectedBias - db[o]) <= 1e-4 * Math.Max(1, Math.Abs(expectedBias)), $"db[{o}]: {db[o]}, differences give {expectedBias}");
            for (int i = 0; i < inputs; i++)
            {
                double expected = CentralDifference(w, o * inputs + i, o);
                Assert.True(
                    Math.Abs(expected - dW[o * inputs + i]) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                    $"dW[{o}, {i}]: {dW[o * inputs + i]}, differences give {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Input_delta_is_delta_times_weights_times_the_derivative(InstructionSet instructionSet, int threads, int batch, int inputs, int outputs)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        var random = new Rng(3);
        float[] delta = TestData.Uniform(random, batch * outputs), w = TestData.Uniform(random, outputs * inputs);
        float[] a = TestData.Uniform(random, batch * inputs).Select(value => 0.5f + 0.4f * value).ToArray(); // sigmoid outputs in (0, 1)
        var actual = new float[batch * inputs];

        Dense.InputDelta<Sigmoid>(delta, w, a, actual, batch, inputs, outputs);

        for (int row = 0; row < batch; row++)
        {
            for (int i = 0; i < inputs; i++)
            {
                double sum = Enumerable.Range(0, outputs).Sum(o => (double)delta[row * outputs + o] * w[o * inputs + i]);
                double derivative = a[row * inputs + i] * (1.0 - a[row * inputs + i]);
                Assert.Equal(sum * derivative, actual[row * inputs + i], Tolerance);
            }
        }
    }

    /// <summary>
    /// The seed promise: a thread computes whole outputs in a fixed order, so splitting a product
    /// over two threads (in chunks that depend on the thread count) changes no bit of any result.
    /// Each activation's vector and scalar forms may round differently (tanh's scalar form is the
    /// library's, its vector form a formula), so this also holds only if every column is finished by
    /// the same form whatever the split: sigmoid, tanh and GELU (which keeps z) check that.
    /// </summary>
    [Theory]
    [MemberData(nameof(InstructionSetData))]
    public void Every_product_is_bit_identical_on_one_and_two_threads(InstructionSet instructionSet)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        foreach (int[] shape in Shapes)
        {
            AssertBitIdenticalOnOneAndTwoThreads<Sigmoid>(shape);
            AssertBitIdenticalOnOneAndTwoThreads<Tanh>(shape);
            AssertBitIdenticalOnOneAndTwoThreads<GELU>(shape);
        }
    }

    private static void AssertBitIdenticalOnOneAndTwoThreads<TActivation>(int[] shape)
        where TActivation : IActivation
    {
        int batch = shape[0], inputs = shape[1], outputs = shape[2];
        var random = new Rng(4);
        float[] x = TestData.Uniform(random, batch * inputs), w = TestData.Uniform(random, outputs * inputs);
        float[] b = TestData.Uniform(random, outputs), delta = TestData.Uniform(random, batch * outputs);
        float[][] Products(int threads)
        {
            using IDisposable threading = KernelSelection.UseThreads(threads);
            float[] a = new float[batch * outputs], z = new float[batch * outputs];
            float[] dW = new float[outputs * inputs], db = new float[outputs], dx = new float[batch * inputs];
            Dense.Forward<TActivation>(x, w, b, a, batch, inputs, outputs, TActivation.DerivativeNeedsInput ? z : default);
            Dense.ParameterGradients(delta, x, dW, db, batch, inputs, outputs);
            Dense.InputDelta<TActivation>(delta, w, x, dx, batch, inputs, outputs, TActivation.DerivativeNeedsInput ? x : default);
            return [a, dW, db, dx];
        }

        float[][] one = Products(1), two = Products(2);

        for (int product = 0; product < one.Length; product++)
        {
            Assert.True(one[product].AsSpan().SequenceEqual(two[product]),
                $"{typeof(TActivation).Name}, {batch} × {inputs} → {outputs}: product {product} differs between one and two threads");
        }
    }

    /// <summary>
    /// A layer between one and two panels wide (four columns past one panel, so the second overlaps the first) is
    /// shared between threads by rows: each thread's rows get bias, activation, the kept pre-activation and
    /// dropout's mask by their own index, and two threads give the bits of one.
    /// </summary>
    [Theory]
    [MemberData(nameof(InstructionSetData))]
    public void A_layer_too_narrow_to_share_by_columns_is_shared_by_rows_with_its_whole_epilogue(InstructionSet instructionSet)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        const int Batch = 200, Inputs = 70;
        int outputs = PackedProductKernel.PanelColumns(instructionSet) + 4;
        Assert.True(PackedProductKernel.SplitsByRows(instructionSet, new ProductArguments { Columns = outputs }));
        var dropout = new DropoutParameters(0.3f, Key: 77);
        var random = new Rng(6);
        float[] x = TestData.Uniform(random, Batch * Inputs), w = TestData.Uniform(random, outputs * Inputs), b = TestData.Uniform(random, outputs);
        (float[] A, float[] Z) Run(int threads)
        {
            using IDisposable threading = KernelSelection.UseThreads(threads);
            float[] a = new float[Batch * outputs], z = new float[Batch * outputs];
            Dense.ForwardDropout<GELU>(x, w, b, a, Batch, Inputs, outputs, training: true, dropout, z);
            return (a, z);
        }

        (float[] one, float[] oneZ) = Run(1);
        (float[] two, float[] twoZ) = Run(2);

        Assert.Equal(one, two);
        Assert.Equal(oneZ, twoZ);
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int row = 0; row < Batch; row++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double z = b[o];
                for (int i = 0; i < Inputs; i++)
                {
                    z += (double)x[row * Inputs + i] * w[o * Inputs + i];
                }
                int at = row * outputs + o;
                Assert.Equal(z, twoZ[at], Tolerance);
                Assert.Equal(GELU.Forward((float)z) * DropoutMask.Scale(mask, (uint)at), two[at], Tolerance);
            }
        }
    }

    [Fact]
    public void Kernels_name_the_argument_whose_length_is_wrong()
    {
        var error = Assert.Throws<ArgumentException>(() => Dense.Forward<Identity>(new float[6], new float[3], new float[2], new float[6], 3, 2, 2));

        Assert.Equal("weight", error.ParamName);
        Assert.Contains("weight [O, I] needs 4 numbers but has 3", error.Message);
    }

    [Theory]
    [InlineData(-30f)]
    [InlineData(-2f)]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(30f)]
    public void Vector_and_scalar_activations_agree_on_every_instruction_set(float z)
    {
        Assert.Equal(MathF.Tanh(z), Tanh.Forward(z));
        Assert.Equal(1.0 / (1.0 + Math.Exp(-z)), Sigmoid.Forward(z), 6);
        AssertAgree<PortableSimd, System.Numerics.Vector<float>>(z, v => v[0]);
        if (Avx2.IsSupported)
        {
            AssertAgree<Avx2, System.Runtime.Intrinsics.Vector256<float>>(z, v => v.ToScalar());
        }
        if (Avx512.IsSupported)
        {
            AssertAgree<Avx512, System.Runtime.Intrinsics.Vector512<float>>(z, v => v.ToScalar());
        }
    }

    private static void AssertAgree<TSimd, TVector>(float z, Func<TVector, float> first)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector vector = TSimd.Broadcast(z);
        Assert.Equal(Sigmoid.Forward(z), first(Sigmoid.Forward<TSimd, TVector>(vector)), 6);
        Assert.Equal(Tanh.Forward(z), first(Tanh.Forward<TSimd, TVector>(vector)), 6);
        Assert.Equal(ReLU.Forward(z), first(ReLU.Forward<TSimd, TVector>(vector)));
        float a = Sigmoid.Forward(z);
        Assert.Equal(Sigmoid.Derivative(z, a), first(Sigmoid.Derivative<TSimd, TVector>(vector, TSimd.Broadcast(a))), 6);
        Assert.Equal(ReLU.Derivative(z, ReLU.Forward(z)), first(ReLU.Derivative<TSimd, TVector>(vector, ReLU.Forward<TSimd, TVector>(vector))));
    }

    /// <summary>
    /// Softmax takes its exponentials across rows as one flat array: 37 rows of 10 make 23 AVX-512 registers and a
    /// tail of 2, so rows straddle registers and the last ones end in the scalar tail. Every probability against
    /// double precision (within 1e-6 relatively; 1e-9 absolutely, for the smallest, whose shifted logits z − max
    /// already round by up to 4e-6 relatively in float), on every instruction set, with logits from −60 to 60 and one
    /// row all equal.
    /// </summary>
    [Theory]
    [MemberData(nameof(InstructionSetData))]
    public void Softmax_of_many_rows_matches_double_precision(InstructionSet instructionSet)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        const int Batch = 37, Width = 10;
        var random = new Rng(8);
        float[] logits = TestData.Uniform(random, Batch * Width).Select(u => 60f * u).ToArray();
        Array.Fill(logits, 3f, 5 * Width, Width);
        (logits[^2], logits[^1]) = (61f, 60.5f); // the tail's two classes carry most of their row
        float[] probabilities = (float[])logits.Clone();

        Softmax.Rows(probabilities, Batch, Width);

        for (int row = 0; row < Batch; row++)
        {
            double max = Enumerable.Range(0, Width).Max(k => (double)logits[row * Width + k]);
            double sum = Enumerable.Range(0, Width).Sum(k => Math.Exp(logits[row * Width + k] - max));
            for (int k = 0; k < Width; k++)
            {
                double expected = Math.Exp(logits[row * Width + k] - max) / sum;
                float actual = probabilities[row * Width + k];
                Assert.True(Math.Abs(actual - expected) <= 1e-6 * expected + 1e-9, $"{instructionSet} row {row} class {k}: {actual:R}, expected {expected:R}");
            }
        }
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_survive_large_logits()
    {
        float[] logits = [1000f, 1001f, 999f, -5f, 0f, 5f];

        Softmax.Rows(logits, batch: 2, width: 3);

        Assert.Equal(1f, logits[0] + logits[1] + logits[2], 6);
        Assert.Equal(1f, logits[3] + logits[4] + logits[5], 6);
        Assert.Equal(Math.Exp(1) / (1 + Math.Exp(1) + Math.Exp(-1)), logits[1], 6);
        Assert.All(logits, p => Assert.True(float.IsFinite(p)));
    }
}
