namespace NetGen.Kernels;

/// <summary>
/// The operands of one matrix product and of the element-wise work fused into it, as raw pointers
/// so a worker thread can share them. The caller keeps the arrays pinned until the product returns.
/// </summary>
internal unsafe struct ProductArguments
{
    public float* A;
    public float* B;
    public float* C;

    /// <summary>The bias (forward) or the activation outputs whose derivative scales the result (backward); may be null.</summary>
    public float* Extra;

    /// <summary>The pre-activations z: written forward and read backward, only for activations whose derivative needs them.</summary>
    public float* PreActivation;

    public int Rows;
    public int Columns;
    public int Depth;

    /// <summary>Distance in A between consecutive rows and between consecutive depth steps (read by the outer-product and packed kernels; the dot-product kernel takes A as [M, K]).</summary>
    public int ARowStride;
    public int ADepthStride;

    /// <summary>
    /// <see cref="PackedProductKernel"/> only: B is stored [K, N], with the depth along its rows, as a weight gradient's x
    /// [B, I] and an input delta's W [O, I] lie; otherwise [N, K], as the forward's W [O, I].
    /// </summary>
    public bool BDepthMajor;

    /// <summary><see cref="PackedProductKernel.RunRows{TSimd, TVector, TActivation}"/> only: every panel of B, packed once by the caller, [panels][K, P].</summary>
    public float* PackedB;

    /// <summary>
    /// C += A·B instead of C = A·B, for products without an epilogue on <see cref="OuterProductKernel"/> and
    /// <see cref="PackedProductKernel"/>: a weight gradient added into its slice, or a convolution's summed over samples.
    /// </summary>
    public bool AccumulateIntoC;

    /// <summary>Inverted dropout on the layer whose outputs are C's columns; rate 0 means none.</summary>
    public DropoutArguments Dropout;

    /// <summary>Batch normalisation of the layer whose pre-activations are C's columns; <c>Gamma == null</c> means none.</summary>
    public BatchNormArguments BatchNorm;
}

/// <summary>
/// Inverted dropout: a unit is kept with probability 1 − <see cref="Rate"/> and then scaled by
/// 1 / (1 − rate), so inference needs no change. Which units are kept is a hash of
/// (<see cref="Key"/>, element index), so the backward pass recomputes the mask instead of storing it.
/// </summary>
internal struct DropoutArguments
{
    public float Rate;
    public ulong Key;

    public readonly bool IsActive => Rate > 0f;
}

/// <summary>
/// Batch normalisation of a pre-activation z [B, O], per unit (column) over the mini-batch:
/// ẑ = (z − μ) / √(σ² + ε), y = γ ẑ + β. Pointers to [O] vectors unless noted.
/// </summary>
internal unsafe struct BatchNormArguments
{
    public float* Gamma;
    public float* Beta;
    public float* RunningMean;
    public float* RunningVariance;

    /// <summary>ẑ [B, O], kept by the training forward pass for the backward pass.</summary>
    public float* Normalized;

    /// <summary>The mini-batch mean μ, kept by the training forward pass.</summary>
    public float* BatchMean;

    /// <summary>1 / √(σ² + ε) of the mini-batch, kept by the training forward pass.</summary>
    public float* InverseStandardDeviation;

    /// <summary>dL/dγ and dL/dβ, which the backward pass adds into.</summary>
    public float* GammaGradient;
    public float* BetaGradient;

    public float Momentum;
    public float Epsilon;

    /// <summary>Normalise with the mini-batch's statistics (and update the running ones), or with the running ones.</summary>
    public bool Training;

    public readonly bool IsActive => Gamma != null;
}
