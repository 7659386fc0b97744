// Compiled into the generator too (NETGEN_GENERATOR), so that the values it reads from attributes and the ones the
// runtime defines are one source, not a copy kept in step by hand.
#if NETGEN_GENERATOR
namespace NetGen.Generators.Model;
#else
namespace NetGen;
#endif

/// <summary>The loss a network is trained to minimise, averaged over the mini-batch.</summary>
/// <remarks>The generator mirrors these values by number: append new members, never reorder.</remarks>
public enum Loss
{
    /// <summary>Mean of (a − y)² over every output of every sample, as Keras and PyTorch define it.</summary>
    MeanSquaredError = 0,

    /// <summary>
    /// Negative log-likelihood of the target: −Σₖ yₖ log pₖ after a softmax output, or binary
    /// cross-entropy −[y log p + (1 − y) log(1 − p)] after a one-unit sigmoid output.
    /// </summary>
    CrossEntropy = 1,
}

/// <summary>The non-linearity a layer applies to its pre-activation z.</summary>
/// <remarks>The generator mirrors these values by number: append new members, never reorder.</remarks>
public enum Activation
{
    /// <summary>a = z.</summary>
    Identity = 0,

    /// <summary>a = 1 / (1 + e^−z); a' = a (1 − a).</summary>
    Sigmoid = 1,

    /// <summary>a = tanh z; a' = 1 − a².</summary>
    Tanh = 2,

    /// <summary>a = max(0, z); a' = 1 where z &gt; 0, else 0.</summary>
    ReLU = 3,

    /// <summary>aₖ = e^zₖ / Σⱼ e^zⱼ over a sample's outputs; only on the last layer.</summary>
    Softmax = 4,

    /// <summary>
    /// a = 1 where z ≥ 0, else 0; a' = 0. Passes no gradient: this layer and every layer below it do not learn.
    /// </summary>
    BinaryStep = 5,

    /// <summary>a = arctan z; a' = 1 / (1 + z²) = cos² a.</summary>
    ArcTan = 6,

    /// <summary>a = arsinh z = ln(z + √(z² + 1)); a' = 1 / √(1 + z²) = 1 / cosh a.</summary>
    ArSinh = 7,

    /// <summary>Softsign (Elliott's sigmoid): a = z / (1 + |z|); a' = 1 / (1 + |z|)² = (1 − |a|)².</summary>
    Softsign = 8,

    /// <summary>
    /// Inverse square root unit: a = z / √(1 + α z²); a' = (1 − α a²)^(3/2). α &gt; 0 from
    /// <see cref="DenseAttribute.Alpha"/>, 1 by default.
    /// </summary>
    ISRU = 9,

    /// <summary>
    /// Inverse square root linear unit: a = z for z ≥ 0, z / √(1 + α z²) below; a' = 1, resp. (1 − α a²)^(3/2).
    /// α &gt; 0 from <see cref="DenseAttribute.Alpha"/>, 1 by default.
    /// </summary>
    ISRLU = 10,

    /// <summary>Square nonlinearity: a = z ∓ z²/4 for |z| ≤ 2, ±1 beyond; a' = 1 ∓ z/2 = √(1 − |a|), 0 beyond.</summary>
    SQNL = 11,

    /// <summary>
    /// a = z for z ≥ 0, α z below; a' = 1, resp. α. The slope α, 0 ≤ α &lt; 1, from
    /// <see cref="DenseAttribute.Alpha"/>, 0.01 by default.
    /// </summary>
    LeakyReLU = 12,

    /// <summary>
    /// Exponential linear unit: a = z for z &gt; 0, α (e^z − 1) otherwise; a' = 1, resp. a + α.
    /// α &gt; 0 from <see cref="DenseAttribute.Alpha"/>, 1 by default.
    /// </summary>
    ELU = 13,

    /// <summary>
    /// Scaled ELU: a = λ z for z &gt; 0, λ α (e^z − 1) otherwise, with the fixed λ ≈ 1.0507, α ≈ 1.6733 that
    /// make it self-normalising; a' = λ, resp. a + λ α.
    /// </summary>
    SELU = 14,

    /// <summary>Gaussian error linear unit (exact, erf form): a = z Φ(z); a' = Φ(z) + z φ(z). Keeps z for a'.</summary>
    GELU = 15,

    /// <summary>Sigmoid linear unit (swish): a = z σ(z); a' = σ(z) (1 + z (1 − σ(z))). Keeps z for a'.</summary>
    SiLU = 16,

    /// <summary>a = ln(1 + e^z); a' = σ(z) = 1 − e^−a.</summary>
    Softplus = 17,

    /// <summary>
    /// Parametric ReLU: a = z for z ≥ 0, αⱼ z below, with one slope αⱼ per unit, learned like any weight
    /// (tensor <c>{layer}_prelu.weight</c>, initialised to 0.25 as PyTorch's <c>PReLU</c>; never weight-decayed).
    /// </summary>
    PReLU = 18,

    /// <summary>
    /// Randomized leaky ReLU: below 0 the slope is drawn uniformly from [1/8, 1/3] for every element in
    /// training, and is their mean 11/48 in inference (PyTorch's <c>RReLU</c> defaults).
    /// </summary>
    RReLU = 19,

    /// <summary>Bipolar ReLU: even units (0, 2, …) are max(0, z), odd units min(0, z), so a layer's outputs keep both signs.</summary>
    BipolarReLU = 20,
}

/// <summary>How a Dense layer's weights get their first values (biases always start at zero).</summary>
/// <remarks>The generator mirrors these values by number: append new members, never reorder.</remarks>
public enum Initializer
{
    /// <summary>Glorot (Xavier) uniform, the course's: U[−b, b], b = √6 / √(fan_in + fan_out). The default.</summary>
    GlorotUniform = 0,

    /// <summary>Glorot normal: N(0, σ²), σ = √(2 / (fan_in + fan_out)).</summary>
    GlorotNormal = 1,

    /// <summary>He (Kaiming) uniform, for ReLU layers: U[−b, b], b = √(6 / fan_in).</summary>
    HeUniform = 2,

    /// <summary>He (Kaiming) normal, for ReLU layers: N(0, σ²), σ = √(2 / fan_in).</summary>
    HeNormal = 3,

    /// <summary>All zeros: every unit of the layer then learns the same thing, so only for experiments.</summary>
    Zeros = 4,

    /// <summary>N(0, 0.01²): Hinton's guide's start for a restricted Boltzmann machine, as scikit-learn's BernoulliRBM's.</summary>
    SmallNormal = 5,

    /// <summary>
    /// U[−b, b], b = 1 / √fan_in: PyTorch's default for every tensor of <c>nn.RNN</c>, <c>nn.LSTM</c> and <c>nn.GRU</c>,
    /// biases included, with the hidden size H as fan_in (b = 1 / √H). The default of <c>[SimpleRnn]</c>, <c>[Lstm]</c> and
    /// <c>[Gru]</c>, whose biases it draws too.
    /// </summary>
    RecurrentUniform = 6,
}

/// <summary>How a convolution treats the edges of its input.</summary>
/// <remarks>The generator mirrors these values by number: append new members, never reorder.</remarks>
public enum Padding
{
    /// <summary>No padding: every window lies inside the input, so each axis shrinks by kernel − 1 (PyTorch's <c>padding=0</c>, Keras's <c>"valid"</c>).</summary>
    Valid = 0,

    /// <summary>
    /// Zeros around the input so that the output is ⌈input / stride⌉ along each axis, the odd one on the bottom and
    /// right (TensorFlow's <c>"same"</c>; PyTorch's <c>padding="same"</c> at stride 1).
    /// </summary>
    Same = 1,
}

/// <summary>What a restricted Boltzmann machine's visible units are.</summary>
/// <remarks>The generator mirrors these values by number: append new members, never reorder.</remarks>
public enum VisibleUnits
{
    /// <summary>Binary units: p(vᵢ = 1 | h) = σ(cᵢ + Wᵢᵀh). Inputs in [0, 1] are read as probabilities (pixel intensities).</summary>
    Binary = 0,

    /// <summary>Gaussian units of unit variance: vᵢ | h ~ N(cᵢ + Wᵢᵀh, 1), for real-valued inputs (standardise them first).</summary>
    Gaussian = 1,
}
