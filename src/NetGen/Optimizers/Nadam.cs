using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>
/// Nadam (Dozat 2016, "Incorporating Nesterov momentum into Adam"): Adam whose momentum looks one
/// step ahead, as Nesterov's does, with Dozat's warming-up momentum schedule.
/// </summary>
/// <remarks>
/// <para>
/// The form of PyTorch's <c>NAdam</c>, schedule included: Dozat's μₜ = β₁ (1 − ½ · 0.96^(t/250)),
/// PyTorch's default <c>momentum_decay</c> ψ = 0.004 = 1/250. (Keras 3's <c>Nadam</c> has the same
/// update but warms up with 0.96^t, within about a hundred steps.) With Πₜ = μ₁ μ₂ ⋯ μₜ:
/// <code>
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// m̂ = μₜ₊₁ m / (1 − Πₜ μₜ₊₁) + (1 − μₜ) g / (1 − Πₜ)
/// v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η m̂ / (√v̂ + ε)
/// </code>
/// The schedule and its product are worked out per step in double precision; Πₜ follows from t,
/// so the exported state is Adam's (<c>exp_avg</c>, <c>exp_avg_sq</c>).
/// </para>
/// </remarks>
public sealed class Nadam : Optimizer
{
    /// <summary>Dozat's ψ in μₜ = β₁ (1 − ½ · 0.96^(ψ t)): how fast the momentum warms up to β₁.</summary>
    private const double MomentumDecay = 0.004;

    /// <summary>Πₜ for t = <see cref="_productStep"/>, kept so each step multiplies in one more factor.</summary>
    private double _product = 1.0;
    private long _productStep;

    /// <param name="learningRate">The step size η; 0.002 is Dozat's and PyTorch's default.</param>
    /// <param name="beta1">β₁, the first moment's decay rate and the momentum's limit, in [0, 1).</param>
    /// <param name="beta2">β₂, the second moment's decay rate, in [0, 1).</param>
    /// <param name="epsilon">ε added to √v̂, in (0, ∞).</param>
    public Nadam(float learningRate = 0.002f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate, ["exp_avg", "exp_avg_sq"])
    {
        Beta1 = HyperParameters.DecayRate(beta1);
        Beta2 = HyperParameters.DecayRate(beta2);
        Epsilon = HyperParameters.Epsilon(epsilon);
    }

    /// <summary>β₁: the first moment's decay rate, which the momentum schedule approaches.</summary>
    public float Beta1 { get; }

    /// <summary>β₂: the second moment's decay rate.</summary>
    public float Beta2 { get; }

    /// <summary>ε added to √v̂.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        long t = BeginStep(parameters, gradients);
        double momentum = ScheduledMomentum(t), nextMomentum = ScheduledMomentum(t + 1);
        double product = MomentumProduct(t);
        float gradientWeight = (float)(LearningRate * (1.0 - momentum) / (1.0 - product));
        float momentumWeight = (float)(LearningRate * nextMomentum / (1.0 - product * nextMomentum));
        float secondCorrection = (float)(1.0 / (1.0 - Math.Pow(Beta2, t)));
        Update(new Rule(Beta1, Beta2, Epsilon, gradientWeight, momentumWeight, secondCorrection), parameters, gradients);
    }

    /// <summary>μₜ = β₁ (1 − ½ · 0.96^(ψ t)).</summary>
    private double ScheduledMomentum(long t) => Beta1 * (1.0 - 0.5 * Math.Pow(0.96, t * MomentumDecay));

    /// <summary>
    /// Πₜ = μ₁ ⋯ μₜ, multiplied up from the cached product. After an import moved the step count
    /// backwards it starts again from Π₀ = 1, so the same t always gives bit for bit the same Πₜ.
    /// </summary>
    private double MomentumProduct(long t)
    {
        if (_productStep > t)
        {
            (_product, _productStep) = (1.0, 0);
        }
        while (_productStep < t)
        {
            _productStep++;
            _product *= ScheduledMomentum(_productStep);
        }
        return _product;
    }

    /// <summary>
    /// One step's update: <c>gradientWeight</c> = η (1 − μₜ) / (1 − Πₜ), <c>momentumWeight</c> =
    /// η μₜ₊₁ / (1 − Πₜ μₜ₊₁), <c>secondCorrection</c> = 1 / (1 − β₂ᵗ).
    /// </summary>
    private readonly struct Rule(float beta1, float beta2, float epsilon, float gradientWeight, float momentumWeight, float secondCorrection)
        : IUpdateRule
    {
        private readonly float _newWeight1 = 1f - beta1, _newWeight2 = 1f - beta2;

        public static int StateCount => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> m, ref Vector<float> v)
        {
            m = beta1 * m + _newWeight1 * g;
            v = beta2 * v + _newWeight2 * (g * g);
            Vector<float> vHat = v * secondCorrection;
            theta -= (momentumWeight * m + gradientWeight * g) / (Vector.SquareRoot(vHat) + new Vector<float>(epsilon));
        }
    }
}
