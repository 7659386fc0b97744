using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// A convolution's operands and geometry, as raw pointers that the worker thread can share; the caller keeps
/// the arrays pinned until the kernel returns. Shapes: B = batch, and those of <see cref="ConvolutionShape"/>.
/// </summary>
internal unsafe struct ConvolutionArguments
{
    public ConvolutionShape Shape;
    public int Batch;

    /// <summary>x [B, C_in, H, W]: the layer's input (forward, weight gradient), or the layer below's outputs a (input delta).</summary>
    public float* Input;

    /// <summary>W [C_out, K].</summary>
    public float* Weight;

    /// <summary>b [C_out].</summary>
    public float* Bias;

    /// <summary>a [B, C_out, H_o, W_o].</summary>
    public float* Output;

    /// <summary>z [B, C_out, H_o, W_o] kept by the forward pass, or the layer below's z [B, C_in, H, W] read by the input delta; only for activations whose derivative needs it.</summary>
    public float* PreActivation;

    /// <summary>δ = dL/dz [B, C_out, H_o, W_o].</summary>
    public float* Delta;

    /// <summary>δx [B, C_in, H, W], the layer below's δ.</summary>
    public float* InputDelta;

    /// <summary>The caller's scratch buffer, laid out by <see cref="ConvolutionScratch"/>.</summary>
    public float* Scratch;
}

/// <summary>
/// Where each pass keeps its intermediate matrices in the caller's scratch buffer (sizes in floats), so that
/// <see cref="Convolution.ScratchSize"/> and the kernels agree by construction. Two of everything that is per
/// sample: one for each half of the batch, which is what each of the two threads works on.
/// </summary>
internal static class ConvolutionScratch
{
    /// <summary>The weight gradient is formed as Σ_p δ[o, p] · col[k, p], a dot product along P, when P is at least this long.</summary>
    /// <remarks>
    /// Short dot products spend their time reducing accumulators across lanes, while long ones save the outer-product
    /// form's transpose of δ; the outer-product form also adds each sample's term into the sum in place
    /// (<see cref="ProductArguments.AccumulateIntoC"/>). So the reference CNN's second layer (P = 64) goes to the outer
    /// product and its first (P = 576) to the dot product (docs/performance.md, convolution).
    /// </remarks>
    public const int DotProductMinimumPixels = 128;

    /// <summary>Forward: col [K, P] per half, none for a pointwise convolution.</summary>
    public static long Forward(in ConvolutionShape s) => s.IsPointwise ? 0 : 2L * s.PatchSize * s.OutputPixels;

    /// <summary>Input delta: dcol [K, P] per half, none for a pointwise convolution.</summary>
    public static long InputDelta(in ConvolutionShape s) => Forward(s);

    /// <summary>Weight gradient: one <see cref="WeightHalf"/> per half of the batch.</summary>
    public static long Weights(in ConvolutionShape s) => 2L * WeightHalf(s);

    /// <summary>
    /// A half's weight-gradient area: its sum of dW [C_out, K] (or dWᵀ [K, C_out]), one sample's term of it (the dot-product form only: the outer-product form adds in place), its
    /// sum of db [C_out], col [K, P] (not for a pointwise convolution) and δᵀ [P, C_out] (the outer-product form only).
    /// </summary>
    public static long WeightHalf(in ConvolutionShape s) =>
        SumAndTerm(s) + s.OutputChannels + (s.IsPointwise ? 0 : (long)s.PatchSize * s.OutputPixels) +
        (WeightsByDotProduct(s) ? 0 : (long)s.OutputPixels * s.OutputChannels);

    /// <summary>The sum of dW, and after it one sample's term where the dot-product form needs one.</summary>
    private static long SumAndTerm(in ConvolutionShape s) => (WeightsByDotProduct(s) ? 2L : 1L) * s.WeightSize;

    /// <summary>Where half <paramref name="half"/>'s sum of dW (or dWᵀ) starts; the dot-product form's term follows it.</summary>
    public static long WeightSum(in ConvolutionShape s, int half) => half * WeightHalf(s);

    /// <summary>Where half <paramref name="half"/>'s sum of db starts; col and δᵀ follow it.</summary>
    public static long BiasSum(in ConvolutionShape s, int half) => WeightSum(s, half) + SumAndTerm(s);

    public static bool WeightsByDotProduct(in ConvolutionShape s) => s.OutputPixels >= DotProductMinimumPixels;
}

/// <summary>
/// The convolution passes for one half of the batch at a time, each sample as one product of the existing kernels on its
/// lowered input (<see cref="ConvolutionLowering"/>). <see cref="Parallelism"/> hands each thread a half of the
/// batch: every sample is computed the same way whichever thread takes it, and the weight gradient is summed in
/// two fixed halves, so results are bit-identical with one thread or two.
/// </summary>
/// <remarks>
/// Parallelism shares out a <see cref="ProductArguments"/>; a convolution's geometry does not fit in one, so its
/// <see cref="ProductArguments.A"/> carries the address of the <see cref="ConvolutionArguments"/> on the caller's
/// stack. That frame outlives every use: <see cref="Parallelism.Run"/> returns only when every chunk is done, and
/// the worker reads the address only after taking a chunk of this job.
/// </remarks>
internal static unsafe class ConvolutionKernel
{
    /// <summary>
    /// Runs <paramref name="body"/> over the halves of the batch, on two threads when the work is large enough:
    /// Parallelism's columns are the two halves (one when B = 1), so however it cuts them, each chunk is a whole
    /// half with its own scratch slot.
    /// </summary>
    public static void Run(delegate*<ref ProductArguments, int, int, void> body, ConvolutionArguments* arguments, long work)
    {
        var carrier = new ProductArguments { A = (float*)arguments };
        Parallelism.Run(body, ref carrier, arguments->Batch > 1 ? 2 : 1, alignment: 1, work);
    }

    /// <summary>Samples [First, End) of half <paramref name="half"/> (0 or 1): the first ⌈B / 2⌉, then the rest.</summary>
    private static (int First, int End) Samples(int batch, int half)
    {
        int split = (batch + 1) / 2;
        return half == 0 ? (0, split) : (split, batch);
    }

    /// <summary>
    /// a_b [C_out, P] = f(W [C_out, K] · col_b [K, P] + b) for every sample b of halves [first, end) of the batch: the
    /// product into the output, then bias and activation over each channel while the sample's output is in cache.
    /// z is kept when f' needs it.
    /// </summary>
    public static void Forward<TSimd, TVector, TActivation>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        ref ConvolutionArguments c = ref *(ConvolutionArguments*)carrier.A;
        for (int half = first; half < end; half++)
        {
            ForwardHalf<TSimd, TVector, TActivation>(ref c, half);
        }
    }

    private static void ForwardHalf<TSimd, TVector, TActivation>(ref ConvolutionArguments c, int half)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        ConvolutionShape s = c.Shape;
        int patch = s.PatchSize, pixels = s.OutputPixels;
        float* col = c.Scratch + half * (nint)patch * pixels; // col [K, P]
        (int first, int end) = Samples(c.Batch, half);
        for (int b = first; b < end; b++)
        {
            float* x = c.Input + (nint)b * s.InputSize;   // x_b [C_in, H, W]
            float* a = c.Output + (nint)b * s.OutputSize; // a_b [C_out, P]
            if (s.IsPointwise)
            {
                col = x;
            }
            else
            {
                ConvolutionLowering.Lower(x, col, s);
            }
            // A(o, k) = W[o·K + k]: row stride K, depth stride 1.
            var product = new ProductArguments
            {
                A = c.Weight, B = col, C = a, Rows = s.OutputChannels, Columns = pixels, Depth = patch, ARowStride = patch, ADepthStride = 1,
            };
            Product<TSimd, TVector, Identity>(ref product);
            float* z = TActivation.DerivativeNeedsInput ? c.PreActivation + (nint)b * s.OutputSize : null;
            ChannelEpilogue<TSimd, TVector, TActivation>(a, c.Bias, z, s.OutputChannels, pixels);
        }
    }

    /// <summary>
    /// δx_b [C_in, H, W] = col2im(Wᵀ · δ_b [C_out, P]) ⊙ f'(z_b), W [C_out, K], for every sample b of halves [first, end),
    /// f' being the activation of the layer below, whose outputs are this layer's input. A pointwise convolution's product is
    /// δx_b itself, and f' is applied as it is stored.
    /// </summary>
    public static void InputDelta<TSimd, TVector, TInputActivation>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TInputActivation : IActivation
    {
        ref ConvolutionArguments c = ref *(ConvolutionArguments*)carrier.A;
        for (int half = first; half < end; half++)
        {
            InputDeltaHalf<TSimd, TVector, TInputActivation>(ref c, half);
        }
    }

    private static void InputDeltaHalf<TSimd, TVector, TInputActivation>(ref ConvolutionArguments c, int half)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TInputActivation : IActivation
    {
        ConvolutionShape s = c.Shape;
        int patch = s.PatchSize, pixels = s.OutputPixels, inputSize = s.InputSize;
        bool derivative = typeof(TInputActivation) != typeof(Identity);
        float* dcol = c.Scratch + half * (nint)patch * pixels; // dcol [K, P]
        (int first, int end) = Samples(c.Batch, half);
        for (int b = first; b < end; b++)
        {
            float* dx = c.InputDelta + (nint)b * inputSize;                                            // δx_b [C_in, H, W]
            float* a = c.Input + (nint)b * inputSize;                                                  // a_b [C_in, H, W] of the layer below
            float* z = TInputActivation.DerivativeNeedsInput ? c.PreActivation + (nint)b * inputSize : null;
            // A(k, o) = Wᵀ[k, o] = W[o·K + k]: row stride 1, depth stride K (W read down its columns, which was as fast
            // as a transposed copy read along rows); B = δ_b [C_out, P].
            var product = new ProductArguments
            {
                A = c.Weight, B = c.Delta + (nint)b * s.OutputSize, Rows = patch, Columns = pixels, Depth = s.OutputChannels,
                ARowStride = 1, ADepthStride = patch,
            };
            if (s.IsPointwise)
            {
                // K = C_in and P = H·W: the product is δx_b, and the kernel applies f'(z_b, a_b) as it stores it.
                product.C = dx;
                product.Extra = derivative ? a : null;
                product.PreActivation = z;
                Product<TSimd, TVector, TInputActivation>(ref product);
                continue;
            }
            product.C = dcol;
            Product<TSimd, TVector, Identity>(ref product);
            new Span<float>(dx, inputSize).Clear();
            ConvolutionLowering.Raise(dcol, dx, s);
            if (derivative)
            {
                Epilogue.MultiplyByDerivative<TSimd, TVector, TInputActivation>(dx, a, z, inputSize);
            }
        }
    }

    /// <summary>
    /// C = A · B, B stored [K, N] (a sample's col, or its δ), then C ⊙= f'(z, a) when <see cref="ProductArguments.Extra"/>
    /// gives a, over every column: on the packed tiles (<see cref="PackedProductKernel"/>, 6 × 2 registers) with 16
    /// registers where the product fills a tile, on the outer-product tiles otherwise. The same sums in the same order
    /// either way (bit-identical, checked).
    /// </summary>
    /// <remarks>
    /// With 16 registers the outer-product tile (2 rows × 4 registers) loads six registers per eight multiply-adds and
    /// is load-bound; the packed tile loads two and broadcasts six per twelve, and made the reference CNN's AVX2 step
    /// markedly faster. AVX-512's 4 × 4 outer-product tile stayed as fast or faster than the packed one, so AVX-512
    /// keeps it (docs/performance.md, convolution).
    /// </remarks>
    private static void Product<TSimd, TVector, TActivation>(ref ProductArguments product)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        if (OnPackedTiles<TSimd, TVector>(product.Rows, product.Columns))
        {
            product.BDepthMajor = true;
            PackedProductKernel.RunBackward<TSimd, TVector, TActivation>(ref product, 0, product.Columns);
        }
        else
        {
            OuterProductKernel.Run<TSimd, TVector, TActivation>(ref product, 0, product.Columns);
        }
    }

    /// <summary>Whether <see cref="Product{TSimd, TVector, TActivation}"/> puts a product of this many rows and columns on the packed tiles.</summary>
    private static bool OnPackedTiles<TSimd, TVector>(int rows, int columns)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct =>
        TSimd.RegisterCount < 32 && rows >= PackedProductKernel.TileRows<TSimd, TVector>() && columns >= PackedProductKernel.PanelColumns<TSimd, TVector>();

    /// <summary>
    /// Grows the calling thread's panel for the product <see cref="Forward{TSimd, TVector, TActivation}"/> computes per
    /// sample (W [C_out, K] · col [K, P]) when it goes to the packed tiles, before the halves are shared (see
    /// <see cref="PackedProductKernel.ReservePanel{TSimd, TVector}"/>).
    /// </summary>
    public static void ReserveForwardPanel(InstructionSet instructionSet, in ConvolutionShape s) =>
        ReservePanel(instructionSet, rows: s.OutputChannels, columns: s.OutputPixels, depth: s.PatchSize);

    /// <summary>The same for <see cref="InputDelta{TSimd, TVector, TInputActivation}"/>'s product, Wᵀ [K, C_out] · δ [C_out, P].</summary>
    public static void ReserveInputDeltaPanel(InstructionSet instructionSet, in ConvolutionShape s) =>
        ReservePanel(instructionSet, rows: s.PatchSize, columns: s.OutputPixels, depth: s.OutputChannels);

    private static void ReservePanel(InstructionSet instructionSet, int rows, int columns, int depth)
    {
        bool packed = instructionSet switch
        {
            InstructionSet.Avx512 => OnPackedTiles<Avx512, Vector512<float>>(rows, columns),
            InstructionSet.Avx2 => OnPackedTiles<Avx2, Vector256<float>>(rows, columns),
            _ => OnPackedTiles<PortableSimd, Vector<float>>(rows, columns),
        };
        if (packed)
        {
            PackedProductKernel.ReservePanel(instructionSet, depth);
        }
    }

    /// <summary>
    /// Each half h in [first, end) of the batch sums its samples' weight and bias gradients into its own area of the
    /// scratch (<see cref="ConvolutionScratch.WeightHalf"/>): one product per sample, the first written in place and
    /// the rest added. <see cref="Convolution.ParameterGradients"/> then adds the two halves.
    /// </summary>
    /// <remarks>
    /// Two forms, by P (<see cref="ConvolutionScratch.WeightsByDotProduct"/>): for long P,
    /// dW_b [C_out, K] = δ_b [C_out, P] · col_b [K, P]ᵀ by the dot-product kernel (both operands contiguous along P);
    /// for short P, dWᵀ_b [K, C_out] = col_b [K, P] · δᵀ_b [P, C_out] by the outer-product kernel, with δ_b transposed.
    /// The outer-product kernel adds each sample after a half's first into the sum in place; the dot-product kernel
    /// overwrites C, so there every later sample lands in a separate term that is then added to the sum, one more
    /// pass over C_out·K per sample, small beside the product.
    /// </remarks>
    public static void WeightGradients<TSimd, TVector>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        ref ConvolutionArguments c = ref *(ConvolutionArguments*)carrier.A;
        for (int half = first; half < end; half++)
        {
            WeightGradientsHalf<TSimd, TVector>(ref c, half);
        }
    }

    private static void WeightGradientsHalf<TSimd, TVector>(ref ConvolutionArguments c, int half)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        ConvolutionShape s = c.Shape;
        (int first, int end) = Samples(c.Batch, half);
        int patch = s.PatchSize, pixels = s.OutputPixels, channels = s.OutputChannels, weights = s.WeightSize;
        bool dot = ConvolutionScratch.WeightsByDotProduct(s);
        float* sum = c.Scratch + ConvolutionScratch.WeightSum(s, half);    // Σ over the half: dW [C_out, K], or dWᵀ [K, C_out]
        float* term = dot ? sum + weights : null;                          // one sample's dW (the dot-product form only)
        float* biasSum = c.Scratch + ConvolutionScratch.BiasSum(s, half);  // Σ over the half of db [C_out]
        float* col = biasSum + channels;                                   // col [K, P]
        float* deltaT = s.IsPointwise ? col : col + (nint)patch * pixels;  // δᵀ [P, C_out]
        for (int b = first; b < end; b++)
        {
            bool firstSample = b == first;
            float* x = c.Input + (nint)b * s.InputSize;     // x_b [C_in, H, W]
            float* delta = c.Delta + (nint)b * s.OutputSize; // δ_b [C_out, P]
            float* lowered = s.IsPointwise ? x : col;
            if (!s.IsPointwise)
            {
                ConvolutionLowering.Lower(x, col, s);
            }
            // The dot-product kernel overwrites C, so later samples land in a term that is then added to the sum;
            // the outer-product kernel adds to the sum in place.
            float* target = firstSample || !dot ? sum : term;
            if (dot)
            {
                ConvolutionLowering.SumRows(delta, biasSum, channels, pixels, assign: firstSample);
                // dW_b[o, k] = Σ_p δ_b[o, p] · col_b[k, p]: A = δ_b [C_out, P], B = col_b [K, P], both rows contiguous along P.
                var product = new ProductArguments { A = delta, B = lowered, C = target, Rows = channels, Columns = patch, Depth = pixels };
                DotProductKernel.Run<TSimd, TVector, Identity>(ref product, 0, patch);
            }
            else
            {
                ConvolutionLowering.TransposeAndSumRows(delta, deltaT, biasSum, channels, pixels, assignSums: firstSample);
                // dWᵀ_b[k, o] = Σ_p col_b[k, p] · δᵀ_b[p, o]: A(k, p) = col_b[k·P + p], row stride P, depth stride 1.
                var product = new ProductArguments
                {
                    A = lowered, B = deltaT, C = target, Rows = patch, Columns = channels, Depth = pixels, ARowStride = pixels, ADepthStride = 1,
                    AccumulateIntoC = !firstSample,
                };
                OuterProductKernel.Run<TSimd, TVector, Identity>(ref product, 0, channels);
            }
            if (!firstSample && dot)
            {
                ConvolutionLowering.Accumulate(term, sum, weights);
            }
        }
    }

    /// <summary>
    /// z = C[o, p] + b[o] kept when f' needs it, and C[o, p] = f(z), for every channel o of one sample's C [C_out, P]:
    /// the per-channel counterpart of <see cref="Epilogue.Forward{TSimd, TVector, TActivation}"/>, whose bias runs along
    /// columns. Element index b·C_out·P + o·P + p identifies an output for a dropout mask (<see cref="DropoutMask"/>).
    /// </summary>
    /// <remarks>
    /// Per-channel batch normalisation is not fused here: in training its statistics run over the whole batch (B·P values
    /// a channel), so a normalised convolution stores z for every sample under the identity, and
    /// <see cref="Convolution.ForwardEpilogue{TActivation}"/> normalises, shifts, activates and drops each channel in a
    /// second pass. (In inference it could be a scale and shift per channel here in place of the bias; it takes the
    /// same second pass, which keeps one code path.)
    /// </remarks>
    private static void ChannelEpilogue<TSimd, TVector, TActivation>(float* c, float* bias, float* preActivation, int channels, int pixels)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        for (int o = 0; o < channels; o++)
        {
            float* line = c + (nint)o * pixels;
            float* kept = TActivation.DerivativeNeedsInput ? preActivation + (nint)o * pixels : null;
            float channelBias = bias is null ? 0f : bias[o]; // no bias: batch norm's β follows
            TVector shift = TSimd.Broadcast(channelBias);
            int p = 0;
            for (; p + TSimd.Width <= pixels; p += TSimd.Width)
            {
                TVector z = TSimd.Add(TSimd.Load(ref line[p], 0), shift);
                if (TActivation.DerivativeNeedsInput)
                {
                    TSimd.Store(z, ref kept[p], 0);
                }
                TSimd.Store(TActivation.Forward<TSimd, TVector>(z), ref line[p], 0);
            }
            for (; p < pixels; p++)
            {
                float z = line[p] + channelBias;
                if (TActivation.DerivativeNeedsInput)
                {
                    kept[p] = z;
                }
                line[p] = TActivation.Forward(z);
            }
        }
    }
}
