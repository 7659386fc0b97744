using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// A convolution of one sample as a matrix product (im2col): the sample x [C_in, H, W] is lowered to
/// col [K, P], whose row k = (i, v, u) holds, for every output position p = (y, x), the input that weight
/// (i, v, u) meets there; then output [C_out, P] = W [C_out, K] · col [K, P]. <see cref="Raise"/> is the
/// adjoint (col2im): it adds a [K, P] gradient back onto the input positions each entry came from.
/// </summary>
/// <remarks>
/// With stride 1 each row of col is H_o runs of W_o consecutive inputs, so lowering is a sequence of short
/// copies (8 floats for the reference CNN's second layer, 24 for its first): they are done with the widest
/// registers that fit the run, whatever <see cref="KernelSelection"/> says, since moving numbers gives the same
/// result on every path. Padding positions are written as zeros, so the product needs no bounds checks.
/// </remarks>
internal static unsafe class ConvolutionLowering
{
    /// <summary>col [K, P] ← x [C_in, H, W]: col[(i·kh + v)·kw + u, y·W_o + x] = x[i, y·sy + v − pad_top, x·sx + u − pad_left], 0 in the padding.</summary>
    public static void Lower(float* input, float* col, in ConvolutionShape shape)
    {
        ConvolutionShape s = shape; // a local copy: stores through col cannot alias it, so its sizes stay in registers
        int outputWidth = s.OutputWidth, rowStep = s.StrideY * s.InputWidth;
        float* row = col;
        for (int i = 0; i < s.InputChannels; i++)
        {
            for (int v = 0; v < s.KernelHeight; v++)
            {
                // Output rows [top, bottom) read inside the input; the others read padding.
                (int top, int bottom) = Inside(s.PadTop - v, s.InputHeight, s.StrideY, s.OutputHeight);
                for (int u = 0; u < s.KernelWidth; u++, row += s.OutputPixels)
                {
                    (int left, int right) = Inside(s.PadLeft - u, s.InputWidth, s.StrideX, outputWidth);
                    int run = right - left;
                    Clear(row, top * outputWidth);
                    Clear(row + bottom * outputWidth, (s.OutputHeight - bottom) * outputWidth);
                    // x [i, top·sy + v − pad_top, left·sx + u − pad_left]: the input under output (top, left).
                    float* source = input + ((nint)i * s.InputHeight + top * s.StrideY + v - s.PadTop) * s.InputWidth + left * s.StrideX + u - s.PadLeft;
                    float* target = row + top * outputWidth;
                    if (s.StrideX == 1)
                    {
                        CopyRuns(source, rowStep, target + left, outputWidth, run, bottom - top);
                    }
                    else
                    {
                        float* from = source, to = target + left;
                        for (int y = top; y < bottom; y++, from += rowStep, to += outputWidth)
                        {
                            for (int x = 0; x < run; x++)
                            {
                                to[x] = from[(nint)x * s.StrideX];
                            }
                        }
                    }
                    if (run != outputWidth)
                    {
                        for (int y = top; y < bottom; y++, target += outputWidth)
                        {
                            Clear(target, left);
                            Clear(target + right, outputWidth - right);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// dx [C_in, H, W] += the [K, P] gradient dcol sent back through <see cref="Lower"/>: every entry is added to the
    /// input it was copied from (entries that came from padding are dropped). Inputs under several windows receive
    /// the sum, in the order k = 0, 1, …, so the result does not depend on the instruction set.
    /// </summary>
    public static void Raise(float* dcol, float* inputDelta, in ConvolutionShape shape)
    {
        ConvolutionShape s = shape;
        int outputWidth = s.OutputWidth, rowStep = s.StrideY * s.InputWidth;
        float* row = dcol;
        for (int i = 0; i < s.InputChannels; i++)
        {
            for (int v = 0; v < s.KernelHeight; v++)
            {
                (int top, int bottom) = Inside(s.PadTop - v, s.InputHeight, s.StrideY, s.OutputHeight);
                for (int u = 0; u < s.KernelWidth; u++, row += s.OutputPixels)
                {
                    (int left, int right) = Inside(s.PadLeft - u, s.InputWidth, s.StrideX, outputWidth);
                    int run = right - left;
                    float* source = row + top * outputWidth + left;
                    float* target = inputDelta + ((nint)i * s.InputHeight + top * s.StrideY + v - s.PadTop) * s.InputWidth + left * s.StrideX + u - s.PadLeft;
                    if (s.StrideX == 1)
                    {
                        AddRuns(source, outputWidth, target, rowStep, run, bottom - top);
                        continue;
                    }
                    for (int y = top; y < bottom; y++, source += outputWidth, target += rowStep)
                    {
                        for (int x = 0; x < run; x++)
                        {
                            target[(nint)x * s.StrideX] += source[x];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// target [columns, rows] = source [rows, columns]ᵀ, and sums[r] (+)= Σ_c source[r, c] (assigned when
    /// <paramref name="assignSums"/>, else added): the transpose of δ the outer-product weight gradient needs, with
    /// the bias gradient's sums from the same reads. A plain loop: that form only serves P &lt; 32 columns.
    /// </summary>
    public static void TransposeAndSumRows(float* source, float* target, float* sums, int rows, int columns, bool assignSums)
    {
        for (int r = 0; r < rows; r++)
        {
            float* line = source + (nint)r * columns;
            float sum = 0;
            for (int c = 0; c < columns; c++)
            {
                target[(nint)c * rows + r] = line[c];
                sum += line[c];
            }
            AddSum(sums, r, sum, assignSums);
        }
    }

    /// <summary>sums[r] (+)= Σ_c source[r, c] for every row of a [rows, columns] block.</summary>
    public static void SumRows(float* source, float* sums, int rows, int columns, bool assign)
    {
        for (int r = 0; r < rows; r++)
        {
            float* line = source + (nint)r * columns;
            float sum = 0;
            int c = 0;
            if (Vector256.IsHardwareAccelerated && columns >= 16)
            {
                // Two registers of partial sums, then one reduction: a single chain of adds would wait on each one.
                Vector256<float> even = Vector256<float>.Zero, odd = Vector256<float>.Zero;
                for (; c + 16 <= columns; c += 16)
                {
                    even += Vector256.Load(line + c);
                    odd += Vector256.Load(line + c + 8);
                }
                sum = Vector256.Sum(even + odd);
            }
            for (; c < columns; c++)
            {
                sum += line[c];
            }
            AddSum(sums, r, sum, assign);
        }
    }

    /// <summary>target [n] += source [n].</summary>
    public static void Accumulate(float* source, float* target, int n) => AddTo(source, target, n);

    /// <summary>
    /// The outputs [first, end), of <paramref name="outputs"/> along one axis, whose kernel tap lands inside the input:
    /// 0 ≤ o·stride − <paramref name="offset"/> &lt; <paramref name="input"/>, offset being the padding before the input
    /// less the tap's position in the kernel. Outputs before first and from end on read padding.
    /// </summary>
    private static (int First, int End) Inside(int offset, int input, int stride, int outputs)
    {
        int first = offset > 0 ? Math.Min((offset + stride - 1) / stride, outputs) : 0; // o·stride ≥ offset
        int last = input - 1 + offset;                                                 // o·stride ≤ last
        int end = last < 0 ? 0 : Math.Min(last / stride + 1, outputs);
        return (first, Math.Max(end, first));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSum(float* sums, int row, float sum, bool assign)
    {
        if (assign)
        {
            sums[row] = sum;
        }
        else
        {
            sums[row] += sum;
        }
    }

    /// <summary>
    /// target [n] = source [n]. Runs are short (W_o floats), so rather than a loop and a tail this moves one or two
    /// registers that overlap where n is not a multiple of their width: for n = 8 … 16, two 8-float moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Copy(float* source, float* target, int n)
    {
        if (n >= 16 && Vector512.IsHardwareAccelerated)
        {
            for (int i = 0; i < n - 16; i += 16)
            {
                Vector512.Load(source + i).Store(target + i);
            }
            Vector512.Load(source + n - 16).Store(target + n - 16);
        }
        else if (n >= 8 && Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < n - 8; i += 8)
            {
                Vector256.Load(source + i).Store(target + i);
            }
            Vector256.Load(source + n - 8).Store(target + n - 8);
        }
        else if (n >= 4 && Vector128.IsHardwareAccelerated)
        {
            for (int i = 0; i < n - 4; i += 4)
            {
                Vector128.Load(source + i).Store(target + i);
            }
            Vector128.Load(source + n - 4).Store(target + n - 4);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                target[i] = source[i];
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> runs of <paramref name="n"/> floats, <paramref name="sourceStride"/> and
    /// <paramref name="targetStride"/> apart, each moved as <see cref="Copy"/> would, with the choice of registers made
    /// once for all of them: lowering is mostly runs of W_o floats (800 × 8 runs of 8 a sample in the reference CNN's
    /// second layer), and choosing per run cost several times the move itself.
    /// </summary>
    private static void CopyRuns(float* source, nint sourceStride, float* target, nint targetStride, int n, int count)
    {
        if (n >= 16 && Vector512.IsHardwareAccelerated)
        {
            for (int r = 0; r < count; r++, source += sourceStride, target += targetStride)
            {
                for (int i = 0; i < n - 16; i += 16)
                {
                    Vector512.Load(source + i).Store(target + i);
                }
                Vector512.Load(source + n - 16).Store(target + n - 16);
            }
        }
        else if (n == 8 && Vector256.IsHardwareAccelerated)
        {
            for (int r = 0; r < count; r++, source += sourceStride, target += targetStride)
            {
                Vector256.Load(source).Store(target);
            }
        }
        else if (n >= 8 && Vector256.IsHardwareAccelerated)
        {
            for (int r = 0; r < count; r++, source += sourceStride, target += targetStride)
            {
                Vector256.Load(source).Store(target);
                Vector256.Load(source + n - 8).Store(target + n - 8);
                for (int i = 8; i < n - 8; i += 8)
                {
                    Vector256.Load(source + i).Store(target + i);
                }
            }
        }
        else
        {
            for (int r = 0; r < count; r++, source += sourceStride, target += targetStride)
            {
                Copy(source, target, n);
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> runs of target [n] += source [n], <paramref name="sourceStride"/> and
    /// <paramref name="targetStride"/> apart: <see cref="CopyRuns"/>'s counterpart for raising. Runs that are whole
    /// registers of 8 take a loop of them chosen once; others <see cref="AddTo"/>, run by run.
    /// </summary>
    private static void AddRuns(float* source, nint sourceStride, float* target, nint targetStride, int n, int count)
    {
        if (n % 8 == 0 && Vector256.IsHardwareAccelerated)
        {
            for (int r = 0; r < count; r++, source += sourceStride, target += targetStride)
            {
                for (int i = 0; i < n; i += 8)
                {
                    (Vector256.Load(target + i) + Vector256.Load(source + i)).Store(target + i);
                }
            }
            return;
        }
        for (int r = 0; r < count; r++, source += sourceStride, target += targetStride)
        {
            AddTo(source, target, n);
        }
    }

    /// <summary>target [n] += source [n].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(float* source, float* target, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector512.Load(target + i) + Vector512.Load(source + i)).Store(target + i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                (Vector256.Load(target + i) + Vector256.Load(source + i)).Store(target + i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                (Vector128.Load(target + i) + Vector128.Load(source + i)).Store(target + i);
            }
        }
        for (; i < n; i++)
        {
            target[i] += source[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(float* target, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float>.Zero.Store(target + i);
            }
        }
        for (; i < n; i++)
        {
            target[i] = 0f;
        }
    }
}
