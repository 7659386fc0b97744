using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// Declared restricted Boltzmann machines: what the generator gives them, contrastive divergence through Fit raising
/// the exact likelihood of a small data set, the features, the sampler, and bad input refused with nothing changed.
/// </summary>
public sealed class BoltzmannMachineTests
{
    /// <summary>Two noisy prototypes over 6 binary units, each row repeated 8 times.</summary>
    private static Dataset Prototypes()
    {
        float[][] rows =
        [
            [1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 1], [1, 0, 1, 0, 0, 0],
            [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1], [0, 0, 0, 1, 1, 0], [0, 1, 0, 1, 1, 1],
        ];
        return Dataset.Unlabelled(Enumerable.Range(0, 64).SelectMany(i => rows[i % rows.Length]).ToArray(), [6]);
    }

    /// <summary>Every binary vector of <paramref name="length"/>, flat.</summary>
    private static float[] States(int length) =>
        Enumerable.Range(0, 1 << length).SelectMany(bits => Enumerable.Range(0, length).Select(k => (float)((bits >> k) & 1))).ToArray();

    /// <summary>The mean of log p(v) = −F(v) − log Z over <paramref name="data"/>, Z summed over all 2⁶ visible states.</summary>
    private static double ExactLogLikelihood(BoltzmannMachine machine, Dataset data)
    {
        var all = new float[64];
        machine.FreeEnergy(States(6), all);
        double logZ = Math.Log(all.Sum(f => Math.Exp(-(double)f)));
        var energies = new float[data.Count];
        machine.FreeEnergy(data.Features, energies);
        return energies.Average(f => -(double)f - logZ);
    }

    [Fact]
    public void The_generated_machine_has_pytorch_style_tensors_a_hidden_code_and_small_normal_weights()
    {
        var machine = new TinyBoltzmannMachine(seed: 1);

        Assert.Equal(6, TinyBoltzmannMachine.InputSize);
        Assert.Equal(4, TinyBoltzmannMachine.HiddenSize);
        Assert.Equal(4 * 6 + 4 + 6, TinyBoltzmannMachine.ParameterCount);
        Assert.Equal(["weight", "hidden_bias", "visible_bias"], machine.Description.Tensors.Select(tensor => tensor.Name));
        Assert.Equal([4, 6], machine.Description.Tensors[0].Shape);
        Assert.Equal(4, machine.Description.Code!.Size);
        Assert.All(machine.GetParameters("weight").ToArray(), w => Assert.InRange(w, -0.06f, 0.06f));
        Assert.All(machine.GetParameters("hidden_bias").ToArray(), b => Assert.Equal(0f, b));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Contrastive_divergence_through_Fit_raises_the_exact_likelihood(bool persistent)
    {
        BoltzmannMachine machine = persistent ? new TinyPersistentBoltzmannMachine(seed: 2) : new TinyBoltzmannMachine(seed: 2);
        Dataset data = Prototypes();
        double before = ExactLogLikelihood(machine, data);
        float pseudoBefore = machine.PseudoLikelihood(data.Features);

        History history = machine.Fit(data, new Sgd(0.1f), epochs: 100, batchSize: 16);

        double after = ExactLogLikelihood(machine, data);
        Assert.True(after > before + 1.0, $"log-likelihood {before} → {after}");
        Assert.True(machine.PseudoLikelihood(data.Features) > pseudoBefore + 0.5f);
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss / 2, $"reconstruction error {history.Epochs[0].Loss} → {history.Epochs[^1].Loss}");
        // Each epoch reports the training samples' pseudo-likelihood beside the reconstruction error, and it rises.
        Assert.True(history.Epochs[^1].Training.PseudoLikelihood > history.Epochs[0].Training.PseudoLikelihood);
        Assert.Contains("pseudo_likelihood: ", history.Epochs[^1].ToString());
        Assert.Equal(machine.PseudoLikelihood(data.Features), machine.Evaluate(data).PseudoLikelihood);
    }

    [Fact]
    public void Transform_gives_the_hidden_probabilities_and_Predict_the_mean_field_reconstruction()
    {
        var machine = new TinyBoltzmannMachine(seed: 3);
        var random = new Randomness.Rng(3);
        for (int i = 0; i < machine.Parameters.Length; i++)
        {
            machine.Parameters[i] = random.NextSingle(-1f, 1f);
        }
        float[] v = [1, 0, 1, 1, 0, 0];
        float[] w = machine.GetParameters("weight").ToArray(), b = machine.GetParameters("hidden_bias").ToArray(), c = machine.GetParameters("visible_bias").ToArray();
        double[] h = Enumerable.Range(0, 4).Select(j => 1 / (1 + Math.Exp(-(b[j] + Enumerable.Range(0, 6).Sum(i => (double)w[j * 6 + i] * v[i]))))).ToArray();
        double[] reconstruction = Enumerable.Range(0, 6).Select(i => 1 / (1 + Math.Exp(-(c[i] + Enumerable.Range(0, 4).Sum(j => w[j * 6 + i] * h[j]))))).ToArray();

        float[] features = machine.Transform(v);
        float[] predicted = machine.Predict(v);

        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(h[j], features[j], tolerance: 1e-6);
        }
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(reconstruction[i], predicted[i], tolerance: 1e-6);
        }
    }

    [Fact]
    public void A_trained_machine_samples_from_what_it_learned()
    {
        var machine = new TinyBoltzmannMachine(seed: 4);
        machine.Fit(Prototypes(), new Sgd(0.1f), epochs: 100, batchSize: 16);
        var random = new Randomness.Rng(4);
        float[] chains = Enumerable.Range(0, 200 * 6).Select(_ => random.NextSingle() < 0.5f ? 1f : 0f).ToArray();
        float[] again = (float[])chains.Clone();

        machine.Sample(chains, steps: 50, seed: 9);
        machine.Sample(again, steps: 50, seed: 9);

        Assert.Equal(chains, again);
        Assert.All(chains, p => Assert.InRange(p, 0f, 1f));
        // The prototypes split the units into {0, 1, 2} and {3, 4, 5}: in the model's samples each half agrees with itself.
        double agreement = chains.Chunk(6).Average(s => Math.Abs(s[0] + s[1] + s[2] - s[3] - s[4] - s[5]) / 3.0);
        Assert.True(agreement > 0.5, $"mean |first half − second half| = {agreement}");
    }

    [Fact]
    public void A_gaussian_machine_learns_real_valued_data()
    {
        var random = new Randomness.Rng(5);
        float[][] centres = [[2f, -1f, 0.5f, 1f], [-1.5f, 1f, -0.5f, 0f]];
        float[] features = Enumerable.Range(0, 128).SelectMany(i => centres[i % 2].Select(x => x + 0.1f * random.NextGaussian())).ToArray();
        var machine = new GaussianBoltzmannMachine(seed: 5);

        History history = machine.Fit(Dataset.Unlabelled(features, [2, 2]), new Sgd(0.01f), epochs: 60, batchSize: 16);

        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss / 2, $"reconstruction error {history.Epochs[0].Loss} → {history.Epochs[^1].Loss}");
        Assert.Throws<NotSupportedException>(() => machine.PseudoLikelihood(features));
    }

    [Fact]
    public void Inputs_outside_zero_to_one_for_binary_units_are_refused_and_change_nothing()
    {
        var machine = new TinyBoltzmannMachine(seed: 6);
        float[] before = (float[])machine.Parameters.Clone();
        float[] features = Prototypes().Features;
        features[3 * 6 + 2] = 1.5f;

        var error = Assert.Throws<ArgumentException>(() => machine.Fit(Dataset.Unlabelled(features, [6]), new Sgd(0.1f), epochs: 1));

        Assert.Contains("sample 3 holds 1.5 at position 2", error.Message);
        Assert.Contains("[0, 1]", error.Message);
        Assert.Equal(before, machine.Parameters);
    }

    [Fact]
    public void Transform_of_the_wrong_length_or_of_non_finite_values_is_refused()
    {
        var machine = new TinyBoltzmannMachine(seed: 7);

        var wrongLength = Assert.Throws<ArgumentException>(() => machine.Transform(new float[5]));
        var notFinite = Assert.Throws<ArgumentException>(() => machine.Transform([0, 1, float.NaN, 0, 1, 0]));
        var shortFeatures = Assert.Throws<ArgumentException>(() => machine.Transform(new float[12], new float[7]));

        Assert.Equal("sample", wrongLength.ParamName);
        Assert.Contains("NaN", notFinite.Message);
        Assert.Equal("codes", shortFeatures.ParamName);
    }
}
