using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// C [M, N] = f(A [M, K] · Bᵀ + bias) with B stored [N, K], the product <see cref="DotProductKernel"/>
/// computes, as outer products instead: B's rows are transposed, a panel of columns at a time, into a
/// buffer laid out [K, P] (P = two registers of columns), and each step of k broadcasts one value from
/// each of R rows of A against the panel's two registers, into R × 2 accumulators that live in registers
/// for the whole depth. A is read through its strides, so the same tiles take a weight gradient's δᵀ (δ [B, O] read
/// down its columns); with <see cref="ProductArguments.BDepthMajor"/> B is stored [K, N] (x [B, I] for a weight
/// gradient, W [O, I] for an input delta) and its panels are plain copies of its rows.
/// </summary>
/// <remarks>
/// <para>
/// Why not dot products: a 4 × 4 tile of dot products needs 8 full-register loads per 16 multiply-adds
/// and stays well short of the FMA peak even from L1, while a tile of broadcasts needs 2 register loads and R
/// cheap broadcasts per 2R multiply-adds and reaches it. The transposition is repaid when each weight meets
/// enough rows of A (see <see cref="MinimumRows"/>).
/// </para>
/// <para>
/// Tile: 10 rows × 2 registers (20 accumulators, 23 of the 32 zmm registers) with AVX-512, 6 × 2 (15 of 16)
/// with 16 registers; 6 × 4 and 8 × 3 ran no faster. Two registers wide keeps the panel small, K × P floats
/// (100 KB for K = 784), so it stays in L2 while the tiles stream it and depth needs no blocking, and keeps the
/// split between threads fine (16 panels for N = 500); 10 rows divide batches of 100 and 1000.
/// </para>
/// <para>
/// Tails: the last tile of rows and the last panel of columns are moved back to end at the edge, so they
/// overlap their neighbours and recompute a few outputs instead of needing narrower code; an output
/// computed twice is computed the same way both times (the whole depth, in order), so it is bit-identical
/// and both writes agree. With <see cref="ProductArguments.AccumulateIntoC"/> (C += A · B, a weight gradient
/// added into its slice) a second write would add twice, so there the overlapping rows and columns are not stored. This needs M ≥ R and a thread's share of columns ≥ P: <see cref="Parallelism"/>
/// never cuts a chunk narrower than the alignment, and the caller sends smaller products to
/// <see cref="DotProductKernel"/>.
/// </para>
/// </remarks>
internal static unsafe class PackedProductKernel
{
    /// <summary>
    /// Rows of A below which <see cref="DotProductKernel"/> is faster: packing costs the same per weight whatever the
    /// rows, the tiles' gain over dot products grows with them (docs/performance.md, products and tiles).
    /// </summary>
    public const int MinimumRows = 64;

    /// <summary>A thread's panel, [K, P], grown on demand: a thread-static buffer, so each thread packs its own columns without allocating per product.</summary>
    [ThreadStatic]
    private static float[]? t_panel;

    /// <summary>Every panel of a product split by rows, [panels][K, P], packed by the calling thread for all the threads (<see cref="PackAllPanels{TSimd, TVector}"/>).</summary>
    [ThreadStatic]
    private static float[]? t_packedPanels;

    /// <summary>Columns per panel: two registers.</summary>
    public static int PanelColumns<TSimd, TVector>()
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => 2 * TSimd.Width;

    /// <summary>Rows of A per tile: as many as leave registers for the two panel registers and a broadcast.</summary>
    internal static int TileRows<TSimd, TVector>()
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.RegisterCount >= 32 ? 10 : 6;

    /// <summary><see cref="PanelColumns{TSimd, TVector}"/> of the kernels <paramref name="instructionSet"/> runs, for callers that choose a kernel before they have its types.</summary>
    public static int PanelColumns(InstructionSet instructionSet) => instructionSet switch
    {
        InstructionSet.Avx512 => PanelColumns<Avx512, Vector512<float>>(),
        InstructionSet.Avx2 => PanelColumns<Avx2, Vector256<float>>(),
        _ => PanelColumns<PortableSimd, Vector<float>>(),
    };

    /// <summary><see cref="TileRows{TSimd, TVector}"/> of the kernels <paramref name="instructionSet"/> runs.</summary>
    public static int TileRows(InstructionSet instructionSet) => instructionSet switch
    {
        InstructionSet.Avx512 => TileRows<Avx512, Vector512<float>>(),
        InstructionSet.Avx2 => TileRows<Avx2, Vector256<float>>(),
        _ => TileRows<PortableSimd, Vector<float>>(),
    };

    /// <summary>A forward product over columns [first, end): C = A · Bᵀ, then bias, activation, dropout and batch norm (<see cref="Epilogue.Forward{TSimd, TVector, TActivation}"/>).</summary>
    /// <remarks>
    /// The epilogue runs once over the chunk, not per tile or on the accumulators: neither was faster at batch 100 and
    /// 1000 together (docs/performance.md, products and tiles).
    /// </remarks>
    public static void Run<TSimd, TVector, TActivation>(ref ProductArguments p, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        Product<TSimd, TVector>(ref p, firstColumn, endColumn);
        if (HasForwardEpilogue<TActivation>(p))
        {
            Epilogue.Forward<TSimd, TVector, TActivation>(ref p, firstColumn, endColumn);
        }
    }

    /// <summary>A backward product over columns [first, end): C = A · B, then the derivative of the layer C belongs to (<see cref="Epilogue.Backward{TSimd, TVector, TActivation}"/>).</summary>
    public static void RunBackward<TSimd, TVector, TActivation>(ref ProductArguments p, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        Product<TSimd, TVector>(ref p, firstColumn, endColumn);
        Epilogue.Backward<TSimd, TVector, TActivation>(ref p, firstColumn, endColumn);
    }

    /// <summary>
    /// Whether <paramref name="p"/>, a forward product or a weight gradient, is shared between threads by rows
    /// (<see cref="PackAllPanels{TSimd, TVector}"/>, then <see cref="RunRows{TSimd, TVector, TActivation}"/>) rather than
    /// by columns: fewer than two panels of columns (outputs 16–31 wide with AVX2, 32–63 with AVX-512) make a single
    /// chunk, which one thread computes at any batch. Batch normalisation needs every row of a column, so it keeps
    /// the column split.
    /// </summary>
    public static bool SplitsByRows(InstructionSet instructionSet, in ProductArguments p) =>
        p.Columns < 2 * PanelColumns(instructionSet) && !p.BatchNorm.IsActive;

    /// <summary>
    /// Packs every panel of B, in the order <see cref="RunRows{TSimd, TVector, TActivation}"/> reads them, into the
    /// calling thread's buffer, and points <see cref="ProductArguments.PackedB"/> at it: once for all the threads,
    /// whose rows all meet every panel.
    /// </summary>
    public static void PackAllPanels<TSimd, TVector>(ref ProductArguments p)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int width = PanelColumns<TSimd, TVector>(), depth = p.Depth;
        int panels = (p.Columns + width - 1) / width;
        float* packed = Aligned(ref t_packedPanels, panels * depth * width);
        for (int panel = 0; panel < panels; panel++)
        {
            PackPanel<TSimd, TVector>(ref p, PanelStart(panel * width, p.Columns, width), packed + (nint)panel * depth * width);
        }
        p.PackedB = packed;
    }

    /// <summary>
    /// Rows [first, end) of a forward product or weight gradient, every column, from the panels that
    /// <see cref="PackAllPanels{TSimd, TVector}"/> packed; then the forward epilogue on those rows (bias, activation,
    /// dropout: all row by row; never batch normalisation, see <see cref="SplitsByRows"/>). Each output is the same
    /// tile's sum as with the column split, so the bits do not depend on the split.
    /// </summary>
    public static void RunRows<TSimd, TVector, TActivation>(ref ProductArguments p, int firstRow, int endRow)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int width = PanelColumns<TSimd, TVector>(), depth = p.Depth;
        for (int column = 0, panel = 0; column < p.Columns; column += width, panel++)
        {
            int start = PanelStart(column, p.Columns, width);
            TilesOfPanel<TSimd, TVector>(ref p, p.PackedB + (nint)panel * depth * width, start, column - start, firstRow, endRow);
        }
        if (HasForwardEpilogue<TActivation>(p))
        {
            Epilogue.ForwardRows<TSimd, TVector, TActivation>(ref p, firstRow, endRow, 0, p.Columns);
        }
    }

    /// <summary>Whether a forward product has element-wise work after it: an activation, a bias, dropout or batch norm.</summary>
    private static bool HasForwardEpilogue<TActivation>(in ProductArguments p)
        where TActivation : IActivation =>
        typeof(TActivation) != typeof(Identity) || p.Extra != null || p.Dropout.IsActive || p.BatchNorm.IsActive;

    /// <summary>The first column of the panel that covers <paramref name="column"/>: the last panel ends at <paramref name="endColumn"/>, overlapping the one before it.</summary>
    private static int PanelStart(int column, int endColumn, int width) => Math.Min(column, endColumn - width);

    private static void Product<TSimd, TVector>(ref ProductArguments p, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int width = PanelColumns<TSimd, TVector>();
        float* panel = Panel(p.Depth * width);
        for (int column = firstColumn; column < endColumn; column += width)
        {
            int start = PanelStart(column, endColumn, width);
            PackPanel<TSimd, TVector>(ref p, start, panel);
            TilesOfPanel<TSimd, TVector>(ref p, panel, start, column - start, 0, p.Rows);
        }
    }

    /// <summary>The panel of B's columns [start, start + P) into <paramref name="panel"/>, [K, P]: a copy of B's rows when B lies [K, N], a transposition when it lies [N, K].</summary>
    private static void PackPanel<TSimd, TVector>(ref ProductArguments p, int start, float* panel)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        if (p.BDepthMajor)
        {
            CopyPanel<TSimd, TVector>(p.B + start, p.Columns, p.Depth, panel);
        }
        else
        {
            Pack<TSimd, TVector>(p.B + (nint)start * p.Depth, p.Depth, panel);
        }
    }

    /// <summary>
    /// C [rows [first, end), columns [start, start + P)] from one packed panel; the last tile ends at <paramref name="endRow"/>,
    /// overlapping the one before it. The panel's first <paramref name="doneColumns"/> columns belong to the panel before
    /// it (a last panel moved back), which an accumulating product must not add to again.
    /// </summary>
    private static void TilesOfPanel<TSimd, TVector>(ref ProductArguments p, float* panel, int start, int doneColumns, int firstRow, int endRow)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int tileRows = TileRows<TSimd, TVector>();
        for (int row = firstRow; row < endRow; row += tileRows)
        {
            int top = Math.Min(row, endRow - tileRows);
            Tile<TSimd, TVector>(
                p.A + (nint)top * p.ARowStride, p.ARowStride, p.ADepthStride, p.Depth, panel, p.C + (nint)top * p.Columns + start, p.Columns,
                p.AccumulateIntoC, doneRows: row - top, doneColumns);
        }
    }

    /// <summary>panel [k, j] = b [k, j] for the P columns of a B stored [K, N] from <paramref name="b"/> (row stride <paramref name="ldb"/>): rows already lie along the columns, so packing is a copy.</summary>
    private static void CopyPanel<TSimd, TVector>(float* b, nint ldb, int depth, float* panel)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int w = TSimd.Width;
        for (int k = 0; k < depth; k++, b += ldb, panel += 2 * w)
        {
            TSimd.Store(TSimd.Load(ref *b, 0), ref *panel, 0);
            TSimd.Store(TSimd.Load(ref *b, w), ref *panel, w);
        }
    }

    /// <summary>
    /// Grows the calling thread's panel buffer for a product of <paramref name="depth"/> now, before the product is
    /// shared: which chunks a thread takes depends on timing, so without this a caller whose warm-up product the worker
    /// happened to compute alone would grow its buffer on a later call, an allocation after warm-up.
    /// </summary>
    public static void ReservePanel<TSimd, TVector>(int depth)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => Panel(depth * PanelColumns<TSimd, TVector>());

    /// <summary><see cref="ReservePanel{TSimd, TVector}"/> for the kernels <paramref name="instructionSet"/> runs.</summary>
    public static void ReservePanel(InstructionSet instructionSet, int depth)
    {
        switch (instructionSet)
        {
            case InstructionSet.Avx512:
                ReservePanel<Avx512, Vector512<float>>(depth);
                break;
            case InstructionSet.Avx2:
                ReservePanel<Avx2, Vector256<float>>(depth);
                break;
            default:
                ReservePanel<PortableSimd, Vector<float>>(depth);
                break;
        }
    }

    /// <summary>This thread's panel buffer of at least <paramref name="length"/> floats, aligned to a cache line so no register load straddles two.</summary>
    private static float* Panel(int length) => Aligned(ref t_panel, length);

    /// <summary><paramref name="buffer"/>, grown to at least <paramref name="length"/> floats if it is shorter, from its first cache-line boundary.</summary>
    private static float* Aligned(ref float[]? buffer, int length)
    {
        const int LineFloats = 16;
        if (buffer is null || buffer.Length < length + LineFloats)
        {
            buffer = GC.AllocateUninitializedArray<float>(length + LineFloats, pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }

    /// <summary>
    /// panel [k, j] = b [j, k] for the P rows of B from <paramref name="b"/> (row stride
    /// <paramref name="depth"/>): Width × Width blocks transposed in registers, the last depth % Width
    /// steps one by one.
    /// </summary>
    /// <remarks>
    /// A noticeable part of a forward product, more on one thread than on two, and hiding the latency of B's rows did
    /// not help: prefetching them, or an AVX2 transpose from 128-bit loads, was slower (docs/performance.md, products
    /// and tiles).
    /// </remarks>
    private static void Pack<TSimd, TVector>(float* b, int depth, float* panel)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int w = TSimd.Width, width = 2 * w;
        int k = 0;
        for (; k + w <= depth; k += w)
        {
            TSimd.Transpose(ref b[k], depth, ref panel[(nint)k * width], width);
            TSimd.Transpose(ref b[(nint)w * depth + k], depth, ref panel[(nint)k * width + w], width);
        }
        for (; k < depth; k++)
        {
            for (int j = 0; j < width; j++)
            {
                panel[(nint)k * width + j] = b[(nint)j * depth + k];
            }
        }
    }

    /// <summary>
    /// C [R rows from <paramref name="c"/>, P columns] = A [R rows from <paramref name="a"/>, K] · panel, or with
    /// <paramref name="accumulate"/> C += it, except the first <paramref name="doneRows"/> rows and
    /// <paramref name="doneColumns"/> columns, which an earlier tile has added to already (see the remarks on tails).
    /// Per step of k, two register loads of the panel and one broadcast per row. The rows past the sixth
    /// exist only where the machine has 32 registers (a constant, so the JIT drops them elsewhere).
    /// </summary>
    private static void Tile<TSimd, TVector>(
        float* a, nint rowStride, nint depthStride, int depth, float* panel, float* c, nint ldc, bool accumulate, int doneRows, int doneColumns)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        bool ten = TileRows<TSimd, TVector>() == 10;
        int w = TSimd.Width;
        float* a1 = a + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride, a4 = a3 + rowStride, a5 = a4 + rowStride;
        float* a6 = a5 + rowStride, a7 = a6 + rowStride, a8 = a7 + rowStride, a9 = a8 + rowStride;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero, c10 = TSimd.Zero, c11 = TSimd.Zero, c20 = TSimd.Zero, c21 = TSimd.Zero;
        TVector c30 = TSimd.Zero, c31 = TSimd.Zero, c40 = TSimd.Zero, c41 = TSimd.Zero, c50 = TSimd.Zero, c51 = TSimd.Zero;
        TVector c60 = TSimd.Zero, c61 = TSimd.Zero, c70 = TSimd.Zero, c71 = TSimd.Zero, c80 = TSimd.Zero, c81 = TSimd.Zero, c90 = TSimd.Zero, c91 = TSimd.Zero;
        float* b = panel;
        for (nint k = 0, end = depth * depthStride; k < end; k += depthStride, b += 2 * w)
        {
            TVector b0 = TSimd.Load(ref *b, 0), b1 = TSimd.Load(ref *b, w);
            TVector s = TSimd.Broadcast(a[k]);
            c00 = TSimd.MultiplyAdd(s, b0, c00); c01 = TSimd.MultiplyAdd(s, b1, c01);
            s = TSimd.Broadcast(a1[k]);
            c10 = TSimd.MultiplyAdd(s, b0, c10); c11 = TSimd.MultiplyAdd(s, b1, c11);
            s = TSimd.Broadcast(a2[k]);
            c20 = TSimd.MultiplyAdd(s, b0, c20); c21 = TSimd.MultiplyAdd(s, b1, c21);
            s = TSimd.Broadcast(a3[k]);
            c30 = TSimd.MultiplyAdd(s, b0, c30); c31 = TSimd.MultiplyAdd(s, b1, c31);
            s = TSimd.Broadcast(a4[k]);
            c40 = TSimd.MultiplyAdd(s, b0, c40); c41 = TSimd.MultiplyAdd(s, b1, c41);
            s = TSimd.Broadcast(a5[k]);
            c50 = TSimd.MultiplyAdd(s, b0, c50); c51 = TSimd.MultiplyAdd(s, b1, c51);
            if (ten)
            {
                s = TSimd.Broadcast(a6[k]);
                c60 = TSimd.MultiplyAdd(s, b0, c60); c61 = TSimd.MultiplyAdd(s, b1, c61);
                s = TSimd.Broadcast(a7[k]);
                c70 = TSimd.MultiplyAdd(s, b0, c70); c71 = TSimd.MultiplyAdd(s, b1, c71);
                s = TSimd.Broadcast(a8[k]);
                c80 = TSimd.MultiplyAdd(s, b0, c80); c81 = TSimd.MultiplyAdd(s, b1, c81);
                s = TSimd.Broadcast(a9[k]);
                c90 = TSimd.MultiplyAdd(s, b0, c90); c91 = TSimd.MultiplyAdd(s, b1, c91);
            }
        }
        if (accumulate)
        {
            AddRow<TSimd, TVector>(c00, c01, c, 0, doneRows, doneColumns); AddRow<TSimd, TVector>(c10, c11, c + ldc, 1, doneRows, doneColumns);
            AddRow<TSimd, TVector>(c20, c21, c + 2 * ldc, 2, doneRows, doneColumns); AddRow<TSimd, TVector>(c30, c31, c + 3 * ldc, 3, doneRows, doneColumns);
            AddRow<TSimd, TVector>(c40, c41, c + 4 * ldc, 4, doneRows, doneColumns); AddRow<TSimd, TVector>(c50, c51, c + 5 * ldc, 5, doneRows, doneColumns);
            if (ten)
            {
                AddRow<TSimd, TVector>(c60, c61, c + 6 * ldc, 6, doneRows, doneColumns); AddRow<TSimd, TVector>(c70, c71, c + 7 * ldc, 7, doneRows, doneColumns);
                AddRow<TSimd, TVector>(c80, c81, c + 8 * ldc, 8, doneRows, doneColumns); AddRow<TSimd, TVector>(c90, c91, c + 9 * ldc, 9, doneRows, doneColumns);
            }
            return;
        }
        TSimd.Store(c00, ref *c, 0); TSimd.Store(c01, ref *c, w); c += ldc;
        TSimd.Store(c10, ref *c, 0); TSimd.Store(c11, ref *c, w); c += ldc;
        TSimd.Store(c20, ref *c, 0); TSimd.Store(c21, ref *c, w); c += ldc;
        TSimd.Store(c30, ref *c, 0); TSimd.Store(c31, ref *c, w); c += ldc;
        TSimd.Store(c40, ref *c, 0); TSimd.Store(c41, ref *c, w); c += ldc;
        TSimd.Store(c50, ref *c, 0); TSimd.Store(c51, ref *c, w);
        if (ten)
        {
            c += ldc;
            TSimd.Store(c60, ref *c, 0); TSimd.Store(c61, ref *c, w); c += ldc;
            TSimd.Store(c70, ref *c, 0); TSimd.Store(c71, ref *c, w); c += ldc;
            TSimd.Store(c80, ref *c, 0); TSimd.Store(c81, ref *c, w); c += ldc;
            TSimd.Store(c90, ref *c, 0); TSimd.Store(c91, ref *c, w);
        }
    }

    /// <summary>
    /// Adds a tile's row, two registers from <paramref name="c"/>, into C: not at all when it is one of the first
    /// <paramref name="doneRows"/>, and keeping C's first <paramref name="doneColumns"/> columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow<TSimd, TVector>(TVector low, TVector high, float* c, int row, int doneRows, int doneColumns)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        if (row < doneRows)
        {
            return;
        }
        int w = TSimd.Width;
        TVector oldLow = TSimd.Load(ref *c, 0), oldHigh = TSimd.Load(ref *c, w);
        TVector newLow = TSimd.Add(oldLow, low), newHigh = TSimd.Add(oldHigh, high);
        if (doneColumns > 0)
        {
            newLow = doneColumns >= w ? oldLow : Lanes.KeepFirst<TSimd, TVector>(oldLow, newLow, doneColumns);
            newHigh = doneColumns >= w ? Lanes.KeepFirst<TSimd, TVector>(oldHigh, newHigh, doneColumns - w) : newHigh;
        }
        TSimd.Store(newLow, ref *c, 0);
        TSimd.Store(newHigh, ref *c, w);
    }
}
