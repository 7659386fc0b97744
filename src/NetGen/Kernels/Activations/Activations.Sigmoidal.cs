using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

// S-shaped activations from the course's table, besides sigmoid and tanh. Every one's derivative
// can be written through its output a, so none of them keeps z.

/// <summary>
/// Binary step (Heaviside): a = 1 where z ≥ 0, else 0; a' = 0 wherever it exists (at z = 0 it does not).
/// </summary>
/// <remarks>
/// Because a' = 0, back-propagation passes nothing through this activation: the layer's own weights
/// and every layer below it receive zero gradients and stay as initialised. Gradient descent trains
/// only the layers above it. It is the perceptron's threshold unit, for weights trained by other
/// rules or loaded.
/// </remarks>
public readonly struct BinaryStep : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z < 0f ? 0f : 1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWhereNegative(z, TSimd.Zero, TSimd.Broadcast(1f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Zero;
}

/// <summary>a = arctan z ∈ (−π/2, π/2); a' = 1 / (1 + z²) = cos² a, since 1 + tan² a = 1 / cos² a.</summary>
/// <remarks>The vector form is Cephes' arctangent (<see cref="ActivationMath.Atan{TSimd, TVector}"/>); .NET has no vector one.</remarks>
public readonly struct ArcTan : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => MathF.Atan(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => ActivationMath.Atan<TSimd, TVector>(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a)
    {
        float cosine = MathF.Cos(a);
        return cosine * cosine;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector cosine = TSimd.Cos(a);
        return TSimd.Multiply(cosine, cosine);
    }
}

/// <summary>
/// a = arsinh z = ln(z + √(z² + 1)), odd and unbounded but only logarithmically;
/// a' = 1 / √(1 + z²) = 1 / cosh a, since cosh(arsinh z) = √(1 + z²).
/// </summary>
/// <remarks>
/// The derivative is evaluated as 2e^−|a| / (1 + e^−2|a|), which cannot overflow. The vector form
/// works on x = |z| and restores the sign: ln(1 + x + x² / (1 + √(1 + x²))) (the same number, with
/// ln(1 + u) evaluated accurately for small u) up to 2¹², and ln x + ln 2 above, where the two differ
/// by 1 / (4x²) &lt; 1.5e-8, so x² never overflows.
/// </remarks>
public readonly struct ArSinh : IActivation
{
    /// <summary>Above this |z| the vector form uses arsinh x = ln 2x (relative error below 2e-9).</summary>
    private const float LargeArgument = 4096f;

    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => MathF.Asinh(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector one = TSimd.Broadcast(1f);
        TVector x = TSimd.Abs(z);
        TVector xSquared = TSimd.Multiply(x, x);
        TVector moderate = ActivationMath.Log1p<TSimd, TVector>(
            TSimd.Add(x, TSimd.Divide(xSquared, TSimd.Add(one, TSimd.Sqrt(TSimd.Add(one, xSquared))))));
        TVector large = TSimd.Add(TSimd.Log(x), TSimd.Broadcast(0.693147180559945f)); // ln x + ln 2
        TVector magnitude = TSimd.SelectWherePositive(TSimd.Subtract(x, TSimd.Broadcast(LargeArgument)), large, moderate);
        return TSimd.SelectWhereNegative(z, TSimd.Subtract(TSimd.Zero, magnitude), magnitude);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => Derivative<ScalarLane, float>(z, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector e = TSimd.Exp(TSimd.Subtract(TSimd.Zero, TSimd.Abs(a)));
        return TSimd.Divide(TSimd.Add(e, e), TSimd.MultiplyAdd(e, e, TSimd.Broadcast(1f)));
    }
}

/// <summary>
/// Softsign, also Elliott's sigmoid: a = z / (1 + |z|) ∈ (−1, 1); a' = 1 / (1 + |z|)² = (1 − |a|)²,
/// since 1 − |a| = 1 / (1 + |z|).
/// </summary>
/// <remarks>Like tanh, but approaching ±1 polynomially rather than exponentially, so it saturates later.</remarks>
public readonly struct Softsign : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z / (1f + MathF.Abs(z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Divide(z, TSimd.Add(TSimd.Broadcast(1f), TSimd.Abs(z)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a)
    {
        float distance = 1f - MathF.Abs(a);
        return distance * distance;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector distance = TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Abs(a));
        return TSimd.Multiply(distance, distance);
    }
}

/// <summary>
/// Inverse square root unit (Carlile et al. 2017): a = z / √(1 + α z²) ∈ (−1/√α, 1/√α), α &gt; 0
/// (<typeparamref name="TAlpha"/>; 1 by default, <see cref="DefaultISRUAlpha"/>);
/// a' = (1 / √(1 + α z²))³ = (1 − α a²)^(3/2), since 1 − α a² = 1 / (1 + α z²).
/// </summary>
/// <remarks>
/// Evaluated as t / √(1/n² + α t²) with n = max(|z|, 1) and t = z / n: the same number, but z² is
/// never formed, so it cannot overflow for large |z|. In the derivative 1 − α a² is clamped at 0,
/// since rounding can push α a² a hair past 1 where a saturates.
/// </remarks>
public readonly struct ISRU<TAlpha> : IActivation
    where TAlpha : struct, IActivationParameter
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => Forward<ScalarLane, float>(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector one = TSimd.Broadcast(1f);
        TVector n = TSimd.Max(TSimd.Abs(z), one);
        TVector t = TSimd.Divide(z, n);
        TVector inverseNSquared = TSimd.Divide(one, TSimd.Multiply(n, n));
        return TSimd.Divide(t, TSimd.Sqrt(TSimd.MultiplyAdd(TSimd.Broadcast(TAlpha.Value), TSimd.Multiply(t, t), inverseNSquared)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a)
    {
        float s = MathF.Max(1f - TAlpha.Value * a * a, 0f);
        return s * MathF.Sqrt(s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        // s = 1 − α a² = 1 / (1 + α z²); a' = s^(3/2).
        TVector s = TSimd.Max(TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Multiply(TSimd.Broadcast(TAlpha.Value), TSimd.Multiply(a, a))), TSimd.Zero);
        return TSimd.Multiply(s, TSimd.Sqrt(s));
    }
}

/// <summary>
/// Square nonlinearity, SQNL (Wuraola and Patel 2018): a = z − z²/4 on [0, 2], z + z²/4 on [−2, 0), ±1 beyond —
/// that is, a = c − c|c|/4 with c = z clamped to [−2, 2]; a' = 1 ∓ z/2 inside, 0 beyond = √(1 − |a|),
/// since 1 − |a| = (1 − |c|/2)².
/// </summary>
/// <remarks>
/// tanh's shape from two parabolas, with no exponential. Reading a' from a costs accuracy only where a'
/// is tiny: a rounds to ±1 once (1 − |z|/2)² is below half an ulp of 1, so a' is off by at most
/// √(2⁻²⁵) ≈ 1.7e-4, just short of |z| = 2, where the true a' is at most that.
/// </remarks>
public readonly struct SQNL : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z)
    {
        float c = Math.Clamp(z, -2f, 2f);
        return c - c * MathF.Abs(c) / 4f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector c = TSimd.Max(TSimd.Min(z, TSimd.Broadcast(2f)), TSimd.Broadcast(-2f));
        return TSimd.MultiplyAdd(TSimd.Multiply(c, TSimd.Abs(c)), TSimd.Broadcast(-0.25f), c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => MathF.Sqrt(1f - MathF.Abs(a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Sqrt(TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Abs(a)));
}
