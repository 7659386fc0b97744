using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// The three products of a fully connected layer, with the element-wise work fused in.
/// Shapes (B = batch, I = inputs, O = outputs), all row-major:
/// <code>
/// forward          a  [B, O] = f(x [B, I] · Wᵀ + b)        W [O, I], b [O]
/// parameter grads  dW [O, I] = δᵀ [O, B] · x [B, I]        db [O] = Σ_b δ [b, :]
/// input delta      δx [B, I] = (δ [B, O] · W [O, I]) ⊙ f'(x)  f' of the layer that produced x
/// </code>
/// δ = dL/dz is the gradient with respect to the pre-activation. The products are
/// register-blocked over <see cref="Vector{T}"/>; a later kernel generation packs and threads them.
/// </summary>
public static class Dense
{
    private static int Width => Vector<float>.Count;

    /// <summary>a [B, O] = f(x [B, I] · Wᵀ + b): bias and activation are applied while each sum is in a register.</summary>
    public static void Forward<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output,
        int batch, int inputs, int outputs)
        where TActivation : IActivation
    {
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(weight, outputs * inputs, nameof(weight), "[O, I]");
        RequireLength(bias, outputs, nameof(bias), "[O]");
        RequireLength(output, batch * outputs, nameof(output), "[B, O]");

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float c = ref MemoryMarshal.GetReference(output);

        int row = 0;
        for (; row + 4 <= batch; row += 4)
        {
            ref float x0 = ref Unsafe.Add(ref x, row * inputs);
            int column = 0;
            for (; column + 2 <= outputs; column += 2)
            {
                ref float w0 = ref Unsafe.Add(ref w, column * inputs);
                DotProducts4x2(ref x0, ref w0, inputs, out Sums4x2 sums);
                float b0 = bias[column], b1 = bias[column + 1];
                ref float c0 = ref Unsafe.Add(ref c, row * outputs + column);
                Unsafe.Add(ref c0, 0) = TActivation.Forward(sums.S00 + b0);
                Unsafe.Add(ref c0, 1) = TActivation.Forward(sums.S01 + b1);
                Unsafe.Add(ref c0, outputs) = TActivation.Forward(sums.S10 + b0);
                Unsafe.Add(ref c0, outputs + 1) = TActivation.Forward(sums.S11 + b1);
                Unsafe.Add(ref c0, 2 * outputs) = TActivation.Forward(sums.S20 + b0);
                Unsafe.Add(ref c0, 2 * outputs + 1) = TActivation.Forward(sums.S21 + b1);
                Unsafe.Add(ref c0, 3 * outputs) = TActivation.Forward(sums.S30 + b0);
                Unsafe.Add(ref c0, 3 * outputs + 1) = TActivation.Forward(sums.S31 + b1);
            }
            for (; column < outputs; column++)
            {
                for (int r = 0; r < 4; r++)
                {
                    float sum = DotProduct(ref Unsafe.Add(ref x0, r * inputs), ref Unsafe.Add(ref w, column * inputs), inputs);
                    Unsafe.Add(ref c, (row + r) * outputs + column) = TActivation.Forward(sum + bias[column]);
                }
            }
        }
        for (; row < batch; row++)
        {
            for (int column = 0; column < outputs; column++)
            {
                float sum = DotProduct(ref Unsafe.Add(ref x, row * inputs), ref Unsafe.Add(ref w, column * inputs), inputs);
                Unsafe.Add(ref c, row * outputs + column) = TActivation.Forward(sum + bias[column]);
            }
        }
    }

    /// <summary>dW [O, I] = δᵀ · x and db [O] = Σ over the batch of δ; both overwritten.</summary>
    public static void ParameterGradients(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> weightGradient, Span<float> biasGradient,
        int batch, int inputs, int outputs)
    {
        RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(weightGradient, outputs * inputs, nameof(weightGradient), "[O, I]");
        RequireLength(biasGradient, outputs, nameof(biasGradient), "[O]");

        // dW[o, i] = Σ_b δ[b, o] x[b, i]: A(o, b) = δ[b·O + o], so A's row stride is 1 and its column stride O.
        MultiplyAccumulate<Identity>(
            ref MemoryMarshal.GetReference(delta), aRowStride: 1, aColumnStride: outputs,
            ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(weightGradient),
            ref Unsafe.NullRef<float>(), rows: outputs, columns: inputs, depth: batch);

        biasGradient.Clear();
        for (int b = 0; b < batch; b++)
        {
            Add(delta.Slice(b * outputs, outputs), biasGradient);
        }
    }

    /// <summary>
    /// δx [B, I] = (δ [B, O] · W [O, I]) ⊙ f'(x): the gradient for the layer below, with that layer's
    /// activation derivative (read from its output <paramref name="input"/>) applied before the store.
    /// </summary>
    public static void InputDelta<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> weight, ReadOnlySpan<float> input, Span<float> inputDelta,
        int batch, int inputs, int outputs)
        where TInputActivation : IActivation
    {
        RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        RequireLength(weight, outputs * inputs, nameof(weight), "[O, I]");
        RequireLength(input, batch * inputs, nameof(input), "[B, I]");
        RequireLength(inputDelta, batch * inputs, nameof(inputDelta), "[B, I]");

        // δx[b, i] = Σ_o δ[b, o] W[o, i]: A(b, o) = δ[b·O + o], row stride O, column stride 1.
        MultiplyAccumulate<TInputActivation>(
            ref MemoryMarshal.GetReference(delta), aRowStride: outputs, aColumnStride: 1,
            ref MemoryMarshal.GetReference(weight), ref MemoryMarshal.GetReference(inputDelta),
            ref MemoryMarshal.GetReference(input), rows: batch, columns: inputs, depth: outputs);
    }

    /// <summary>
    /// C [rows, columns] = Σ_k A(r, k) · Bm [k, columns], then C ⊙= f'(D) unless f is the identity.
    /// A is addressed through strides so that the same loop serves δᵀ·x and δ·W.
    /// Tiles of 4 rows × 2 vectors keep eight accumulators in registers across the whole depth.
    /// </summary>
    private static void MultiplyAccumulate<TActivation>(
        ref float a, int aRowStride, int aColumnStride, ref float bm, ref float c, ref float derivativeSource,
        int rows, int columns, int depth)
        where TActivation : IActivation
    {
        bool applyDerivative = typeof(TActivation) != typeof(Identity);
        int width = Width;
        int row = 0;
        for (; row + 4 <= rows; row += 4)
        {
            ref float a0 = ref Unsafe.Add(ref a, row * aRowStride);
            ref float a1 = ref Unsafe.Add(ref a0, aRowStride);
            ref float a2 = ref Unsafe.Add(ref a1, aRowStride);
            ref float a3 = ref Unsafe.Add(ref a2, aRowStride);
            int column = 0;
            for (; column + 2 * width <= columns; column += 2 * width)
            {
                Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
                Vector<float> c20 = default, c21 = default, c30 = default, c31 = default;
                for (int k = 0; k < depth; k++)
                {
                    ref float bRow = ref Unsafe.Add(ref bm, k * columns + column);
                    Vector<float> b0 = Vector.LoadUnsafe(ref bRow);
                    Vector<float> b1 = Vector.LoadUnsafe(ref bRow, (nuint)width);
                    int ak = k * aColumnStride;
                    var s0 = new Vector<float>(Unsafe.Add(ref a0, ak));
                    var s1 = new Vector<float>(Unsafe.Add(ref a1, ak));
                    var s2 = new Vector<float>(Unsafe.Add(ref a2, ak));
                    var s3 = new Vector<float>(Unsafe.Add(ref a3, ak));
                    c00 = Vector.FusedMultiplyAdd(s0, b0, c00);
                    c01 = Vector.FusedMultiplyAdd(s0, b1, c01);
                    c10 = Vector.FusedMultiplyAdd(s1, b0, c10);
                    c11 = Vector.FusedMultiplyAdd(s1, b1, c11);
                    c20 = Vector.FusedMultiplyAdd(s2, b0, c20);
                    c21 = Vector.FusedMultiplyAdd(s2, b1, c21);
                    c30 = Vector.FusedMultiplyAdd(s3, b0, c30);
                    c31 = Vector.FusedMultiplyAdd(s3, b1, c31);
                }
                StoreRow<TActivation>(c00, c01, ref c, ref derivativeSource, (row + 0) * columns + column, applyDerivative);
                StoreRow<TActivation>(c10, c11, ref c, ref derivativeSource, (row + 1) * columns + column, applyDerivative);
                StoreRow<TActivation>(c20, c21, ref c, ref derivativeSource, (row + 2) * columns + column, applyDerivative);
                StoreRow<TActivation>(c30, c31, ref c, ref derivativeSource, (row + 3) * columns + column, applyDerivative);
            }
            for (int r = 0; r < 4; r++)
            {
                MultiplyAccumulateScalarTail<TActivation>(
                    ref Unsafe.Add(ref a0, r * aRowStride), aColumnStride, ref bm, ref c, ref derivativeSource,
                    row + r, column, columns, depth, applyDerivative);
            }
        }
        for (; row < rows; row++)
        {
            ref float aRow = ref Unsafe.Add(ref a, row * aRowStride);
            int column = 0;
            for (; column + width <= columns; column += width)
            {
                Vector<float> sum = default;
                for (int k = 0; k < depth; k++)
                {
                    sum = Vector.FusedMultiplyAdd(
                        new Vector<float>(Unsafe.Add(ref aRow, k * aColumnStride)),
                        Vector.LoadUnsafe(ref Unsafe.Add(ref bm, k * columns + column)),
                        sum);
                }
                int at = row * columns + column;
                if (applyDerivative)
                {
                    sum *= TActivation.DerivativeFromOutput(Vector.LoadUnsafe(ref Unsafe.Add(ref derivativeSource, at)));
                }
                Vector.StoreUnsafe(sum, ref Unsafe.Add(ref c, at));
            }
            MultiplyAccumulateScalarTail<TActivation>(
                ref aRow, aColumnStride, ref bm, ref c, ref derivativeSource, row, column, columns, depth, applyDerivative);
        }
    }

    /// <summary>Columns [firstColumn, columns) of one row of C, one element at a time.</summary>
    private static void MultiplyAccumulateScalarTail<TActivation>(
        ref float aRow, int aColumnStride, ref float bm, ref float c, ref float derivativeSource,
        int row, int firstColumn, int columns, int depth, bool applyDerivative)
        where TActivation : IActivation
    {
        for (int column = firstColumn; column < columns; column++)
        {
            float sum = 0f;
            for (int k = 0; k < depth; k++)
            {
                sum += Unsafe.Add(ref aRow, k * aColumnStride) * Unsafe.Add(ref bm, k * columns + column);
            }
            int at = row * columns + column;
            if (applyDerivative)
            {
                sum *= TActivation.DerivativeFromOutput(Unsafe.Add(ref derivativeSource, at));
            }
            Unsafe.Add(ref c, at) = sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TActivation>(
        Vector<float> first, Vector<float> second, ref float c, ref float derivativeSource, int at, bool applyDerivative)
        where TActivation : IActivation
    {
        if (applyDerivative)
        {
            first *= TActivation.DerivativeFromOutput(Vector.LoadUnsafe(ref Unsafe.Add(ref derivativeSource, at)));
            second *= TActivation.DerivativeFromOutput(Vector.LoadUnsafe(ref Unsafe.Add(ref derivativeSource, at + Width)));
        }
        Vector.StoreUnsafe(first, ref Unsafe.Add(ref c, at));
        Vector.StoreUnsafe(second, ref Unsafe.Add(ref c, at + Width));
    }

    private struct Sums4x2
    {
        public float S00, S01, S10, S11, S20, S21, S30, S31;
    }

    /// <summary>The eight dot products of x rows 0–3 with W rows 0–1, each over <paramref name="length"/> numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotProducts4x2(ref float x0, ref float w0, int length, out Sums4x2 sums)
    {
        ref float x1 = ref Unsafe.Add(ref x0, length);
        ref float x2 = ref Unsafe.Add(ref x1, length);
        ref float x3 = ref Unsafe.Add(ref x2, length);
        ref float w1 = ref Unsafe.Add(ref w0, length);
        Vector<float> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector<float> a20 = default, a21 = default, a30 = default, a31 = default;
        int width = Width;
        int k = 0;
        for (; k + width <= length; k += width)
        {
            Vector<float> v0 = Vector.LoadUnsafe(ref w0, (nuint)k);
            Vector<float> v1 = Vector.LoadUnsafe(ref w1, (nuint)k);
            Vector<float> u = Vector.LoadUnsafe(ref x0, (nuint)k);
            a00 = Vector.FusedMultiplyAdd(u, v0, a00);
            a01 = Vector.FusedMultiplyAdd(u, v1, a01);
            u = Vector.LoadUnsafe(ref x1, (nuint)k);
            a10 = Vector.FusedMultiplyAdd(u, v0, a10);
            a11 = Vector.FusedMultiplyAdd(u, v1, a11);
            u = Vector.LoadUnsafe(ref x2, (nuint)k);
            a20 = Vector.FusedMultiplyAdd(u, v0, a20);
            a21 = Vector.FusedMultiplyAdd(u, v1, a21);
            u = Vector.LoadUnsafe(ref x3, (nuint)k);
            a30 = Vector.FusedMultiplyAdd(u, v0, a30);
            a31 = Vector.FusedMultiplyAdd(u, v1, a31);
        }
        sums.S00 = Vector.Sum(a00); sums.S01 = Vector.Sum(a01);
        sums.S10 = Vector.Sum(a10); sums.S11 = Vector.Sum(a11);
        sums.S20 = Vector.Sum(a20); sums.S21 = Vector.Sum(a21);
        sums.S30 = Vector.Sum(a30); sums.S31 = Vector.Sum(a31);
        for (; k < length; k++)
        {
            float w0k = Unsafe.Add(ref w0, k), w1k = Unsafe.Add(ref w1, k);
            float x0k = Unsafe.Add(ref x0, k), x1k = Unsafe.Add(ref x1, k);
            float x2k = Unsafe.Add(ref x2, k), x3k = Unsafe.Add(ref x3, k);
            sums.S00 += x0k * w0k; sums.S01 += x0k * w1k;
            sums.S10 += x1k * w0k; sums.S11 += x1k * w1k;
            sums.S20 += x2k * w0k; sums.S21 += x2k * w1k;
            sums.S30 += x3k * w0k; sums.S31 += x3k * w1k;
        }
    }

    private static float DotProduct(ref float x, ref float w, int length)
    {
        Vector<float> sum = default;
        int k = 0;
        for (; k + Width <= length; k += Width)
        {
            sum = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref x, (nuint)k), Vector.LoadUnsafe(ref w, (nuint)k), sum);
        }
        float total = Vector.Sum(sum);
        for (; k < length; k++)
        {
            total += Unsafe.Add(ref x, k) * Unsafe.Add(ref w, k);
        }
        return total;
    }

    /// <summary>target += source, element-wise.</summary>
    private static void Add(ReadOnlySpan<float> source, Span<float> target)
    {
        int i = 0;
        for (; i + Width <= source.Length; i += Width)
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
