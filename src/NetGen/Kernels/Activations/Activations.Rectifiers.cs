using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

// ReLU's relatives: the identity for z > 0 (or z ≥ 0), something small, smooth or saturating below.
// Each keeps z's sign in a, so a' can be read from a and none of them keeps z.

/// <summary>
/// Leaky ReLU (Maas et al. 2013): a = z for z ≥ 0, α z below, with slope α = <typeparamref name="TSlope"/>
/// (0.01 by default, <see cref="DefaultLeakyReLUSlope"/>); a' = 1 where a &gt; 0, else α, taking α at the kink.
/// </summary>
/// <remarks>
/// Unlike ReLU it passes a small gradient below zero, so a unit pushed there can recover.
/// Requires α ≥ 0, which keeps a's sign equal to z's so that a' can be read from a; the generator
/// accepts 0 ≤ α &lt; 1 (0 is ReLU, 1 the identity).
/// </remarks>
public readonly struct LeakyReLU<TSlope> : IActivation
    where TSlope : struct, IActivationParameter
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z < 0f ? TSlope.Value * z : z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWhereNegative(z, TSimd.Multiply(z, TSimd.Broadcast(TSlope.Value)), z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => a > 0f ? 1f : TSlope.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWherePositive(a, TSimd.Broadcast(1f), TSimd.Broadcast(TSlope.Value));
}

/// <summary>
/// Exponential linear unit, ELU (Clevert et al. 2015): a = z for z &gt; 0, α (e^z − 1) otherwise, α &gt; 0
/// (<typeparamref name="TAlpha"/>; 1 by default, <see cref="DefaultELUAlpha"/>);
/// a' = 1 for z &gt; 0, α e^z = a + α otherwise.
/// </summary>
/// <remarks>
/// Saturates at −α below zero, which pushes mean activations towards zero. With α = 1, a' is
/// continuous at 0; with any other α it jumps there, from α to 1. e^z − 1 is taken with
/// <see cref="ActivationMath.ExpMinusOne{TSimd, TVector}"/>, so a is relatively accurate just below 0 too.
/// </remarks>
public readonly struct ELU<TAlpha> : IActivation
    where TAlpha : struct, IActivationParameter
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z > 0f ? z : TAlpha.Value * ActivationMath.ExpMinusOne<ScalarLane, float>(z);

    /// <summary>e^min(z, 0) − 1: the exponential is never taken of a large z, whose lane the select discards.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector below = TSimd.Multiply(TSimd.Broadcast(TAlpha.Value), ActivationMath.ExpMinusOne<TSimd, TVector>(TSimd.Min(z, TSimd.Zero)));
        return TSimd.SelectWherePositive(z, z, below);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => a > 0f ? 1f : a + TAlpha.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWherePositive(a, TSimd.Broadcast(1f), TSimd.Add(a, TSimd.Broadcast(TAlpha.Value)));
}

/// <summary>
/// Scaled ELU, SELU (Klambauer et al. 2017): a = λ z for z &gt; 0, λ α (e^z − 1) otherwise, with the
/// paper's λ ≈ 1.0507 and α ≈ 1.6733; a' = λ for z &gt; 0, λ α e^z = a + λ α otherwise.
/// </summary>
/// <remarks>
/// λ and α are fixed: they are the values for which activations with zero mean and unit variance keep
/// them from layer to layer (with LeCun-normal weights), the self-normalising property. They are
/// PyTorch's constants to float precision. a' jumps at 0, from λα ≈ 1.758 to λ.
/// </remarks>
public readonly struct SELU : IActivation
{
    /// <summary>λ, the scale.</summary>
    public const float Scale = 1.0507009873554804934193349852946f;

    /// <summary>α, the ELU parameter inside the scale.</summary>
    public const float Alpha = 1.6732632423543772848170429916717f;

    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => Scale * ELU<AlphaParameter>.Forward(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Multiply(TSimd.Broadcast(Scale), ELU<AlphaParameter>.Forward<TSimd, TVector>(z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => a > 0f ? Scale : a + Scale * Alpha;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWherePositive(a, TSimd.Broadcast(Scale), TSimd.Add(a, TSimd.Broadcast(Scale * Alpha)));

    private readonly struct AlphaParameter : IActivationParameter
    {
        public static float Value => Alpha;
    }
}

/// <summary>
/// Inverse square root linear unit, ISRLU (Carlile et al. 2017): a = z for z ≥ 0, z / √(1 + α z²) below,
/// α &gt; 0 (<typeparamref name="TAlpha"/>; 1 by default, <see cref="DefaultISRUAlpha"/>);
/// a' = 1 for z ≥ 0, (1 / √(1 + α z²))³ = (1 − α a²)^(3/2) below.
/// </summary>
/// <remarks>
/// ELU's shape without the exponential: below zero it is <see cref="ISRU{TAlpha}"/>, saturating at −1/√α.
/// Both a' and a'' are continuous at 0.
/// </remarks>
public readonly struct ISRLU<TAlpha> : IActivation
    where TAlpha : struct, IActivationParameter
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z < 0f ? ISRU<TAlpha>.Forward(z) : z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWhereNegative(z, ISRU<TAlpha>.Forward<TSimd, TVector>(z), z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => a < 0f ? ISRU<TAlpha>.Derivative(z, a) : 1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWhereNegative(a, ISRU<TAlpha>.Derivative<TSimd, TVector>(z, a), TSimd.Broadcast(1f));
}
