namespace NetGen;

/// <summary>
/// Inverted dropout on what the layer above gives (or the input, as the first layer), anywhere before the
/// output layer: in training each unit is zeroed with probability <see cref="Rate"/> and the others are scaled by
/// 1 / (1 − rate); in inference nothing changes. The course's form instead keeps units unscaled in
/// training and multiplies the weights by 1 − p at test time: both give the next layer the same
/// expected input, and the inverted form leaves inference (<c>Predict</c>, <c>Evaluate</c>) untouched.
/// A fresh mask is drawn for every mini-batch from the network's seed, and the gradient flows back through
/// the same mask. Right after a hidden Dense or Conv2D (or its batch norm) the mask is applied in the loop
/// that computes the activation; elsewhere it is a pass of its own.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <param name="rate">The probability of dropping a unit, in [0, 1).</param>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The probability of dropping a unit, in [0, 1).</summary>
    public double Rate { get; }
}

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy), per feature of a flat input or per channel of an image,
/// anywhere before the output layer: ẑ = (x − μ) / √(σ² + ε) with the mini-batch's mean and variance in
/// training and running averages in inference, y = γ ẑ + β. Right after a hidden Dense or Conv2D it
/// normalises that layer's pre-activation z = x·Wᵀ (the layer's bias is dropped: β takes its place) in
/// the layer's own loops, before its activation; elsewhere it is a pass of its own. Its tensors are named
/// like PyTorch's <c>BatchNorm1d</c> / <c>BatchNorm2d</c>:
/// <c>{Name}.weight</c> (γ), <c>{Name}.bias</c> (β), <c>{Name}.running_mean</c>, <c>{Name}.running_var</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>How far the running statistics move toward each mini-batch's, in (0, 1]; PyTorch's default 0.1.</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>Added to the variance before the square root, &gt; 0; PyTorch's default 1e-5.</summary>
    public double Epsilon { get; set; } = 1e-5;
}
