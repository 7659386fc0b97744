using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>Inverted dropout on a layer's outputs: <paramref name="Rate"/> 0 means none; <paramref name="Key"/> picks this mini-batch's mask.</summary>
/// <param name="Rate">The probability p of dropping a unit, in [0, 1).</param>
/// <param name="Key">Decides which units are dropped; a fresh key per mini-batch, from the model's seed.</param>
public readonly record struct DropoutParameters(float Rate, ulong Key)
{
    /// <summary>No dropout (inference, or a layer without it).</summary>
    public static DropoutParameters None => default;
}

/// <summary>
/// A batch-normalised layer's tensors and buffers (O = units, B = batch): γ, β, the running statistics
/// (all [O], from the parameter buffer), and what the training forward pass keeps for the backward pass.
/// </summary>
public readonly ref struct BatchNormBuffers
{
    /// <summary>γ [O], the learned scale.</summary>
    public ReadOnlySpan<float> Gamma { get; init; }

    /// <summary>β [O], the learned shift.</summary>
    public ReadOnlySpan<float> Beta { get; init; }

    /// <summary>The running mean [O]: updated in training, used in inference.</summary>
    public Span<float> RunningMean { get; init; }

    /// <summary>The running (unbiased) variance [O]: updated in training, used in inference.</summary>
    public Span<float> RunningVariance { get; init; }

    /// <summary>ẑ [B, O], written by the training forward pass.</summary>
    public Span<float> Normalized { get; init; }

    /// <summary>The mini-batch mean μ [O], written by the training forward pass.</summary>
    public Span<float> BatchMean { get; init; }

    /// <summary>1 / √(σ² + ε) [O], written by the training forward pass.</summary>
    public Span<float> InverseStandardDeviation { get; init; }

    /// <summary>dL/dγ [O], which the backward pass adds into.</summary>
    public Span<float> GammaGradient { get; init; }

    /// <summary>dL/dβ [O], which the backward pass adds into.</summary>
    public Span<float> BetaGradient { get; init; }

    /// <summary>How far the running statistics move toward each mini-batch's (PyTorch's default 0.1).</summary>
    public float Momentum { get; init; }

    /// <summary>Added to the variance before the square root (PyTorch's default 1e-5).</summary>
    public float Epsilon { get; init; }
}

// Dense layers with dropout and batch normalisation fused into the products' epilogues.
public static unsafe partial class Dense
{
    /// <summary>
    /// a [B, O] = dropout(f(BN(x · Wᵀ))) in one pass over the product's output: batch normalisation
    /// replaces the bias (its β is the shift), then the activation, then inverted dropout — the
    /// pre-activation goes through the normalisation, scale/shift, activation and mask while in cache.
    /// In training, batch statistics normalise and update the running ones, and dropout draws its mask;
    /// in inference, the running statistics normalise and nothing is dropped.
    /// </summary>
    /// <param name="input">x [B, I].</param>
    /// <param name="weight">W [O, I].</param>
    /// <param name="output">a [B, O].</param>
    /// <param name="batch">B.</param>
    /// <param name="inputs">I.</param>
    /// <param name="outputs">O.</param>
    /// <param name="training">Training (batch statistics, dropout) or inference (running statistics, no dropout).</param>
    /// <param name="batchNorm">γ, β, the running statistics and the training pass's buffers.</param>
    /// <param name="dropout">The dropout rate and this mini-batch's key (ignored in inference).</param>
    /// <param name="preActivation">y = γ ẑ + β [B, O], kept when the activation's derivative needs it.</param>
    public static void ForwardBatchNorm<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, Span<float> output, int batch, int inputs, int outputs,
        bool training, BatchNormBuffers batchNorm, DropoutParameters dropout = default, Span<float> preActivation = default)
        where TActivation : IActivation
    {
        RequireForward<TActivation>(input, weight, output, preActivation, batch, inputs, outputs);
        RequireBatchNorm(batchNorm, batch, outputs, training, backward: false);
        fixed (float* x = input, w = weight, c = output, z = preActivation)
        fixed (float* gamma = batchNorm.Gamma, beta = batchNorm.Beta, mean = batchNorm.RunningMean, variance = batchNorm.RunningVariance)
        fixed (float* normalized = batchNorm.Normalized, batchMean = batchNorm.BatchMean, inverse = batchNorm.InverseStandardDeviation)
        {
            var product = new ProductArguments
            {
                A = x, B = w, C = c, PreActivation = z, Rows = batch, Columns = outputs, Depth = inputs, ARowStride = inputs, ADepthStride = 1,
                Dropout = training ? new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key } : default,
                BatchNorm = new BatchNormArguments
                {
                    Gamma = gamma, Beta = beta, RunningMean = mean, RunningVariance = variance,
                    Normalized = normalized, BatchMean = batchMean, InverseStandardDeviation = inverse,
                    Momentum = batchNorm.Momentum, Epsilon = batchNorm.Epsilon, Training = training,
                },
            };
            RunForward<TActivation>(ref product);
        }
    }

    /// <summary>
    /// a [B, O] = dropout(f(x · Wᵀ + b)): <see cref="Forward{TActivation}"/> with inverted dropout applied
    /// in the same pass as the bias and activation (training only; a rate of 0 or inference drops nothing).
    /// </summary>
    public static void ForwardDropout<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int batch, int inputs, int outputs,
        bool training, DropoutParameters dropout, Span<float> preActivation = default)
        where TActivation : IActivation
    {
        RequireForward<TActivation>(input, weight, output, preActivation, batch, inputs, outputs);
        RequireLength(bias, outputs, nameof(bias), "[O]");
        fixed (float* x = input, w = weight, b = bias, c = output, z = preActivation)
        {
            var product = new ProductArguments
            {
                A = x, B = w, C = c, Extra = b, PreActivation = z, Rows = batch, Columns = outputs, Depth = inputs, ARowStride = inputs, ADepthStride = 1,
                Dropout = training ? new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key } : default,
            };
            RunForward<TActivation>(ref product);
        }
    }

    /// <summary>
    /// δ for the layer below [B, I] = (δ [B, O] · W [O, I]) ⊙ f'(z) ⊙ mask / (1 − p), then back through that
    /// layer's batch normalisation when it has one (<see cref="Epilogue.BatchNormBackward{TSimd, TVector}"/>),
    /// which also adds into its dL/dγ and dL/dβ: the whole backward of activation, dropout and batch norm in
    /// the pass that forms the product.
    /// </summary>
    /// <param name="delta">δ of this layer [B, O].</param>
    /// <param name="weight">This layer's W [O, I].</param>
    /// <param name="input">The layer below's outputs a [B, I] (after its dropout).</param>
    /// <param name="inputDelta">δ of the layer below [B, I]: at its pre-activation z (before batch norm, if it has one).</param>
    /// <param name="batch">B.</param>
    /// <param name="inputs">I: the layer below's units.</param>
    /// <param name="outputs">O.</param>
    /// <param name="inputDropout">The layer below's dropout, with the key its forward pass used.</param>
    /// <param name="inputBatchNorm">The layer below's batch-norm buffers, or default when it has none.</param>
    /// <param name="inputPreActivation">The layer below's pre-activation, when its activation's derivative needs it.</param>
    public static void InputDeltaRegularized<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> weight, ReadOnlySpan<float> input, Span<float> inputDelta,
        int batch, int inputs, int outputs, DropoutParameters inputDropout, BatchNormBuffers inputBatchNorm = default,
        ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        RequireLength(weight, outputs * inputs, nameof(weight), "[O, I]");
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(inputDelta, batch * inputs, nameof(inputDelta), "[B, I]");
        if (TInputActivation.DerivativeNeedsInput)
        {
            RequireLength(inputPreActivation, batch * inputs, nameof(inputPreActivation), "[B, I]");
        }
        bool batchNorm = !inputBatchNorm.Gamma.IsEmpty;
        if (batchNorm)
        {
            RequireBatchNorm(inputBatchNorm, batch, inputs, training: true, backward: true);
        }
        fixed (float* d = delta, w = weight, x = input, dx = inputDelta, z = inputPreActivation)
        fixed (float* gamma = inputBatchNorm.Gamma, normalized = inputBatchNorm.Normalized, inverse = inputBatchNorm.InverseStandardDeviation)
        fixed (float* gammaGradient = inputBatchNorm.GammaGradient, betaGradient = inputBatchNorm.BetaGradient)
        {
            var product = new ProductArguments
            {
                A = d, B = w, C = dx, Rows = batch, Columns = inputs, Depth = outputs, ARowStride = outputs, ADepthStride = 1,
                Extra = x, PreActivation = z,
                Dropout = new DropoutArguments { Rate = inputDropout.Rate, Key = inputDropout.Key },
                BatchNorm = batchNorm
                    ? new BatchNormArguments
                    {
                        Gamma = gamma, Normalized = normalized, InverseStandardDeviation = inverse,
                        GammaGradient = gammaGradient, BetaGradient = betaGradient, Training = true,
                    }
                    : default,
            };
            RunInputDelta<TInputActivation>(ref product);
        }
    }

    private static void RequireForward<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, Span<float> output, Span<float> preActivation, int batch, int inputs, int outputs)
        where TActivation : IActivation
    {
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(weight, outputs * inputs, nameof(weight), "[O, I]");
        RequireLength(output, batch * outputs, nameof(output), "[B, O]");
        if (TActivation.DerivativeNeedsInput)
        {
            RequireLength(preActivation, batch * outputs, nameof(preActivation), "[B, O]");
        }
    }

    private static void RequireBatchNorm(BatchNormBuffers buffers, int batch, int units, bool training, bool backward)
    {
        RequireLength(buffers.Gamma, units, "gamma", "[O]");
        if (backward)
        {
            RequireLength(buffers.GammaGradient, units, "gammaGradient", "[O]");
            RequireLength(buffers.BetaGradient, units, "betaGradient", "[O]");
        }
        else
        {
            RequireLength(buffers.Beta, units, "beta", "[O]");
            RequireLength(buffers.RunningMean, units, "runningMean", "[O]");
            RequireLength(buffers.RunningVariance, units, "runningVariance", "[O]");
        }
        if (training)
        {
            RequireLength(buffers.Normalized, batch * units, "normalized", "[B, O]");
            RequireLength(buffers.InverseStandardDeviation, units, "inverseStandardDeviation", "[O]");
            if (!backward)
            {
                RequireLength(buffers.BatchMean, units, "batchMean", "[O]");
            }
        }
    }
}

// Batch norm's backward on its own, for layers whose activation runs as a separate pass.
public static unsafe partial class Dense
{
    /// <summary>
    /// In place: δy [B, O] (at batch norm's output y = γ ẑ + β) becomes δz (at the product's output), and
    /// dL/dγ, dL/dβ are added into — the same pass <see cref="InputDeltaRegularized{TInputActivation}"/> fuses,
    /// for layers whose activation runs on its own after the product (<see cref="UnitActivations"/>).
    /// </summary>
    public static void BatchNormBackward(Span<float> delta, BatchNormBuffers batchNorm, int batch, int units)
    {
        RequireLength(delta, batch * units, nameof(delta), "[B, O]");
        RequireBatchNorm(batchNorm, batch, units, training: true, backward: true);
        fixed (float* d = delta, gamma = batchNorm.Gamma, normalized = batchNorm.Normalized, inverse = batchNorm.InverseStandardDeviation)
        fixed (float* gammaGradient = batchNorm.GammaGradient, betaGradient = batchNorm.BetaGradient)
        {
            var product = new ProductArguments
            {
                C = d, Rows = batch, Columns = units,
                BatchNorm = new BatchNormArguments
                {
                    Gamma = gamma, Normalized = normalized, InverseStandardDeviation = inverse,
                    GammaGradient = gammaGradient, BetaGradient = betaGradient, Training = true,
                },
            };
            switch (KernelSelection.Current)
            {
                case InstructionSet.Avx512:
                    Epilogue.BatchNormBackward<Avx512, Vector512<float>>(ref product, 0, units);
                    break;
                case InstructionSet.Avx2:
                    Epilogue.BatchNormBackward<Avx2, Vector256<float>>(ref product, 0, units);
                    break;
                default:
                    Epilogue.BatchNormBackward<PortableSimd, Vector<float>>(ref product, 0, units);
                    break;
            }
        }
    }
}
