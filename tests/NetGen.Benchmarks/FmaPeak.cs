using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// The machine's float32 multiply-add peak on the instruction set the kernels run, in GFLOP/s (an FMA is 2 flops a
/// lane): twelve independent chains of fused multiply-adds, enough to cover an FMA's latency on both pipes of a Zen or
/// Intel core (4 cycles × 2) and few enough to stay in 16 registers, on one thread and on the kernels' threads at once. The best of a
/// few rounds, as <c>../shared/bench/peak.sh</c> reports; measured here because that script needs AVX-512 to compile,
/// and its AVX2 loop, sixteen chains deep, spills three of them on a 16-register machine and reads far below the peak
/// there.
/// </summary>
internal static class FmaPeak
{
    /// <summary>Rounds, of which the best counts: enough that one falls in a quiet moment of a busy host.</summary>
    private const int Rounds = 10;

    /// <summary>
    /// Steps of the twelve chains per round: 3.8 GFLOP with 8 lanes, 7.7 with 16, tens of milliseconds on one core,
    /// long enough to time.
    /// </summary>
    private const long Steps = 20_000_000;

    /// <summary>
    /// <c>-- peak</c>: one thread, then as many as the kernels split products over, under the name <c>e2e</c> gives the
    /// latter (<c>fma_peak_gflops</c>), so one name is always the same measurement.
    /// </summary>
    public static void Run()
    {
        Console.WriteLine($"# {KernelSelection.Current} FMA peak; the kernels run on {KernelSelection.ThreadCount} thread(s)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT fma_peak_one_thread_gflops = {Gflops(threads: 1):0.#}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT fma_peak_gflops = {Gflops(KernelSelection.ThreadCount):0.#}"));
    }

    public static double Gflops(int threads) => KernelSelection.Current switch
    {
        InstructionSet.Avx512 => Best<Avx512, Vector512<float>>(threads),
        InstructionSet.Avx2 => Best<Avx2, Vector256<float>>(threads),
        _ => Best<PortableSimd, Vector<float>>(threads),
    };

    private static double Best<TSimd, TVector>(int threads)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        Chains<TSimd, TVector>(Steps / 10); // compiled, and the core at its working clock, before anything is timed
        double flopsPerRound = 2.0 * 12 * TSimd.Width * Steps * threads;
        return flopsPerRound / SimultaneousRounds.ShortestSeconds(threads, Rounds, _ => Chains<TSimd, TVector>(Steps)) / 1e9;
    }

    /// <summary>
    /// Twelve chains a ← a · m + c; returns their sum so the JIT keeps the work. Compiled optimised from the first
    /// call, so no round times a tier-0 loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains<TSimd, TVector>(long steps)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector m = TSimd.Broadcast(0.999999f), c = TSimd.Broadcast(1e-7f);
        TVector a0 = TSimd.Broadcast(1f), a1 = TSimd.Broadcast(2f), a2 = TSimd.Broadcast(3f), a3 = TSimd.Broadcast(4f);
        TVector a4 = TSimd.Broadcast(5f), a5 = TSimd.Broadcast(6f), a6 = TSimd.Broadcast(7f), a7 = TSimd.Broadcast(8f);
        TVector a8 = TSimd.Broadcast(9f), a9 = TSimd.Broadcast(10f), a10 = TSimd.Broadcast(11f), a11 = TSimd.Broadcast(12f);
        for (long step = 0; step < steps; step++)
        {
            a0 = TSimd.MultiplyAdd(a0, m, c); a1 = TSimd.MultiplyAdd(a1, m, c); a2 = TSimd.MultiplyAdd(a2, m, c);
            a3 = TSimd.MultiplyAdd(a3, m, c); a4 = TSimd.MultiplyAdd(a4, m, c); a5 = TSimd.MultiplyAdd(a5, m, c);
            a6 = TSimd.MultiplyAdd(a6, m, c); a7 = TSimd.MultiplyAdd(a7, m, c); a8 = TSimd.MultiplyAdd(a8, m, c);
            a9 = TSimd.MultiplyAdd(a9, m, c); a10 = TSimd.MultiplyAdd(a10, m, c); a11 = TSimd.MultiplyAdd(a11, m, c);
        }
        TVector sum = TSimd.Add(TSimd.Add(TSimd.Add(a0, a1), TSimd.Add(a2, a3)), TSimd.Add(TSimd.Add(a4, a5), TSimd.Add(a6, a7)));
        return TSimd.Sum(TSimd.Add(sum, TSimd.Add(TSimd.Add(a8, a9), TSimd.Add(a10, a11))));
    }
}
