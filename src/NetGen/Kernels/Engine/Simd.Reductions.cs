using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

// Reducing several registers at once, for the dot-product kernel's accumulators.
public partial interface ISimd<TSelf, TVector>
{
    /// <summary>
    /// (Σ a, Σ b, Σ c, Σ d): four horizontal sums in one register, each summed in the same order, so a
    /// value does not depend on which argument it was. Four <see cref="Sum"/>s unless the instruction
    /// set can share the shuffles between them.
    /// </summary>
    static virtual Vector128<float> Sum4(TVector a, TVector b, TVector c, TVector d) =>
        Vector128.Create(TSelf.Sum(a), TSelf.Sum(b), TSelf.Sum(c), TSelf.Sum(d));
}

public readonly partial struct Avx512
{
    /// <summary>
    /// Two rounds of 128-bit lane moves pair up the four registers' halves and quarters (8 adds of partial
    /// sums in 3 instructions), then one permute puts each register's last four partials in one column of
    /// four lanes: 14 instructions instead of 4 × 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        // (a0 + a2, a1 + a3, b0 + b2, b1 + b3) in 128-bit lanes, and the same for c and d.
        Vector512<float> ab = Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);
        Vector512<float> cd = Avx512F.Shuffle4x128(c, d, 0x44) + Avx512F.Shuffle4x128(c, d, 0xEE);
        // One 128-bit lane of four partial sums per register: (a, b, c, d).
        Vector512<float> quarters = Avx512F.Shuffle4x128(ab, cd, 0x88) + Avx512F.Shuffle4x128(ab, cd, 0xDD);
        // Transposed, so that lane i of every 128-bit lane belongs to register i.
        Vector512<float> columns = Vector512.Shuffle(quarters, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
        Vector256<float> halves = columns.GetLower() + columns.GetUpper();
        return halves.GetLower() + halves.GetUpper();
    }
}

public readonly partial struct Avx2
{
    /// <summary>One 128-bit lane move per pair of registers, then two horizontal adds and an interleave: 10 instructions instead of 4 × 6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        // (a.lower + a.upper, b.lower + b.upper) and the same for c and d.
        Vector256<float> ab = Avx.Permute2x128(a, b, 0x20) + Avx.Permute2x128(a, b, 0x31);
        Vector256<float> cd = Avx.Permute2x128(c, d, 0x20) + Avx.Permute2x128(c, d, 0x31);
        // (a01, a23, c01, c23 | b01, b23, d01, d23), then (a, c, a, c | b, d, b, d).
        Vector256<float> pairs = Avx.HorizontalAdd(ab, cd);
        Vector256<float> sums = Avx.HorizontalAdd(pairs, pairs);
        return Sse.UnpackLow(sums.GetLower(), sums.GetUpper());
    }
}
