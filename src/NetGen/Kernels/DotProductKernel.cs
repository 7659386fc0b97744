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
        Epilogue.Forward<TSimd, TVector, TActivation>(ref p, firstColumn, endColumn);
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
