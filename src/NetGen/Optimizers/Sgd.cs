using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>Plain mini-batch stochastic gradient descent (the course's SGD): θ ← θ − η ∇θ.</summary>
public sealed class Sgd : Optimizer
{
    /// <param name="learningRate">The step size η.</param>
    public Sgd(float learningRate = 0.01f)
        : base(learningRate)
    {
    }

    /// <inheritdoc/>
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        BeginStep(parameters, gradients);
        Update(new Rule(LearningRate), parameters, gradients);
    }

    private readonly struct Rule(float learningRate) : IUpdateRule
    {
        public static int StateCount => 0;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]

        public void Apply(ref Vector<float> theta, Vector<float> g, ref Vector<float> unused0, ref Vector<float> unused1)
            => theta -= learningRate * g;
    }
}
