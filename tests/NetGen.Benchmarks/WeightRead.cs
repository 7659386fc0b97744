using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// The floor under a batch-1 prediction: the time the kernels' threads take to read a network's parameters once, each
/// thread summing its half as one plain stream of register loads, as fast as the instruction set the kernels run reads.
/// A prediction multiplies each weight once, so it reads every weight once and can be no faster than this; what it
/// takes beyond this is the kernel's reading pattern, the threads' hand-overs and the epilogues. The best of a few
/// rounds, as <see cref="FmaPeak"/>.
/// </summary>
internal static class WeightRead
{
    /// <summary>Rounds, of which the best counts.</summary>
    private const int Rounds = 10;

    /// <summary>Bytes each round reads in all (reads of the whole buffer, back to back): milliseconds even at the rate of a core's caches, long enough to time.</summary>
    private const long BytesPerRound = 2_000_000_000;

    public static double Microseconds(float[] values, int threads) => KernelSelection.Current switch
    {
        InstructionSet.Avx512 => Best<Avx512, Vector512<float>>(values, threads),
        InstructionSet.Avx2 => Best<Avx2, Vector256<float>>(values, threads),
        _ => Best<PortableSimd, Vector<float>>(values, threads),
    };

    private static double Best<TSimd, TVector>(float[] values, int threads)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int reads = (int)Math.Max(1, BytesPerRound / ((long)values.Length * sizeof(float)));
        int share = values.Length / threads;
        Sum<TSimd, TVector>(values, 0, share); // compiled before anything is timed
        double seconds = SimultaneousRounds.ShortestSeconds(threads, Rounds, index =>
        {
            int first = index * share, end = index == threads - 1 ? values.Length : first + share;
            float total = 0;
            for (int read = 0; read < reads; read++)
            {
                total += Sum<TSimd, TVector>(values, first, end);
            }
            GC.KeepAlive(total);
        });
        return seconds * 1e6 / reads;
    }

    /// <summary>The sum of values [first, end): four independent sums, so the adds' latency never bounds the loads.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum<TSimd, TVector>(float[] values, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int w = TSimd.Width;
        ref float start = ref values[first];
        int length = end - first;
        TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        int i = 0;
        for (; i + 4 * w <= length; i += 4 * w)
        {
            s0 = TSimd.Add(s0, TSimd.Load(ref start, i));
            s1 = TSimd.Add(s1, TSimd.Load(ref start, i + w));
            s2 = TSimd.Add(s2, TSimd.Load(ref start, i + 2 * w));
            s3 = TSimd.Add(s3, TSimd.Load(ref start, i + 3 * w));
        }
        float total = TSimd.Sum(TSimd.Add(TSimd.Add(s0, s1), TSimd.Add(s2, s3)));
        for (; i < length; i++)
        {
            total += Unsafe.Add(ref start, i);
        }
        return total;
    }
}
