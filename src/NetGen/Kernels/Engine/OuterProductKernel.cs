using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// C [M, N] = (Σ_k A(m, k) · B [k, N]) ⊙ f'(D), with A read through strides so one kernel serves
/// both backward products: δᵀ · x for weight gradients (A(m, k) = δ[k, m]) and δ · W for the
/// layer below's δ (A(m, k) = δ[m, k]). B's rows are contiguous along N, so each step of k
/// broadcasts R values of A and loads 4 vectors of B into R × 4 accumulators.
/// </summary>
/// <remarks>
/// Depth is cut into chunks of <see cref="DepthChunk"/> so the 4-vector-wide panel of B stays in L1;
/// partial sums go back to C between chunks, and f'(D) is applied after the last chunk. With
/// <see cref="ProductArguments.AccumulateIntoC"/> the first chunk starts from C too, so C += A·B.
/// </remarks>
internal static unsafe class OuterProductKernel
{
    private const int DepthChunk = 128;

    public static void Run<TSimd, TVector, TActivation>(ref ProductArguments p, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int width = TSimd.Width;
        for (int chunk = 0; chunk < p.Depth; chunk += DepthChunk)
        {
            var slice = new DepthSlice(chunk, Math.Min(chunk + DepthChunk, p.Depth), First: chunk == 0 && !p.AccumulateIntoC, Last: chunk + DepthChunk >= p.Depth);
            int column = firstColumn;
            for (; column + 4 * width <= endColumn; column += 4 * width)
            {
                int row = 0;
                for (int tileRows = TileRows<TSimd, TVector>(); row + tileRows <= p.Rows; row += tileRows)
                {
                    Tile4Rows<TSimd, TVector, TActivation>(ref p, row, column, slice);
                }
                for (; row < p.Rows; row++)
                {
                    Tile1Row<TSimd, TVector, TActivation>(ref p, row, column, 4, slice);
                }
            }
            for (; column + width <= endColumn; column += width)
            {
                OneVectorColumn<TSimd, TVector, TActivation>(ref p, column, slice, firstNewLane: 0);
            }
            if (column < endColumn && endColumn - width >= firstColumn)
            {
                // The last few columns as one register ending at endColumn: it overlaps columns this
                // thread has already finished, and only its new lanes are stored. A scalar loop here
                // would be a chain of dependent multiply-adds, several times slower.
                OneVectorColumn<TSimd, TVector, TActivation>(ref p, endColumn - width, slice, firstNewLane: width - (endColumn - column));
            }
            else
            {
                for (int row = 0; row < p.Rows; row++)
                {
                    ScalarColumns<TActivation>(ref p, row, column, endColumn, slice);
                }
            }
        }
        if (p.Extra != null && p.Dropout.IsActive)
        {
            Epilogue.DerivativeThroughDropout<TSimd, TVector, TActivation>(ref p, firstColumn, endColumn);
        }
        if (p.BatchNorm.IsActive)
        {
            // δ at y = γ ẑ + β is final for these columns (every row, every depth chunk): turn it into δ at z.
            Epilogue.BatchNormBackward<TSimd, TVector>(ref p, firstColumn, endColumn);
        }
    }

    /// <summary>One register's width of columns, for every row: four rows at a time so four independent chains of multiply-adds overlap.</summary>
    private static void OneVectorColumn<TSimd, TVector, TActivation>(ref ProductArguments p, int column, DepthSlice slice, int firstNewLane)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int row = 0;
        for (; row + 4 <= p.Rows; row += 4)
        {
            Tile4RowsOneVector<TSimd, TVector, TActivation>(ref p, row, column, slice, firstNewLane);
        }
        for (; row < p.Rows; row++)
        {
            Tile1Row<TSimd, TVector, TActivation>(ref p, row, column, 1, slice, firstNewLane);
        }
    }

    private static void Tile4RowsOneVector<TSimd, TVector, TActivation>(ref ProductArguments p, int row, int column, DepthSlice slice, int firstNewLane)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int n = p.Columns;
        float* c0 = p.C + (nint)row * n + column, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        if (!slice.First)
        {
            s0 = TSimd.Load(ref *c0, 0); s1 = TSimd.Load(ref *c1, 0); s2 = TSimd.Load(ref *c2, 0); s3 = TSimd.Load(ref *c3, 0);
        }
        float* a = p.A + (nint)row * p.ARowStride;
        nint rowStride = p.ARowStride, depthStride = p.ADepthStride;
        for (int k = slice.Start; k < slice.End; k++)
        {
            TVector b = TSimd.Load(ref p.B[(nint)k * n + column], 0);
            float* ak = a + k * depthStride;
            s0 = TSimd.MultiplyAdd(TSimd.Broadcast(ak[0]), b, s0);
            s1 = TSimd.MultiplyAdd(TSimd.Broadcast(ak[rowStride]), b, s1);
            s2 = TSimd.MultiplyAdd(TSimd.Broadcast(ak[2 * rowStride]), b, s2);
            s3 = TSimd.MultiplyAdd(TSimd.Broadcast(ak[3 * rowStride]), b, s3);
        }
        Finish<TSimd, TVector, TActivation>(s0, ref p, row, column, slice.Last, firstNewLane);
        Finish<TSimd, TVector, TActivation>(s1, ref p, row + 1, column, slice.Last, firstNewLane);
        Finish<TSimd, TVector, TActivation>(s2, ref p, row + 2, column, slice.Last, firstNewLane);
        Finish<TSimd, TVector, TActivation>(s3, ref p, row + 3, column, slice.Last, firstNewLane);
    }

    /// <summary>Depth steps [Start, End); the first chunk starts from zero, the last applies f'.</summary>
    private readonly record struct DepthSlice(int Start, int End, bool First, bool Last);

    /// <summary>
    /// Rows of the main tile: 4 × 4 registers of accumulators with 32 registers, 2 × 4 with 16 (8 accumulators, the
    /// row of B and a broadcast: 13 registers). A one-row tile loads five registers per four multiply-adds, which left
    /// AVX2 load-bound.
    /// </summary>
    private static int TileRows<TSimd, TVector>()
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.RegisterCount >= 32 ? 4 : 2;

    /// <summary>A tile of <see cref="TileRows{TSimd, TVector}"/> rows × 4 registers; rows 2 and 3 exist only with 32 registers (a constant, so the JIT drops them elsewhere).</summary>
    private static void Tile4Rows<TSimd, TVector, TActivation>(ref ProductArguments p, int row, int column, DepthSlice slice)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        bool four = TileRows<TSimd, TVector>() == 4;
        int w = TSimd.Width, n = p.Columns;
        float* c0 = p.C + (nint)row * n + column, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        TVector a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33;
        if (slice.First)
        {
            a00 = a01 = a02 = a03 = a10 = a11 = a12 = a13 = TSimd.Zero;
            a20 = a21 = a22 = a23 = a30 = a31 = a32 = a33 = TSimd.Zero;
        }
        else
        {
            a00 = TSimd.Load(ref *c0, 0); a01 = TSimd.Load(ref *c0, w); a02 = TSimd.Load(ref *c0, 2 * w); a03 = TSimd.Load(ref *c0, 3 * w);
            a10 = TSimd.Load(ref *c1, 0); a11 = TSimd.Load(ref *c1, w); a12 = TSimd.Load(ref *c1, 2 * w); a13 = TSimd.Load(ref *c1, 3 * w);
            if (four)
            {
                a20 = TSimd.Load(ref *c2, 0); a21 = TSimd.Load(ref *c2, w); a22 = TSimd.Load(ref *c2, 2 * w); a23 = TSimd.Load(ref *c2, 3 * w);
                a30 = TSimd.Load(ref *c3, 0); a31 = TSimd.Load(ref *c3, w); a32 = TSimd.Load(ref *c3, 2 * w); a33 = TSimd.Load(ref *c3, 3 * w);
            }
            else
            {
                a20 = a21 = a22 = a23 = a30 = a31 = a32 = a33 = TSimd.Zero;
            }
        }
        float* a = p.A + (nint)row * p.ARowStride;
        nint rowStride = p.ARowStride, depthStride = p.ADepthStride;
        for (int k = slice.Start; k < slice.End; k++)
        {
            float* bRow = p.B + (nint)k * n + column;
            TVector b0 = TSimd.Load(ref *bRow, 0), b1 = TSimd.Load(ref *bRow, w), b2 = TSimd.Load(ref *bRow, 2 * w), b3 = TSimd.Load(ref *bRow, 3 * w);
            float* ak = a + k * depthStride;
            TVector s = TSimd.Broadcast(ak[0]);
            a00 = TSimd.MultiplyAdd(s, b0, a00); a01 = TSimd.MultiplyAdd(s, b1, a01); a02 = TSimd.MultiplyAdd(s, b2, a02); a03 = TSimd.MultiplyAdd(s, b3, a03);
            s = TSimd.Broadcast(ak[rowStride]);
            a10 = TSimd.MultiplyAdd(s, b0, a10); a11 = TSimd.MultiplyAdd(s, b1, a11); a12 = TSimd.MultiplyAdd(s, b2, a12); a13 = TSimd.MultiplyAdd(s, b3, a13);
            if (four)
            {
                s = TSimd.Broadcast(ak[2 * rowStride]);
                a20 = TSimd.MultiplyAdd(s, b0, a20); a21 = TSimd.MultiplyAdd(s, b1, a21); a22 = TSimd.MultiplyAdd(s, b2, a22); a23 = TSimd.MultiplyAdd(s, b3, a23);
                s = TSimd.Broadcast(ak[3 * rowStride]);
                a30 = TSimd.MultiplyAdd(s, b0, a30); a31 = TSimd.MultiplyAdd(s, b1, a31); a32 = TSimd.MultiplyAdd(s, b2, a32); a33 = TSimd.MultiplyAdd(s, b3, a33);
            }
        }
        Finish<TSimd, TVector, TActivation>(a00, ref p, row + 0, column, slice.Last); Finish<TSimd, TVector, TActivation>(a01, ref p, row + 0, column + w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a02, ref p, row + 0, column + 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a03, ref p, row + 0, column + 3 * w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a10, ref p, row + 1, column, slice.Last); Finish<TSimd, TVector, TActivation>(a11, ref p, row + 1, column + w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a12, ref p, row + 1, column + 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a13, ref p, row + 1, column + 3 * w, slice.Last);
        if (four)
        {
            Finish<TSimd, TVector, TActivation>(a20, ref p, row + 2, column, slice.Last); Finish<TSimd, TVector, TActivation>(a21, ref p, row + 2, column + w, slice.Last);
            Finish<TSimd, TVector, TActivation>(a22, ref p, row + 2, column + 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a23, ref p, row + 2, column + 3 * w, slice.Last);
            Finish<TSimd, TVector, TActivation>(a30, ref p, row + 3, column, slice.Last); Finish<TSimd, TVector, TActivation>(a31, ref p, row + 3, column + w, slice.Last);
            Finish<TSimd, TVector, TActivation>(a32, ref p, row + 3, column + 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a33, ref p, row + 3, column + 3 * w, slice.Last);
        }
    }

    /// <summary>One row, <paramref name="vectors"/> (1 or 4) registers wide: row tails, and the main tile on 16-register machines.</summary>
    private static void Tile1Row<TSimd, TVector, TActivation>(ref ProductArguments p, int row, int column, int vectors, DepthSlice slice, int firstNewLane = 0)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int w = TSimd.Width, n = p.Columns;
        float* c = p.C + (nint)row * n + column;
        float* a = p.A + (nint)row * p.ARowStride;
        nint depthStride = p.ADepthStride;
        if (vectors == 4)
        {
            TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            if (!slice.First)
            {
                s0 = TSimd.Load(ref *c, 0); s1 = TSimd.Load(ref *c, w); s2 = TSimd.Load(ref *c, 2 * w); s3 = TSimd.Load(ref *c, 3 * w);
            }
            for (int k = slice.Start; k < slice.End; k++)
            {
                float* bRow = p.B + (nint)k * n + column;
                TVector s = TSimd.Broadcast(a[k * depthStride]);
                s0 = TSimd.MultiplyAdd(s, TSimd.Load(ref *bRow, 0), s0);
                s1 = TSimd.MultiplyAdd(s, TSimd.Load(ref *bRow, w), s1);
                s2 = TSimd.MultiplyAdd(s, TSimd.Load(ref *bRow, 2 * w), s2);
                s3 = TSimd.MultiplyAdd(s, TSimd.Load(ref *bRow, 3 * w), s3);
            }
            Finish<TSimd, TVector, TActivation>(s0, ref p, row, column, slice.Last);
            Finish<TSimd, TVector, TActivation>(s1, ref p, row, column + w, slice.Last);
            Finish<TSimd, TVector, TActivation>(s2, ref p, row, column + 2 * w, slice.Last);
            Finish<TSimd, TVector, TActivation>(s3, ref p, row, column + 3 * w, slice.Last);
            return;
        }
        TVector sum = slice.First ? TSimd.Zero : TSimd.Load(ref *c, 0);
        for (int k = slice.Start; k < slice.End; k++)
        {
            sum = TSimd.MultiplyAdd(TSimd.Broadcast(a[k * depthStride]), TSimd.Load(ref p.B[(nint)k * n + column], 0), sum);
        }
        Finish<TSimd, TVector, TActivation>(sum, ref p, row, column, slice.Last, firstNewLane);
    }

    private static void ScalarColumns<TActivation>(ref ProductArguments p, int row, int firstColumn, int endColumn, DepthSlice slice)
        where TActivation : IActivation
    {
        int n = p.Columns;
        float* aRow = p.A + (nint)row * p.ARowStride;
        for (int column = firstColumn; column < endColumn; column++)
        {
            nint at = (nint)row * n + column;
            float sum = slice.First ? 0f : p.C[at];
            for (int k = slice.Start; k < slice.End; k++)
            {
                sum += aRow[(nint)k * p.ADepthStride] * p.B[(nint)k * n + column];
            }
            if (slice.Last && p.Extra != null && !p.Dropout.IsActive)
            {
                float a = p.Extra[at], z = TActivation.DerivativeNeedsInput ? p.PreActivation[at] : a;
                sum *= TActivation.Derivative(z, a);
            }
            p.C[at] = sum;
        }
    }

    /// <summary>
    /// Stores the register of C at (<paramref name="row"/>, <paramref name="column"/>). After the last
    /// depth chunk, when the layer's outputs a are given (<see cref="ProductArguments.Extra"/>) and it had
    /// no dropout, it is scaled by f'(z, a).
    /// </summary>
    /// <remarks>
    /// Lanes below <paramref name="firstNewLane"/> belong to columns already finished (the overlapping
    /// last register of a row): they keep the value in C.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TSimd, TVector, TActivation>(TVector sum, ref ProductArguments p, int row, int column, bool last, int firstNewLane = 0)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        nint at = (nint)row * p.Columns + column;
        // With dropout the derivative is applied afterwards, by Epilogue.DerivativeThroughDropout: inlined
        // sixteen times into a tile, the mask's hashing pushed the accumulators out of registers and slowed
        // every backward product, dropout or not.
        if (last && p.Extra != null && !p.Dropout.IsActive)
        {
            TVector a = TSimd.Load(ref p.Extra[at], 0);
            TVector z = TActivation.DerivativeNeedsInput ? TSimd.Load(ref p.PreActivation[at], 0) : a;
            sum = TSimd.Multiply(sum, TActivation.Derivative<TSimd, TVector>(z, a));
        }
        if (firstNewLane > 0)
        {
            sum = Lanes.KeepFirst<TSimd, TVector>(TSimd.Load(ref p.C[at], 0), sum, firstNewLane);
        }
        TSimd.Store(sum, ref p.C[at], 0);
    }
}
