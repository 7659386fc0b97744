using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba 2015): RMSProp plus momentum, with both moving averages corrected for
/// their start at zero.
/// </summary>
/// <remarks>
/// Algorithm 1 of the paper, as the course's deck gives it (t counts steps from 1; m and v start at 0):
/// <code>
/// m ← β₁ m + (1 − β₁) g          biased first moment
/// v ← β₂ v + (1 − β₂) g²         biased second raw moment
/// m̂ = m / (1 − β₁ᵗ)              bias-corrected
/// v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η m̂ / (√v̂ + ε)
/// </code>
/// The corrections are worked out once per step in double precision. The moments are kept as
/// <c>exp_avg</c> and <c>exp_avg_sq</c>, as in PyTorch.
/// </remarks>
public class Adam : Optimizer
{
    /// <param name="learningRate">The step size η (the paper's α).</param>
    /// <param name="beta1">β₁, the first moment's decay rate, in [0, 1).</param>
    /// <param name="beta2">β₂, the second moment's decay rate, in [0, 1).</param>
    /// <param name="epsilon">ε added to √v̂, in (0, ∞).</param>
    public Adam(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate, ["exp_avg", "exp_avg_sq"])
    {
        Beta1 = HyperParameters.DecayRate(beta1);
        Beta2 = HyperParameters.DecayRate(beta2);
        Epsilon = HyperParameters.Epsilon(epsilon);
    }

    /// <summary>β₁: the fraction of the first moment each step keeps.</summary>
    public float Beta1 { get; }

    /// <summary>β₂: the fraction of the second moment each step keeps.</summary>
    public float Beta2 { get; }

    /// <summary>ε added to √v̂.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public sealed override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        long t = BeginStep(parameters, gradients);
        float firstCorrection = (float)(1.0 / (1.0 - Math.Pow(Beta1, t)));
        float secondCorrection = (float)(1.0 / (1.0 - Math.Pow(Beta2, t)));
        Update(new Rule(LearningRate, Beta1, Beta2, Epsilon, firstCorrection, secondCorrection), parameters, gradients);
    }

    /// <summary>One step's update; <c>firstCorrection</c> = 1 / (1 − β₁ᵗ), <c>secondCorrection</c> = 1 / (1 − β₂ᵗ).</summary>
    private readonly struct Rule(float learningRate, float beta1, float beta2, float epsilon, float firstCorrection, float secondCorrection)
        : IUpdateRule
    {
        private readonly float _newWeight1 = 1f - beta1, _newWeight2 = 1f - beta2;

        public static int StateCount => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> m, ref Vector<float> v)
        {
            m = beta1 * m + _newWeight1 * g;
            v = beta2 * v + _newWeight2 * (g * g);
            Vector<float> mHat = m * firstCorrection;
            Vector<float> vHat = v * secondCorrection;
            theta -= learningRate * mHat / (Vector.SquareRoot(vHat) + new Vector<float>(epsilon));
        }
    }
}
