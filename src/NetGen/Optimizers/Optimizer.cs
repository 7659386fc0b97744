using System.Numerics;

namespace NetGen.Optimizers;

/// <summary>
/// Updates a network's parameters from their gradients. Every optimizer is one loop over the
/// contiguous parameter buffer, whatever the network: the generated code lays all tensors out
/// in one array for exactly this reason.
/// </summary>
public abstract class Optimizer
{
    /// <summary>The step size η.</summary>
    public float LearningRate { get; set; }

    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive, finite number.");
        }
        LearningRate = learningRate;
    }

    /// <summary>Called once before training with the network's tensors (for state sized to the parameters).</summary>
    public virtual void Bind(ModelDescription model)
    {
    }

    /// <summary>One update of <paramref name="parameters"/> from the averaged mini-batch <paramref name="gradients"/>.</summary>
    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}

/// <summary>Plain mini-batch stochastic gradient descent: θ ← θ − η ∇θ.</summary>
public sealed class Sgd : Optimizer
{
    public Sgd(float learningRate = 0.01f)
        : base(learningRate)
    {
    }

    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        var rate = new Vector<float>(LearningRate);
        int i = 0;
        for (; i + Vector<float>.Count <= parameters.Length; i += Vector<float>.Count)
        {
            (new Vector<float>(parameters.Slice(i)) - rate * new Vector<float>(gradients.Slice(i))).CopyTo(parameters.Slice(i));
        }
        for (; i < parameters.Length; i++)
        {
            parameters[i] -= LearningRate * gradients[i];
        }
    }
}
