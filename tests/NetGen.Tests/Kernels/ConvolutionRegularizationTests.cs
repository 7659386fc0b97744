using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The per-channel passes after a convolution (<see cref="Convolution.ForwardEpilogue{TActivation}"/>,
/// <see cref="Convolution.BackwardEpilogue{TActivation}"/>) against the formulas in double: batch norm's statistics
/// over the batch and positions of each channel, the running averages PyTorch keeps, inference with them, and the
/// backward pass. Gradient checks of generated networks cover forward and backward agreeing; these cover the forward
/// computing the right thing in the first place.
/// </summary>
public sealed class ConvolutionRegularizationTests
{
    private const double Tolerance = 1e-5;

    // B, C, P: a batch and channels that split unevenly over two threads; P a register and a half, and P below a register.
    private static readonly string[] Cases = ["3,5,24", "2,3,7", "4,2,1"];

    public static TheoryData<InstructionSet, int, string> Shapes() => KernelPaths.Cross(Cases);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Training_normalises_each_channel_over_batch_and_positions_and_moves_the_running_statistics(
        InstructionSet instructionSet, int threads, string caseText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, int channels, int pixels) = Parse(caseText);
        var random = new Rng(3);
        float[] z = TestData.Uniform(random, batch * channels * pixels).Select(value => 3f * value + 1f).ToArray();
        float[] gamma = TestData.Uniform(random, channels), beta = TestData.Uniform(random, channels);
        float[] runningMean = TestData.Uniform(random, channels), runningVariance = TestData.Uniform(random, channels).Select(v => v + 2f).ToArray();
        float[] oldMean = (float[])runningMean.Clone(), oldVariance = (float[])runningVariance.Clone();
        float[] values = (float[])z.Clone(), output = new float[z.Length], batchMean = new float[channels], inverse = new float[channels];

        Convolution.ForwardEpilogue<Tanh>(values, output, batch, channels, pixels, training: true, new BatchNormBuffers
        {
            Gamma = gamma, Beta = beta, RunningMean = runningMean, RunningVariance = runningVariance,
            BatchMean = batchMean, InverseStandardDeviation = inverse, Momentum = 0.1f, Epsilon = 1e-5f,
        }, DropoutParameters.None);

        int count = batch * pixels;
        for (int c = 0; c < channels; c++)
        {
            double[] channel = Channel(z, batch, channels, pixels, c).ToArray();
            double mean = channel.Average(), variance = channel.Select(v => (v - mean) * (v - mean)).Sum() / count;
            double unbiased = count > 1 ? variance * count / (count - 1) : variance;
            Assert.Equal(mean, batchMean[c], Tolerance);
            Assert.Equal(1 / Math.Sqrt(variance + 1e-5), inverse[c], 1e-4 * inverse[c]);
            Assert.Equal(oldMean[c] + 0.1 * (mean - oldMean[c]), runningMean[c], Tolerance);
            Assert.Equal(oldVariance[c] + 0.1 * (unbiased - oldVariance[c]), runningVariance[c], 1e-4);
            foreach ((int at, double original) in Indices(batch, channels, pixels, c).Zip(channel))
            {
                double normalized = (original - mean) / Math.Sqrt(variance + 1e-5);
                Assert.Equal(normalized, values[at], 1e-4);                                   // ẑ kept for backward
                Assert.Equal(Math.Tanh(gamma[c] * normalized + beta[c]), output[at], 1e-4);   // a = tanh(γ ẑ + β)
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Inference_uses_the_running_statistics_and_drops_nothing(InstructionSet instructionSet, int threads, string caseText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, int channels, int pixels) = Parse(caseText);
        var random = new Rng(4);
        float[] z = TestData.Uniform(random, batch * channels * pixels);
        float[] gamma = TestData.Uniform(random, channels), beta = TestData.Uniform(random, channels);
        float[] runningMean = TestData.Uniform(random, channels), runningVariance = TestData.Uniform(random, channels).Select(v => v + 2f).ToArray();
        float[] savedMean = (float[])runningMean.Clone(), savedVariance = (float[])runningVariance.Clone();
        float[] values = (float[])z.Clone(), output = new float[z.Length];

        Convolution.ForwardEpilogue<ReLU>(values, output, batch, channels, pixels, training: false, new BatchNormBuffers
        {
            Gamma = gamma, Beta = beta, RunningMean = runningMean, RunningVariance = runningVariance,
            BatchMean = new float[channels], InverseStandardDeviation = new float[channels], Momentum = 0.1f, Epsilon = 1e-5f,
        }, new DropoutParameters(0.5f, Key: 12345));

        Assert.Equal(savedMean, runningMean);
        Assert.Equal(savedVariance, runningVariance);
        for (int c = 0; c < channels; c++)
        {
            foreach (int at in Indices(batch, channels, pixels, c))
            {
                double y = gamma[c] * (z[at] - savedMean[c]) / Math.Sqrt(savedVariance[c] + 1e-5) + beta[c];
                Assert.Equal(Math.Max(y, 0), output[at], 1e-5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Dropout_alone_keeps_about_one_minus_p_scaled_and_backward_uses_the_same_mask(InstructionSet instructionSet, int threads, string caseText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, int channels, int pixels) = Parse(caseText);
        var random = new Rng(5);
        float[] y = TestData.Uniform(random, batch * channels * pixels).Select(v => v + 1.5f).ToArray(); // all positive: ReLU passes them
        float[] values = (float[])y.Clone(), output = new float[y.Length];
        var dropout = new DropoutParameters(0.25f, Key: 777);

        Convolution.ForwardEpilogue<ReLU>(values, output, batch, channels, pixels, training: true, batchNorm: default, dropout);
        float[] delta = Enumerable.Repeat(1f, y.Length).ToArray();
        Convolution.BackwardEpilogue<ReLU>(delta, values, batch, channels, pixels, batchNorm: default, dropout);

        Assert.Equal(y, values); // without batch norm, y is kept as it was
        for (int i = 0; i < y.Length; i++)
        {
            bool kept = output[i] != 0;
            Assert.Equal(kept ? y[i] / 0.75 : 0, output[i], 1e-5);
            Assert.Equal(kept ? 1 / 0.75 : 0, delta[i], 1e-6); // δa = 1 through the same mask and ReLU' = 1
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_follows_batch_norm_s_formula(InstructionSet instructionSet, int threads, string caseText)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (int batch, int channels, int pixels) = Parse(caseText);
        var random = new Rng(6);
        int size = batch * channels * pixels;
        float[] normalized = TestData.Uniform(random, size), deltaA = TestData.Uniform(random, size);
        float[] gamma = TestData.Uniform(random, channels), beta = TestData.Uniform(random, channels);
        float[] inverse = TestData.Uniform(random, channels).Select(v => v + 1.5f).ToArray();
        float[] delta = (float[])deltaA.Clone();
        // dγ and dβ are added into, from whatever the gradients held; δz uses this pass's sums alone.
        float[] gammaBefore = TestData.Uniform(random, channels), betaBefore = TestData.Uniform(random, channels);
        float[] gammaGradient = (float[])gammaBefore.Clone(), betaGradient = (float[])betaBefore.Clone();

        Convolution.BackwardEpilogue<Sigmoid>(delta, normalized, batch, channels, pixels, new BatchNormBuffers
        {
            Gamma = gamma, Beta = beta, InverseStandardDeviation = inverse, GammaGradient = gammaGradient, BetaGradient = betaGradient,
        }, DropoutParameters.None);

        int count = batch * pixels;
        for (int c = 0; c < channels; c++)
        {
            int[] at = Indices(batch, channels, pixels, c).ToArray();
            // δy = δa · σ'(y), y = γ ẑ + β; dβ = Σ δy; dγ = Σ δy ẑ; δz = γ·inverse·(δy − (dβ + ẑ dγ) / N).
            double[] deltaY = at.Select(i =>
            {
                double s = 1 / (1 + Math.Exp(-(gamma[c] * normalized[i] + beta[c])));
                return deltaA[i] * s * (1 - s);
            }).ToArray();
            double dBeta = deltaY.Sum(), dGamma = deltaY.Zip(at, (d, i) => d * normalized[i]).Sum();
            Assert.Equal(betaBefore[c] + dBeta, betaGradient[c], 1e-4);
            Assert.Equal(gammaBefore[c] + dGamma, gammaGradient[c], 1e-4);
            for (int j = 0; j < at.Length; j++)
            {
                double expected = gamma[c] * inverse[c] * (deltaY[j] - (dBeta + normalized[at[j]] * dGamma) / count);
                Assert.Equal(expected, delta[at[j]], 1e-4);
            }
        }
    }

    private static (int Batch, int Channels, int Pixels) Parse(string text)
    {
        int[] numbers = text.Split(',').Select(int.Parse).ToArray();
        return (numbers[0], numbers[1], numbers[2]);
    }

    /// <summary>Where channel <paramref name="channel"/>'s values are in [B, C, P]: sample by sample, position by position.</summary>
    private static IEnumerable<int> Indices(int batch, int channels, int pixels, int channel) =>
        Enumerable.Range(0, batch).SelectMany(b => Enumerable.Range(0, pixels).Select(p => (b * channels + channel) * pixels + p));

    private static IEnumerable<double> Channel(float[] values, int batch, int channels, int pixels, int channel) =>
        Indices(batch, channels, pixels, channel).Select(i => (double)values[i]);
}
