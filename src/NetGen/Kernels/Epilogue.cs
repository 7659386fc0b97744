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
