using NetGen.Data;
using NetGen.Kernels;

namespace NetGen;

/// <summary>
/// A restricted Boltzmann machine (Smolensky; Hinton's contrastive divergence): V visible units, H hidden ones,
/// <c>weight [H, V]</c>, <c>hidden_bias [H]</c> and <c>visible_bias [V]</c>. Declare one with
/// <c>[RestrictedBoltzmannMachine(hidden)]</c> and <c>[Input(…)]</c> on a partial class; the generator writes its
/// sizes and tensors, and this class runs it.
/// </summary>
/// <remarks>
/// <para>
/// It trains as any <see cref="Model"/> does (<c>Fit</c> with an optimizer, callbacks, early stopping, checkpoints):
/// each step's <see cref="Model.Gradients"/> hold the contrastive-divergence estimate of −∂ log p(v) / ∂θ, so plain
/// <c>Sgd</c> is the classic CD-k update, and the loss is the mean squared reconstruction error of the mean-field
/// pass v → p(h | v) → E[v | h]. With <c>Persistent = true</c> the negative chain carries on from the last step's state
/// instead of restarting at the data (persistent CD, Tieleman 2008).
/// </para>
/// <para>
/// <c>Predict</c> gives that mean-field reconstruction, <see cref="Transform(ReadOnlySpan{float})"/> the hidden
/// probabilities p(h = 1 | v) as features, <see cref="Sample"/> runs a Gibbs chain and <see cref="FreeEnergy"/> gives F(v).
/// Inference is thread-safe as <c>Predict</c> is; training is single-owner, as for every model.
/// </para>
/// </remarks>
public abstract class BoltzmannMachine : Model
{
    private readonly int _weightOffset, _hiddenBiasOffset, _visibleBiasOffset;
    private float[] _hiddenProbabilities = [];
    private float[] _reconstruction = [];
    private float[] _chainHidden = [];
    private float[] _hiddenSample = [];
    private float[] _visibleMeans = [];
    private float[] _visibleSample = [];
    private float[] _scratch = [];
    private float[] _persistentChain = [];
    private int _persistentRows;

    /// <param name="description">The machine's tensors (weight, hidden_bias, visible_bias) and its code, the hidden layer.</param>
    /// <param name="seed">Seeds initialisation, shuffling and every Gibbs sample of training.</param>
    /// <param name="visibleUnits">Binary or Gaussian visible units.</param>
    /// <param name="gibbsSteps">k of CD-k: Gibbs steps in each update's negative phase, ≥ 1.</param>
    /// <param name="persistent">Persistent CD: the negative chain continues across updates.</param>
    protected BoltzmannMachine(ModelDescription description, int seed, VisibleUnits visibleUnits, int gibbsSteps, bool persistent)
        : base(description, seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gibbsSteps);
        VisibleUnits = visibleUnits;
        GibbsSteps = gibbsSteps;
        Persistent = persistent;
        (_weightOffset, _hiddenBiasOffset, _visibleBiasOffset) = Offsets(description);
    }

    /// <summary>An inference replica of <paramref name="owner"/> (see <see cref="Model"/>'s replica constructor).</summary>
    protected BoltzmannMachine(BoltzmannMachine owner)
        : base(owner)
    {
        VisibleUnits = owner.VisibleUnits;
        GibbsSteps = owner.GibbsSteps;
        Persistent = owner.Persistent;
        (_weightOffset, _hiddenBiasOffset, _visibleBiasOffset) = Offsets(owner.Description);
    }

    /// <summary>V, the visible units: numbers per input sample (the generated class's <c>InputSize</c>).</summary>
    private int VisibleSize => Description.InputSize;

    /// <summary>H, the hidden units (the generated class's <c>HiddenSize</c>).</summary>
    private int HiddenSize => Description.Code!.Size;

    /// <summary>Binary or Gaussian visible units.</summary>
    public VisibleUnits VisibleUnits { get; }

    /// <summary>k of CD-k.</summary>
    public int GibbsSteps { get; }

    /// <summary>Whether training runs persistent CD.</summary>
    public bool Persistent { get; }

    private bool Gaussian => VisibleUnits == VisibleUnits.Gaussian;

    private static (int Weight, int HiddenBias, int VisibleBias) Offsets(ModelDescription description)
    {
        int Offset(string name) => description.Tensors.FirstOrDefault(tensor => tensor.Name == name)?.Offset
            ?? throw new ArgumentException($"{description.Name} has no tensor '{name}': a restricted Boltzmann machine has weight, hidden_bias and visible_bias.", nameof(description));
        if (description.Code is null)
        {
            throw new ArgumentException($"{description.Name} names no hidden layer (its code).", nameof(description));
        }
        return (Offset("weight"), Offset("hidden_bias"), Offset("visible_bias"));
    }

    private ReadOnlySpan<float> Weight => Parameters.AsSpan(_weightOffset, HiddenSize * VisibleSize);

    private ReadOnlySpan<float> HiddenBias => Parameters.AsSpan(_hiddenBiasOffset, HiddenSize);

    private ReadOnlySpan<float> VisibleBias => Parameters.AsSpan(_visibleBiasOffset, VisibleSize);

    /// <inheritdoc/>
    protected override ReadOnlySpan<float> OutputBuffer => _reconstruction;

    /// <inheritdoc/>
    protected override void AllocateActivations(int batchCapacity)
    {
        int visible = VisibleSize, hidden = HiddenSize;
        _hiddenProbabilities = new float[batchCapacity * hidden];
        _reconstruction = new float[batchCapacity * visible];
        _chainHidden = new float[batchCapacity * hidden];
        _hiddenSample = new float[batchCapacity * hidden];
        _visibleMeans = new float[batchCapacity * visible];
        _visibleSample = new float[batchCapacity * visible];
        _scratch = new float[batchCapacity * hidden];
        // The persistent chain keeps its state when the buffers grow.
        if (Persistent)
        {
            float[] chain = new float[batchCapacity * visible];
            _persistentChain.AsSpan().CopyTo(chain);
            _persistentChain = chain;
        }
    }

    /// <summary>The reconstruction, flat as <c>Predict</c> gives it.</summary>
    private protected override int[] OnnxOutputShape => [VisibleSize];

    /// <summary>
    /// What <c>Predict</c> computes, the mean-field reconstruction: h = σ(v · Wᵀ + b) through one Gemm, then
    /// E[v | h] = h · W + c through a second Gemm on the same <c>weight</c>, with σ for binary visible units.
    /// </summary>
    protected override string AddOnnxLayers(Onnx.OnnxGraph graph, string input)
    {
        string hidden = graph.Activation("hidden", graph.Gemm("hidden", graph.Flatten("visible", input), "weight", "hidden_bias"), Activation.Sigmoid);
        string visible = graph.Gemm("visible", hidden, "weight", "visible_bias", transposeWeight: false);
        return VisibleUnits == VisibleUnits.Binary ? graph.Activation("visible", visible, Activation.Sigmoid) : visible;
    }

    /// <summary>The mean-field reconstruction [B, V] = E[v | h = p(h | v)], in this instance's buffers.</summary>
    protected override void ForwardCore(ReadOnlySpan<float> inputs, int batchSize)
    {
        EncodeCore(inputs, batchSize);
        DecodeCore(_hiddenProbabilities, batchSize);
    }

    /// <summary>p(h = 1 | v) [B, H]: the features.</summary>
    protected override ReadOnlySpan<float> EncodeCore(ReadOnlySpan<float> input, int batchSize)
    {
        Rbm.HiddenProbabilities(input, Weight, HiddenBias, _hiddenProbabilities, batchSize, VisibleSize, HiddenSize);
        return _hiddenProbabilities.AsSpan(0, batchSize * HiddenSize);
    }

    /// <summary>E[v | h] [B, V] from hidden states or probabilities h [B, H].</summary>
    protected override ReadOnlySpan<float> DecodeCore(ReadOnlySpan<float> code, int batchSize)
    {
        Rbm.VisibleMeans(code, Weight, VisibleBias, _reconstruction, batchSize, VisibleSize, HiddenSize, Gaussian);
        return _reconstruction.AsSpan(0, batchSize * VisibleSize);
    }

    /// <inheritdoc/>
    protected override float LossCore(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batchSize) =>
        Losses.MeanSquaredError(outputs, targets, batchSize, VisibleSize);

    /// <summary>
    /// One CD-k (or PCD-k) step: the reconstruction error of the batch, and in <see cref="Model.Gradients"/> the
    /// estimate (h⁻ᵀv⁻ − h⁺ᵀv⁺) / B and its biases' (see <see cref="Rbm.ContrastiveDivergenceGradients"/>).
    /// </summary>
    /// <remarks>
    /// Positive phase: h⁺ = p(h | v⁺) of the data. Negative phase: from the data (or the persistent chain), k times
    /// sample h, then v from p(v | h) (a Bernoulli or Gaussian sample), then h⁻ = p(h | v⁻). Hidden probabilities, not
    /// samples, enter the statistics, which lowers their variance (Hinton's guide, section 3).
    /// </remarks>
    protected override float ForwardBackwardCore(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        int visible = VisibleSize, hidden = HiddenSize;
        ForwardCore(inputs, batchSize);
        float loss = LossCore(_reconstruction, inputs, batchSize);

        ReadOnlySpan<float> chainStart = inputs;
        if (Persistent)
        {
            // The chain's rows start from the first data they meet, then carry on; a later, larger batch starts its new rows likewise.
            if (_persistentRows < batchSize)
            {
                inputs.Slice(_persistentRows * visible, (batchSize - _persistentRows) * visible).CopyTo(_persistentChain.AsSpan(_persistentRows * visible));
                _persistentRows = batchSize;
            }
            chainStart = _persistentChain.AsSpan(0, batchSize * visible);
        }
        Rbm.HiddenProbabilities(chainStart, Weight, HiddenBias, _chainHidden, batchSize, visible, hidden);
        for (int step = 0; step < GibbsSteps; step++)
        {
            Rbm.SampleBernoulli(_chainHidden, _hiddenSample, batchSize * hidden, NextRandomKey());
            Rbm.VisibleMeans(_hiddenSample, Weight, VisibleBias, _visibleMeans, batchSize, visible, hidden, Gaussian);
            SampleVisible(_visibleMeans, _visibleSample, batchSize * visible, NextRandomKey());
            Rbm.HiddenProbabilities(_visibleSample, Weight, HiddenBias, _chainHidden, batchSize, visible, hidden);
        }
        if (Persistent)
        {
            _visibleSample.AsSpan(0, batchSize * visible).CopyTo(_persistentChain);
        }

        Span<float> gradients = Gradients;
        Rbm.ContrastiveDivergenceGradients(
            inputs, _hiddenProbabilities, _visibleSample, _chainHidden,
            gradients.Slice(_weightOffset, hidden * visible), gradients.Slice(_hiddenBiasOffset, hidden), gradients.Slice(_visibleBiasOffset, visible),
            _scratch, batchSize, visible, hidden);
        return loss;
    }

    private void SampleVisible(ReadOnlySpan<float> means, Span<float> samples, int count, ulong key)
    {
        if (Gaussian)
        {
            Rbm.SampleGaussian(means, samples, count, key);
        }
        else
        {
            Rbm.SampleBernoulli(means, samples, count, key);
        }
    }

    /// <summary>One raw sample's features p(h = 1 | v) [H] as a new array. Safe from any number of threads at once.</summary>
    /// <exception cref="ArgumentException"><paramref name="sample"/> is not one sample, or holds NaN or ±∞.</exception>
    public float[] Transform(ReadOnlySpan<float> sample) => EncodeSample(sample);

    /// <summary>
    /// The features p(h = 1 | v) <c>[n, H]</c> of raw <paramref name="samples"/> <c>[n, V]</c> into
    /// <paramref name="features"/>; allocates nothing after the calling thread's first call with a batch this large.
    /// Safe from any number of threads at once.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="samples"/> is not a whole number of samples, or holds NaN or ±∞; <paramref name="features"/> is too short.
    /// </exception>
    public void Transform(ReadOnlySpan<float> samples, Span<float> features) => EncodeSamples(samples, features);

    /// <summary>
    /// F(v) of each raw sample of <paramref name="samples"/> <c>[n, V]</c> into <paramref name="freeEnergies"/> [n]:
    /// p(v) = e^(−F(v)) / Z, so a lower free energy is a likelier sample. Safe from any number of threads at once.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit, or a sample holds NaN or ±∞.</exception>
    public void FreeEnergy(ReadOnlySpan<float> samples, Span<float> freeEnergies)
    {
        int count = CountSamples(samples, nameof(samples));
        if (freeEnergies.Length < count)
        {
            throw new ArgumentException($"{nameof(freeEnergies)} holds {freeEnergies.Length} numbers, but there are {count} samples.", nameof(freeEnergies));
        }
        RequireFiniteSamples(samples, VisibleSize, single: false, nameof(samples));
        var replica = (BoltzmannMachine)InferenceReplica;
        for (int start = 0; start < count; start += InferenceRows)
        {
            int batch = Math.Min(InferenceRows, count - start);
            replica.GrowBuffers(batch);
            Rbm.FreeEnergy(
                replica.Normalized(samples.Slice(start * VisibleSize, batch * VisibleSize)), Weight, HiddenBias, VisibleBias,
                freeEnergies.Slice(start, batch), replica._scratch, batch, VisibleSize, HiddenSize, Gaussian);
        }
    }

    /// <summary>
    /// The pseudo-log-likelihood of binary samples, averaged (scikit-learn's <c>BernoulliRBM.score_samples</c>): for each
    /// sample one visible unit i, picked by <paramref name="seed"/>, is flipped, and V · log σ(F(ṽ) − F(v)) estimates
    /// Σᵢ log p(vᵢ | v₋ᵢ). Higher is better; it rises as the machine models the data.
    /// </summary>
    /// <remarks>Computed 1,024 samples at a time in the calling thread's buffers: it allocates nothing after their first use.</remarks>
    /// <exception cref="NotSupportedException">The visible units are Gaussian, for which flipping a unit means nothing.</exception>
    /// <exception cref="ArgumentException">The samples do not fit, or hold NaN or ±∞.</exception>
    public float PseudoLikelihood(ReadOnlySpan<float> samples, int seed = 0)
    {
        if (Gaussian)
        {
            throw new NotSupportedException($"{Description.Name} has Gaussian visible units: the pseudo-likelihood flips binary units.");
        }
        int count = CountSamples(samples, nameof(samples));
        RequireFiniteSamples(samples, VisibleSize, single: false, nameof(samples));
        var replica = (BoltzmannMachine)InferenceReplica;
        int visible = VisibleSize;
        Span<float> energies = stackalloc float[InferenceRows], flippedEnergies = stackalloc float[InferenceRows];
        double sum = 0;
        for (int start = 0; start < count; start += InferenceRows)
        {
            int batch = Math.Min(InferenceRows, count - start);
            replica.GrowBuffers(batch);
            ReadOnlySpan<float> rows = replica.Normalized(samples.Slice(start * visible, batch * visible));
            Rbm.FreeEnergy(rows, Weight, HiddenBias, VisibleBias, energies, replica._scratch, batch, visible, HiddenSize, gaussian: false);
            Span<float> flipped = replica._visibleMeans.AsSpan(0, batch * visible);
            rows.CopyTo(flipped);
            for (int s = 0; s < batch; s++)
            {
                int unit = (int)(Kernels.Rbm.PickUnit(unchecked((ulong)seed), (uint)(start + s)) % (uint)visible);
                ref float value = ref flipped[s * visible + unit];
                value = 1f - value;
            }
            Rbm.FreeEnergy(flipped, Weight, HiddenBias, VisibleBias, flippedEnergies, replica._scratch, batch, visible, HiddenSize, gaussian: false);
            for (int s = 0; s < batch; s++)
            {
                // log σ(x) = −log(1 + e^(−x)).
                sum -= Kernels.Rbm.Softplus(-(flippedEnergies[s] - (double)energies[s]));
            }
        }
        return (float)(VisibleSize * sum / count);
    }

    /// <summary>
    /// Runs a Gibbs chain of <paramref name="steps"/> steps from each row of <paramref name="visible"/> <c>[n, V]</c> and
    /// writes each chain's last E[v | h] back into it: samples from the model, for pictures. The draws come from
    /// <paramref name="seed"/>, not the training generator, so this is safe from any number of threads at once.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="visible"/> is not a whole number of samples, or holds NaN or ±∞.</exception>
    public void Sample(Span<float> visible, int steps, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        int count = CountSamples(visible, nameof(visible));
        RequireFiniteSamples(visible, VisibleSize, single: false, nameof(visible));
        var replica = (BoltzmannMachine)InferenceReplica;
        int visibleSize = VisibleSize, hidden = HiddenSize;
        ulong key = unchecked((ulong)seed * 0x9E3779B97F4A7C15);
        for (int start = 0; start < count; start += InferenceRows)
        {
            int batch = Math.Min(InferenceRows, count - start);
            replica.GrowBuffers(batch);
            Span<float> rows = visible.Slice(start * visibleSize, batch * visibleSize);
            rows.CopyTo(replica._visibleSample);
            for (int step = 0; step < steps; step++)
            {
                Rbm.HiddenProbabilities(replica._visibleSample, Weight, HiddenBias, replica._chainHidden, batch, visibleSize, hidden);
                Rbm.SampleBernoulli(replica._chainHidden, replica._hiddenSample, batch * hidden, key++);
                Rbm.VisibleMeans(replica._hiddenSample, Weight, VisibleBias, replica._visibleMeans, batch, visibleSize, hidden, Gaussian);
                SampleVisible(replica._visibleMeans, replica._visibleSample, batch * visibleSize, key++);
            }
            replica._visibleMeans.AsSpan(0, batch * visibleSize).CopyTo(rows);
        }
    }

    /// <summary>Binary units add the pseudo-likelihood to every evaluation and every epoch's training metrics.</summary>
    private protected override Evaluation WithModelMetrics(Evaluation evaluation, ReadOnlySpan<float> features, int count) =>
        Gaussian ? evaluation : evaluation with { PseudoLikelihood = PseudoLikelihood(features[..(count * VisibleSize)]) };

    /// <summary>Binary units read each input as a probability: every value must lie in [0, 1].</summary>
    private protected override void RequireInputsInDomain(Dataset data, string? role, string parameterName)
    {
        if (Gaussian)
        {
            return;
        }
        float[] features = data.Features;
        for (int i = 0; i < data.Count * data.SampleSize; i++)
        {
            if (features[i] is < 0f or > 1f)
            {
                throw new ArgumentException(
                    $"{NameSample(role, i / data.SampleSize)} holds {features[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at position {i % data.SampleSize}, " +
                    $"but {Description.Name}'s visible units are binary and read inputs as probabilities in [0, 1]; scale the data into [0, 1], or declare VisibleUnits.Gaussian for real values.",
                    parameterName);
            }
        }
    }

    /// <summary>Rows per pass of the inference helpers, as Predict's batches.</summary>
    private const int InferenceRows = 1024;

    private int CountSamples(ReadOnlySpan<float> samples, string name)
    {
        if (samples.Length % VisibleSize != 0)
        {
            throw new ArgumentException($"{name} has {samples.Length} numbers, not a whole number of {Description.Name}'s samples of {VisibleSize}.", name);
        }
        return samples.Length / VisibleSize;
    }

    /// <summary>The samples with the model's input normalisation applied (in this replica's buffer), or as they are.</summary>
    private ReadOnlySpan<float> Normalized(ReadOnlySpan<float> samples)
    {
        if (InputNormalization is not { } normalization)
        {
            return samples;
        }
        Span<float> normalized = _visibleSample.AsSpan(0, samples.Length);
        normalization.Apply(samples, normalized);
        return normalized;
    }
}
