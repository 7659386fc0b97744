namespace NetGen;

/// <summary>
/// Masking noise, the denoising autoencoder's corruption (Vincent et al., 2008): in training each number of what the
/// layer above gives (or of the input, as the first layer) is set to 0 with probability <see cref="Rate"/>, and the
/// others are left as they are, not rescaled; in inference nothing changes. The target stays the clean input, so the
/// network learns to fill in what was masked. A fresh draw per mini-batch from the network's seed, as dropout's.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaskingNoiseAttribute : LayerAttribute
{
    /// <param name="rate">The probability of zeroing a number, in [0, 1).</param>
    public MaskingNoiseAttribute(double rate) => Rate = rate;

    /// <summary>The probability of zeroing a number, in [0, 1).</summary>
    public double Rate { get; }
}

/// <summary>
/// Additive Gaussian noise, as Keras's <c>GaussianNoise</c>: in training x + σ·n with n ~ N(0, 1) drawn afresh for each
/// number of each mini-batch (from the network's seed); in inference nothing changes.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GaussianNoiseAttribute : LayerAttribute
{
    /// <param name="standardDeviation">σ, ≥ 0.</param>
    public GaussianNoiseAttribute(double standardDeviation) => StandardDeviation = standardDeviation;

    /// <summary>σ, the noise's standard deviation, ≥ 0.</summary>
    public double StandardDeviation { get; }
}
