using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>
/// SGD with momentum: an exponential average of past steps carries the parameters through
/// plateaus and damps oscillation across narrow valleys (the course's "gaining momentum").
/// </summary>
/// <remarks>
/// <para>
/// Classical momentum (Polyak; Sutskever et al. 2013) keeps a velocity v, starting at 0:
/// <code>
/// v ← μ v − η g
/// θ ← θ + v
/// </code>
/// The course writes the same average without η, ∇̄⁽ᵗ⁾ = ∇⁽ᵗ⁾ + β ∇̄⁽ᵗ⁻¹⁾, and steps θ ← θ − η ∇̄
/// (PyTorch's form); while η is constant the two give the same θ, v = −η ∇̄. They part when a
/// schedule changes η: here a new rate applies to new gradients only, and the velocity already
/// built up keeps its size.
/// </para>
/// <para>
/// Nesterov's accelerated gradient, in the reformulation Keras uses (Bengio et al. 2013) so that
/// the gradient is still taken at θ rather than at a look-ahead point:
/// <code>
/// v ← μ v − η g
/// θ ← θ + μ v − η g
/// </code>
/// With constant η it equals PyTorch's <c>nesterov=True</c>.
/// </para>
/// </remarks>
public sealed class Momentum : Optimizer
{
    /// <param name="learningRate">The step size η.</param>
    /// <param name="momentum">The momentum coefficient μ (the course's β), in [0, 1).</param>
    /// <param name="nesterov">Use Nesterov's accelerated gradient instead of classical momentum.</param>
    public Momentum(float learningRate, float momentum = 0.9f, bool nesterov = false)
        : base(learningRate, ["velocity"])
    {
        MomentumCoefficient = HyperParameters.DecayRate(momentum);
        Nesterov = nesterov;
    }

    /// <summary>μ: the fraction of the previous velocity each step keeps.</summary>
    public float MomentumCoefficient { get; }

    /// <summary>Whether the step is Nesterov's rather than classical momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        BeginStep(parameters, gradients);
        if (Nesterov)
        {
            Update(new NesterovRule(MomentumCoefficient, LearningRate), parameters, gradients);
        }
        else
        {
            Update(new ClassicalRule(MomentumCoefficient, LearningRate), parameters, gradients);
        }
    }

    private readonly struct ClassicalRule(float momentum, float learningRate) : IUpdateRule
    {
        public static int StateCount => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> velocity, ref Vector<float> unused)
        {
            velocity = momentum * velocity - learningRate * g;
            theta += velocity;
        }
    }

    private readonly struct NesterovRule(float momentum, float learningRate) : IUpdateRule
    {
        public static int StateCount => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> velocity, ref Vector<float> unused)
        {
            velocity = momentum * velocity - learningRate * g;
            theta += momentum * velocity - learningRate * g;
        }
    }
}
