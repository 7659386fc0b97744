using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>Nearest-neighbour upsampling against a loop over its definition, by hand, with the layer below's f', and without allocating.</summary>
public sealed class UpsamplingKernelTests
{
    /// <summary>B, C, H, W, s.</summary>
    private static readonly string[] Cases = ["1,1,2,2,2", "2,3,4,5,2", "3,2,3,7,3", "2,4,5,3,1", "1,2,1,1,4"];

    public static TheoryData<InstructionSet, int, string> Shapes() => KernelPaths.Cross(Cases);

    [Fact]
    public void Each_input_fills_its_block_and_backward_sums_the_block()
    {
        float[] x = [1, 2, 3, 4];
        var y = new float[16];
        float[] delta = Enumerable.Range(1, 16).Select(value => (float)value).ToArray();
        var inputDelta = new float[4];

        Upsampling.Forward(x, y, 1, 1, 2, 2, 2);
        Upsampling.Backward<Identity>(delta, x, inputDelta, 1, 1, 2, 2, 2);

        Assert.Equal(
        [
            1, 1, 2, 2,
            1, 1, 2, 2,
            3, 3, 4, 4,
            3, 3, 4, 4,
        ], y);
        //  1  2 |  3  4
        //  5  6 |  7  8
        //  -----+------
        //  9 10 | 11 12
        // 13 14 | 15 16
        Assert.Equal([1f + 2 + 5 + 6, 3f + 4 + 7 + 8, 9f + 10 + 13 + 14, 11f + 12 + 15 + 16], inputDelta);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_and_backward_match_their_definitions(InstructionSet instructionSet, int threads, string text)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        int[] n = text.Split(',').Select(int.Parse).ToArray();
        (int batch, int channels, int height, int width, int scale) = (n[0], n[1], n[2], n[3], n[4]);
        int outputHeight = height * scale, outputWidth = width * scale;
        var random = new Rng(3);
        float[] x = TestData.Uniform(random, batch * channels * height * width);
        float[] delta = TestData.Uniform(random, batch * channels * outputHeight * outputWidth);
        float[] y = Enumerable.Repeat(float.NaN, delta.Length).ToArray(), inputDelta = Enumerable.Repeat(float.NaN, x.Length).ToArray();

        Upsampling.Forward(x, y, batch, channels, height, width, scale);
        Upsampling.Backward<Identity>(delta, x, inputDelta, batch, channels, height, width, scale);

        var expectedDelta = new double[x.Length];
        for (int plane = 0; plane < batch * channels; plane++)
        {
            for (int i = 0; i < outputHeight; i++)
            {
                for (int j = 0; j < outputWidth; j++)
                {
                    int source = (plane * height + i / scale) * width + j / scale, at = (plane * outputHeight + i) * outputWidth + j;
                    Assert.Equal(x[source], y[at]);
                    expectedDelta[source] += delta[at];
                }
            }
        }
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(expectedDelta[i], inputDelta[i], 1e-5);
        }
    }

    [Fact]
    public void Backward_folds_the_derivative_of_the_layer_below()
    {
        // The layer below's SiLU, whose f' needs z: δx = (Σ over the block of δy) ⊙ SiLU'(z).
        var random = new Rng(4);
        float[] z = TestData.Uniform(random, 2 * 3 * 4 * 4);
        float[] a = z.Select(value => SiLU.Forward(value)).ToArray();
        float[] delta = TestData.Uniform(random, 2 * 3 * 8 * 8);
        float[] plain = new float[z.Length], folded = new float[z.Length];

        Upsampling.Backward<Identity>(delta, a, plain, 2, 3, 4, 4, 2);
        Upsampling.Backward<SiLU>(delta, a, folded, 2, 3, 4, 4, 2, z);

        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(plain[i] * SiLU.Derivative(z[i], a[i]), folded[i], 1e-6);
        }
    }

    [Fact]
    public void Short_buffers_are_refused_with_their_shape()
    {
        var exception = Assert.Throws<ArgumentException>(() => Upsampling.Forward(new float[16], new float[63], 1, 1, 4, 4, 2));

        Assert.Contains("output [B, C, H·s, W·s] needs 64 numbers but has 63", exception.Message);
    }

    [Theory]
    [MemberData(nameof(KernelPaths.EachInstructionSet), MemberType = typeof(KernelPaths))]
    public void No_pass_allocates_after_warm_up(InstructionSet instructionSet)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        var random = new Rng(5);
        float[] x = TestData.Uniform(random, 4 * 8 * 7 * 7), y = new float[4 * 8 * 14 * 14];
        float[] delta = TestData.Uniform(random, y.Length), inputDelta = new float[x.Length];
        void Step()
        {
            Upsampling.Forward(x, y, 4, 8, 7, 7, 2);
            Upsampling.Backward<Tanh>(delta, x, inputDelta, 4, 8, 7, 7, 2);
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
}
