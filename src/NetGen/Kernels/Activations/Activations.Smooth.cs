using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

// Smooth approximations of ReLU. GELU and SiLU dip below zero and come back, so z cannot be read
// back from a: they keep z for the backward pass. Softplus is monotonic and does not.

/// <summary>
/// Gaussian error linear unit, GELU (Hendrycks and Gimpel 2016), in its exact form, as PyTorch computes
/// it by default: a = z Φ(z), Φ(z) = ½ (1 + erf(z / √2)) the standard normal distribution function;
/// a' = Φ(z) + z φ(z), φ(z) = e^(−z²/2) / √(2π). The derivative needs z.
/// </summary>
/// <remarks>
/// Φ comes from <see cref="ActivationMath.StandardNormalTail{TSimd, TVector}"/>, Φ(z) = Q(−z) below zero and
/// 1 − Q(z) above, with relative error under 1.2e-7, so a is accurate relatively even far out in the
/// left tail, where it is tiny. Not the tanh approximation ½ z (1 + tanh(√(2/π) (z + 0.044715 z³))):
/// that is a different function, up to 4.7e-4 away, and weights trained with one are slightly off with the other.
/// </remarks>
public readonly struct GELU : IActivation
{
    /// <summary>1 / √(2π), φ's normalising constant.</summary>
    private const float InverseSqrtTwoPi = 0.398942280401432678f;

    public static bool DerivativeNeedsInput => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => Forward<ScalarLane, float>(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Multiply(z, NormalDistribution<TSimd, TVector>(z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => Derivative<ScalarLane, float>(z, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        // φ(z) = e^(−z²/2) / √(2π); z² overflowing to ∞ gives φ = 0, as it should.
        TVector density = TSimd.Multiply(
            TSimd.Exp(TSimd.Multiply(TSimd.Multiply(z, z), TSimd.Broadcast(-0.5f))), TSimd.Broadcast(InverseSqrtTwoPi));
        return TSimd.MultiplyAdd(z, density, NormalDistribution<TSimd, TVector>(z));
    }

    /// <summary>Φ(z) = Q(|z|) for z &lt; 0, 1 − Q(|z|) otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector NormalDistribution<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector tail = ActivationMath.StandardNormalTail<TSimd, TVector>(TSimd.Abs(z));
        return TSimd.SelectWhereNegative(z, tail, TSimd.Subtract(TSimd.Broadcast(1f), tail));
    }
}

/// <summary>
/// Sigmoid linear unit, SiLU, also swish with β = 1 (Elfwing et al. 2017; Ramachandran et al. 2017):
/// a = z σ(z) = z / (1 + e^−z); a' = σ(z) + a (1 − σ(z)) = σ(z) (1 + z (1 − σ(z))). The derivative needs z.
/// </summary>
/// <remarks>For very negative z, e^−z overflows to ∞, σ(z) to 0, and a to −0, the correct limit; nothing becomes NaN.</remarks>
public readonly struct SiLU : IActivation
{
    public static bool DerivativeNeedsInput => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => Forward<ScalarLane, float>(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Divide(z, TSimd.Add(TSimd.Broadcast(1f), TSimd.Exp(TSimd.Subtract(TSimd.Zero, z))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a)
    {
        float sigma = Sigmoid.Forward(z);
        return sigma * (1f + z * (1f - sigma));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector one = TSimd.Broadcast(1f);
        TVector sigma = Sigmoid.Forward<TSimd, TVector>(z);
        return TSimd.Multiply(sigma, TSimd.MultiplyAdd(z, TSimd.Subtract(one, sigma), one));
    }
}

/// <summary>
/// Softplus: a = ln(1 + e^z) &gt; 0, a smooth ReLU; a' = σ(z) = 1 − e^−a, since e^a = 1 + e^z.
/// </summary>
/// <remarks>
/// Evaluated as max(z, 0) + ln(1 + e^−|z|): the exponent is never positive, so nothing overflows, and
/// ln(1 + u) is taken accurately for small u (<see cref="ActivationMath.Log1p{TSimd, TVector}"/>), so a stays
/// relatively accurate far below zero, where it is tiny. The derivative 1 − e^−a is accurate to about 1e-7 absolutely.
/// </remarks>
public readonly struct Softplus : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => Forward<ScalarLane, float>(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector e = TSimd.Exp(TSimd.Subtract(TSimd.Zero, TSimd.Abs(z)));
        return TSimd.Add(TSimd.Max(z, TSimd.Zero), ActivationMath.Log1p<TSimd, TVector>(e));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => Derivative<ScalarLane, float>(z, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Exp(TSimd.Subtract(TSimd.Zero, a)));
}
