using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>
/// A restricted Boltzmann machine small enough to enumerate: 6 visible × 4 hidden binary units, 2¹⁰ joint states. Its
/// free energy, conditionals and exact log-likelihood are computed here in double from the definitions, and the
/// kernels are held to them; contrastive divergence must then raise the exact likelihood of a small data set.
/// </summary>
public sealed class RbmKernelTests
{
    private const int V = 6, H = 4;

    /// <summary>A machine with weights in [−1, 1] and biases in [−0.5, 0.5].</summary>
    private sealed record Machine(float[] Weight, float[] HiddenBias, float[] VisibleBias)
    {
        public static Machine Random(ulong seed)
        {
            var random = new Rng(seed);
            return new Machine(
                Enumerable.Range(0, H * V).Select(_ => random.NextSingle(-1f, 1f)).ToArray(),
                Enumerable.Range(0, H).Select(_ => random.NextSingle(-0.5f, 0.5f)).ToArray(),
                Enumerable.Range(0, V).Select(_ => random.NextSingle(-0.5f, 0.5f)).ToArray());
        }

        /// <summary>E(v, h) = −hᵀWv − cᵀv − bᵀh.</summary>
        public double Energy(float[] v, float[] h)
        {
            double energy = 0;
            for (int j = 0; j < H; j++)
            {
                energy -= HiddenBias[j] * h[j];
                for (int i = 0; i < V; i++)
                {
                    energy -= h[j] * (double)Weight[j * V + i] * v[i];
                }
            }
            for (int i = 0; i < V; i++)
            {
                energy -= VisibleBias[i] * v[i];
            }
            return energy;
        }

        /// <summary>F(v) = −log Σₕ e^(−E(v, h)), by enumerating the 2⁴ hidden states.</summary>
        public double FreeEnergy(float[] v) => -Math.Log(States(H).Sum(h => Math.Exp(-Energy(v, h))));

        /// <summary>log Z = log Σ_v e^(−F(v)) over the 2⁶ visible states.</summary>
        public double LogPartition() => Math.Log(States(V).Sum(v => Math.Exp(-FreeEnergy(v))));

        /// <summary>The mean of log p(v) = −F(v) − log Z over <paramref name="data"/>.</summary>
        public double LogLikelihood(IReadOnlyList<float[]> data)
        {
            double logZ = LogPartition();
            return data.Average(v => -FreeEnergy(v) - logZ);
        }

        /// <summary>p(hⱼ = 1 | v) = σ(bⱼ + Wⱼ·v), in double.</summary>
        public double HiddenProbability(float[] v, int j)
        {
            double z = HiddenBias[j];
            for (int i = 0; i < V; i++)
            {
                z += Weight[j * V + i] * (double)v[i];
            }
            return 1 / (1 + Math.Exp(-z));
        }

        /// <summary>p(vᵢ = 1 | h) = σ(cᵢ + Σⱼ Wⱼᵢ hⱼ), in double.</summary>
        public double VisibleProbability(float[] h, int i)
        {
            double z = VisibleBias[i];
            for (int j = 0; j < H; j++)
            {
                z += Weight[j * V + i] * (double)h[j];
            }
            return 1 / (1 + Math.Exp(-z));
        }
    }

    /// <summary>Every binary vector of <paramref name="length"/>.</summary>
    private static IEnumerable<float[]> States(int length) =>
        Enumerable.Range(0, 1 << length).Select(bits => Enumerable.Range(0, length).Select(k => (float)((bits >> k) & 1)).ToArray());

    /// <summary>Eight data vectors: two noisy prototypes, so the likelihood has somewhere to go.</summary>
    private static readonly float[][] Data =
    [
        [1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 1], [1, 0, 1, 0, 0, 0],
        [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1], [0, 0, 0, 1, 1, 0], [0, 1, 0, 1, 1, 1],
    ];

    [Fact]
    public void The_free_energy_is_minus_the_log_of_the_sum_over_hidden_states()
    {
        Machine machine = Machine.Random(1);
        float[][] visible = States(V).ToArray();
        var energies = new float[visible.Length];

        Rbm.FreeEnergy(visible.SelectMany(v => v).ToArray(), machine.Weight, machine.HiddenBias, machine.VisibleBias, energies,
            new float[visible.Length * H], visible.Length, V, H, gaussian: false);

        for (int s = 0; s < visible.Length; s++)
        {
            Assert.Equal(machine.FreeEnergy(visible[s]), energies[s], tolerance: 2e-5);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void The_conditionals_are_sigmoids_of_the_inputs_each_side(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Machine machine = Machine.Random(2);
        float[][] visible = States(V).ToArray();
        float[][] hidden = States(H).ToArray();
        var hiddenProbabilities = new float[visible.Length * H];
        var visibleProbabilities = new float[hidden.Length * V];

        Rbm.HiddenProbabilities(visible.SelectMany(v => v).ToArray(), machine.Weight, machine.HiddenBias, hiddenProbabilities, visible.Length, V, H);
        Rbm.VisibleMeans(hidden.SelectMany(h => h).ToArray(), machine.Weight, machine.VisibleBias, visibleProbabilities, hidden.Length, V, H, gaussian: false);

        for (int s = 0; s < visible.Length; s++)
        {
            for (int j = 0; j < H; j++)
            {
                Assert.Equal(machine.HiddenProbability(visible[s], j), hiddenProbabilities[s * H + j], tolerance: 2e-6);
            }
        }
        for (int s = 0; s < hidden.Length; s++)
        {
            for (int i = 0; i < V; i++)
            {
                Assert.Equal(machine.VisibleProbability(hidden[s], i), visibleProbabilities[s * V + i], tolerance: 2e-6);
            }
        }
    }

    [Fact]
    public void The_exact_log_likelihood_gradient_matches_central_differences()
    {
        // ∂ log p / ∂W = E_data[p(h|v) vᵀ] − E_model[p(h|v) vᵀ], with the model's expectation over all 2⁶ visible states.
        Machine machine = Machine.Random(3);
        (double[] dW, double[] db, double[] dc) = ExactGradient(machine, Data);
        const float step = 1e-3f;

        void Check(float[] tensor, double[] gradient, string name)
        {
            for (int k = 0; k < tensor.Length; k++)
            {
                float original = tensor[k];
                tensor[k] = original + step;
                double up = machine.LogLikelihood(Data);
                tensor[k] = original - step;
                double down = machine.LogLikelihood(Data);
                tensor[k] = original;
                Assert.True(Math.Abs((up - down) / (2 * step) - gradient[k]) < 1e-5, $"{name}[{k}]: {gradient[k]} against {(up - down) / (2 * step)}");
            }
        }

        Check(machine.Weight, dW, "weight");
        Check(machine.HiddenBias, db, "hidden_bias");
        Check(machine.VisibleBias, dc, "visible_bias");
    }

    private static (double[] Weight, double[] HiddenBias, double[] VisibleBias) ExactGradient(Machine machine, IReadOnlyList<float[]> data)
    {
        var dW = new double[H * V];
        var db = new double[H];
        var dc = new double[V];
        float[][] all = States(V).ToArray();
        double logZ = machine.LogPartition();
        void Add(float[] v, double weight)
        {
            for (int j = 0; j < H; j++)
            {
                double p = machine.HiddenProbability(v, j);
                db[j] += weight * p;
                for (int i = 0; i < V; i++)
                {
                    dW[j * V + i] += weight * p * v[i];
                }
            }
            for (int i = 0; i < V; i++)
            {
                dc[i] += weight * v[i];
            }
        }
        foreach (float[] v in data)
        {
            Add(v, 1.0 / data.Count);
        }
        foreach (float[] v in all)
        {
            Add(v, -Math.Exp(-machine.FreeEnergy(v) - logZ));
        }
        return (dW, db, dc);
    }

    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void The_contrastive_divergence_gradient_is_the_negative_phase_minus_the_positive(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        var random = new Rng(4);
        const int batch = 7;
        float[] Draw(int count) => Enumerable.Range(0, count).Select(_ => random.NextSingle()).ToArray();
        float[] vPlus = Draw(batch * V), hPlus = Draw(batch * H), vMinus = Draw(batch * V), hMinus = Draw(batch * H);
        float[] dW = Enumerable.Repeat(float.NaN, H * V).ToArray(), db = Enumerable.Repeat(float.NaN, H).ToArray(), dc = Enumerable.Repeat(float.NaN, V).ToArray();

        Rbm.ContrastiveDivergenceGradients(vPlus, hPlus, vMinus, hMinus, dW, db, dc, new float[batch * H], batch, V, H);

        for (int j = 0; j < H; j++)
        {
            double expectedBias = Enumerable.Range(0, batch).Sum(b => (double)hMinus[b * H + j] - hPlus[b * H + j]) / batch;
            Assert.Equal(expectedBias, db[j], tolerance: 2e-6);
            for (int i = 0; i < V; i++)
            {
                double expected = Enumerable.Range(0, batch).Sum(b => (double)hMinus[b * H + j] * vMinus[b * V + i] - (double)hPlus[b * H + j] * vPlus[b * V + i]) / batch;
                Assert.Equal(expected, dW[j * V + i], tolerance: 2e-6);
            }
        }
        for (int i = 0; i < V; i++)
        {
            Assert.Equal(Enumerable.Range(0, batch).Sum(b => (double)vMinus[b * V + i] - vPlus[b * V + i]) / batch, dc[i], tolerance: 2e-6);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    public void Contrastive_divergence_raises_the_exact_log_likelihood(int gibbsSteps, bool persistent)
    {
        // SGD on the CD-k (or PCD-k) estimate, 400 full-batch updates: the exact likelihood must rise most of the way the
        // exact gradient takes it in as many steps. A flipped sign or a broken bias term lowers it or stalls it.
        Machine start = Machine.Random(5) with { };
        double initial = start.LogLikelihood(Data);
        double exact = Train(Copy(start), (machine, _) => ExactGradient(machine, Data));
        double contrastive = Train(Copy(start), ContrastiveDivergence(gibbsSteps, persistent));

        Assert.True(exact > initial + 1.0, $"exact gradient: {initial} → {exact}");
        Assert.True(contrastive > initial + 0.6 * (exact - initial), $"CD-{gibbsSteps}{(persistent ? " persistent" : "")}: {initial} → {contrastive}, exact gradient {exact}");
    }

    private static Machine Copy(Machine machine) => new((float[])machine.Weight.Clone(), (float[])machine.HiddenBias.Clone(), (float[])machine.VisibleBias.Clone());

    /// <summary>400 steps of θ += 0.1 · ascent, returning the final exact log-likelihood.</summary>
    private static double Train(Machine machine, Func<Machine, int, (double[] Weight, double[] HiddenBias, double[] VisibleBias)> ascent)
    {
        for (int step = 0; step < 400; step++)
        {
            (double[] dW, double[] db, double[] dc) = ascent(machine, step);
            for (int k = 0; k < dW.Length; k++) machine.Weight[k] += (float)(0.1 * dW[k]);
            for (int k = 0; k < db.Length; k++) machine.HiddenBias[k] += (float)(0.1 * db[k]);
            for (int k = 0; k < dc.Length; k++) machine.VisibleBias[k] += (float)(0.1 * dc[k]);
        }
        return machine.LogLikelihood(Data);
    }

    /// <summary>
    /// The ascent direction CD-k gives, from the kernels: data replicated 8 times per batch (64 chains), hidden units
    /// sampled between Gibbs steps, visible units sampled; the persistent chain carries its visible state across steps.
    /// </summary>
    private static Func<Machine, int, (double[], double[], double[])> ContrastiveDivergence(int gibbsSteps, bool persistent)
    {
        const int batch = 64;
        float[] positive = Enumerable.Range(0, batch).SelectMany(b => Data[b % Data.Length]).ToArray();
        float[] chain = (float[])positive.Clone();
        float[] hPlus = new float[batch * H], hMinus = new float[batch * H], hSample = new float[batch * H];
        float[] vMeans = new float[batch * V], vSample = new float[batch * V], scratch = new float[batch * H];
        float[] dW = new float[H * V], db = new float[H], dc = new float[V];
        ulong key = 0x1234;
        return (machine, _) =>
        {
            Rbm.HiddenProbabilities(positive, machine.Weight, machine.HiddenBias, hPlus, batch, V, H);
            float[] start = persistent ? chain : positive;
            Rbm.HiddenProbabilities(start, machine.Weight, machine.HiddenBias, hMinus, batch, V, H);
            for (int k = 0; k < gibbsSteps; k++)
            {
                Rbm.SampleBernoulli(hMinus, hSample, batch * H, key++);
                Rbm.VisibleMeans(hSample, machine.Weight, machine.VisibleBias, vMeans, batch, V, H, gaussian: false);
                Rbm.SampleBernoulli(vMeans, vSample, batch * V, key++);
                Rbm.HiddenProbabilities(vSample, machine.Weight, machine.HiddenBias, hMinus, batch, V, H);
            }
            if (persistent)
            {
                vSample.CopyTo(chain, 0);
            }
            Rbm.ContrastiveDivergenceGradients(positive, hPlus, vSample, hMinus, dW, db, dc, scratch, batch, V, H);
            return (dW.Select(g => -(double)g).ToArray(), db.Select(g => -(double)g).ToArray(), dc.Select(g => -(double)g).ToArray());
        };
    }
}
