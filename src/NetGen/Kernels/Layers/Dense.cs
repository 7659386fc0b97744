using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// The three products of a fully connected layer, with the element-wise work fused in.
/// Shapes (B = batch, I = inputs, O = outputs), all row-major:
/// <code>
/// forward          a  [B, O] = f(x [B, I] · Wᵀ + b)           W [O, I], b [O]
/// parameter grads  dW [O, I] += δᵀ [O, B] · x [B, I]          db [O] += Σ_b δ [b, :]
/// input delta      δx [B, I] = (δ [B, O] · W [O, I]) ⊙ f'(x)   f' of the layer that produced x
/// </code>
/// δ = dL/dz is the gradient with respect to the pre-activation. Each product runs the widest
/// instruction set the machine has (<see cref="KernelSelection"/>) and is split over two threads
/// when large enough (<see cref="Parallelism"/>), with results identical either way.
/// </summary>
public static unsafe partial class Dense
{
    /// <summary>
    /// a [B, O] = f(z), z = x [B, I] · Wᵀ + b; z is kept in <paramref name="preActivation"/> [B, O] when the
    /// activation's derivative needs it (see <see cref="IActivation.DerivativeNeedsInput"/>).
    /// </summary>
    public static void Forward<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output,
        int batch, int inputs, int outputs, Span<float> preActivation = default)
        where TActivation : IActivation =>
        ForwardDropout<TActivation>(input, weight, bias, output, batch, inputs, outputs, training: false, DropoutParameters.None, preActivation);

    /// <summary>
    /// C = f(A · Bᵀ + bias) and the rest of the forward epilogue, for every forward variant: packed
    /// panels and outer products when there are enough rows to repay the packing and columns to fill a
    /// panel (<see cref="PackedProductKernel"/>), dot products otherwise (<see cref="DotProductKernel"/>:
    /// one sample, small batches, narrow layers such as a 10-class output).
    /// </summary>
    private static void RunForward<TActivation>(ref ProductArguments product)
        where TActivation : IActivation
    {
        InstructionSet instructionSet = KernelSelection.Current;
        long work = (long)product.Rows * product.Depth * product.Columns;
        if (product.Rows >= PackedProductKernel.MinimumRows && product.Columns >= PackedProductKernel.PanelColumns(instructionSet))
        {
            RunPacked<TActivation>(ref product);
            return;
        }
        if (DotProductKernel.SplitsByRows(product) && Parallelism.MayShare(work))
        {
            delegate*<ref ProductArguments, int, int, void> rows = instructionSet switch
            {
                InstructionSet.Avx512 => &DotProductKernel.RunRows<Avx512, Vector512<float>, TActivation>,
                InstructionSet.Avx2 => &DotProductKernel.RunRows<Avx2, Vector256<float>, TActivation>,
                _ => &DotProductKernel.RunRows<PortableSimd, Vector<float>, TActivation>,
            };
            Parallelism.Run(rows, ref product, product.Rows, alignment: DotProductKernel.TileRows(instructionSet), work);
            return;
        }
        delegate*<ref ProductArguments, int, int, void> dot = instructionSet switch
        {
            InstructionSet.Avx512 => &DotProductKernel.Run<Avx512, Vector512<float>, TActivation>,
            InstructionSet.Avx2 => &DotProductKernel.Run<Avx2, Vector256<float>, TActivation>,
            _ => &DotProductKernel.Run<PortableSimd, Vector<float>, TActivation>,
        };
        // One sample is bound by streaming W from L2, about a quarter of the rate a tiled product multiplies: weigh it
        // so, and matrix–vector products as small as 784 → 128 are split.
        if (product.Rows == 1)
        {
            work *= MatrixVectorCost;
        }
        // Cut at whole registers: the epilogue finishes a chunk's columns past its last register with the activation's
        // scalar form, whose bits need not be its vector form's (tanh's are not), so those must be the same columns,
        // the layer's last, whatever the split.
        Parallelism.Run(dot, ref product, product.Columns, alignment: DotProductKernel.ChunkColumns(instructionSet), work);
    }

    /// <summary>
    /// The product on <see cref="PackedProductKernel"/>, in chunks of whole panels: each thread packs and computes its
    /// own. Its forward epilogue (bias, f, dropout, batch norm), or with <paramref name="backward"/> the backward one
    /// (f' of the layer the product's δ belongs to, through its dropout and batch norm).
    /// </summary>
    private static void RunPacked<TActivation>(ref ProductArguments product, bool backward = false)
        where TActivation : IActivation
    {
        InstructionSet instructionSet = KernelSelection.Current;
        long work = (long)product.Rows * product.Depth * product.Columns;
        // One thread keeps the column order, which packs each panel just before its tiles; the row order was slower there.
        if (!backward && PackedProductKernel.SplitsByRows(instructionSet, product) && Parallelism.MayShare(work))
        {
            RunPackedByRows<TActivation>(ref product, work);
            return;
        }
        PackedProductKernel.ReservePanel(instructionSet, product.Depth);
        delegate*<ref ProductArguments, int, int, void> packed = (instructionSet, backward) switch
        {
            (InstructionSet.Avx512, false) => &PackedProductKernel.Run<Avx512, Vector512<float>, TActivation>,
            (InstructionSet.Avx512, true) => &PackedProductKernel.RunBackward<Avx512, Vector512<float>, TActivation>,
            (InstructionSet.Avx2, false) => &PackedProductKernel.Run<Avx2, Vector256<float>, TActivation>,
            (InstructionSet.Avx2, true) => &PackedProductKernel.RunBackward<Avx2, Vector256<float>, TActivation>,
            (_, false) => &PackedProductKernel.Run<PortableSimd, Vector<float>, TActivation>,
            (_, true) => &PackedProductKernel.RunBackward<PortableSimd, Vector<float>, TActivation>,
        };
        Parallelism.Run(packed, ref product, product.Columns, alignment: PackedProductKernel.PanelColumns(instructionSet), work);
    }

    /// <summary>
    /// <see cref="RunPacked{TActivation}"/> for a product less than two panels wide: the caller packs every panel once,
    /// then the threads share the rows, each finishing its own (<see cref="PackedProductKernel.SplitsByRows"/>).
    /// Chunks are whole tiles of rows.
    /// </summary>
    private static void RunPackedByRows<TActivation>(ref ProductArguments product, long work)
        where TActivation : IActivation
    {
        InstructionSet instructionSet = KernelSelection.Current;
        delegate*<ref ProductArguments, int, int, void> rows;
        switch (instructionSet)
        {
            case InstructionSet.Avx512:
                PackedProductKernel.PackAllPanels<Avx512, Vector512<float>>(ref product);
                rows = &PackedProductKernel.RunRows<Avx512, Vector512<float>, TActivation>;
                break;
            case InstructionSet.Avx2:
                PackedProductKernel.PackAllPanels<Avx2, Vector256<float>>(ref product);
                rows = &PackedProductKernel.RunRows<Avx2, Vector256<float>, TActivation>;
                break;
            default:
                PackedProductKernel.PackAllPanels<PortableSimd, Vector<float>>(ref product);
                rows = &PackedProductKernel.RunRows<PortableSimd, Vector<float>, TActivation>;
                break;
        }
        Parallelism.Run(rows, ref product, product.Rows, alignment: PackedProductKernel.TileRows(instructionSet), work);
    }

    /// <summary>
    /// Outputs from which a weight gradient runs on the packed tiles (10 × 2 registers with AVX-512, 6 × 2 with 16
    /// registers) rather than the outer-product ones (4 × 4, or 2 × 4 with 16 registers); the same sums in the same
    /// order either way, so the same bits. With AVX-512 the packed form wins from about 100 outputs; below, a panel's
    /// copy and the overlapping last tile are shared by too few rows. With 16 registers it wins wherever a tile fits.
    /// Figures in docs/performance.md (products and tiles).
    /// </summary>
    private static int PackedWeightGradientMinimumOutputs(InstructionSet instructionSet) => instructionSet switch
    {
        InstructionSet.Avx512 => 100,
        InstructionSet.Avx2 => PackedProductKernel.TileRows<Avx2, Vector256<float>>(),
        _ => PackedProductKernel.TileRows<PortableSimd, Vector<float>>(),
    };

    /// <summary>A matrix–vector product's cost per multiply-add, relative to a tiled product's.</summary>
    private const int MatrixVectorCost = 4;

    /// <summary>
    /// Adds δᵀ · x into dW [O, I] and the sum over the batch of δ into db [O], so a weight used more than once (a tied
    /// decoder, a recurrent step) gets the sum of its uses. With <paramref name="accumulate"/> false they are
    /// overwritten instead: the generated code passes that for a tensor's first use in a backward pass, which spares
    /// the step a clearing pass over the slice. An empty <paramref name="biasGradient"/> means the layer has no bias
    /// (batch norm's β takes its place).
    /// </summary>
    /// <remarks>
    /// Split between the threads by columns (inputs), like every product at least two panels wide (narrower ones by
    /// rows, see <see cref="PackedProductKernel.SplitsByRows"/>). Splitting wide layers by rows too, so that each
    /// thread's share of dW is contiguous as the optimizer's is, and applying the SGD update to each tile as it is
    /// formed were both slower over the whole step (docs/performance.md, threads).
    /// </remarks>
    public static void ParameterGradients(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> weightGradient, Span<float> biasGradient,
        int batch, int inputs, int outputs, bool accumulate = true)
    {
        RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(weightGradient, outputs * inputs, nameof(weightGradient), "[O, I]");
        if (!biasGradient.IsEmpty)
        {
            RequireLength(biasGradient, outputs, nameof(biasGradient), "[O]");
        }

        fixed (float* d = delta, x = input, dW = weightGradient)
        {
            // dW[o, i] = Σ_b δ[b, o] x[b, i]: A(o, b) = δ[b·O + o], so A's row stride is 1 and its depth stride O.
            var product = new ProductArguments
            {
                A = d, B = x, C = dW, Rows = outputs, Columns = inputs, Depth = batch, ARowStride = 1, ADepthStride = outputs,
                BDepthMajor = true, AccumulateIntoC = accumulate,
            };
            InstructionSet instructionSet = KernelSelection.Current;
            if (outputs >= PackedWeightGradientMinimumOutputs(instructionSet) && inputs >= PackedProductKernel.PanelColumns(instructionSet))
            {
                RunPacked<Identity>(ref product);
            }
            else
            {
                RunOuterProduct<Identity>(ref product);
            }
        }

        if (biasGradient.IsEmpty)
        {
            return;
        }
        if (!accumulate)
        {
            biasGradient[..outputs].Clear();
        }
        for (int b = 0; b < batch; b++)
        {
            Add(delta.Slice(b * outputs, outputs), biasGradient);
        }
    }

    /// <summary>
    /// δx [B, I] = (δ [B, O] · W [O, I]) ⊙ f'(z): the gradient for the layer below, with that layer's
    /// activation derivative (from its outputs <paramref name="input"/> = f(z), and its pre-activations
    /// <paramref name="inputPreActivation"/> when f' needs them) applied before the store.
    /// </summary>
    public static void InputDelta<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> weight, ReadOnlySpan<float> input, Span<float> inputDelta,
        int batch, int inputs, int outputs, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        if (TInputActivation.DerivativeNeedsInput)
        {
            RequireLength(inputPreActivation, batch * inputs, nameof(inputPreActivation), "[B, I]");
        }
        RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        RequireLength(weight, outputs * inputs, nameof(weight), "[O, I]");
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(inputDelta, batch * inputs, nameof(inputDelta), "[B, I]");

        fixed (float* d = delta, w = weight, x = input, dx = inputDelta, z = inputPreActivation)
        {
            // δx[b, i] = Σ_o δ[b, o] W[o, i]: A(b, o) = δ[b·O + o], row stride O, depth stride 1.
            var product = new ProductArguments
            {
                A = d, B = w, C = dx, Rows = batch, Columns = inputs, Depth = outputs, ARowStride = outputs, ADepthStride = 1,
                Extra = typeof(TInputActivation) == typeof(Identity) ? null : x,
                PreActivation = z,
            };
            RunInputDelta<TInputActivation>(ref product);
        }
    }

    /// <summary>
    /// δx = δ · W with the layer below's f' (and its dropout and batch norm) applied. The packed tiles (W [O, I] as a B
    /// stored [K, N]) take every δ at least <see cref="PackedInputDeltaMinimumDepth"/> outputs deep, except with AVX-512
    /// where the batch is not close to a whole number of its 10-row tiles; otherwise the outer-product kernel, which
    /// folds f' into its stores.
    /// </summary>
    /// <remarks>
    /// With 16 registers the packed form is faster from <see cref="PackedInputDeltaMinimumDepth"/> outputs deep and
    /// slower below; with AVX-512 it is faster only where its last tile recomputes few rows, hence
    /// <see cref="OnPackedTilesWithFewRowsRecomputed"/>. The same sums in the same order either way. Figures in
    /// docs/performance.md (products and tiles).
    /// </remarks>
    private static void RunInputDelta<TInputActivation>(ref ProductArguments product)
        where TInputActivation : IActivation
    {
        InstructionSet instructionSet = KernelSelection.Current;
        int tileRows = PackedProductKernel.TileRows(instructionSet);
        if (product.Depth >= PackedInputDeltaMinimumDepth && product.Rows >= tileRows && product.Columns >= PackedProductKernel.PanelColumns(instructionSet) &&
            (instructionSet != InstructionSet.Avx512 || OnPackedTilesWithFewRowsRecomputed(product.Rows, tileRows)))
        {
            product.BDepthMajor = true;
            RunPacked<TInputActivation>(ref product, backward: true);
            return;
        }
        RunOuterProduct<TInputActivation>(ref product);
    }

    /// <summary>
    /// Whether the packed kernel's last tile, moved back to end at the last row, recomputes at most a 32nd of
    /// <paramref name="rows"/>: batches of 100, 128, 200 or 1000 with 10-row tiles, not 64 (6 of 64) or 32.
    /// </summary>
    private static bool OnPackedTilesWithFewRowsRecomputed(int rows, int tileRows)
    {
        int recomputed = (rows + tileRows - 1) / tileRows * tileRows - rows;
        return recomputed * 32 <= rows;
    }

    private const int PackedInputDeltaMinimumDepth = 64;

    private static void RunOuterProduct<TActivation>(ref ProductArguments product)
        where TActivation : IActivation
    {
        delegate*<ref ProductArguments, int, int, void> kernel;
        int width;
        switch (KernelSelection.Current)
        {
            case InstructionSet.Avx512:
                kernel = &OuterProductKernel.Run<Avx512, Vector512<float>, TActivation>;
                width = Avx512.Width;
                break;
            case InstructionSet.Avx2:
                kernel = &OuterProductKernel.Run<Avx2, Vector256<float>, TActivation>;
                width = Avx2.Width;
                break;
            default:
                kernel = &OuterProductKernel.Run<PortableSimd, Vector<float>, TActivation>;
                width = PortableSimd.Width;
                break;
        }
        // Chunks of whole 4-register tiles: a chunk boundary inside a tile would push columns onto the narrow paths.
        Parallelism.Run(kernel, ref product, product.Columns, alignment: 4 * width, work: (long)product.Rows * product.Columns * product.Depth);
    }

    /// <summary>target += source, element-wise.</summary>
    private static void Add(ReadOnlySpan<float> source, Span<float> target)
    {
        int i = 0;
        for (; i + Vector<float>.Count <= source.Length; i += Vector<float>.Count)
        {
            (new Vector<float>(source.Slice(i)) + new Vector<float>(target.Slice(i))).CopyTo(target.Slice(i));
        }
        for (; i < source.Length; i++)
        {
            target[i] += source[i];
        }
    }

    internal static void RequireLength(ReadOnlySpan<float> span, int expected, string name, string shape)
    {
        if (span.Length < expected)
        {
            throw new ArgumentException($"{name} {shape} needs {expected} numbers but has {span.Length}.", name);
        }
    }
}
