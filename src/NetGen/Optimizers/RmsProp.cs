using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>
/// RMSProp (Hinton's lecture 6e): Adagrad with an exponential moving average of squared gradients
/// instead of their sum, so the per-parameter rate adapts without shrinking forever.
/// </summary>
/// <remarks>
/// The course's form, with ε inside the square root:
/// <code>
/// γ ← β γ + (1 − β) g²
/// θ ← θ − η g / √(γ + ε)
/// </code>
/// Keras writes it so too, with the same default β = 0.9 (Hinton's); PyTorch puts ε outside,
/// η g / (√γ + ε), and defaults β to 0.99. γ is kept as <c>square_avg</c>, as in PyTorch.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    /// <param name="learningRate">The step size η.</param>
    /// <param name="decay">β, the moving average's decay rate, in [0, 1).</param>
    /// <param name="epsilon">ε added to γ under the square root, in (0, ∞).</param>
    public RmsProp(float learningRate = 0.001f, float decay = 0.9f, float epsilon = 1e-8f)
        : base(learningRate, ["square_avg"])
    {
        Decay = HyperParameters.DecayRate(decay);
        Epsilon = HyperParameters.Epsilon(epsilon);
    }

    /// <summary>β: the fraction of the average each step keeps.</summary>
    public float Decay { get; }

    /// <summary>ε under the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        BeginStep(parameters, gradients);
        Update(new Rule(LearningRate, Decay, Epsilon), parameters, gradients);
    }

    private readonly struct Rule(float learningRate, float decay, float epsilon) : IUpdateRule
    {
        private readonly float _newWeight = 1f - decay;

        public static int StateCount => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> gamma, ref Vector<float> unused)
        {
            gamma = decay * gamma + _newWeight * (g * g);
            theta -= learningRate * g / Vector.SquareRoot(gamma + new Vector<float>(epsilon));
        }
    }
}
