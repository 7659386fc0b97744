using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>
/// Adagrad (Duchi et al. 2011): one learning rate per parameter, scaled down by the square root of
/// the sum of all its squared gradients so far; parameters with large gradients slow down most.
/// </summary>
/// <remarks>
/// The course's form, with ε inside the square root:
/// <code>
/// γ ← γ + g²
/// θ ← θ − η g / √(γ + ε)
/// </code>
/// Keras writes it so too, but starts γ at 0.1 rather than 0; PyTorch puts ε outside,
/// η g / (√γ + ε). The placements differ only while γ is about as small as ε. γ is kept as
/// <c>sum</c>, as in PyTorch.
/// </remarks>
public sealed class Adagrad : Optimizer
{
    /// <param name="learningRate">The step size η.</param>
    /// <param name="epsilon">ε added to γ under the square root, in (0, ∞): keeps the first steps finite.</param>
    public Adagrad(float learningRate = 0.01f, float epsilon = 1e-8f)
        : base(learningRate, ["sum"])
    {
        Epsilon = HyperParameters.Epsilon(epsilon);
    }

    /// <summary>ε under the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        BeginStep(parameters, gradients);
        Update(new Rule(LearningRate, Epsilon), parameters, gradients);
    }

    private readonly struct Rule(float learningRate, float epsilon) : IUpdateRule
    {
        public static int StateCount => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> gamma, ref Vector<float> unused)
        {
            gamma += g * g;
            theta -= learningRate * g / Vector.SquareRoot(gamma + new Vector<float>(epsilon));
        }
    }
}
