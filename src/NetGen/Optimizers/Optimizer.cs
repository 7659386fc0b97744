namespace NetGen.Optimizers;

/// <summary>
/// Updates a network's parameters from their gradients. Every built-in optimizer is one
/// vectorised loop over the contiguous parameter buffer, whatever the network: the generated
/// code lays all tensors out in one array for exactly this reason.
/// </summary>
/// <remarks>
/// <para>
/// Life cycle: <c>Model.Fit</c> calls <see cref="Bind"/> with the network's tensor table,
/// then <see cref="Step"/> once per mini-batch with the averaged gradient. Binding again to the same
/// model (a second <c>Fit</c>) keeps the step count and moment buffers, so training continues where
/// it stopped. An optimizer with per-parameter state (every one but <see cref="Sgd"/>) belongs to
/// one model; use a new optimizer for another.
/// </para>
/// <para>
/// <see cref="ExportState"/> and <see cref="ImportState"/> carry the step count and moment buffers
/// through a checkpoint. Hyper-parameters are not part of that state: construct the optimizer with
/// the same ones before importing.
/// </para>
/// </remarks>
public abstract class Optimizer
{
    /// <summary>The names of the per-parameter state buffers, e.g. <c>exp_avg</c> and <c>exp_avg_sq</c> for Adam.</summary>
    private readonly string[] _stateNames;

    /// <summary><c>[_stateNames.Length][parameter count]</c>; null until <see cref="Bind"/>, the first step or an import sizes it.</summary>
    private float[][]? _state;

    /// <summary>The buffer split into stretches that weight decay does or does not touch; null until <see cref="Bind"/>.</summary>
    private DecayRun[]? _decayRuns;

    /// <summary>The parameter count the optimizer is bound or sized to; −1 while unknown.</summary>
    private int _parameterCount = -1;

    /// <summary>An optimizer without per-parameter state.</summary>
    /// <param name="learningRate">The step size η; positive and finite.</param>
    protected Optimizer(float learningRate)
        : this(learningRate, [])
    {
    }

    /// <param name="learningRate">The step size η; positive and finite.</param>
    /// <param name="stateNames">One name per state buffer the optimizer keeps, each as long as the parameters.</param>
    private protected Optimizer(float learningRate, string[] stateNames)
    {
        if (!(learningRate > 0f) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive, finite number.");
        }
        LearningRate = learningRate;
        _stateNames = stateNames;
    }

    /// <summary>
    /// The step size η. Learning-rate schedules set it between epochs; 0 is allowed here (a warm-up
    /// may start from it) although the constructors insist on a positive rate.
    /// </summary>
    public float LearningRate
    {
        get;
        set => field = value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be finite and not negative, in [0, ∞).");
    }

    /// <summary>
    /// The L2 weight-decay coefficient λ ≥ 0 (default 0: off). The course's regulariser
    /// Ω(θ) = Σ_k ‖W⁽ᵏ⁾‖²_F is "only applied on weights, not on biases"; with the usual factor ½,
    /// (λ/2)·Ω adds λ·W to each weight's gradient before the optimizer's own rule sees it, as
    /// PyTorch's <c>weight_decay</c> does. Which tensors count as weights is
    /// <see cref="AppliesWeightDecayTo"/>. <see cref="AdamW"/> instead decays the weights directly
    /// (decoupled), see there. Needs <see cref="Bind"/>: only then does the optimizer know where the
    /// weights are.
    /// </summary>
    public float WeightDecay
    {
        get;
        set => field = HyperParameters.NonNegative(value, nameof(WeightDecay));
    }

    /// <summary>
    /// Clipping by global norm (default 0: off): before each step, where the L2 norm of all gradients together,
    /// ‖g‖ = √(Σ g²), exceeds this value, every gradient is scaled by <c>GlobalClipNorm / (‖g‖ + 1e-6)</c>, so the step
    /// keeps its direction but not an exploding length. PyTorch's <c>clip_grad_norm_(max_norm)</c> and Keras's
    /// <c>global_clipnorm</c>; recurrent networks, whose gradients multiply through the steps, are its common use.
    /// Weight decay is added after clipping, as PyTorch's optimizers add it to the clipped <c>.grad</c>.
    /// </summary>
    public float GlobalClipNorm
    {
        get;
        set => field = HyperParameters.NonNegative(value, nameof(GlobalClipNorm));
    }

    /// <summary>The gradients scaled by <see cref="GlobalClipNorm"/>; sized on the first step that clips.</summary>
    private float[] _clipped = [];

    /// <summary>Steps taken so far (the t of bias corrections); it carries through <see cref="ExportState"/> / <see cref="ImportState"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Whether weight decay applies to tensors of <paramref name="role"/>: weights yes, biases no (the
    /// course: "only applied on weights"). The one place that decides it; a new role must be added here.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A role this version does not know.</exception>
    public static bool AppliesWeightDecayTo(ParameterRole role) => role switch
    {
        ParameterRole.Weight => true,
        // The course applies decay to weights only; batch norm's γ and β are not weights either, and
        // its running statistics are not trained at all (their gradient is always zero).
        ParameterRole.Bias or ParameterRole.BatchNormScale or ParameterRole.BatchNormShift
            or ParameterRole.RunningMean or ParameterRole.RunningVariance
            // PyTorch's PReLU documentation: weight decay should not be used on the slopes.
            or ParameterRole.ActivationSlope => false,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "No weight-decay rule for this parameter role; add it to Optimizer.AppliesWeightDecayTo."),
    };

    /// <summary>
    /// Prepares for training <paramref name="model"/>: sizes the state buffers (zeros) unless they
    /// already hold this model's state, and finds the weights that weight decay applies to.
    /// <c>Model.Fit</c> calls it; call it yourself only when stepping by hand.
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer holds state for a model of another size.</exception>
    public void Bind(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int count = model.ParameterCount;
        if (_state is not null && _parameterCount != count)
        {
            throw new InvalidOperationException(
                $"This {OptimizerName} holds state for {_parameterCount} parameters, but {model.Name} has {count}. " +
                "An optimizer's moment buffers belong to one model: create a new optimizer for another.");
        }
        _decayRuns = DecayRun.Split(model);
        _parameterCount = count;
        EnsureState();
    }

    /// <summary>
    /// One update of <paramref name="parameters"/> from the averaged mini-batch <paramref name="gradients"/>.
    /// The built-in optimizers allocate nothing here after their first step.
    /// </summary>
    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>
    /// A copy of the step count and of every state buffer, by name, for a checkpoint. The buffers
    /// enumerate in ordinal order of their names, so a file written from them is the same every time.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffers do not exist yet: neither bound nor stepped.</exception>
    public virtual OptimizerState ExportState()
    {
        if (_stateNames.Length > 0 && _state is null)
        {
            throw new InvalidOperationException(
                $"This {OptimizerName} has no state to export yet: its buffers are sized by Bind or the first Step.");
        }
        var buffers = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < _stateNames.Length; i++)
        {
            buffers.Add(_stateNames[i], (float[])_state![i].Clone());
        }
        return new OptimizerState(OptimizerName, StepCount, buffers);
    }

    /// <summary>
    /// Continues from a state that <see cref="ExportState"/> produced on an optimizer of the same
    /// type: the next <see cref="Step"/> then gives bit for bit what the exporting optimizer's next
    /// step would have. The buffers are copied. Nothing changes if the state does not fit.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The state is another optimizer's, its step count is negative, a buffer is missing, unexpected
    /// or null, or the buffers' lengths differ from each other or from the parameter count the optimizer is bound or sized to.
    /// </exception>
    public virtual void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.OptimizerName != OptimizerName)
        {
            throw new ArgumentException($"The state belongs to {state.OptimizerName}; this optimizer is {OptimizerName}.", nameof(state));
        }
        if (state.Step < 0)
        {
            throw new ArgumentException($"The state's step count is {state.Step}; it must not be negative.", nameof(state));
        }
        ArgumentNullException.ThrowIfNull(state.Buffers, nameof(state));
        string[] missing = _stateNames.Where(name => !state.Buffers.ContainsKey(name)).ToArray();
        string[] unexpected = state.Buffers.Keys.Where(name => !_stateNames.Contains(name)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || unexpected.Length > 0)
        {
            throw new ArgumentException(
                $"{OptimizerName} keeps the buffers {NameList(_stateNames)}; the state lacks {NameList(missing)} " +
                $"and has unexpected {NameList(unexpected)}.", nameof(state));
        }

        int length = _parameterCount;
        string lengthSource = $"this optimizer's parameter count, {length}";
        foreach (string name in _stateNames)
        {
            float[]? buffer = state.Buffers[name]
                ?? throw new ArgumentException($"The state's buffer '{name}' is null.", nameof(state));
            if (length < 0)
            {
                (length, lengthSource) = (buffer.Length, $"'{name}', which holds {buffer.Length}");
            }
            else if (buffer.Length != length)
            {
                throw new ArgumentException(
                    $"The state's buffer '{name}' holds {buffer.Length} numbers; expected as many as {lengthSource}.", nameof(state));
            }
        }

        if (_stateNames.Length > 0)
        {
            _parameterCount = length;
            _state = _stateNames.Select(name => (float[])state.Buffers[name].Clone()).ToArray();
        }
        StepCount = state.Step;
    }

    /// <summary>The name <see cref="OptimizerState"/> records: the class name, e.g. <c>Adam</c>.</summary>
    private string OptimizerName => GetType().Name;

    /// <summary>
    /// How weight decay enters the element-wise update on the stretches it applies to. The default is
    /// L2: λ added to the gradient's coefficient of θ. <see cref="AdamW"/> overrides it to decay θ itself.
    /// </summary>
    private protected virtual DecayTerms WeightDecayTerms => DecayTerms.L2(WeightDecay);

    /// <summary>
    /// Checks the buffers, sizes the state on first use and counts the step; returns the new step
    /// number t (1 for the first step). Throws before anything changes.
    /// </summary>
    private protected long BeginStep(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        if (_parameterCount >= 0 && parameters.Length != _parameterCount)
        {
            throw new ArgumentException(
                $"This {OptimizerName} works on {_parameterCount} parameters (set by Bind or its first step), but the buffer holds {parameters.Length}.", nameof(parameters));
        }
        if (WeightDecay > 0f && _decayRuns is null)
        {
            throw new InvalidOperationException(
                $"This {OptimizerName} has WeightDecay = {WeightDecay}, but Bind was not called. Weight decay applies to weights only, " +
                "so the optimizer must know the model's tensors: Model.Fit binds it; call Bind(model.Description) before stepping by hand.");
        }
        if (_stateNames.Length > 0 && _parameterCount < 0)
        {
            _parameterCount = parameters.Length;
        }
        EnsureState();
        return ++StepCount;
    }

    /// <summary>The gradients, or a copy scaled to <see cref="GlobalClipNorm"/> where their global norm exceeds it.</summary>
    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> gradients)
    {
        // Σ g² in double, a register of float partial sums at a time: a million squares lose no digits that matter.
        double sum = 0;
        int i = 0;
        for (; i + System.Numerics.Vector<float>.Count <= gradients.Length; i += System.Numerics.Vector<float>.Count)
        {
            var g = new System.Numerics.Vector<float>(gradients.Slice(i));
            sum += System.Numerics.Vector.Dot(g, g);
        }
        for (; i < gradients.Length; i++)
        {
            sum += (double)gradients[i] * gradients[i];
        }
        double norm = Math.Sqrt(sum);
        if (norm <= GlobalClipNorm)
        {
            return gradients;
        }
        float scale = (float)(GlobalClipNorm / (norm + 1e-6));
        if (_clipped.Length != gradients.Length)
        {
            _clipped = new float[gradients.Length];
        }
        for (int j = 0; j < gradients.Length; j++)
        {
            _clipped[j] = gradients[j] * scale;
        }
        return _clipped;
    }

    /// <summary>
    /// Runs <paramref name="rule"/> over every element, with weight decay on the weights: one pass
    /// over the whole buffer when there is no decay, else one pass per stretch of weights or non-weights.
    /// </summary>
    private protected void Update<TRule>(in TRule rule, Span<float> parameters, ReadOnlySpan<float> gradients)
        where TRule : unmanaged, IUpdateRule
    {
        Span<float> first = _stateNames.Length > 0 ? _state![0] : [];
        Span<float> second = _stateNames.Length > 1 ? _state![1] : [];
        if (GlobalClipNorm > 0f)
        {
            gradients = Clip(gradients);
        }
        if (WeightDecay == 0f)
        {
            ElementwiseUpdate.Run(rule, parameters, gradients, first, second, DecayTerms.None);
            return;
        }
        DecayTerms decay = WeightDecayTerms;
        foreach (DecayRun run in _decayRuns!)
        {
            ElementwiseUpdate.Run(
                rule,
                parameters.Slice(run.Start, run.Length),
                gradients.Slice(run.Start, run.Length),
                first.IsEmpty ? first : first.Slice(run.Start, run.Length),
                second.IsEmpty ? second : second.Slice(run.Start, run.Length),
                run.Decays ? decay : DecayTerms.None);
        }
    }

    private void EnsureState()
    {
        if (_state is null && _stateNames.Length > 0)
        {
            _state = _stateNames.Select(_ => new float[_parameterCount]).ToArray();
        }
    }

    private static string NameList(IEnumerable<string> names)
    {
        string list = string.Join(", ", names.Select(name => $"'{name}'"));
        return list.Length == 0 ? "none" : list;
    }
}
