using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

// What pooling needs beyond arithmetic (PoolingKernel): a register of windows `stride` inputs apart, their running
// maximum kept with where it came from, and those positions stored as integers.
public partial interface ISimd<TSelf, TVector>
{
    /// <summary>
    /// source[0], source[stride], …, source[(Width − 1)·stride]: one contiguous load for stride 1, two and a permute for
    /// stride 2 where the instruction set has one, lane by lane otherwise. Reads source[0 … Width·stride), one float
    /// past the last lane for stride 2.
    /// </summary>
    static virtual TVector LoadStrided(ref float source, int stride) =>
        stride == 1 ? TSelf.Load(ref source, 0) : StridedLanes.Gather<TSelf, TVector>(ref source, stride);

    /// <summary>destination[0 … Width) = the lanes of <paramref name="value"/>, whole numbers below 2²⁴, as integers.</summary>
    static virtual void StoreAsInt32(TVector value, ref int destination)
    {
        Span<float> lanes = stackalloc float[TSelf.Width];
        TSelf.Store(value, ref lanes[0], 0);
        for (int lane = 0; lane < lanes.Length; lane++)
        {
            Unsafe.Add(ref destination, lane) = (int)lanes[lane];
        }
    }

    /// <summary>
    /// Lane by lane, where <paramref name="candidate"/> &gt; <paramref name="best"/> or the candidate is NaN:
    /// best ← candidate and bestIndex ← candidateIndex. Scanning a window in order with this keeps its first
    /// maximum, and lets a NaN through (PyTorch's max-pooling rule). Lane by lane through memory unless the
    /// instruction set has comparisons for it.
    /// </summary>
    static virtual void KeepLarger(TVector candidate, TVector candidateIndex, ref TVector best, ref TVector bestIndex)
    {
        Span<float> lanes = stackalloc float[4 * TSelf.Width];
        int width = TSelf.Width;
        TSelf.Store(candidate, ref lanes[0], 0);
        TSelf.Store(candidateIndex, ref lanes[0], width);
        TSelf.Store(best, ref lanes[0], 2 * width);
        TSelf.Store(bestIndex, ref lanes[0], 3 * width);
        for (int lane = 0; lane < width; lane++)
        {
            if (lanes[lane] > lanes[2 * width + lane] || float.IsNaN(lanes[lane]))
            {
                lanes[2 * width + lane] = lanes[lane];
                lanes[3 * width + lane] = lanes[width + lane];
            }
        }
        best = TSelf.Load(ref lanes[0], 2 * width);
        bestIndex = TSelf.Load(ref lanes[0], 3 * width);
    }
}

public readonly partial struct Avx512
{
    /// <summary>Stride 2: the even lanes of two consecutive registers, by one two-source permute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadStrided(ref float source, int stride) => stride switch
    {
        1 => Load(ref source, 0),
        2 => Avx512F.PermuteVar16x32x2(Load(ref source, 0), Vector512<int>.Indices * 2, Load(ref source, 16)),
        _ => StridedLanes.Gather<Avx512, Vector512<float>>(ref source, stride),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAsInt32(Vector512<float> value, ref int destination) => Vector512.ConvertToInt32(value).StoreUnsafe(ref destination);

    /// <summary>A greater-than mask, or-ed with the unordered lanes (x ≠ x only for NaN), selects both registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void KeepLarger(Vector512<float> candidate, Vector512<float> candidateIndex, ref Vector512<float> best, ref Vector512<float> bestIndex)
    {
        Vector512<float> wins = Vector512.GreaterThan(candidate, best) | ~Vector512.Equals(candidate, candidate);
        best = Vector512.ConditionalSelect(wins, candidate, best);
        bestIndex = Vector512.ConditionalSelect(wins, candidateIndex, bestIndex);
    }
}

public readonly partial struct Avx2
{
    /// <summary>Stride 2: the even lanes of two consecutive registers, shuffled within 128-bit halves, then the halves' quarters put in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadStrided(ref float source, int stride)
    {
        if (stride == 1)
        {
            return Load(ref source, 0);
        }
        if (stride != 2)
        {
            return StridedLanes.Gather<Avx2, Vector256<float>>(ref source, stride);
        }
        // (a0 a2 b0 b2 | a4 a6 b4 b6), then 64-bit quarters 0 2 1 3: (a0 a2 a4 a6 | b0 b2 b4 b6).
        Vector256<float> evens = System.Runtime.Intrinsics.X86.Avx.Shuffle(Load(ref source, 0), Load(ref source, 8), 0b10_00_10_00);
        return System.Runtime.Intrinsics.X86.Avx2.Permute4x64(evens.AsDouble(), 0b11_01_10_00).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAsInt32(Vector256<float> value, ref int destination) => Vector256.ConvertToInt32(value).StoreUnsafe(ref destination);

    /// <inheritdoc cref="Avx512.KeepLarger"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void KeepLarger(Vector256<float> candidate, Vector256<float> candidateIndex, ref Vector256<float> best, ref Vector256<float> bestIndex)
    {
        Vector256<float> wins = Vector256.GreaterThan(candidate, best) | ~Vector256.Equals(candidate, candidate);
        best = Vector256.ConditionalSelect(wins, candidate, best);
        bestIndex = Vector256.ConditionalSelect(wins, candidateIndex, bestIndex);
    }
}

public readonly partial struct PortableSimd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAsInt32(Vector<float> value, ref int destination) => Vector.ConvertToInt32(value).StoreUnsafe(ref destination);

    /// <inheritdoc cref="Avx512.KeepLarger"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void KeepLarger(Vector<float> candidate, Vector<float> candidateIndex, ref Vector<float> best, ref Vector<float> bestIndex)
    {
        Vector<float> wins = Vector.AsVectorSingle(Vector.GreaterThan(candidate, best) | ~Vector.Equals(candidate, candidate));
        best = Vector.ConditionalSelect(wins, candidate, best);
        bestIndex = Vector.ConditionalSelect(wins, candidateIndex, bestIndex);
    }
}

/// <summary>The lane-by-lane fallback of <see cref="ISimd{TSelf, TVector}.LoadStrided"/>.</summary>
internal static class StridedLanes
{
    public static TVector Gather<TSimd, TVector>(ref float source, int stride)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        Span<float> lanes = stackalloc float[TSimd.Width];
        for (int lane = 0; lane < lanes.Length; lane++)
        {
            lanes[lane] = Unsafe.Add(ref source, lane * stride);
        }
        return TSimd.Load(ref lanes[0], 0);
    }
}
