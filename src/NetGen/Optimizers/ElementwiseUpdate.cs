using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetGen.Kernels;

namespace NetGen.Optimizers;

/// <summary>
/// An optimizer's update of one parameter from its gradient and state, written once on
/// <see cref="Vector{T}"/> lanes. Implementations are <c>readonly struct</c>s holding the step's
/// coefficients, so the JIT specialises <see cref="ElementwiseUpdate.Run{TRule}"/> for each; marking
/// <see cref="Apply"/> <see cref="MethodImplOptions.AggressiveInlining"/> puts it into that loop
/// (Adam's, say, is otherwise too large for the inliner and stays a call per vector).
/// </summary>
internal interface IUpdateRule
{
    /// <summary>How many per-parameter state buffers the rule reads and writes: 0, 1 or 2. A constant, so unused loads compile away.</summary>
    static abstract int StateCount { get; }

    /// <summary>
    /// Updates a vector of parameters θ in place from their gradient g (weight decay already folded
    /// in) and the rule's state; <paramref name="first"/> and <paramref name="second"/> are zero and
    /// ignored beyond <see cref="StateCount"/>.
    /// </summary>
    void Apply(ref Vector<float> parameter, Vector<float> gradient, ref Vector<float> first, ref Vector<float> second);
}

/// <summary>The loop every built-in optimizer shares: one pass over contiguous buffers, a vector at a time.</summary>
internal static unsafe class ElementwiseUpdate
{
    /// <summary>
    /// An element's update weighed in <see cref="Parallelism"/>'s multiply-adds of a product tile: it moves 8–16 bytes
    /// per parameter through L3, so a pass over the 648,010 parameters of the reference MLP counts as 5 M and is
    /// split, and a small network's few thousand stay on one thread.
    /// </summary>
    private const int WorkPerElement = 8;
    /// <summary>
    /// Applies <paramref name="rule"/> to every element. <paramref name="first"/> and
    /// <paramref name="second"/> are the state buffers the rule uses (empty when it does not), each as
    /// long as <paramref name="parameters"/>.
    /// </summary>
    /// <remarks>
    /// The last, partial vector goes through the same vector code on zero-padded copies instead of a
    /// scalar loop. So each formula exists once, and every element gets the same IEEE operations
    /// wherever it sits: a result does not depend on the position, the buffer's length or the
    /// machine's vector width. The padding lanes compute on zeros and are thrown away.
    /// </remarks>
    public static void Run<TRule>(
        in TRule rule, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> first, Span<float> second, DecayTerms decay)
        where TRule : unmanaged, IUpdateRule
    {
        int length = parameters.Length;
        RequireLength(gradients.Length, length, nameof(gradients));
        RequireLength(first.Length, TRule.StateCount > 0 ? length : 0, nameof(first));
        RequireLength(second.Length, TRule.StateCount > 1 ? length : 0, nameof(second));

        int width = Vector<float>.Count;
        int whole = length - length % width;
        var terms = new DecayVectors(decay);
        fixed (float* theta = parameters, gradient = gradients, state0 = first, state1 = second)
        {
            // Each vector is updated by one thread with the same operations whoever takes it, so the result does not
            // depend on the split (the same promise as the products').
            var job = new Job<TRule> { Rule = rule, Terms = terms, Parameters = theta, Gradients = gradient, First = state0, Second = state1 };
            var carrier = new ProductArguments { A = (float*)&job };
            Parallelism.Run(&UpdateVectors<TRule>, ref carrier, whole / width, alignment: 64, (long)whole * WorkPerElement);
        }
        if (whole == length)
        {
            return;
        }

        // The tail: parameters, gradients and the two states, each padded to one vector.
        int rest = length - whole;
        Span<float> lanes = stackalloc float[4 * width];
        Span<float> thetaTail = lanes[..width], gradientTail = lanes.Slice(width, width);
        Span<float> firstTail = lanes.Slice(2 * width, width), secondTail = lanes.Slice(3 * width, width);
        parameters[whole..].CopyTo(thetaTail);
        gradients[whole..].CopyTo(gradientTail);
        if (TRule.StateCount > 0)
        {
            first[whole..].CopyTo(firstTail);
        }
        if (TRule.StateCount > 1)
        {
            second[whole..].CopyTo(secondTail);
        }
        UpdateVector(rule, ref thetaTail[0], ref gradientTail[0], ref firstTail[0], ref secondTail[0], 0, terms);
        thetaTail[..rest].CopyTo(parameters[whole..]);
        if (TRule.StateCount > 0)
        {
            firstTail[..rest].CopyTo(first[whole..]);
        }
        if (TRule.StateCount > 1)
        {
            secondTail[..rest].CopyTo(second[whole..]);
        }
    }

    /// <summary>One update's operands, shared by the threads that run it; the caller keeps the buffers pinned until it returns.</summary>
    private struct Job<TRule>
        where TRule : unmanaged, IUpdateRule
    {
        public TRule Rule;
        public DecayVectors Terms;
        public float* Parameters, Gradients, First, Second;
    }

    /// <summary>Vectors [first, end) of the whole ones (the partial last vector is the caller's).</summary>
    private static void UpdateVectors<TRule>(ref ProductArguments carrier, int first, int end)
        where TRule : unmanaged, IUpdateRule
    {
        ref Job<TRule> job = ref *(Job<TRule>*)carrier.A;
        int width = Vector<float>.Count;
        ref float theta = ref *job.Parameters, gradient = ref *job.Gradients;
        ref float state0 = ref job.First == null ? ref Unsafe.NullRef<float>() : ref *job.First;
        ref float state1 = ref job.Second == null ? ref Unsafe.NullRef<float>() : ref *job.Second;
        for (int i = first * width; i < end * width; i += width)
        {
            UpdateVector(job.Rule, ref theta, ref gradient, ref state0, ref state1, (nuint)i, job.Terms);
        }
    }

    /// <summary>Loads one vector of each buffer at <paramref name="at"/>, folds in weight decay, applies the rule and stores the results.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateVector<TRule>(
        in TRule rule, ref float parameters, ref float gradients, ref float first, ref float second, nuint at, in DecayVectors decay)
        where TRule : unmanaged, IUpdateRule
    {
        Vector<float> theta = Vector.LoadUnsafe(ref parameters, at);
        Vector<float> gradient = Vector.LoadUnsafe(ref gradients, at) + decay.GradientCoefficient * theta;
        theta *= decay.ParameterScale;
        Vector<float> state0 = TRule.StateCount > 0 ? Vector.LoadUnsafe(ref first, at) : default;
        Vector<float> state1 = TRule.StateCount > 1 ? Vector.LoadUnsafe(ref second, at) : default;

        rule.Apply(ref theta, gradient, ref state0, ref state1);

        theta.StoreUnsafe(ref parameters, at);
        if (TRule.StateCount > 0)
        {
            state0.StoreUnsafe(ref first, at);
        }
        if (TRule.StateCount > 1)
        {
            state1.StoreUnsafe(ref second, at);
        }
    }

    private static void RequireLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"The update needs {expected} numbers in {name}; it holds {actual}.", name);
        }
    }

    /// <summary><see cref="DecayTerms"/> broadcast once per run rather than once per vector.</summary>
    private readonly struct DecayVectors(DecayTerms terms)
    {
        public readonly Vector<float> GradientCoefficient = new(terms.GradientCoefficient);
        public readonly Vector<float> ParameterScale = new(terms.ParameterScale);
    }
}
