namespace NetGen.Optimizers;

/// <summary>
/// A stretch of the parameter buffer whose tensors weight decay either all touches or all leaves
/// alone. A dense network alternates <c>weight</c> and <c>bias</c>, so it has two runs per layer;
/// neighbouring tensors with the same answer merge into one run.
/// </summary>
/// <param name="Start">The first element's index in the parameter buffer.</param>
/// <param name="Length">Elements in the run.</param>
/// <param name="Decays">Whether weight decay applies (see <see cref="Optimizer.AppliesWeightDecayTo"/>).</param>
internal readonly record struct DecayRun(int Start, int Length, bool Decays)
{
    /// <summary>Splits <paramref name="model"/>'s parameter buffer into runs, in buffer order, covering all of it.</summary>
    /// <exception cref="ArgumentException">The tensor table does not tile the buffer in order without gaps.</exception>
    public static DecayRun[] Split(ModelDescription model)
    {
        var runs = new List<DecayRun>();
        int end = 0;
        foreach (ParameterTensor tensor in model.Tensors)
        {
            if (tensor.Offset != end)
            {
                throw new ArgumentException(
                    $"{model.Name}: tensor '{tensor.Name}' starts at {tensor.Offset}, but the tensors before it end at {end}; " +
                    "the tensor table must cover the parameter buffer in order, without gaps.", nameof(model));
            }
            bool decays = Optimizer.AppliesWeightDecayTo(tensor.Role);
            if (runs.Count > 0 && runs[^1].Decays == decays)
            {
                runs[^1] = runs[^1] with { Length = runs[^1].Length + tensor.Length };
            }
            else
            {
                runs.Add(new DecayRun(end, tensor.Length, decays));
            }
            end += tensor.Length;
        }
        return runs.ToArray();
    }
}

/// <summary>
/// Weight decay as the element-wise loop applies it, before the optimizer's rule:
/// g ← g + <see cref="GradientCoefficient"/> · θ, then θ ← <see cref="ParameterScale"/> · θ.
/// </summary>
/// <param name="GradientCoefficient">λ for L2 decay: ∇ of (λ/2)‖W‖² is λW. 0 when off.</param>
/// <param name="ParameterScale">1 − ηλ for decoupled decay (AdamW). 1 when off.</param>
internal readonly record struct DecayTerms(float GradientCoefficient, float ParameterScale)
{
    /// <summary>No decay: g and θ pass through unchanged.</summary>
    public static DecayTerms None => new(0f, 1f);

    /// <summary>L2 regularisation: adds λθ to the gradient.</summary>
    public static DecayTerms L2(float lambda) => new(lambda, 1f);

    /// <summary>Decoupled decay (Loshchilov &amp; Hutter): θ ← θ − ηλθ, the gradient untouched.</summary>
    public static DecayTerms Decoupled(float learningRate, float lambda) => new(0f, 1f - learningRate * lambda);
}
