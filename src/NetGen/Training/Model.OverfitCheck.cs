using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Training;

namespace NetGen;

// The course's other debugging advice, beside the gradient check: a network and its training must be able to
// memorise a handful of samples; if they cannot, something is broken before any question of generalisation.
public abstract partial class Model
{
    /// <summary>The dropout key of the gradient probe's forward pass: a fixed one draws nothing from the generator.</summary>
    private const ulong OverfitProbeDropoutKey = 0xD1B54A32D192ED03;

    /// <summary>
    /// The course's advice "make sure you can overfit a small training set": trains the network as a fresh copy of it
    /// would start — the weights <c>new TheNetwork(seed)</c> gives, with this model's seed — on the first
    /// <paramref name="samples"/> samples of <paramref name="data"/>, full-batch and with dropout off, and reports
    /// whether it reaches 100 % training accuracy (a classifier) or a near-zero loss (a regressor: R² ≥ 0.999, the
    /// loss 0.1 % of the targets' variance). If not, the result says what it saw: a flat loss curve, parameters whose
    /// gradient is zero, a loss that became NaN.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The check runs in this model's own buffers, and afterwards puts back exactly what it changed — parameters,
    /// gradients, the random generator's state, dropout rates — so the model is bit for bit as it was, and its next
    /// <c>Fit</c> trains exactly as it would have (only its training buffers may have grown). It runs in place rather
    /// than on a new instance because a new instance of the generated class could only be made by reflection, which
    /// trimming and NativeAOT do not allow, or through <c>CreateReplica</c>, whose replicas share the parameters.
    /// </para>
    /// <para>
    /// It is a training call (see <see cref="Model"/>'s remarks): it cannot run while <c>Fit</c> runs (it throws
    /// <see cref="InvalidOperationException"/>), and inference on other threads meanwhile sees the check's weights, not
    /// the model's. Run it before training and serving, as the course does. The model's
    /// <see cref="InputNormalization"/>, if any, applies as in <c>Fit</c>.
    /// </para>
    /// </remarks>
    /// <param name="data">Samples to memorise; the first <paramref name="samples"/> are used.</param>
    /// <param name="samples">How many: a handful, 20 by default (fewer if the data has fewer).</param>
    /// <param name="epochs">The most full-batch steps to take; the check stops as soon as it succeeds.</param>
    /// <param name="optimizer">
    /// Trains the copy; a new <c>Adam(0.01f)</c> when null. One given is bound to the network as <c>Fit</c> binds it
    /// (its moments start afresh); its learning rate is left as it is.
    /// </param>
    /// <returns>The verdict, the loss curve, and what went wrong if it failed (<see cref="OverfitCheckResult.ToString"/>).</returns>
    /// <exception cref="ArgumentException">The data does not fit the network, is empty, or holds a non-finite input.</exception>
    /// <exception cref="InvalidOperationException">The model is being trained.</exception>
    public OverfitCheckResult CheckCanOverfit(Dataset data, int samples = 20, int epochs = 500, Optimizer? optimizer = null)
    {
        data = ForReconstruction(data)!;
        RequireCompatible(data, nameof(data));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (data.Count == 0)
        {
            throw new ArgumentException($"{nameof(data)} holds no samples.", nameof(data));
        }
        Dataset subset = data.Take(samples);
        if (TrainsOnLabels(subset))
        {
            subset = subset.WithLabelTargets();
        }
        if (subset.FindNonFinite() is (int sample, int offset))
        {
            throw new ArgumentException(
                $"Sample {sample} of {nameof(data)} holds {subset.Features[sample * subset.SampleSize + offset]} at position {offset}; inputs must be finite numbers.",
                nameof(data));
        }
        optimizer ??= new Adam(0.01f);
        if (!BeginTraining(nameof(CheckCanOverfit)))
        {
            throw new InvalidOperationException(
                $"{Description.Name}.{nameof(CheckCanOverfit)} was called while this thread is training the model (from a callback?); it must run on its own.");
        }
        float[] parameters = (float[])Parameters.Clone();
        float[] gradients = (float[])Gradients.Clone();
        RngState random = _random.ExportState();
        float[]? dropoutRates = (float[]?)_dropoutRates?.Clone();
        try
        {
            if (Description.DropoutLayers.Count > 0)
            {
                _dropoutRates = new float[Description.DropoutLayers.Count];
            }
            StartFresh();
            (IReadOnlyList<string> zeroGradients, bool finiteGradients) = ProbeGradients(subset);
            StartFresh(); // the probe moved batch norm's running statistics
            return TrainToOverfit(subset, epochs, optimizer, zeroGradients, finiteGradients);
        }
        finally
        {
            parameters.CopyTo(Parameters, 0);
            gradients.CopyTo(Gradients, 0);
            _random.ImportState(random);
            _dropoutRates = dropoutRates;
            _fixedDropoutKey = null;
            EndTraining(claimed: true);
        }
    }

    /// <summary>Parameters and generator as the constructor left them: what <c>new TheNetwork(seed)</c> has.</summary>
    private void StartFresh()
    {
        var random = new Rng(unchecked((ulong)_seed));
        Initializers.Initialize(Description, Parameters, random);
        _random.ImportState(random.ExportState());
    }

    /// <summary>
    /// One forward and backward pass over the samples, drawing nothing from the generator: the learnable tensors whose
    /// gradient is zero everywhere, and whether every gradient is finite.
    /// </summary>
    private (IReadOnlyList<string> ZeroGradients, bool Finite) ProbeGradients(Dataset subset)
    {
        float[] inputs = (float[])subset.Features.Clone();
        _inputNormalization?.Apply(inputs);
        _fixedDropoutKey = OverfitProbeDropoutKey;
        try
        {
            ComputeGradients(inputs, subset.Targets, subset.Count);
        }
        finally
        {
            _fixedDropoutKey = null;
        }
        var zero = new List<string>();
        bool finite = true;
        foreach (ParameterTensor tensor in Description.Tensors)
        {
            if (tensor.Role is ParameterRole.RunningMean or ParameterRole.RunningVariance)
            {
                continue; // moved by the forward pass, never by gradients
            }
            ReadOnlySpan<float> gradient = Gradients.AsSpan(tensor.Offset, tensor.Length);
            finite &= FiniteValues.IndexOfFirstNonFinite(gradient) < 0;
            if (IsZero(gradient))
            {
                zero.Add(tensor.Name);
            }
        }
        return (zero, finite);
    }

    private static bool IsZero(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (value != 0f)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Full-batch training, measured on the samples in inference mode after every epoch, until they are memorised or the epochs run out.</summary>
    private OverfitCheckResult TrainToOverfit(Dataset subset, int epochs, Optimizer optimizer, IReadOnlyList<string> zeroGradients, bool finiteGradients)
    {
        var monitor = new OverfitMonitor(subset);
        monitor.Record(Evaluate(subset));
        int? divergedAt = null;
        if (!monitor.Passed)
        {
            try
            {
                FitClaimed(subset, nameof(subset), optimizer, epochs, batchSize: subset.Count, validation: null, shuffle: false, onEpochEnd: null,
                    callbacks: [monitor], validationSplit: 0, normalizeInputs: false, augmentation: null, resumeFrom: null, CancellationToken.None);
            }
            catch (TrainingDivergedException diverged)
            {
                divergedAt = diverged.Epoch;
            }
        }
        var all = new Evaluation[monitor.Evaluations.Count];
        monitor.Evaluations.CopyTo(all, 0);
        return new OverfitCheckResult(Description.Name, subset.Count, Description.IsClassifier, monitor.Passed, all, zeroGradients,
            LearnableTensorCount(), finiteGradients, divergedAt);
    }

    private int LearnableTensorCount() =>
        Description.Tensors.Count(tensor => tensor.Role is not (ParameterRole.RunningMean or ParameterRole.RunningVariance));

    /// <summary>Measures the samples after each epoch and stops training once they are memorised.</summary>
    private sealed class OverfitMonitor(Dataset samples) : Callback
    {
        public List<Evaluation> Evaluations { get; } = [];

        public bool Passed { get; private set; }

        public void Record(Evaluation evaluation)
        {
            Evaluations.Add(evaluation);
            Passed = OverfitCheckResult.Memorised(evaluation);
        }

        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            Record(context.Model.Evaluate(samples));
            context.StopTraining |= Passed;
        }
    }
}
