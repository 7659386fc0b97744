using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// The vector operations the kernels use, as static members of a struct, so one kernel source
/// compiles to AVX-512, AVX2 or portable code: the JIT specialises every generic kernel for the
/// struct it is given and inlines these members, so no call or dispatch remains in the loops.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
/// <typeparam name="TVector">Its register type: <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/> or <see cref="Vector{T}"/>.</typeparam>
public partial interface ISimd<TSelf, TVector>
    where TSelf : struct, ISimd<TSelf, TVector>
    where TVector : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Width { get; }

    /// <summary>Architectural vector registers: decides how large a tile of accumulators fits without spilling.</summary>
    static abstract int RegisterCount { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(ref float source, nint offset);

    static abstract void Store(TVector value, ref float destination, nint offset);

    /// <summary>a · b + c, rounded once.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Max(TVector a, TVector b);

    static abstract TVector Min(TVector a, TVector b);

    static abstract TVector Abs(TVector value);

    static abstract TVector Sqrt(TVector value);

    /// <summary>e^x within 1 ulp, from float arithmetic alone (<see cref="ActivationMath.Exp{TSimd, TVector}"/>).</summary>
    static abstract TVector Exp(TVector value);

    /// <summary>Each lane rounded to the nearest integer, ties to even.</summary>
    static abstract TVector Round(TVector value);

    /// <summary>2ⁿ for lanes holding an integer n in [−126, 127], built from its exponent bits.</summary>
    static abstract TVector PowerOfTwo(TVector integer);

    /// <summary>The natural logarithm.</summary>
    static abstract TVector Log(TVector value);

    static abstract TVector Cos(TVector value);

    /// <summary>Lanes where <paramref name="value"/> &gt; 0 take <paramref name="ifPositive"/>, the others <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectWherePositive(TVector value, TVector ifPositive, TVector otherwise);

    /// <summary>Lanes where <paramref name="value"/> &lt; 0 take <paramref name="ifNegative"/>, the others <paramref name="otherwise"/>.</summary>
    static abstract TVector SelectWhereNegative(TVector value, TVector ifNegative, TVector otherwise);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TVector value);
}

/// <summary>512-bit registers: sixteen floats, 32 zmm registers (AVX-512F).</summary>
public readonly partial struct Avx512 : ISimd<Avx512, Vector512<float>>
{
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    public static int Width => Vector512<float>.Count;

    public static int RegisterCount => 32;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nint offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> value) => ActivationMath.Exp<Avx512, Vector512<float>>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> value) => Vector512.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PowerOfTwo(Vector512<float> integer) => (Vector512.ShiftLeft(Vector512.ConvertToInt32Native(integer) + Vector512.Create(127), 23)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> value) => Vector512.Log(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Cos(Vector512<float> value) => Vector512.Cos(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectWherePositive(Vector512<float> value, Vector512<float> ifPositive, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(value, Vector512<float>.Zero), ifPositive, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectWhereNegative(Vector512<float> value, Vector512<float> ifNegative, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.LessThan(value, Vector512<float>.Zero), ifNegative, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);
}

/// <summary>256-bit registers: eight floats, 16 ymm registers (AVX2 + FMA).</summary>
public readonly partial struct Avx2 : ISimd<Avx2, Vector256<float>>
{
    public static bool IsSupported => Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    public static int Width => Vector256<float>.Count;

    public static int RegisterCount => 16;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sqrt(Vector256<float> value) => Vector256.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> value) => ActivationMath.Exp<Avx2, Vector256<float>>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> value) => Vector256.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PowerOfTwo(Vector256<float> integer) => (Vector256.ShiftLeft(Vector256.ConvertToInt32Native(integer) + Vector256.Create(127), 23)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> value) => Vector256.Log(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Cos(Vector256<float> value) => Vector256.Cos(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectWherePositive(Vector256<float> value, Vector256<float> ifPositive, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(value, Vector256<float>.Zero), ifPositive, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectWhereNegative(Vector256<float> value, Vector256<float> ifNegative, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.LessThan(value, Vector256<float>.Zero), ifNegative, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);
}

/// <summary>
/// <see cref="Vector{T}"/>, whatever width the runtime gives it (16 bytes on Arm NEON, 32 on x64):
/// the fallback for every machine the specific paths do not cover.
/// </summary>
public readonly partial struct PortableSimd : ISimd<PortableSimd, Vector<float>>
{
    public static int Width => Vector<float>.Count;

    public static int RegisterCount => 16;

    public static Vector<float> Zero => Vector<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ref float source, nint offset) => Vector.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> c) => Vector.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Subtract(Vector<float> a, Vector<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Divide(Vector<float> a, Vector<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> value) => Vector.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sqrt(Vector<float> value) => Vector.SquareRoot(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> value) => ActivationMath.Exp<PortableSimd, Vector<float>>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Round(Vector<float> value) => Vector.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> PowerOfTwo(Vector<float> integer) =>
        Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32Native(integer) + new Vector<int>(127), 23));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> value) => Vector.Log(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Cos(Vector<float> value) => Vector.Cos(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> SelectWherePositive(Vector<float> value, Vector<float> ifPositive, Vector<float> otherwise) =>
        Vector.ConditionalSelect(Vector.GreaterThan(value, Vector<float>.Zero), ifPositive, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> SelectWhereNegative(Vector<float> value, Vector<float> ifNegative, Vector<float> otherwise) =>
        Vector.ConditionalSelect(Vector.LessThan(value, Vector<float>.Zero), ifNegative, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector<float> value) => Vector.Sum(value);
}

/// <summary>The instruction sets the kernels are compiled for.</summary>
public enum InstructionSet
{
    /// <summary><see cref="Vector{T}"/>, on any machine.</summary>
    Portable,

    /// <summary>256-bit AVX2 with FMA.</summary>
    Avx2,

    /// <summary>512-bit AVX-512F.</summary>
    Avx512,
}

/// <summary>Which kernels run: the widest the machine supports, chosen once at start-up.</summary>
public static class KernelSelection
{
    [ThreadStatic]
    private static InstructionSet? t_override;

    /// <summary>
    /// The instruction set the kernels use: the widest this program can run here, or a narrower one that the
    /// environment variable <c>NETGEN_INSTRUCTION_SET</c> (<c>portable</c>, <c>avx2</c>, <c>avx512</c>) names.
    /// </summary>
    /// <remarks>
    /// Under NativeAOT "can run" means what the binary was compiled for (<c>IlcInstructionSet</c>), which may be
    /// less than the CPU has: <see cref="CompiledBelowMachineWarning"/> then says so.
    /// </remarks>
    public static InstructionSet Best { get; } = ChooseBest();

    /// <summary>
    /// Set where the CPU has wider vectors than this program was compiled for (a NativeAOT binary published for a
    /// baseline), with what to do about it; null otherwise. Printed once on standard error at start-up, unless
    /// <c>NETGEN_NO_KERNEL_WARNING=1</c>.
    /// </summary>
    public static string? CompiledBelowMachineWarning { get; } = WarnIfCompiledBelowMachine();

    private static InstructionSet ChooseBest()
    {
        InstructionSet compiled = Avx512.IsSupported ? InstructionSet.Avx512 : Avx2.IsSupported ? InstructionSet.Avx2 : InstructionSet.Portable;
        string? requested = Environment.GetEnvironmentVariable("NETGEN_INSTRUCTION_SET");
        return Enum.TryParse(requested, ignoreCase: true, out InstructionSet chosen) && chosen < compiled ? chosen : compiled;
    }

    /// <summary>What CPUID says the processor has, whatever the program was compiled for.</summary>
    private static InstructionSet MachineBest()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            return InstructionSet.Portable;
        }
        (_, int leaf7Ebx, _, _) = System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 0);
        (_, _, int leaf1Ecx, _) = System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0);
        bool avx512F = (leaf7Ebx & (1 << 16)) != 0;
        bool avx2 = (leaf7Ebx & (1 << 5)) != 0 && (leaf1Ecx & (1 << 12)) != 0;
        return avx512F ? InstructionSet.Avx512 : avx2 ? InstructionSet.Avx2 : InstructionSet.Portable;
    }

    private static string? WarnIfCompiledBelowMachine()
    {
        InstructionSet compiled = Avx512.IsSupported ? InstructionSet.Avx512 : Avx2.IsSupported ? InstructionSet.Avx2 : InstructionSet.Portable;
        InstructionSet machine = MachineBest();
        // Only a NativeAOT binary is compiled for a fixed width; the JIT may choose less than CPUID reports on purpose
        // (it keeps 512-bit vectors off where they slow the clock), which is no fault of the build.
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported || machine <= compiled)
        {
            return null;
        }
        string option = machine == InstructionSet.Avx512 ? "x86-64-v4" : "x86-64-v3";
        string warning =
            $"NetGen: this CPU has {machine}, but the program was compiled for {compiled} at most, so the kernels run on {compiled}. " +
            $"A NativeAOT publish takes its vector width from IlcInstructionSet: publish with -p:IlcInstructionSet=native (or {option}) for the " +
            "wider kernels, on machines that have them. NETGEN_NO_KERNEL_WARNING=1 silences this.";
        if (Environment.GetEnvironmentVariable("NETGEN_NO_KERNEL_WARNING") != "1")
        {
            Console.Error.WriteLine(warning);
        }
        return warning;
    }

    /// <summary>The instruction set kernels called from this thread use: <see cref="Best"/> unless overridden.</summary>
    public static InstructionSet Current => t_override ?? Best;

    /// <summary>
    /// Runs this thread's kernels on <paramref name="instructionSet"/> until the returned scope is
    /// disposed (tests force every path this way). One the machine lacks throws, since its kernels
    /// would run in slow software emulation.
    /// </summary>
    public static IDisposable Use(InstructionSet instructionSet)
    {
        if (instructionSet > Best)
        {
            throw new PlatformNotSupportedException($"This machine supports up to {Best}, not {instructionSet}.");
        }
        InstructionSet? previous = t_override;
        t_override = instructionSet;
        return new Scope(() => t_override = previous);
    }

    [ThreadStatic]
    private static int t_threadCountOverride;

    /// <summary>
    /// Threads the kernels split large products over by default: the environment variable
    /// <c>NETGEN_THREADS</c> (1 or 2) if set, else 2 where the machine has two cores or more.
    /// </summary>
    public static int DefaultThreadCount { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_THREADS"), out int threads) && threads is 1 or 2
            ? threads
            : Environment.ProcessorCount >= 2 ? 2 : 1;

    /// <summary>Threads kernels called from this thread use. Results are bit-identical for any count.</summary>
    public static int ThreadCount => t_threadCountOverride > 0 ? t_threadCountOverride : DefaultThreadCount;

    /// <summary>Runs this thread's kernels on at most <paramref name="threads"/> threads until the scope is disposed.</summary>
    public static IDisposable UseThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        int previous = t_threadCountOverride;
        t_threadCountOverride = threads;
        return new Scope(() => t_threadCountOverride = previous);
    }

    private sealed class Scope(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
