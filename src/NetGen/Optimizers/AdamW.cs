namespace NetGen.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019, "Decoupled weight decay regularization"): <see cref="Adam"/>
/// with weight decay taken out of the gradient. In Adam, L2's λθ would be divided by √v̂ like any
/// gradient, so weights with large gradients would decay least; AdamW shrinks every weight by the
/// same factor instead.
/// </summary>
/// <remarks>
/// Each step, on weights only (<see cref="Optimizer.AppliesWeightDecayTo"/>), before Adam's update:
/// <code>
/// θ ← θ − η λ θ
/// </code>
/// then Adam's update from the unmodified gradient. This is PyTorch's and Keras's form: the decay
/// is scaled by the learning rate, so a schedule shrinks both. The paper scales λθ by a schedule
/// multiplier alone, not by Adam's α. Here <see cref="Optimizer.WeightDecay"/> is this decoupled λ,
/// not an L2 term, and because it applies to weights only, the optimizer must be bound
/// (<see cref="Optimizer.Bind"/>, which <c>Model.Fit</c> does) before stepping.
/// </remarks>
public sealed class AdamW : Adam
{
    /// <param name="learningRate">The step size η.</param>
    /// <param name="beta1">β₁, the first moment's decay rate, in [0, 1).</param>
    /// <param name="beta2">β₂, the second moment's decay rate, in [0, 1).</param>
    /// <param name="epsilon">ε added to √v̂, in (0, ∞).</param>
    /// <param name="weightDecay">λ, the decoupled decay rate, in [0, ∞).</param>
    public AdamW(float learningRate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(learningRate, beta1, beta2, epsilon)
    {
        WeightDecay = HyperParameters.NonNegative(weightDecay);
    }

    private protected override DecayTerms WeightDecayTerms => DecayTerms.Decoupled(LearningRate, WeightDecay);
}
