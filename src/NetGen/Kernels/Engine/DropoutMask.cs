using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Dropout's keep-or-drop decision for element i of a mini-batch, as a hash of (key, i): a
/// counter-based random stream, so any thread can decide any element in any order and the
/// backward pass recomputes exactly the forward pass's mask without storing it. The key changes
/// every mini-batch and comes from the model's seeded generator.
/// </summary>
/// <remarks>
/// The hash is MurmurHash3's 32-bit finaliser applied to the index mixed with each half of the key;
/// its top 24 bits are a uniform draw u, and the unit is kept when u ≥ rate (so P(keep) = 1 − rate,
/// to within 2⁻²⁴).
/// </remarks>
internal static class DropoutMask
{
    /// <summary>The rate as a threshold on 24-bit draws.</summary>
    public static uint Threshold(float rate) => (uint)Math.Round(rate * (1 << 24));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ulong key, uint index)
    {
        uint h = index * 0x9E3779B1u ^ (uint)key;
        h = Mix(h);
        h ^= (uint)(key >> 32);
        return Mix(h);
    }

    /// <summary>1 / (1 − rate) if element <paramref name="index"/> is kept, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scale(in DropoutArguments dropout, uint index) =>
        Hash(dropout.Key, index) >> 8 >= Threshold(dropout.Rate) ? 1f / (1f - dropout.Rate) : 0f;

    /// <summary><see cref="Scale(in DropoutArguments, uint)"/> for the register of elements starting at <paramref name="firstIndex"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Scale<TSimd, TVector>(in DropoutArguments dropout, uint firstIndex)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        uint threshold = Threshold(dropout.Rate);
        TVector kept = TSimd.Broadcast(1f / (1f - dropout.Rate));
        // typeof tests on a struct type argument are constants to the JIT: one branch survives per instantiation.
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512<uint> h = Vector512.Create(firstIndex) + Vector512<uint>.Indices;
            h = Mix(h * 0x9E3779B1u ^ Vector512.Create((uint)dropout.Key));
            h = Mix(h ^ Vector512.Create((uint)(dropout.Key >> 32)));
            Vector512<float> keep = Vector512.GreaterThanOrEqual(Vector512.ShiftRightLogical(h, 8), Vector512.Create(threshold)).AsSingle();
            Vector512<float> scale = Vector512.ConditionalSelect(keep, Unsafe.As<TVector, Vector512<float>>(ref kept), Vector512<float>.Zero);
            return Unsafe.As<Vector512<float>, TVector>(ref scale);
        }
        if (typeof(TVector) == typeof(Vector256<float>))
        {
            Vector256<uint> h = Vector256.Create(firstIndex) + Vector256<uint>.Indices;
            h = Mix(h * 0x9E3779B1u ^ Vector256.Create((uint)dropout.Key));
            h = Mix(h ^ Vector256.Create((uint)(dropout.Key >> 32)));
            Vector256<float> keep = Vector256.GreaterThanOrEqual(Vector256.ShiftRightLogical(h, 8), Vector256.Create(threshold)).AsSingle();
            Vector256<float> scale = Vector256.ConditionalSelect(keep, Unsafe.As<TVector, Vector256<float>>(ref kept), Vector256<float>.Zero);
            return Unsafe.As<Vector256<float>, TVector>(ref scale);
        }
        if (typeof(TVector) == typeof(Vector<float>))
        {
            Vector<uint> h = new Vector<uint>(firstIndex) + Vector<uint>.Indices;
            h = Mix(h * 0x9E3779B1u ^ new Vector<uint>((uint)dropout.Key));
            h = Mix(h ^ new Vector<uint>((uint)(dropout.Key >> 32)));
            Vector<float> keep = Vector.AsVectorSingle(Vector.GreaterThanOrEqual(Vector.ShiftRightLogical(h, 8), new Vector<uint>(threshold)));
            Vector<float> scale = Vector.ConditionalSelect(keep, Unsafe.As<TVector, Vector<float>>(ref kept), Vector<float>.Zero);
            return Unsafe.As<Vector<float>, TVector>(ref scale);
        }
        throw new NotSupportedException($"No dropout mask for {typeof(TVector)}.");
    }

    // MurmurHash3's fmix32, once per register type.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        return h ^ (h >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Mix(Vector512<uint> h)
    {
        h ^= Vector512.ShiftRightLogical(h, 16);
        h *= 0x85EBCA6Bu;
        h ^= Vector512.ShiftRightLogical(h, 13);
        h *= 0xC2B2AE35u;
        return h ^ Vector512.ShiftRightLogical(h, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix(Vector256<uint> h)
    {
        h ^= Vector256.ShiftRightLogical(h, 16);
        h *= 0x85EBCA6Bu;
        h ^= Vector256.ShiftRightLogical(h, 13);
        h *= 0xC2B2AE35u;
        return h ^ Vector256.ShiftRightLogical(h, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Mix(Vector<uint> h)
    {
        h ^= Vector.ShiftRightLogical(h, 16);
        h *= 0x85EBCA6Bu;
        h ^= Vector.ShiftRightLogical(h, 13);
        h *= 0xC2B2AE35u;
        return h ^ Vector.ShiftRightLogical(h, 16);
    }
}
