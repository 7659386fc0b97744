using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>Dropout and batch normalisation as fused into the dense kernels, checked against their definitions.</summary>
public sealed class RegularizationKernelTests
{
    private const int Batch = 64, Inputs = 40, Outputs = 300;

    public static TheoryData<InstructionSet, int> Paths() => KernelPaths.All();

    [Theory]
    [MemberData(nameof(Paths))]
    public void Dropout_drops_the_given_fraction_and_scales_the_rest(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (float[] x, float[] w, float[] b) = Layer(seed: 1);
        float[] plain = new float[Batch * Outputs], dropped = new float[Batch * Outputs];
        Dense.Forward<Sigmoid>(x, w, b, plain, Batch, Inputs, Outputs);

        Dense.ForwardDropout<Sigmoid>(x, w, b, dropped, Batch, Inputs, Outputs, training: true, new DropoutParameters(0.3f, Key: 42));

        int zeros = dropped.Count(value => value == 0f);
        Assert.InRange(zeros / (double)dropped.Length, 0.28, 0.32);
        for (int i = 0; i < dropped.Length; i++)
        {
            if (dropped[i] != 0f)
            {
                Assert.Equal(plain[i] / 0.7f, dropped[i], 1e-5);
            }
        }
    }

    [Fact]
    public void The_same_key_gives_the_same_mask_on_every_path_and_another_key_another()
    {
        (float[] x, float[] w, float[] b) = Layer(seed: 2);
        float[] Mask(InstructionSet instructionSet, int threads, ulong key)
        {
            using IDisposable kernels = KernelSelection.Use(instructionSet);
            using IDisposable threading = KernelSelection.UseThreads(threads);
            var output = new float[Batch * Outputs];
            Dense.ForwardDropout<Sigmoid>(x, w, b, output, Batch, Inputs, Outputs, training: true, new DropoutParameters(0.5f, key));
            return output.Select(value => value == 0f ? 0f : 1f).ToArray();
        }

        float[] reference = Mask(InstructionSet.Portable, 1, key: 7);
        foreach (InstructionSet instructionSet in KernelPaths.InstructionSets)
        {
            Assert.Equal(reference, Mask(instructionSet, 2, key: 7));
        }
        float[] other = Mask(InstructionSet.Portable, 1, key: 8);
        Assert.InRange(reference.Zip(other).Count(pair => pair.First != pair.Second) / (double)reference.Length, 0.4, 0.6);
    }

    [Fact]
    public void Inference_drops_nothing()
    {
        (float[] x, float[] w, float[] b) = Layer(seed: 3);
        float[] plain = new float[Batch * Outputs], inference = new float[Batch * Outputs];
        Dense.Forward<Tanh>(x, w, b, plain, Batch, Inputs, Outputs);

        Dense.ForwardDropout<Tanh>(x, w, b, inference, Batch, Inputs, Outputs, training: false, new DropoutParameters(0.5f, Key: 9));

        Assert.Equal(plain, inference);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Batch_norm_in_training_gives_each_unit_zero_mean_and_unit_variance_and_moves_the_running_statistics(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (float[] x, float[] w, _) = Layer(seed: 4);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 3f + 2f * x[i]; // far from zero mean, so the normalisation has something to do
        }
        var state = new BatchNormState(Outputs, Batch);
        var output = new float[Batch * Outputs];

        Dense.ForwardBatchNorm<Identity>(x, w, output, Batch, Inputs, Outputs, training: true, state.Buffers());

        double[] z = Product(x, w);
        for (int unit = 0; unit < Outputs; unit++)
        {
            double[] column = Enumerable.Range(0, Batch).Select(row => (double)output[row * Outputs + unit]).ToArray();
            double mean = column.Average(), variance = column.Select(value => (value - mean) * (value - mean)).Average();
            Assert.InRange(mean, -1e-4, 1e-4);
            Assert.InRange(variance, 1 - 1e-3, 1 + 1e-3);

            double[] pre = Enumerable.Range(0, Batch).Select(row => z[row * Outputs + unit]).ToArray();
            double batchMean = pre.Average(), batchVariance = pre.Select(value => (value - batchMean) * (value - batchMean)).Average();
            Assert.Equal(0.1 * batchMean, state.RunningMean[unit], 1e-4);
            Assert.Equal(0.9 + 0.1 * batchVariance * Batch / (Batch - 1), state.RunningVariance[unit], 1e-4);
        }
    }

    [Fact]
    public void Batch_norm_in_inference_uses_the_running_statistics_and_gamma_and_beta()
    {
        (float[] x, float[] w, _) = Layer(seed: 5);
        var state = new BatchNormState(Outputs, Batch);
        var random = new Rng(6);
        for (int unit = 0; unit < Outputs; unit++)
        {
            state.Gamma[unit] = random.NextSingle(0.5f, 2f);
            state.Beta[unit] = random.NextSingle(-1f, 1f);
            state.RunningMean[unit] = random.NextSingle(-1f, 1f);
            state.RunningVariance[unit] = random.NextSingle(0.5f, 3f);
        }
        var output = new float[Batch * Outputs];

        Dense.ForwardBatchNorm<ReLU>(x, w, output, Batch, Inputs, Outputs, training: false, state.Buffers());

        double[] z = Product(x, w);
        for (int i = 0; i < output.Length; i++)
        {
            int unit = i % Outputs;
            double normalized = (z[i] - state.RunningMean[unit]) / Math.Sqrt(state.RunningVariance[unit] + 1e-5);
            Assert.Equal(Math.Max(0, state.Gamma[unit] * normalized + state.Beta[unit]), output[i], 1e-4);
        }
        Assert.All(state.Normalized, value => Assert.Equal(0f, value)); // inference keeps nothing for a backward pass
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_input_delta_goes_back_through_the_layer_below_s_activation_dropout_and_batch_norm(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        // This layer: 96 outputs over a layer below of 70 tanh units with batch norm and dropout, batch 20: deep
        // enough (K = 96) for the packed tiles where the machine has 16 registers, the outer products with AVX-512.
        const int B = 20, I = 70, O = 96;
        const float Rate = 0.25f, Keep = 1f - Rate;
        var random = new Rng(9);
        float[] delta = TestData.Uniform(random, B * O), w = TestData.Uniform(random, O * I), normalized = TestData.Uniform(random, B * I);
        float[] gamma = Enumerable.Range(0, I).Select(_ => 0.5f + random.NextSingle()).ToArray();
        float[] beta = TestData.Uniform(random, I);
        float[] inverseStd = Enumerable.Range(0, I).Select(_ => 0.5f + 2 * random.NextSingle()).ToArray();
        var dropout = new DropoutArguments { Rate = Rate, Key = 77 };
        // The layer below's stored outputs: tanh(γ ẑ + β), scaled by its dropout mask as its forward pass left them.
        float[] a = new float[B * I];
        for (int at = 0; at < a.Length; at++)
        {
            a[at] = MathF.Tanh(gamma[at % I] * normalized[at] + beta[at % I]) * DropoutMask.Scale(dropout, (uint)at);
        }
        float[] actual = Enumerable.Repeat(float.NaN, B * I).ToArray();
        // dγ and dβ are added into, from whatever the gradients held; δz uses this pass's sums alone.
        float[] gammaBefore = TestData.Uniform(random, I), betaBefore = TestData.Uniform(random, I);
        float[] gammaGradient = (float[])gammaBefore.Clone(), betaGradient = (float[])betaBefore.Clone();

        Dense.InputDeltaRegularized<Tanh>(delta, w, a, actual, B, I, O, new DropoutParameters(Rate, Key: 77), new BatchNormBuffers
        {
            Gamma = gamma, Beta = beta, Normalized = normalized, InverseStandardDeviation = inverseStd,
            GammaGradient = gammaGradient, BetaGradient = betaGradient,
        });

        // δy = (δ · W) ⊙ tanh'(y) ⊙ mask / keep, with tanh(y) = a · keep where the unit was kept.
        var deltaY = new double[B * I];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < I; i++)
            {
                double sum = 0;
                for (int o = 0; o < O; o++)
                {
                    sum += (double)delta[b * O + o] * w[o * I + i];
                }
                int at = b * I + i;
                double kept = (double)a[at] * Keep;
                deltaY[at] = sum * (1 - kept * kept) * DropoutMask.Scale(dropout, (uint)at);
            }
        }
        // Through batch norm: dβ = Σ_b δy, dγ = Σ_b δy ẑ, δz = γ σ⁻¹ / B · (B δy − dβ − ẑ dγ).
        for (int i = 0; i < I; i++)
        {
            double dBeta = 0, dGamma = 0;
            for (int b = 0; b < B; b++)
            {
                dBeta += deltaY[b * I + i];
                dGamma += deltaY[b * I + i] * normalized[b * I + i];
            }
            Assert.Equal(betaBefore[i] + dBeta, betaGradient[i], 1e-4);
            Assert.Equal(gammaBefore[i] + dGamma, gammaGradient[i], 1e-4);
            for (int b = 0; b < B; b++)
            {
                int at = b * I + i;
                double expected = gamma[i] * (double)inverseStd[i] / B * (B * deltaY[at] - dBeta - normalized[at] * dGamma);
                Assert.Equal(expected, actual[at], 1e-4);
            }
        }
    }

    private static (float[] X, float[] W, float[] B) Layer(ulong seed)
    {
        var random = new Rng(seed);
        return (TestData.Uniform(random, Batch * Inputs), TestData.Uniform(random, Outputs * Inputs), TestData.Uniform(random, Outputs));
    }

    private static double[] Product(float[] x, float[] w)
    {
        var z = new double[Batch * Outputs];
        for (int row = 0; row < Batch; row++)
        {
            for (int unit = 0; unit < Outputs; unit++)
            {
                double sum = 0;
                for (int i = 0; i < Inputs; i++)
                {
                    sum += (double)x[row * Inputs + i] * w[unit * Inputs + i];
                }
                z[row * Outputs + unit] = sum;
            }
        }
        return z;
    }

    /// <summary>One layer's batch-norm tensors (γ = 1, β = 0, running mean 0 and variance 1, as initialised) and buffers.</summary>
    private sealed class BatchNormState(int units, int batch)
    {
        public float[] Gamma { get; } = Enumerable.Repeat(1f, units).ToArray();
        public float[] Beta { get; } = new float[units];
        public float[] RunningMean { get; } = new float[units];
        public float[] RunningVariance { get; } = Enumerable.Repeat(1f, units).ToArray();
        public float[] Normalized { get; } = new float[batch * units];
        public float[] BatchMean { get; } = new float[units];
        public float[] InverseStandardDeviation { get; } = new float[units];

        public BatchNormBuffers Buffers() => new()
        {
            Gamma = Gamma, Beta = Beta, RunningMean = RunningMean, RunningVariance = RunningVariance,
            Normalized = Normalized, BatchMean = BatchMean, InverseStandardDeviation = InverseStandardDeviation,
            Momentum = 0.1f, Epsilon = 1e-5f,
        };
    }
}
