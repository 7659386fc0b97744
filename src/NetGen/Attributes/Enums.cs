namespace NetGen;

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
}
