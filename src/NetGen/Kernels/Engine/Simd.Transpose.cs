using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

// Transposing a square block of registers, for packing a matrix's rows into columns (PackedProductKernel).
public partial interface ISimd<TSelf, TVector>
{
    /// <summary>
    /// Transposes a Width × Width block: destination[j · destinationStride + i] = source[i · sourceStride + j].
    /// Element by element unless the instruction set has shuffles for it.
    /// </summary>
    static virtual void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        for (int i = 0; i < TSelf.Width; i++)
        {
            for (int j = 0; j < TSelf.Width; j++)
            {
                Unsafe.Add(ref destination, j * destinationStride + i) = Unsafe.Add(ref source, i * sourceStride + j);
            }
        }
    }
}

public readonly partial struct Avx512
{
    /// <summary>16 × 16 in four rounds of 16 shuffles: 32-bit and 64-bit interleaves within 128-bit lanes, then two rounds of 128-bit lane moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        nint s = sourceStride;
        Vector512<float> r0 = Load(ref source, 0), r1 = Load(ref source, s), r2 = Load(ref source, 2 * s), r3 = Load(ref source, 3 * s);
        Vector512<float> r4 = Load(ref source, 4 * s), r5 = Load(ref source, 5 * s), r6 = Load(ref source, 6 * s), r7 = Load(ref source, 7 * s);
        Vector512<float> r8 = Load(ref source, 8 * s), r9 = Load(ref source, 9 * s), ra = Load(ref source, 10 * s), rb = Load(ref source, 11 * s);
        Vector512<float> rc = Load(ref source, 12 * s), rd = Load(ref source, 13 * s), re = Load(ref source, 14 * s), rf = Load(ref source, 15 * s);
        // In each 128-bit lane, rows i and i+1 interleaved: (i0 i+1,0 i1 i+1,1) and (i2 i+1,2 i3 i+1,3).
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9), ta = Avx512F.UnpackLow(ra, rb), tb = Avx512F.UnpackHigh(ra, rb);
        Vector512<float> tc = Avx512F.UnpackLow(rc, rd), td = Avx512F.UnpackHigh(rc, rd), te = Avx512F.UnpackLow(re, rf), tf = Avx512F.UnpackHigh(re, rf);
        // Each 128-bit lane of r(4g + m) now holds column (4·lane + m) of rows 4g … 4g + 3.
        r0 = Avx512F.Shuffle(t0, t2, 0x44); r1 = Avx512F.Shuffle(t0, t2, 0xEE); r2 = Avx512F.Shuffle(t1, t3, 0x44); r3 = Avx512F.Shuffle(t1, t3, 0xEE);
        r4 = Avx512F.Shuffle(t4, t6, 0x44); r5 = Avx512F.Shuffle(t4, t6, 0xEE); r6 = Avx512F.Shuffle(t5, t7, 0x44); r7 = Avx512F.Shuffle(t5, t7, 0xEE);
        r8 = Avx512F.Shuffle(t8, ta, 0x44); r9 = Avx512F.Shuffle(t8, ta, 0xEE); ra = Avx512F.Shuffle(t9, tb, 0x44); rb = Avx512F.Shuffle(t9, tb, 0xEE);
        rc = Avx512F.Shuffle(tc, te, 0x44); rd = Avx512F.Shuffle(tc, te, 0xEE); re = Avx512F.Shuffle(td, tf, 0x44); rf = Avx512F.Shuffle(td, tf, 0xEE);
        // Lanes {0, 2} and {1, 3} of row groups 0 and 1, and of groups 2 and 3 …
        t0 = Avx512F.Shuffle4x128(r0, r4, 0x88); t1 = Avx512F.Shuffle4x128(r1, r5, 0x88); t2 = Avx512F.Shuffle4x128(r2, r6, 0x88); t3 = Avx512F.Shuffle4x128(r3, r7, 0x88);
        t4 = Avx512F.Shuffle4x128(r0, r4, 0xDD); t5 = Avx512F.Shuffle4x128(r1, r5, 0xDD); t6 = Avx512F.Shuffle4x128(r2, r6, 0xDD); t7 = Avx512F.Shuffle4x128(r3, r7, 0xDD);
        t8 = Avx512F.Shuffle4x128(r8, rc, 0x88); t9 = Avx512F.Shuffle4x128(r9, rd, 0x88); ta = Avx512F.Shuffle4x128(ra, re, 0x88); tb = Avx512F.Shuffle4x128(rb, rf, 0x88);
        tc = Avx512F.Shuffle4x128(r8, rc, 0xDD); td = Avx512F.Shuffle4x128(r9, rd, 0xDD); te = Avx512F.Shuffle4x128(ra, re, 0xDD); tf = Avx512F.Shuffle4x128(rb, rf, 0xDD);
        // … then the two halves together: column j of all sixteen rows.
        nint d = destinationStride;
        Store(Avx512F.Shuffle4x128(t0, t8, 0x88), ref destination, 0);
        Store(Avx512F.Shuffle4x128(t1, t9, 0x88), ref destination, d);
        Store(Avx512F.Shuffle4x128(t2, ta, 0x88), ref destination, 2 * d);
        Store(Avx512F.Shuffle4x128(t3, tb, 0x88), ref destination, 3 * d);
        Store(Avx512F.Shuffle4x128(t4, tc, 0x88), ref destination, 4 * d);
        Store(Avx512F.Shuffle4x128(t5, td, 0x88), ref destination, 5 * d);
        Store(Avx512F.Shuffle4x128(t6, te, 0x88), ref destination, 6 * d);
        Store(Avx512F.Shuffle4x128(t7, tf, 0x88), ref destination, 7 * d);
        Store(Avx512F.Shuffle4x128(t0, t8, 0xDD), ref destination, 8 * d);
        Store(Avx512F.Shuffle4x128(t1, t9, 0xDD), ref destination, 9 * d);
        Store(Avx512F.Shuffle4x128(t2, ta, 0xDD), ref destination, 10 * d);
        Store(Avx512F.Shuffle4x128(t3, tb, 0xDD), ref destination, 11 * d);
        Store(Avx512F.Shuffle4x128(t4, tc, 0xDD), ref destination, 12 * d);
        Store(Avx512F.Shuffle4x128(t5, td, 0xDD), ref destination, 13 * d);
        Store(Avx512F.Shuffle4x128(t6, te, 0xDD), ref destination, 14 * d);
        Store(Avx512F.Shuffle4x128(t7, tf, 0xDD), ref destination, 15 * d);
    }
}

public readonly partial struct Avx2
{
    /// <summary>8 × 8 in three rounds of 8 shuffles: 32-bit and 64-bit interleaves within 128-bit lanes, then 128-bit lane moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        nint s = sourceStride;
        Vector256<float> r0 = Load(ref source, 0), r1 = Load(ref source, s), r2 = Load(ref source, 2 * s), r3 = Load(ref source, 3 * s);
        Vector256<float> r4 = Load(ref source, 4 * s), r5 = Load(ref source, 5 * s), r6 = Load(ref source, 6 * s), r7 = Load(ref source, 7 * s);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Each 128-bit lane of r(4g + m) now holds column (4·lane + m) of rows 4g … 4g + 3.
        r0 = Avx.Shuffle(t0, t2, 0x44); r1 = Avx.Shuffle(t0, t2, 0xEE); r2 = Avx.Shuffle(t1, t3, 0x44); r3 = Avx.Shuffle(t1, t3, 0xEE);
        r4 = Avx.Shuffle(t4, t6, 0x44); r5 = Avx.Shuffle(t4, t6, 0xEE); r6 = Avx.Shuffle(t5, t7, 0x44); r7 = Avx.Shuffle(t5, t7, 0xEE);
        nint d = destinationStride;
        Store(Avx.Permute2x128(r0, r4, 0x20), ref destination, 0);
        Store(Avx.Permute2x128(r1, r5, 0x20), ref destination, d);
        Store(Avx.Permute2x128(r2, r6, 0x20), ref destination, 2 * d);
        Store(Avx.Permute2x128(r3, r7, 0x20), ref destination, 3 * d);
        Store(Avx.Permute2x128(r0, r4, 0x31), ref destination, 4 * d);
        Store(Avx.Permute2x128(r1, r5, 0x31), ref destination, 5 * d);
        Store(Avx.Permute2x128(r2, r6, 0x31), ref destination, 6 * d);
        Store(Avx.Permute2x128(r3, r7, 0x31), ref destination, 7 * d);
    }
}
