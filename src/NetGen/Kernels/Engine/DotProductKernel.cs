using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// C [M, N] = f(A [M, K] · Bᵀ + bias), with B stored [N, K]: every output is a dot product of two
/// rows that are contiguous along K, which is how a dense layer's input [B, I] and weight [O, I]
/// are laid out, so neither operand is copied or transposed. The forward product's kernel where
/// packing would not pay (<see cref="PackedProductKernel"/> takes the rest): one sample (a
/// matrix–vector product, bound by reading B once), small batches, and outputs narrower than a panel.
/// </summary>
/// <remarks>
/// <para>
/// Register tile: 4 rows × 4 columns on 32-register machines (16 accumulators), 2 × 4 on 16-register
/// ones, 1 × 4 for fewer rows than that; each accumulator holds partial sums along K, and a tile's
/// accumulators are reduced together at the end (<see cref="ISimd{TSelf, TVector}.Sum4"/>). Cache block:
/// 8 rows of B (25 KB for K = 784) stay in L1 with a tile's 4 rows of A (12.5 KB); more rows of B overflow a
/// 48 KB L1 (docs/performance.md, products and tiles).
/// </para>
/// <para>
/// Tails, without narrower code: the last tile of rows, the last tile of a thread's columns and the
/// last register of depth are moved back to end at the edge. Rows and columns computed twice come out
/// the same (same tile, same order); the depth lanes counted already are zeroed in A's registers.
/// Only products with fewer than 4 columns or fewer inputs than a register fall back to one dot product
/// at a time.
/// </para>
/// </remarks>
internal static unsafe class DotProductKernel
{
    /// <summary>Rows of B per cache block.</summary>
    private const int BlockColumns = 8;

    public static void Run<TSimd, TVector, TActivation>(ref ProductArguments p, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        Products<TSimd, TVector>(ref p, 0, p.Rows, firstColumn, endColumn);
        // Bias and activation over this thread's columns, which are still in L2: a block of 8
        // columns is narrower than one AVX-512 register, so doing it per block would be scalar.
        Epilogue.Forward<TSimd, TVector, TActivation>(ref p, firstColumn, endColumn);
    }

    /// <summary>
    /// Whether <paramref name="p"/> is shared between threads by rows (<see cref="RunRows{TSimd, TVector, TActivation}"/>)
    /// rather than by columns: from <see cref="RowSplitMinimumRows"/> rows, unless batch norm needs whole columns.
    /// From that many rows, every product this kernel gets is narrower than a panel (wider ones go to
    /// <see cref="PackedProductKernel"/>), so each thread reading all of W reads little.
    /// </summary>
    /// <remarks>
    /// Shared by rows, each thread reads half of x and all of W; by columns, half of W and all of x, and each output row,
    /// narrower than a panel here, is written by both threads, which made such layers slower on two threads by columns
    /// than on one. Column chunks are also whole registers (<see cref="ChunkColumns(InstructionSet)"/>), so a layer
    /// narrower than two registers, such as a 10-class output, is one chunk and one thread by columns. Figures in
    /// docs/performance.md (threads).
    /// </remarks>
    public static bool SplitsByRows(in ProductArguments p) => p.Rows >= RowSplitMinimumRows && !p.BatchNorm.IsActive;

    /// <summary>Rows from which a forward on this kernel (then always a layer narrower than a panel) is shared by rows.</summary>
    private const int RowSplitMinimumRows = PackedProductKernel.MinimumRows;

    /// <summary>
    /// Rows [first, end) of the product, every column, then their forward epilogue (bias, activation, dropout; never
    /// batch normalisation, which needs every row of a column). Each output is the same tile's sum as in
    /// <see cref="Run{TSimd, TVector, TActivation}"/>, so the bits do not depend on the split.
    /// </summary>
    public static void RunRows<TSimd, TVector, TActivation>(ref ProductArguments p, int firstRow, int endRow)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        Products<TSimd, TVector>(ref p, firstRow, endRow, 0, p.Columns);
        Epilogue.ForwardRows<TSimd, TVector, TActivation>(ref p, firstRow, endRow, 0, p.Columns);
    }

    /// <summary>
    /// The multiple of columns a thread's share is cut at: whole registers (16 columns with AVX-512, 8 with AVX2, at
    /// least 4 anywhere), which are also whole 4-column tiles, so the columns the epilogue finishes outside a register
    /// are the same for every split.
    /// </summary>
    public static int ChunkColumns(InstructionSet instructionSet) => instructionSet switch
    {
        InstructionSet.Avx512 => ChunkColumns<Avx512, Vector512<float>>(),
        InstructionSet.Avx2 => ChunkColumns<Avx2, Vector256<float>>(),
        _ => ChunkColumns<PortableSimd, Vector<float>>(),
    };

    private static int ChunkColumns<TSimd, TVector>()
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => Math.Max(4, TSimd.Width);

    /// <summary>Rows of A per register tile: 4 with 32 registers, 2 with 16.</summary>
    public static int TileRows(InstructionSet instructionSet) => instructionSet switch
    {
        InstructionSet.Avx512 => TileRows<Avx512, Vector512<float>>(),
        InstructionSet.Avx2 => TileRows<Avx2, Vector256<float>>(),
        _ => TileRows<PortableSimd, Vector<float>>(),
    };

    private static int TileRows<TSimd, TVector>()
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.RegisterCount >= 32 ? 4 : 2;

    /// <summary>C [rows [first, end), columns [first, end)] = A · Bᵀ, before the epilogue.</summary>
    /// <remarks>
    /// Inlined into each caller, as this code was before it was shared: called, its dynamic-PGO profile, shared by
    /// every caller, made small products several times slower.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Products<TSimd, TVector>(ref ProductArguments p, int firstRow, int endRow, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int depth = p.Depth, columns = p.Columns;
        int tileRows = TileRows<TSimd, TVector>();
        if (depth < TSimd.Width || endColumn - firstColumn < 4)
        {
            for (int row = firstRow; row < endRow; row++)
            {
                for (int column = firstColumn; column < endColumn; column++)
                {
                    p.C[(nint)row * columns + column] = Dot<TSimd, TVector>(p.A + (nint)row * depth, p.B + (nint)column * depth, depth);
                }
            }
        }
        else if (endRow - firstRow >= tileRows)
        {
            for (int block = firstColumn; block < endColumn; block += BlockColumns)
            {
                int blockEnd = Math.Min(block + BlockColumns, endColumn);
                for (int row = firstRow; row < endRow; row += tileRows)
                {
                    int top = Math.Min(row, endRow - tileRows);
                    for (int column = block; column < blockEnd; column += 4)
                    {
                        int start = Math.Min(column, endColumn - 4);
                        Tile<TSimd, TVector>(p.A + (nint)top * depth, p.B + (nint)start * depth, depth, p.C + (nint)top * columns + start, columns);
                    }
                }
            }
        }
        else
        {
            bool prefetch = typeof(TSimd) == typeof(Avx512) && Sse.IsSupported && (long)columns * depth * sizeof(float) >= StreamedWeightBytes;
            for (int row = firstRow; row < endRow; row++)
            {
                for (int column = firstColumn; column < endColumn; column += 4)
                {
                    int start = Math.Min(column, endColumn - 4);
                    RowTile<TSimd, TVector>(p.A + (nint)row * depth, p.B + (nint)start * depth, depth, p.C + (nint)row * columns + start, prefetch);
                }
            }
        }
    }

    /// <summary>One dot product, for products too small for a tile.</summary>
    private static float Dot<TSimd, TVector>(float* a, float* b, int depth)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector sum = TSimd.Zero;
        int k = 0;
        for (; k + TSimd.Width <= depth; k += TSimd.Width)
        {
            sum = TSimd.MultiplyAdd(TSimd.Load(ref a[k], 0), TSimd.Load(ref b[k], 0), sum);
        }
        float total = TSimd.Sum(sum);
        for (; k < depth; k++)
        {
            total += a[k] * b[k];
        }
        return total;
    }

    /// <summary>
    /// The depth offset of the register that starts at <paramref name="k"/>: <paramref name="k"/> itself,
    /// or for the last, partial register the one ending at <paramref name="depth"/>, whose first
    /// <c>k − offset</c> lanes were counted by the step before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step<TSimd, TVector>(int k, int depth)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => Math.Min(k, depth - TSimd.Width);

    /// <summary>A register of A's row from <paramref name="at"/>, with lanes below <paramref name="k"/> zeroed (counted already).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadNew<TSimd, TVector>(float* a, int at, int k)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector x = TSimd.Load(ref a[at], 0);
        return at < k ? Lanes.KeepFirst<TSimd, TVector>(TSimd.Zero, x, k - at) : x;
    }

    /// <summary>4 rows (2 with 16 registers) × 4 columns of C.</summary>
    private static void Tile<TSimd, TVector>(float* a, float* b, int depth, float* c, int ldc)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        bool four = TSimd.RegisterCount >= 32;
        float* a1 = a + depth, a2 = a1 + depth, a3 = a2 + depth;
        float* b1 = b + depth, b2 = b1 + depth, b3 = b2 + depth;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero, c02 = TSimd.Zero, c03 = TSimd.Zero;
        TVector c10 = TSimd.Zero, c11 = TSimd.Zero, c12 = TSimd.Zero, c13 = TSimd.Zero;
        TVector c20 = TSimd.Zero, c21 = TSimd.Zero, c22 = TSimd.Zero, c23 = TSimd.Zero;
        TVector c30 = TSimd.Zero, c31 = TSimd.Zero, c32 = TSimd.Zero, c33 = TSimd.Zero;
        for (int k = 0; k < depth; k += TSimd.Width)
        {
            int at = Step<TSimd, TVector>(k, depth);
            TVector x0 = LoadNew<TSimd, TVector>(a, at, k), x1 = LoadNew<TSimd, TVector>(a1, at, k);
            TVector x2 = four ? LoadNew<TSimd, TVector>(a2, at, k) : TSimd.Zero, x3 = four ? LoadNew<TSimd, TVector>(a3, at, k) : TSimd.Zero;
            TVector w = TSimd.Load(ref b[at], 0);
            c00 = TSimd.MultiplyAdd(x0, w, c00); c10 = TSimd.MultiplyAdd(x1, w, c10);
            if (four) { c20 = TSimd.MultiplyAdd(x2, w, c20); c30 = TSimd.MultiplyAdd(x3, w, c30); }
            w = TSimd.Load(ref b1[at], 0);
            c01 = TSimd.MultiplyAdd(x0, w, c01); c11 = TSimd.MultiplyAdd(x1, w, c11);
            if (four) { c21 = TSimd.MultiplyAdd(x2, w, c21); c31 = TSimd.MultiplyAdd(x3, w, c31); }
            w = TSimd.Load(ref b2[at], 0);
            c02 = TSimd.MultiplyAdd(x0, w, c02); c12 = TSimd.MultiplyAdd(x1, w, c12);
            if (four) { c22 = TSimd.MultiplyAdd(x2, w, c22); c32 = TSimd.MultiplyAdd(x3, w, c32); }
            w = TSimd.Load(ref b3[at], 0);
            c03 = TSimd.MultiplyAdd(x0, w, c03); c13 = TSimd.MultiplyAdd(x1, w, c13);
            if (four) { c23 = TSimd.MultiplyAdd(x2, w, c23); c33 = TSimd.MultiplyAdd(x3, w, c33); }
        }
        TSimd.Sum4(c00, c01, c02, c03).StoreUnsafe(ref *c);
        TSimd.Sum4(c10, c11, c12, c13).StoreUnsafe(ref c[ldc]);
        if (four)
        {
            TSimd.Sum4(c20, c21, c22, c23).StoreUnsafe(ref c[2 * ldc]);
            TSimd.Sum4(c30, c31, c32, c33).StoreUnsafe(ref c[3 * ldc]);
        }
    }

    /// <summary>
    /// Bytes of B from which a one-sample product prefetches each next tile's rows (<see cref="RowTile{TSimd, TVector}"/>):
    /// about one core's L2, above which B, or each thread's half of it with the rest of a network's weights, streams
    /// from L3 call after call and arrives sooner when asked for a tile ahead. Below it B stays in L2, where the extra
    /// instructions only cost.
    /// </summary>
    /// <remarks>
    /// One tile ahead into L1 (<c>prefetcht0</c>); into L2 only, or two tiles ahead, was slower. AVX-512 only: the
    /// 16-register paths were not timed with it. Figures in docs/performance.md (batch-1 latency).
    /// </remarks>
    private const long StreamedWeightBytes = 1_000_000;

    /// <summary>
    /// One row against four: the batch-1 (GEMV) shape, bound by streaming B from L2, so a 1 × 8 tile, which reloads A
    /// half as often, is no faster.
    /// </summary>
    /// <remarks>
    /// One row at a time along a single aligned stream of B beat this tile alone but not inside a prediction, where
    /// the next layer lost what the first gained; docs/performance.md (batch-1 latency) has what was tried.
    /// </remarks>
    private static void RowTile<TSimd, TVector>(float* a, float* b, int depth, float* c, bool prefetchNextRows)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        float* b1 = b + depth, b2 = b1 + depth, b3 = b2 + depth;
        // The next four rows of B, contiguous after these: as many of their lines fetched each step as this step reads.
        float* next = b + 4 * depth;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero;
        for (int k = 0; k < depth; k += TSimd.Width)
        {
            if (prefetchNextRows)
            {
                // AVX-512 only (checked by the caller): four registers of B a step, four lines.
                float* line = next + 4 * k;
                Sse.Prefetch0(line);
                Sse.Prefetch0(line + 16);
                Sse.Prefetch0(line + 32);
                Sse.Prefetch0(line + 48);
            }
            int at = Step<TSimd, TVector>(k, depth);
            TVector x = LoadNew<TSimd, TVector>(a, at, k);
            c0 = TSimd.MultiplyAdd(x, TSimd.Load(ref b[at], 0), c0);
            c1 = TSimd.MultiplyAdd(x, TSimd.Load(ref b1[at], 0), c1);
            c2 = TSimd.MultiplyAdd(x, TSimd.Load(ref b2[at], 0), c2);
            c3 = TSimd.MultiplyAdd(x, TSimd.Load(ref b3[at], 0), c3);
        }
        TSimd.Sum4(c0, c1, c2, c3).StoreUnsafe(ref *c);
    }
}
