namespace NetGen;

// The course's debugging tool: backprop's gradient against central differences of the loss.
public abstract partial class Model
{
    /// <summary>The dropout key every forward pass uses while a gradient check runs, so all of them drop the same units.</summary>
    private const ulong GradientCheckDropoutKey = 0x9E3779B97F4A7C15;

    /// <summary>Set while <see cref="CheckGradients"/> runs: every training forward pass then uses this dropout key.</summary>
    private ulong? _fixedDropoutKey;

    /// <summary>
    /// Finite-difference gradient check (the course's debugging advice): for each parameter tensor,
    /// compares backprop's gradient with (L(θ + ε) − L(θ − ε)) / 2ε element by element.
    /// </summary>
    /// <remarks>
    /// The loss is the training loss, as backprop sees it: batch norm uses the mini-batch's statistics,
    /// and dropout uses one fixed mask for every evaluation (a fresh mask per evaluation would make the
    /// differences meaningless). Batch norm's running statistics, which training passes move, are
    /// restored afterwards, and <see cref="Gradients"/> is left holding backprop's gradient.
    /// A training call (see <see cref="Model"/>'s remarks): threads predicting meanwhile see the perturbed parameters.
    /// </remarks>
    /// <param name="inputs">A batch of inputs, <c>[batchSize, InputSize]</c>.</param>
    /// <param name="targets">Their targets, <c>[batchSize, OutputSize]</c>.</param>
    /// <param name="batchSize">Samples in the batch.</param>
    /// <param name="epsilon">
    /// The step. The network computes in float, so the default 1e-2 balances truncation error
    /// (≈ ε² f''' / 6) against rounding in the loss (≈ 1e-7 · L / ε): both stay near 1e-5.
    /// </param>
    /// <param name="maxElementsPerTensor">Compare at most this many elements per tensor, evenly spread, to bound the cost.</param>
    /// <exception cref="InvalidOperationException">Another thread is training the model.</exception>
    public IReadOnlyList<GradientCheckResult> CheckGradients(
        ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float epsilon = 1e-2f, int maxElementsPerTensor = int.MaxValue)
    {
        RequireBatch(inputs, batchSize, outputs: false, nameof(inputs));
        RequireBatch(targets, batchSize, outputs: true, nameof(targets));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxElementsPerTensor);
        float[] saved = (float[])Parameters.Clone();
        bool claimed = BeginTraining(nameof(CheckGradients));
        _fixedDropoutKey = GradientCheckDropoutKey;
        try
        {
            ComputeGradients(inputs, targets, batchSize);
            float[] analytic = (float[])Gradients.Clone();
            var results = new List<GradientCheckResult>();
            foreach (ParameterTensor tensor in Description.Tensors)
            {
                results.Add(CheckTensor(tensor, analytic, inputs, targets, batchSize, epsilon, maxElementsPerTensor));
            }
            analytic.CopyTo(Gradients, 0);
            return results;
        }
        finally
        {
            _fixedDropoutKey = null;
            saved.CopyTo(Parameters, 0);
            EndTraining(claimed);
        }
    }

    private GradientCheckResult CheckTensor(
        ParameterTensor tensor, float[] analytic, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float epsilon, int maxElements)
    {
        int step = Math.Max(1, tensor.Length / maxElements);
        double maxAbsolute = 0, maxRelative = 0, worstAnalytic = 0, worstNumeric = 0;
        int worstIndex = 0, compared = 0;
        for (int i = 0; i < tensor.Length; i += step, compared++)
        {
            int at = tensor.Offset + i;
            float original = Parameters[at];
            Parameters[at] = original + epsilon;
            double lossPlus = ComputeGradients(inputs, targets, batchSize);
            Parameters[at] = original - epsilon;
            double lossMinus = ComputeGradients(inputs, targets, batchSize);
            Parameters[at] = original;

            double numeric = (lossPlus - lossMinus) / (2.0 * epsilon);
            double absolute = Math.Abs(analytic[at] - numeric);
            double relative = absolute / Math.Max(Math.Abs(analytic[at]) + Math.Abs(numeric), 1e-8);
            maxRelative = Math.Max(maxRelative, relative);
            if (absolute > maxAbsolute || compared == 0)
            {
                maxAbsolute = absolute;
                worstIndex = i;
                worstAnalytic = analytic[at];
                worstNumeric = numeric;
            }
        }
        return new GradientCheckResult(tensor.Name, compared, maxAbsolute, maxRelative, worstIndex, worstAnalytic, worstNumeric);
    }
}
