using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

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
    /// The forward pass's element-wise work on columns [first, end) of every row of C = x·Wᵀ, in one
    /// pass while they are in cache: batch normalisation (y = γ ẑ + β) or the bias (y = C + b), then
    /// z = y is kept if the activation's derivative needs it, a = f(z), and inverted dropout.
    /// Batch normalisation needs a column's every row, which is why the kernels split work by columns.
    /// </summary>
    public static void Forward<TSimd, TVector, TActivation>(ref ProductArguments p, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        if (p.BatchNorm.IsActive)
        {
            BatchNormForward<TSimd, TVector>(ref p, first, end);
        }
        ForwardRows<TSimd, TVector, TActivation>(ref p, 0, p.Rows, first, end);
    }

    /// <summary>
    /// <see cref="Forward{TSimd, TVector, TActivation}"/> after batch normalisation (which replaces the bias when it is
    /// active), on rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) of columns [first, end): everything in
    /// it is row by row, so a product split by rows finishes its own rows.
    /// </summary>
    public static void ForwardRows<TSimd, TVector, TActivation>(ref ProductArguments p, int firstRow, int endRow, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        float* bias = p.BatchNorm.IsActive ? null : p.Extra;
        bool dropout = p.Dropout.IsActive;
        int columns = p.Columns;
        for (int row = firstRow; row < endRow; row++)
        {
            float* line = p.C + (nint)row * columns;
            float* kept = TActivation.DerivativeNeedsInput ? p.PreActivation + (nint)row * columns : null;
            uint rowIndex = (uint)(row * columns);
            int column = first;
            for (; column + TSimd.Width <= end; column += TSimd.Width)
            {
                TVector z = TSimd.Load(ref line[column], 0);
                if (bias != null)
                {
                    z = TSimd.Add(z, TSimd.Load(ref bias[column], 0));
                }
                if (TActivation.DerivativeNeedsInput)
                {
                    TSimd.Store(z, ref kept[column], 0);
                }
                TVector a = TActivation.Forward<TSimd, TVector>(z);
                if (dropout)
                {
                    a = TSimd.Multiply(a, DropoutMask.Scale<TSimd, TVector>(p.Dropout, rowIndex + (uint)column));
                }
                TSimd.Store(a, ref line[column], 0);
            }
            for (; column < end; column++)
            {
                float z = bias != null ? line[column] + bias[column] : line[column];
                if (TActivation.DerivativeNeedsInput)
                {
                    kept[column] = z;
                }
                float a = TActivation.Forward(z);
                line[column] = dropout ? a * DropoutMask.Scale(p.Dropout, rowIndex + (uint)column) : a;
            }
        }
    }

    /// <summary>
    /// Batch normalisation of columns [first, end) of z = C [B, O], in place: C ← γ ẑ + β with
    /// ẑ = (z − μ) / √(σ² + ε). Training uses the mini-batch's μ and σ² (biased, as Ioffe &amp; Szegedy's
    /// algorithm does), keeps ẑ, μ and 1/√(σ² + ε) for the backward pass, and moves the running
    /// statistics toward them: r ← r + momentum (x − r), the running variance with the unbiased σ²·B/(B − 1)
    /// as PyTorch does. Inference uses the running statistics. Vectorised across columns; each loop over
    /// rows reads one register of every row.
    /// </summary>
    private static void BatchNormForward<TSimd, TVector>(ref ProductArguments p, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        ref BatchNormArguments bn = ref p.BatchNorm;
        int rows = p.Rows, columns = p.Columns, width = TSimd.Width;
        float* inverse = stackalloc float[width];
        int column = first;
        for (; column < end; column += width)
        {
            // A full register, or the last few columns one at a time through the same code with width 1.
            int lanes = Math.Min(width, end - column);
            if (lanes < width)
            {
                for (int c = column; c < end; c++)
                {
                    BatchNormColumnScalar(ref p, c);
                }
                break;
            }
            TVector mean, inverseDeviation;
            if (bn.Training)
            {
                TVector sum = TSimd.Zero;
                for (int row = 0; row < rows; row++)
                {
                    sum = TSimd.Add(sum, TSimd.Load(ref p.C[(nint)row * columns + column], 0));
                }
                mean = TSimd.Multiply(sum, TSimd.Broadcast(1f / rows));
                TVector squares = TSimd.Zero;
                for (int row = 0; row < rows; row++)
                {
                    TVector deviation = TSimd.Subtract(TSimd.Load(ref p.C[(nint)row * columns + column], 0), mean);
                    squares = TSimd.MultiplyAdd(deviation, deviation, squares);
                }
                TVector variance = TSimd.Multiply(squares, TSimd.Broadcast(1f / rows));
                TSimd.Store(variance, ref inverse[0], 0);
                for (int lane = 0; lane < width; lane++)
                {
                    inverse[lane] = 1f / MathF.Sqrt(inverse[lane] + bn.Epsilon);
                }
                inverseDeviation = TSimd.Load(ref inverse[0], 0);
                TSimd.Store(mean, ref bn.BatchMean[column], 0);
                TSimd.Store(inverseDeviation, ref bn.InverseStandardDeviation[column], 0);
                TVector momentum = TSimd.Broadcast(bn.Momentum);
                TVector unbiased = TSimd.Multiply(variance, TSimd.Broadcast(rows > 1 ? rows / (rows - 1f) : 1f));
                TVector runningMean = TSimd.Load(ref bn.RunningMean[column], 0);
                TVector runningVariance = TSimd.Load(ref bn.RunningVariance[column], 0);
                TSimd.Store(TSimd.MultiplyAdd(momentum, TSimd.Subtract(mean, runningMean), runningMean), ref bn.RunningMean[column], 0);
                TSimd.Store(TSimd.MultiplyAdd(momentum, TSimd.Subtract(unbiased, runningVariance), runningVariance), ref bn.RunningVariance[column], 0);
            }
            else
            {
                mean = TSimd.Load(ref bn.RunningMean[column], 0);
                for (int lane = 0; lane < width; lane++)
                {
                    inverse[lane] = 1f / MathF.Sqrt(bn.RunningVariance[column + lane] + bn.Epsilon);
                }
                inverseDeviation = TSimd.Load(ref inverse[0], 0);
            }
            TVector gamma = TSimd.Load(ref bn.Gamma[column], 0), beta = TSimd.Load(ref bn.Beta[column], 0);
            for (int row = 0; row < rows; row++)
            {
                nint at = (nint)row * columns + column;
                TVector normalized = TSimd.Multiply(TSimd.Subtract(TSimd.Load(ref p.C[at], 0), mean), inverseDeviation);
                if (bn.Training)
                {
                    TSimd.Store(normalized, ref bn.Normalized[at], 0);
                }
                TSimd.Store(TSimd.MultiplyAdd(gamma, normalized, beta), ref p.C[at], 0);
            }
        }
    }

    /// <summary><see cref="BatchNormForward{TSimd, TVector}"/> for one column.</summary>
    private static void BatchNormColumnScalar(ref ProductArguments p, int column)
    {
        ref BatchNormArguments bn = ref p.BatchNorm;
        int rows = p.Rows, columns = p.Columns;
        float mean, inverseDeviation;
        if (bn.Training)
        {
            float sum = 0f;
            for (int row = 0; row < rows; row++)
            {
                sum += p.C[(nint)row * columns + column];
            }
            mean = sum / rows;
            float squares = 0f;
            for (int row = 0; row < rows; row++)
            {
                float deviation = p.C[(nint)row * columns + column] - mean;
                squares += deviation * deviation;
            }
            float variance = squares / rows;
            inverseDeviation = 1f / MathF.Sqrt(variance + bn.Epsilon);
            bn.BatchMean[column] = mean;
            bn.InverseStandardDeviation[column] = inverseDeviation;
            float unbiased = rows > 1 ? variance * rows / (rows - 1f) : variance;
            bn.RunningMean[column] += bn.Momentum * (mean - bn.RunningMean[column]);
            bn.RunningVariance[column] += bn.Momentum * (unbiased - bn.RunningVariance[column]);
        }
        else
        {
            mean = bn.RunningMean[column];
            inverseDeviation = 1f / MathF.Sqrt(bn.RunningVariance[column] + bn.Epsilon);
        }
        for (int row = 0; row < rows; row++)
        {
            nint at = (nint)row * columns + column;
            float normalized = (p.C[at] - mean) * inverseDeviation;
            if (bn.Training)
            {
                bn.Normalized[at] = normalized;
            }
            p.C[at] = bn.Gamma[column] * normalized + bn.Beta[column];
        }
    }

    /// <summary>
    /// The backward epilogue of a product that forms a layer's δ, for columns [first, end), after the product is
    /// complete: C ⊙= f'(z, a) of that layer when its outputs are given (<see cref="ProductArguments.Extra"/>; through
    /// its dropout mask when it had one), then its batch norm's backward pass when it had one. The outer-product kernel
    /// applies f' in its stores instead and only runs the dropout and batch-norm passes.
    /// </summary>
    public static void Backward<TSimd, TVector, TActivation>(ref ProductArguments p, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        if (p.Extra != null)
        {
            if (p.Dropout.IsActive)
            {
                DerivativeThroughDropout<TSimd, TVector, TActivation>(ref p, first, end);
            }
            else
            {
                Derivative<TSimd, TVector, TActivation>(ref p, first, end);
            }
        }
        if (p.BatchNorm.IsActive)
        {
            BatchNormBackward<TSimd, TVector>(ref p, first, end);
        }
    }

    /// <summary>C ⊙= f'(z, a) for columns [first, end) of every row, a = <see cref="ProductArguments.Extra"/>.</summary>
    private static void Derivative<TSimd, TVector, TActivation>(ref ProductArguments p, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        for (int row = 0; row < p.Rows; row++)
        {
            nint at = (nint)row * p.Columns + first;
            MultiplyByDerivative<TSimd, TVector, TActivation>(p.C + at, p.Extra + at, TActivation.DerivativeNeedsInput ? p.PreActivation + at : null, end - first);
        }
    }

    /// <summary>δ [n] ⊙= f'(z, a): the derivative of the layer below, from its outputs a (and z where f' needs it). A convolution's and pooling's input deltas, and each row of a packed product's backward epilogue.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void MultiplyByDerivative<TSimd, TVector, TActivation>(float* delta, float* output, float* preActivation, int n)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int i = 0;
        for (; i + TSimd.Width <= n; i += TSimd.Width)
        {
            TVector a = TSimd.Load(ref output[i], 0);
            TVector z = TActivation.DerivativeNeedsInput ? TSimd.Load(ref preActivation[i], 0) : a;
            TSimd.Store(TSimd.Multiply(TSimd.Load(ref delta[i], 0), TActivation.Derivative<TSimd, TVector>(z, a)), ref delta[i], 0);
        }
        for (; i < n; i++)
        {
            delta[i] *= TActivation.Derivative(TActivation.DerivativeNeedsInput ? preActivation[i] : output[i], output[i]);
        }
    }

    /// <summary>
    /// C ⊙= f'(z, a ÷ scale) ⊙ mask / (1 − p) for columns [first, end) of every row: the derivative of a
    /// layer that had dropout, after the product is complete. Its stored outputs a were scaled by the
    /// forward pass's mask, so multiplying by 1 − p recovers f(z) where the unit was kept (elsewhere the
    /// mask is 0), and the mask is recomputed from the same key and index.
    /// </summary>
    public static void DerivativeThroughDropout<TSimd, TVector, TActivation>(ref ProductArguments p, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        int columns = p.Columns;
        float kept = 1f - p.Dropout.Rate;
        for (int row = 0; row < p.Rows; row++)
        {
            nint line = (nint)row * columns;
            int column = first;
            for (; column + TSimd.Width <= end; column += TSimd.Width)
            {
                nint at = line + column;
                TVector a = TSimd.Multiply(TSimd.Load(ref p.Extra[at], 0), TSimd.Broadcast(kept));
                TVector z = TActivation.DerivativeNeedsInput ? TSimd.Load(ref p.PreActivation[at], 0) : a;
                TVector scale = DropoutMask.Scale<TSimd, TVector>(p.Dropout, (uint)at);
                TSimd.Store(TSimd.Multiply(TSimd.Multiply(TSimd.Load(ref p.C[at], 0), TActivation.Derivative<TSimd, TVector>(z, a)), scale), ref p.C[at], 0);
            }
            for (; column < end; column++)
            {
                nint at = line + column;
                float a = p.Extra[at] * kept, z = TActivation.DerivativeNeedsInput ? p.PreActivation[at] : a;
                p.C[at] *= TActivation.Derivative(z, a) * DropoutMask.Scale(p.Dropout, (uint)at);
            }
        }
    }

    /// <summary>
    /// The backward pass through batch normalisation, for columns [first, end) of C, which holds
    /// δy = dL/dy [B, O] on entry and δz = dL/dz on exit (Ioffe &amp; Szegedy, with the sums folded):
    /// <code>
    /// dβ += Σ_b δy      dγ += Σ_b δy ẑ
    /// δz = (γ / (B √(σ² + ε))) (B δy − Σ_b δy − ẑ Σ_b δy ẑ)
    /// </code>
    /// The sums are added into the parameter gradients (the caller clears them once per backward pass), while δz uses
    /// this pass's own sums.
    /// </summary>
    public static void BatchNormBackward<TSimd, TVector>(ref ProductArguments p, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        ref BatchNormArguments bn = ref p.BatchNorm;
        int rows = p.Rows, columns = p.Columns;
        int column = first;
        for (; column + TSimd.Width <= end; column += TSimd.Width)
        {
            TVector betaGradient = TSimd.Zero, gammaGradient = TSimd.Zero;
            for (int row = 0; row < rows; row++)
            {
                nint at = (nint)row * columns + column;
                TVector delta = TSimd.Load(ref p.C[at], 0);
                betaGradient = TSimd.Add(betaGradient, delta);
                gammaGradient = TSimd.MultiplyAdd(delta, TSimd.Load(ref bn.Normalized[at], 0), gammaGradient);
            }
            TSimd.Store(TSimd.Add(TSimd.Load(ref bn.BetaGradient[column], 0), betaGradient), ref bn.BetaGradient[column], 0);
            TSimd.Store(TSimd.Add(TSimd.Load(ref bn.GammaGradient[column], 0), gammaGradient), ref bn.GammaGradient[column], 0);
            TVector scale = TSimd.Multiply(
                TSimd.Multiply(TSimd.Load(ref bn.Gamma[column], 0), TSimd.Load(ref bn.InverseStandardDeviation[column], 0)),
                TSimd.Broadcast(1f / rows));
            TVector batch = TSimd.Broadcast(rows);
            for (int row = 0; row < rows; row++)
            {
                nint at = (nint)row * columns + column;
                TVector delta = TSimd.Load(ref p.C[at], 0), normalized = TSimd.Load(ref bn.Normalized[at], 0);
                TVector centred = TSimd.Subtract(TSimd.Subtract(TSimd.Multiply(batch, delta), betaGradient), TSimd.Multiply(normalized, gammaGradient));
                TSimd.Store(TSimd.Multiply(scale, centred), ref p.C[at], 0);
            }
        }
        for (; column < end; column++)
        {
            float betaGradient = 0f, gammaGradient = 0f;
            for (int row = 0; row < rows; row++)
            {
                nint at = (nint)row * columns + column;
                betaGradient += p.C[at];
                gammaGradient += p.C[at] * bn.Normalized[at];
            }
            bn.BetaGradient[column] += betaGradient;
            bn.GammaGradient[column] += gammaGradient;
            float scale = bn.Gamma[column] * bn.InverseStandardDeviation[column] / rows;
            for (int row = 0; row < rows; row++)
            {
                nint at = (nint)row * columns + column;
                p.C[at] = scale * (rows * p.C[at] - betaGradient - bn.Normalized[at] * gammaGradient);
            }
        }
    }
}
