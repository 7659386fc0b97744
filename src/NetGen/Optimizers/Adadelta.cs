using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>
/// Adadelta (Zeiler 2012, "ADADELTA: an adaptive learning rate method"): RMSProp whose step is
/// rescaled by a running RMS of past steps, so the update has the units of θ and needs no
/// hand-tuned rate.
/// </summary>
/// <remarks>
/// Zeiler's Algorithm 1, both averages starting at 0:
/// <code>
/// E[g²] ← ρ E[g²] + (1 − ρ) g²
/// Δ     ← √(E[Δ²] + ε) / √(E[g²] + ε) · g
/// E[Δ²] ← ρ E[Δ²] + (1 − ρ) Δ²
/// θ     ← θ − η Δ
/// </code>
/// The paper has no η (η = 1, the default); PyTorch and Keras add it as a multiplier, as here, and
/// accumulate the unscaled Δ. The averages are kept as <c>square_avg</c> and <c>acc_delta</c>, as in PyTorch.
/// </remarks>
public sealed class Adadelta : Optimizer
{
    /// <param name="learningRate">η, a multiplier on Zeiler's step; 1 follows the paper.</param>
    /// <param name="rho">ρ, the decay rate of both averages, in [0, 1).</param>
    /// <param name="epsilon">ε under both square roots, in (0, ∞); it also sets the size of the very first steps.</param>
    public Adadelta(float learningRate = 1.0f, float rho = 0.95f, float epsilon = 1e-6f)
        : base(learningRate, ["square_avg", "acc_delta"])
    {
        Rho = HyperParameters.DecayRate(rho);
        Epsilon = HyperParameters.Epsilon(epsilon);
    }

    /// <summary>ρ: the fraction of each average a step keeps.</summary>
    public float Rho { get; }

    /// <summary>ε under both square roots.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        BeginStep(parameters, gradients);
        Update(new Rule(LearningRate, Rho, Epsilon), parameters, gradients);
    }

    private readonly struct Rule(float learningRate, float rho, float epsilon) : IUpdateRule
    {
        private readonly float _newWeight = 1f - rho;

        public static int StateCount => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> squareAverage, ref Vector<float> deltaAverage)
        {
            var eps = new Vector<float>(epsilon);
            squareAverage = rho * squareAverage + _newWeight * (g * g);
            Vector<float> delta = Vector.SquareRoot(deltaAverage + eps) / Vector.SquareRoot(squareAverage + eps) * g;
            deltaAverage = rho * deltaAverage + _newWeight * (delta * delta);
            theta -= learningRate * delta;
        }
    }
}
