namespace NetGen.Kernels;

/// <summary>
/// A restricted Boltzmann machine's passes, over a batch of B rows, V visible and H hidden units. W is
/// <c>weight [H, V]</c>, b the hidden bias [H], c the visible bias [V]. With binary visible units the energy is
/// E(v, h) = −hᵀWv − cᵀv − bᵀh; with Gaussian ones of unit variance, E(v, h) = ½‖v − c‖² − hᵀWv − bᵀh. Either way
/// p(h = 1 | v) = σ(b + Wv) factorises over the hidden units, and p(v | h) over the visible ones: σ(c + Wᵀh) for binary
/// units, N(c + Wᵀh, 1) for Gaussian ones.
/// </summary>
/// <remarks>
/// The products run on the Dense kernels (p(h | v) is a sigmoid layer with weight W, p(v | h) one with weight Wᵀ), so
/// they use the same tiles and threads. Samples are hashes of (key, element), as dropout's masks are: the same key gives
/// the same draw whatever the thread split.
/// </remarks>
public static class Rbm
{
    /// <summary>p(h = 1 | v) [B, H] = σ(v [B, V] · Wᵀ + b).</summary>
    public static void HiddenProbabilities(
        ReadOnlySpan<float> visible, ReadOnlySpan<float> weight, ReadOnlySpan<float> hiddenBias, Span<float> probabilities,
        int batch, int visibleUnits, int hiddenUnits) =>
        Dense.Forward<Sigmoid>(visible, weight, hiddenBias, probabilities, batch, inputs: visibleUnits, outputs: hiddenUnits);

    /// <summary>
    /// E[v | h] [B, V] = σ(h [B, H] · W + c) for binary units, h · W + c for Gaussian ones: the product reads W [H, V]
    /// as it lies (as a Dense layer's input delta does), then one pass adds c and applies σ.
    /// </summary>
    public static void VisibleMeans(
        ReadOnlySpan<float> hidden, ReadOnlySpan<float> weight, ReadOnlySpan<float> visibleBias, Span<float> means,
        int batch, int visibleUnits, int hiddenUnits, bool gaussian)
    {
        Dense.RequireLength(visibleBias, visibleUnits, nameof(visibleBias), "[V]");
        // With the identity no derivative is applied, so the "input" the product's epilogue would read is never read.
        Dense.InputDelta<Identity>(hidden, weight, means, means, batch, inputs: visibleUnits, outputs: hiddenUnits);
        for (int row = 0; row < batch; row++)
        {
            Span<float> values = means.Slice(row * visibleUnits, visibleUnits);
            for (int i = 0; i < visibleUnits; i++)
            {
                float z = values[i] + visibleBias[i];
                values[i] = gaussian ? z : Sigmoid.Forward(z);
            }
        }
    }

    /// <summary>samples[i] = 1 with probability probabilities[i], else 0: one 24-bit uniform draw per element.</summary>
    public static void SampleBernoulli(ReadOnlySpan<float> probabilities, Span<float> samples, int count, ulong key)
    {
        Dense.RequireLength(probabilities, count, nameof(probabilities), "[B, N]");
        Dense.RequireLength(samples, count, nameof(samples), "[B, N]");
        const float scale = 1f / (1 << 24);
        for (int i = 0; i < count; i++)
        {
            float u = (DropoutMask.Hash(key, (uint)i) >> 8) * scale;
            samples[i] = u < probabilities[i] ? 1f : 0f;
        }
    }

    /// <summary>samples[i] = means[i] + n, n ~ N(0, 1): a Gaussian unit of unit variance.</summary>
    public static void SampleGaussian(ReadOnlySpan<float> means, Span<float> samples, int count, ulong key)
    {
        Dense.RequireLength(means, count, nameof(means), "[B, N]");
        Dense.RequireLength(samples, count, nameof(samples), "[B, N]");
        for (int i = 0; i < count; i++)
        {
            samples[i] = means[i] + Noise.StandardNormal(key, (uint)i);
        }
    }

    /// <summary>
    /// F(v) per row into <paramref name="freeEnergies"/> [B]: −cᵀv − Σⱼ log(1 + e^(bⱼ + Wⱼv)) for binary units,
    /// ½‖v − c‖² − Σⱼ log(1 + e^(bⱼ + Wⱼv)) for Gaussian ones, so p(v) = e^(−F(v)) / Z. <paramref name="scratch"/>
    /// holds the hidden pre-activations [B, H]. Sums in double.
    /// </summary>
    public static void FreeEnergy(
        ReadOnlySpan<float> visible, ReadOnlySpan<float> weight, ReadOnlySpan<float> hiddenBias, ReadOnlySpan<float> visibleBias,
        Span<float> freeEnergies, Span<float> scratch, int batch, int visibleUnits, int hiddenUnits, bool gaussian)
    {
        Dense.RequireLength(freeEnergies, batch, nameof(freeEnergies), "[B]");
        Dense.RequireLength(visibleBias, visibleUnits, nameof(visibleBias), "[V]");
        Dense.Forward<Identity>(visible, weight, hiddenBias, scratch, batch, inputs: visibleUnits, outputs: hiddenUnits);
        for (int row = 0; row < batch; row++)
        {
            double energy = 0;
            ReadOnlySpan<float> v = visible.Slice(row * visibleUnits, visibleUnits);
            for (int i = 0; i < visibleUnits; i++)
            {
                energy += gaussian ? 0.5 * (v[i] - visibleBias[i]) * (v[i] - (double)visibleBias[i]) : -(double)visibleBias[i] * v[i];
            }
            ReadOnlySpan<float> z = scratch.Slice(row * hiddenUnits, hiddenUnits);
            for (int j = 0; j < hiddenUnits; j++)
            {
                energy -= Softplus(z[j]);
            }
            freeEnergies[row] = (float)energy;
        }
    }

    /// <summary>A hashed index, for picking one unit per sample (the pseudo-likelihood's flip).</summary>
    internal static uint PickUnit(ulong key, uint sample) => DropoutMask.Hash(key, sample);

    /// <summary>log(1 + eᶻ) without overflow.</summary>
    internal static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    /// <summary>
    /// The contrastive-divergence estimate of −∂ log p(v) / ∂θ, averaged over the batch, overwriting the three gradients:
    /// dW [H, V] = (h⁻ᵀ v⁻ − h⁺ᵀ v⁺) / B, db [H] = Σ (h⁻ − h⁺) / B, dc [V] = Σ (v⁻ − v⁺) / B. The positive phase is the
    /// data v⁺ with h⁺ = p(h | v⁺); the negative phase the chain's visible state v⁻ with h⁻ = p(h | v⁻). An optimizer
    /// that descends it raises the likelihood. <paramref name="scratch"/> holds [B, H].
    /// </summary>
    public static void ContrastiveDivergenceGradients(
        ReadOnlySpan<float> positiveVisible, ReadOnlySpan<float> positiveHidden, ReadOnlySpan<float> negativeVisible, ReadOnlySpan<float> negativeHidden,
        Span<float> weightGradient, Span<float> hiddenBiasGradient, Span<float> visibleBiasGradient, Span<float> scratch,
        int batch, int visibleUnits, int hiddenUnits)
    {
        int hiddenCount = batch * hiddenUnits, visibleCount = batch * visibleUnits;
        Dense.RequireLength(positiveHidden, hiddenCount, nameof(positiveHidden), "[B, H]");
        Dense.RequireLength(negativeHidden, hiddenCount, nameof(negativeHidden), "[B, H]");
        Dense.RequireLength(positiveVisible, visibleCount, nameof(positiveVisible), "[B, V]");
        Dense.RequireLength(negativeVisible, visibleCount, nameof(negativeVisible), "[B, V]");
        Dense.RequireLength(visibleBiasGradient, visibleUnits, nameof(visibleBiasGradient), "[V]");
        Dense.RequireLength(scratch, hiddenCount, nameof(scratch), "[B, H]");
        float scale = 1f / batch;
        // The 1/B and the sign go into a copy of h, so each phase is one weight-gradient product: −h⁺/B, then +h⁻/B.
        Scale(positiveHidden, scratch, -scale, hiddenCount);
        Dense.ParameterGradients(scratch, positiveVisible, weightGradient, hiddenBiasGradient, batch, visibleUnits, hiddenUnits, accumulate: false);
        Scale(negativeHidden, scratch, scale, hiddenCount);
        Dense.ParameterGradients(scratch, negativeVisible, weightGradient, hiddenBiasGradient, batch, visibleUnits, hiddenUnits, accumulate: true);
        for (int i = 0; i < visibleUnits; i++)
        {
            double sum = 0;
            for (int row = 0; row < batch; row++)
            {
                sum += negativeVisible[row * visibleUnits + i] - positiveVisible[row * visibleUnits + i];
            }
            visibleBiasGradient[i] = (float)(sum * scale);
        }
    }

    private static void Scale(ReadOnlySpan<float> source, Span<float> target, float factor, int count)
    {
        for (int i = 0; i < count; i++)
        {
            target[i] = source[i] * factor;
        }
    }
}
