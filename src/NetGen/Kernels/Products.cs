using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// C [M, N] = f(A [M, K] · Bᵀ + bias), with B stored [N, K]: every output is a dot product of two
/// rows that are contiguous along K, which is how a dense layer's input [B, I] and weight [O, I]
/// are laid out, so neither operand is copied or transposed.
/// </summary>
/// <remarks>
/// Register tile: 4 rows × 4 columns on 32-register machines (16 accumulators), 2 × 4 on 16-register
/// ones; each accumulator holds partial sums along K and is reduced once at the end. Cache block: 12
/// rows of B (≤ 37 KB for K = 784) stay in L1 while every row of A passes. Bias and activation are
/// applied in the same call, in one vectorised pass over the thread's share of C while it is in L2.
/// </remarks>
internal static unsafe class DotProductKernel
{
    /// <summary>Rows of B per cache block: small enough to stay in a 48 KB L1 with the A rows in flight.</summary>
    private const int BlockColumns = 12;

    public static void Run<TSimd, TVector, TActivation>(ref ProductArguments p, int firstColumn, int endColumn)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int rows = p.Rows, depth = p.Depth, columns = p.Columns;
        for (int block = firstColumn; block < endColumn; block += BlockColumns)
        {
            int blockEnd = Math.Min(block + BlockColumns, endColumn);
            int row = 0;
            if (TSimd.RegisterCount >= 32)
            {
                for (; row + 4 <= rows; row += 4)
                {
                    int column = block;
                    for (; column + 4 <= blockEnd; column += 4)
                    {
                        Tile4x4<TSimd, TVector>(p.A + (nint)row * depth, p.B + (nint)column * depth, depth, p.C + (nint)row * columns + column, columns);
                    }
                    for (int r = row; r < row + 4; r++)
                    {
                        ColumnTail<TSimd, TVector>(ref p, r, column, blockEnd);
                    }
                }
            }
            for (; row + 2 <= rows; row += 2)
            {
                int column = block;
                for (; column + 4 <= blockEnd; column += 4)
                {
                    Tile2x4<TSimd, TVector>(p.A + (nint)row * depth, p.B + (nint)column * depth, depth, p.C + (nint)row * columns + column, columns);
                }
                ColumnTail<TSimd, TVector>(ref p, row, column, blockEnd);
                ColumnTail<TSimd, TVector>(ref p, row + 1, column, blockEnd);
            }
            for (; row < rows; row++)
            {
                int column = block;
                for (; column + 4 <= blockEnd; column += 4)
                {
                    Tile1x4<TSimd, TVector>(p.A + (nint)row * depth, p.B + (nint)column * depth, depth, p.C + (nint)row * columns + column);
                }
                ColumnTail<TSimd, TVector>(ref p, row, column, blockEnd);
            }
        }
        // Bias and activation over this thread's columns, which are still in L2: a block of 12
        // columns is narrower than one AVX-512 register, so doing it per block would be scalar.
        Epilogue.BiasActivation<TSimd, TVector, TActivation>(p.C, p.Extra, p.PreActivation, rows, columns, firstColumn, endColumn);
    }

    /// <summary>Columns [first, end) of one row, one dot product each.</summary>
    private static void ColumnTail<TSimd, TVector>(ref ProductArguments p, int row, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        for (int column = first; column < end; column++)
        {
            p.C[(nint)row * p.Columns + column] = Dot<TSimd, TVector>(p.A + (nint)row * p.Depth, p.B + (nint)column * p.Depth, p.Depth);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    private static void Tile4x4<TSimd, TVector>(float* a, float* b, int depth, float* c, int ldc)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        float* a1 = a + depth, a2 = a1 + depth, a3 = a2 + depth;
        float* b1 = b + depth, b2 = b1 + depth, b3 = b2 + depth;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero, c02 = TSimd.Zero, c03 = TSimd.Zero;
        TVector c10 = TSimd.Zero, c11 = TSimd.Zero, c12 = TSimd.Zero, c13 = TSimd.Zero;
        TVector c20 = TSimd.Zero, c21 = TSimd.Zero, c22 = TSimd.Zero, c23 = TSimd.Zero;
        TVector c30 = TSimd.Zero, c31 = TSimd.Zero, c32 = TSimd.Zero, c33 = TSimd.Zero;
        int k = 0;
        for (; k + TSimd.Width <= depth; k += TSimd.Width)
        {
            TVector x0 = TSimd.Load(ref a[k], 0), x1 = TSimd.Load(ref a1[k], 0), x2 = TSimd.Load(ref a2[k], 0), x3 = TSimd.Load(ref a3[k], 0);
            TVector w = TSimd.Load(ref b[k], 0);
            c00 = TSimd.MultiplyAdd(x0, w, c00); c10 = TSimd.MultiplyAdd(x1, w, c10); c20 = TSimd.MultiplyAdd(x2, w, c20); c30 = TSimd.MultiplyAdd(x3, w, c30);
            w = TSimd.Load(ref b1[k], 0);
            c01 = TSimd.MultiplyAdd(x0, w, c01); c11 = TSimd.MultiplyAdd(x1, w, c11); c21 = TSimd.MultiplyAdd(x2, w, c21); c31 = TSimd.MultiplyAdd(x3, w, c31);
            w = TSimd.Load(ref b2[k], 0);
            c02 = TSimd.MultiplyAdd(x0, w, c02); c12 = TSimd.MultiplyAdd(x1, w, c12); c22 = TSimd.MultiplyAdd(x2, w, c22); c32 = TSimd.MultiplyAdd(x3, w, c32);
            w = TSimd.Load(ref b3[k], 0);
            c03 = TSimd.MultiplyAdd(x0, w, c03); c13 = TSimd.MultiplyAdd(x1, w, c13); c23 = TSimd.MultiplyAdd(x2, w, c23); c33 = TSimd.MultiplyAdd(x3, w, c33);
        }
        float* r0 = c, r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        r0[0] = TSimd.Sum(c00); r0[1] = TSimd.Sum(c01); r0[2] = TSimd.Sum(c02); r0[3] = TSimd.Sum(c03);
        r1[0] = TSimd.Sum(c10); r1[1] = TSimd.Sum(c11); r1[2] = TSimd.Sum(c12); r1[3] = TSimd.Sum(c13);
        r2[0] = TSimd.Sum(c20); r2[1] = TSimd.Sum(c21); r2[2] = TSimd.Sum(c22); r2[3] = TSimd.Sum(c23);
        r3[0] = TSimd.Sum(c30); r3[1] = TSimd.Sum(c31); r3[2] = TSimd.Sum(c32); r3[3] = TSimd.Sum(c33);
        for (; k < depth; k++)
        {
            float w0 = b[k], w1 = b1[k], w2 = b2[k], w3 = b3[k];
            r0[0] += a[k] * w0; r0[1] += a[k] * w1; r0[2] += a[k] * w2; r0[3] += a[k] * w3;
            r1[0] += a1[k] * w0; r1[1] += a1[k] * w1; r1[2] += a1[k] * w2; r1[3] += a1[k] * w3;
            r2[0] += a2[k] * w0; r2[1] += a2[k] * w1; r2[2] += a2[k] * w2; r2[3] += a2[k] * w3;
            r3[0] += a3[k] * w0; r3[1] += a3[k] * w1; r3[2] += a3[k] * w2; r3[3] += a3[k] * w3;
        }
    }

    private static void Tile2x4<TSimd, TVector>(float* a, float* b, int depth, float* c, int ldc)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        float* a1 = a + depth;
        float* b1 = b + depth, b2 = b1 + depth, b3 = b2 + depth;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero, c02 = TSimd.Zero, c03 = TSimd.Zero;
        TVector c10 = TSimd.Zero, c11 = TSimd.Zero, c12 = TSimd.Zero, c13 = TSimd.Zero;
        int k = 0;
        for (; k + TSimd.Width <= depth; k += TSimd.Width)
        {
            TVector x0 = TSimd.Load(ref a[k], 0), x1 = TSimd.Load(ref a1[k], 0);
            TVector w = TSimd.Load(ref b[k], 0);
            c00 = TSimd.MultiplyAdd(x0, w, c00); c10 = TSimd.MultiplyAdd(x1, w, c10);
            w = TSimd.Load(ref b1[k], 0);
            c01 = TSimd.MultiplyAdd(x0, w, c01); c11 = TSimd.MultiplyAdd(x1, w, c11);
            w = TSimd.Load(ref b2[k], 0);
            c02 = TSimd.MultiplyAdd(x0, w, c02); c12 = TSimd.MultiplyAdd(x1, w, c12);
            w = TSimd.Load(ref b3[k], 0);
            c03 = TSimd.MultiplyAdd(x0, w, c03); c13 = TSimd.MultiplyAdd(x1, w, c13);
        }
        float* r0 = c, r1 = c + ldc;
        r0[0] = TSimd.Sum(c00); r0[1] = TSimd.Sum(c01); r0[2] = TSimd.Sum(c02); r0[3] = TSimd.Sum(c03);
        r1[0] = TSimd.Sum(c10); r1[1] = TSimd.Sum(c11); r1[2] = TSimd.Sum(c12); r1[3] = TSimd.Sum(c13);
        for (; k < depth; k++)
        {
            float w0 = b[k], w1 = b1[k], w2 = b2[k], w3 = b3[k];
            r0[0] += a[k] * w0; r0[1] += a[k] * w1; r0[2] += a[k] * w2; r0[3] += a[k] * w3;
            r1[0] += a1[k] * w0; r1[1] += a1[k] * w1; r1[2] += a1[k] * w2; r1[3] += a1[k] * w3;
        }
    }

    /// <summary>One row against four: the batch-1 (GEMV) shape, bound by reading B once.</summary>
    private static void Tile1x4<TSimd, TVector>(float* a, float* b, int depth, float* c)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        float* b1 = b + depth, b2 = b1 + depth, b3 = b2 + depth;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero;
        int k = 0;
        for (; k + TSimd.Width <= depth; k += TSimd.Width)
        {
            TVector x = TSimd.Load(ref a[k], 0);
            c0 = TSimd.MultiplyAdd(x, TSimd.Load(ref b[k], 0), c0);
            c1 = TSimd.MultiplyAdd(x, TSimd.Load(ref b1[k], 0), c1);
            c2 = TSimd.MultiplyAdd(x, TSimd.Load(ref b2[k], 0), c2);
            c3 = TSimd.MultiplyAdd(x, TSimd.Load(ref b3[k], 0), c3);
        }
        c[0] = TSimd.Sum(c0); c[1] = TSimd.Sum(c1); c[2] = TSimd.Sum(c2); c[3] = TSimd.Sum(c3);
        for (; k < depth; k++)
        {
            c[0] += a[k] * b[k]; c[1] += a[k] * b1[k]; c[2] += a[k] * b2[k]; c[3] += a[k] * b3[k];
        }
    }
}

/// <summary>
/// C [M, N] = (Σ_k A(m, k) · B [k, N]) ⊙ f'(D), with A read through strides so one kernel serves
/// both backward products: δᵀ · x for weight gradients (A(m, k) = δ[k, m]) and δ · W for the
/// layer below's δ (A(m, k) = δ[m, k]). B's rows are contiguous along N, so each step of k
/// broadcasts R values of A and loads 4 vectors of B into R × 4 accumulators.
/// </summary>
/// <remarks>
/// Depth is cut into chunks of <see cref="DepthChunk"/> so the 4-vector-wide panel of B stays in L1;
/// partial sums go back to C between chunks, and f'(D) is applied after the last chunk.
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
            var slice = new DepthSlice(chunk, Math.Min(chunk + DepthChunk, p.Depth), First: chunk == 0, Last: chunk + DepthChunk >= p.Depth);
            int column = firstColumn;
            for (; column + 4 * width <= endColumn; column += 4 * width)
            {
                int row = 0;
                if (TSimd.RegisterCount >= 32)
                {
                    for (; row + 4 <= p.Rows; row += 4)
                    {
                        Tile4Rows<TSimd, TVector, TActivation>(ref p, row, column, slice);
                    }
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
        float* d = p.Extra == null ? null : p.Extra + (nint)row * n + column;
        float* z = p.PreActivation == null ? null : p.PreActivation + (nint)row * n + column;
        Finish<TSimd, TVector, TActivation>(s0, c0, d, z, 0, slice.Last, firstNewLane);
        Finish<TSimd, TVector, TActivation>(s1, c1, d == null ? null : d + n, z == null ? null : z + n, 0, slice.Last, firstNewLane);
        Finish<TSimd, TVector, TActivation>(s2, c2, d == null ? null : d + 2 * n, z == null ? null : z + 2 * n, 0, slice.Last, firstNewLane);
        Finish<TSimd, TVector, TActivation>(s3, c3, d == null ? null : d + 3 * n, z == null ? null : z + 3 * n, 0, slice.Last, firstNewLane);
    }

    /// <summary>Depth steps [Start, End); the first chunk starts from zero, the last applies f'.</summary>
    private readonly record struct DepthSlice(int Start, int End, bool First, bool Last);

    private static void Tile4Rows<TSimd, TVector, TActivation>(ref ProductArguments p, int row, int column, DepthSlice slice)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
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
            a20 = TSimd.Load(ref *c2, 0); a21 = TSimd.Load(ref *c2, w); a22 = TSimd.Load(ref *c2, 2 * w); a23 = TSimd.Load(ref *c2, 3 * w);
            a30 = TSimd.Load(ref *c3, 0); a31 = TSimd.Load(ref *c3, w); a32 = TSimd.Load(ref *c3, 2 * w); a33 = TSimd.Load(ref *c3, 3 * w);
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
            s = TSimd.Broadcast(ak[2 * rowStride]);
            a20 = TSimd.MultiplyAdd(s, b0, a20); a21 = TSimd.MultiplyAdd(s, b1, a21); a22 = TSimd.MultiplyAdd(s, b2, a22); a23 = TSimd.MultiplyAdd(s, b3, a23);
            s = TSimd.Broadcast(ak[3 * rowStride]);
            a30 = TSimd.MultiplyAdd(s, b0, a30); a31 = TSimd.MultiplyAdd(s, b1, a31); a32 = TSimd.MultiplyAdd(s, b2, a32); a33 = TSimd.MultiplyAdd(s, b3, a33);
        }
        float* d = p.Extra == null ? null : p.Extra + (nint)row * n + column;
        float* z = p.PreActivation == null ? null : p.PreActivation + (nint)row * n + column;
        Finish<TSimd, TVector, TActivation>(a00, c0, d, z, 0, slice.Last); Finish<TSimd, TVector, TActivation>(a01, c0, d, z, w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a02, c0, d, z, 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a03, c0, d, z, 3 * w, slice.Last);
        d = d == null ? null : d + n;
        z = z == null ? null : z + n;
        Finish<TSimd, TVector, TActivation>(a10, c1, d, z, 0, slice.Last); Finish<TSimd, TVector, TActivation>(a11, c1, d, z, w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a12, c1, d, z, 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a13, c1, d, z, 3 * w, slice.Last);
        d = d == null ? null : d + n;
        z = z == null ? null : z + n;
        Finish<TSimd, TVector, TActivation>(a20, c2, d, z, 0, slice.Last); Finish<TSimd, TVector, TActivation>(a21, c2, d, z, w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a22, c2, d, z, 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a23, c2, d, z, 3 * w, slice.Last);
        d = d == null ? null : d + n;
        z = z == null ? null : z + n;
        Finish<TSimd, TVector, TActivation>(a30, c3, d, z, 0, slice.Last); Finish<TSimd, TVector, TActivation>(a31, c3, d, z, w, slice.Last);
        Finish<TSimd, TVector, TActivation>(a32, c3, d, z, 2 * w, slice.Last); Finish<TSimd, TVector, TActivation>(a33, c3, d, z, 3 * w, slice.Last);
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
        float* d = p.Extra == null ? null : p.Extra + (nint)row * n + column;
        float* z = p.PreActivation == null ? null : p.PreActivation + (nint)row * n + column;
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
            Finish<TSimd, TVector, TActivation>(s0, c, d, z, 0, slice.Last);
            Finish<TSimd, TVector, TActivation>(s1, c, d, z, w, slice.Last);
            Finish<TSimd, TVector, TActivation>(s2, c, d, z, 2 * w, slice.Last);
            Finish<TSimd, TVector, TActivation>(s3, c, d, z, 3 * w, slice.Last);
            return;
        }
        TVector sum = slice.First ? TSimd.Zero : TSimd.Load(ref *c, 0);
        for (int k = slice.Start; k < slice.End; k++)
        {
            sum = TSimd.MultiplyAdd(TSimd.Broadcast(a[k * depthStride]), TSimd.Load(ref p.B[(nint)k * n + column], 0), sum);
        }
        Finish<TSimd, TVector, TActivation>(sum, c, d, z, 0, slice.Last, firstNewLane);
    }

    private static void ScalarColumns<TActivation>(ref ProductArguments p, int row, int firstColumn, int endColumn, DepthSlice slice)
        where TActivation : IActivation
    {
        int n = p.Columns;
        float* a = p.A + (nint)row * p.ARowStride;
        for (int column = firstColumn; column < endColumn; column++)
        {
            nint at = (nint)row * n + column;
            float sum = slice.First ? 0f : p.C[at];
            for (int k = slice.Start; k < slice.End; k++)
            {
                sum += a[(nint)k * p.ADepthStride] * p.B[(nint)k * n + column];
            }
            if (slice.Last && p.Extra != null)
            {
                float z = TActivation.DerivativeNeedsInput ? p.PreActivation[at] : 0f;
                sum *= TActivation.Derivative(z, p.Extra[at]);
            }
            p.C[at] = sum;
        }
    }

    /// <summary>
    /// Stores one register of C, scaled by f'(z, a) after the last depth chunk when the activation
    /// outputs a are given (<paramref name="output"/>; <paramref name="preActivation"/> is z, read only when f' needs it).
    /// </summary>
    /// <remarks>
    /// Lanes below <paramref name="firstNewLane"/> belong to columns already finished (the overlapping
    /// last register of a row): they keep the value in C.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TSimd, TVector, TActivation>(TVector sum, float* c, float* output, float* preActivation, int offset, bool last, int firstNewLane = 0)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        if (last && output != null)
        {
            TVector a = TSimd.Load(ref *output, offset);
            TVector z = TActivation.DerivativeNeedsInput ? TSimd.Load(ref *preActivation, offset) : a;
            sum = TSimd.Multiply(sum, TActivation.Derivative<TSimd, TVector>(z, a));
        }
        if (firstNewLane > 0)
        {
            sum = Lanes.KeepFirst<TSimd, TVector>(TSimd.Load(ref *c, offset), sum, firstNewLane);
        }
        TSimd.Store(sum, ref *c, offset);
    }
}

/// <summary>Lane selection, for the register types the kernels use.</summary>
internal static class Lanes
{
    /// <summary>Lanes [0, <paramref name="count"/>) from <paramref name="kept"/>, the rest from <paramref name="updated"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector KeepFirst<TSimd, TVector>(TVector kept, TVector updated, int count)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        // typeof tests on a struct type argument are constants to the JIT: one branch survives per instantiation.
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
            var result = Vector512.ConditionalSelect(
                mask, Unsafe.As<TVector, Vector512<float>>(ref kept), Unsafe.As<TVector, Vector512<float>>(ref updated));
            return Unsafe.As<Vector512<float>, TVector>(ref result);
        }
        if (typeof(TVector) == typeof(Vector256<float>))
        {
            var mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
            var result = Vector256.ConditionalSelect(
                mask, Unsafe.As<TVector, Vector256<float>>(ref kept), Unsafe.As<TVector, Vector256<float>>(ref updated));
            return Unsafe.As<Vector256<float>, TVector>(ref result);
        }
        if (typeof(TVector) == typeof(Vector<float>))
        {
            var mask = Vector.AsVectorSingle(Vector.LessThan(Vector<int>.Indices, new Vector<int>(count)));
            var result = Vector.ConditionalSelect(
                mask, Unsafe.As<TVector, Vector<float>>(ref kept), Unsafe.As<TVector, Vector<float>>(ref updated));
            return Unsafe.As<Vector<float>, TVector>(ref result);
        }
        throw new NotSupportedException($"No lane selection for {typeof(TVector)}.");
    }
}

/// <summary>Element-wise passes over a finished block of a product's output.</summary>
internal static unsafe class Epilogue
{
    /// <summary>
    /// z = C[r, c] + bias[c], C[r, c] = f(z) for every row and columns [first, end); z is also kept in
    /// <paramref name="preActivation"/> when the activation's derivative needs it.
    /// </summary>
    public static void BiasActivation<TSimd, TVector, TActivation>(float* c, float* bias, float* preActivation, int rows, int columns, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        for (int row = 0; row < rows; row++)
        {
            float* line = c + (nint)row * columns;
            float* kept = TActivation.DerivativeNeedsInput ? preActivation + (nint)row * columns : null;
            int column = first;
            for (; column + TSimd.Width <= end; column += TSimd.Width)
            {
                TVector z = TSimd.Add(TSimd.Load(ref line[column], 0), TSimd.Load(ref bias[column], 0));
                if (TActivation.DerivativeNeedsInput)
                {
                    TSimd.Store(z, ref kept[column], 0);
                }
                TSimd.Store(TActivation.Forward<TSimd, TVector>(z), ref line[column], 0);
            }
            for (; column < end; column++)
            {
                float z = line[column] + bias[column];
                if (TActivation.DerivativeNeedsInput)
                {
                    kept[column] = z;
                }
                line[column] = TActivation.Forward(z);
            }
        }
    }
}
