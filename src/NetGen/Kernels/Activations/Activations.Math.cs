using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// Elementary functions the activations need and .NET has no vector form of (or no accurate one),
/// written once, generic over <see cref="ISimd{TSelf, TVector}"/>. Scalar code calls them with
/// <see cref="ScalarLane"/>, so the scalar and vector forms of an activation evaluate the same formula.
/// </summary>
internal static class ActivationMath
{
    /// <summary>
    /// ln(1 + u) for u ≥ 0, accurate to a few ulp even where u is far below float's ε, where
    /// ln(1 ⊕ u) would lose every digit. Goldberg's trick (<i>What every computer scientist should know
    /// about floating-point arithmetic</i>, 1991, theorem 4): with w = 1 ⊕ u rounded,
    /// ln(1 + u) = ln(w) · u / (w − 1), since the rounding error of w cancels in the ratio; where w = 1, ln(1 + u) = u.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Log1p<TSimd, TVector>(TVector u)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector w = TSimd.Add(TSimd.Broadcast(1f), u);
        TVector wMinusOne = TSimd.Subtract(w, TSimd.Broadcast(1f));
        // Lanes with w = 1 divide 0 by 0 here; the select discards them.
        TVector corrected = TSimd.Divide(TSimd.Multiply(TSimd.Log(w), u), wMinusOne);
        return TSimd.SelectWherePositive(wMinusOne, corrected, u);
    }

    /// <summary>
    /// e^x within 1 ulp (0.998 at worst over [−87.3, 88.7], 9.5 % of results not the nearest float; below 2⁻¹²⁶ to the
    /// precision a subnormal has): Cephes' <c>expf</c> (S. L. Moshier). x = n ln 2 + r with n = round(x / ln 2), ln 2
    /// split in two so r is exact, |r| ≤ ½ ln 2; e^r ≈ 1 + r + r² P(r) with P of degree 5; then 2ⁿ in two factors, so
    /// that n from −150 to 128 scales in range (2⁻⁷⁵ · 2⁻⁷⁵ rounds once, into the subnormals or 0; 2⁶⁴ · 2⁶⁴ overflows to
    /// ∞ where e^x does). NaN stays NaN. The scalar forms of sigmoid, SiLU and the softplus and arsinh derivatives run
    /// this same formula through <see cref="ScalarLane"/>, so for them a scalar tail gives the bits a vector lane would.
    /// </summary>
    /// <remarks>
    /// .NET's own <c>Vector512.Exp</c> and <c>Vector256.Exp</c> for floats widen to double and evaluate a double
    /// polynomial on each half; in a sigmoid epilogue that made the whole product markedly slower, while this float
    /// form costs about what the identity does (docs/performance.md, exp).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Exp<TSimd, TVector>(TVector x)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        // Beyond these e^x is ∞ or rounds to 0 anyway; within them n stays in [−150, 128]. Min and Max keep NaN.
        x = TSimd.Min(TSimd.Max(x, TSimd.Broadcast(-104f)), TSimd.Broadcast(89f));
        TVector n = TSimd.Round(TSimd.Multiply(x, TSimd.Broadcast(1.44269504088896341f)));
        TVector r = TSimd.MultiplyAdd(n, TSimd.Broadcast(-0.693359375f), x);
        r = TSimd.MultiplyAdd(n, TSimd.Broadcast(2.12194440e-4f), r);
        TVector p = TSimd.Broadcast(1.9875691500e-4f);
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(1.3981999507e-3f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(8.3334519073e-3f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(4.1665795894e-2f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(1.6666665459e-1f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(5.0000001201e-1f));
        TVector er = TSimd.Add(TSimd.MultiplyAdd(p, TSimd.Multiply(r, r), r), TSimd.Broadcast(1f));
        TVector half = TSimd.Round(TSimd.Multiply(n, TSimd.Broadcast(0.5f)));
        return TSimd.Multiply(TSimd.Multiply(er, TSimd.PowerOfTwo(half)), TSimd.PowerOfTwo(TSimd.Subtract(n, half)));
    }

    /// <summary>
    /// e^x − 1 for x ≤ 0, accurate relatively even where x is tiny, where e^x − 1 formed directly keeps
    /// only the rounding error of e^x. Kahan's trick (Higham, <i>Accuracy and Stability of Numerical
    /// Algorithms</i>, 2nd ed., §1.14.1): with u = e^x rounded, e^x − 1 = (u − 1) · x / ln u, since ln u
    /// recovers the argument u is exact for and the ratio cancels the rounding; where u = 1, e^x − 1 = x.
    /// Below −16, e^x is under 1.2e-7 and u − 1 is as good, so ln u of a tiny u is never needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpMinusOne<TSimd, TVector>(TVector x)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector u = TSimd.Exp(x);
        TVector uMinusOne = TSimd.Subtract(u, TSimd.Broadcast(1f));
        // Lanes with u = 1 divide 0 by 0 here, and lanes below −16 may take ln of 0; the selects discard both.
        TVector corrected = TSimd.Divide(TSimd.Multiply(uMinusOne, x), TSimd.Log(u));
        TVector nearZero = TSimd.SelectWhereNegative(uMinusOne, corrected, x);
        return TSimd.SelectWherePositive(TSimd.Add(x, TSimd.Broadcast(16f)), nearZero, uMinusOne);
    }

    /// <summary>
    /// arctan z, within 3 ulp: Cephes' <c>atanf</c> (S. L. Moshier). The argument is reduced to
    /// |t| ≤ tan(π/8) through arctan x = π/2 + arctan(−1/x) above tan(3π/8) and
    /// arctan x = π/4 + arctan((x − 1)/(x + 1)) above tan(π/8), where an odd degree-9 polynomial fits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Atan<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        const float TanThreeEighthsPi = 2.414213562373095f, TanEighthPi = 0.4142135623730950f;
        TVector one = TSimd.Broadcast(1f);
        TVector x = TSimd.Abs(z);
        // Every lane computes all three reductions; the selects keep the one that applies (the others may be ±∞ or NaN).
        TVector aboveThreeEighths = TSimd.Subtract(x, TSimd.Broadcast(TanThreeEighthsPi));
        TVector aboveEighth = TSimd.Subtract(x, TSimd.Broadcast(TanEighthPi));
        TVector t = TSimd.SelectWherePositive(aboveThreeEighths, TSimd.Divide(TSimd.Broadcast(-1f), x),
            TSimd.SelectWherePositive(aboveEighth, TSimd.Divide(TSimd.Subtract(x, one), TSimd.Add(x, one)), x));
        TVector offset = TSimd.SelectWherePositive(aboveThreeEighths, TSimd.Broadcast(MathF.PI / 2),
            TSimd.SelectWherePositive(aboveEighth, TSimd.Broadcast(MathF.PI / 4), TSimd.Zero));

        TVector s = TSimd.Multiply(t, t);
        TVector p = TSimd.MultiplyAdd(TSimd.Broadcast(8.05374449538e-2f), s, TSimd.Broadcast(-1.38776856032e-1f));
        p = TSimd.MultiplyAdd(p, s, TSimd.Broadcast(1.99777106478e-1f));
        p = TSimd.MultiplyAdd(p, s, TSimd.Broadcast(-3.33329491539e-1f));
        TVector magnitude = TSimd.Add(offset, TSimd.MultiplyAdd(TSimd.Multiply(p, s), t, t));
        return TSimd.SelectWhereNegative(z, TSimd.Subtract(TSimd.Zero, magnitude), magnitude);
    }

    /// <summary>
    /// Q(x) = P(N(0, 1) &gt; x) = ½ erfc(x / √2) for x ≥ 0, the upper tail of the standard normal
    /// distribution, with relative error below 1.2e-7 for every x: the Chebyshev fit of
    /// <i>Numerical Recipes in C</i> (2nd ed., §6.2, <c>erfcc</c>), erfc(y) = t · exp(−y² + P(t)),
    /// t = 1 / (1 + y/2). Relative accuracy in the tail is why this fit and not Abramowitz and Stegun 7.1.26,
    /// whose 1.5e-7 is an absolute bound: its erfc is off by 3.5 % by y = 9.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector StandardNormalTail<TSimd, TVector>(TVector x)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector y = TSimd.Multiply(x, TSimd.Broadcast(0.70710678118654752f)); // x / √2
        TVector t = TSimd.Divide(TSimd.Broadcast(1f), TSimd.MultiplyAdd(y, TSimd.Broadcast(0.5f), TSimd.Broadcast(1f)));
        TVector p = TSimd.MultiplyAdd(TSimd.Broadcast(0.17087277f), t, TSimd.Broadcast(-0.82215223f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(1.48851587f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(-1.13520398f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(0.27886807f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(-0.18628806f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(0.09678418f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(0.37409196f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(1.00002368f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Broadcast(-1.26551223f));
        // −y² + P(t): y² overflows to ∞ only where the tail is 0 anyway.
        TVector exponent = TSimd.Subtract(p, TSimd.Multiply(y, y));
        return TSimd.Multiply(TSimd.Multiply(t, TSimd.Exp(exponent)), TSimd.Broadcast(0.5f));
    }
}

/// <summary>
/// One float as a one-lane vector: lets scalar code run the <see cref="ActivationMath"/> formulas
/// that the vector code runs, rather than a second copy of their coefficients.
/// </summary>
internal readonly struct ScalarLane : ISimd<ScalarLane, float>
{
    public static int Width => 1;

    public static int RegisterCount => 16;

    public static float Zero => 0f;

    public static float Broadcast(float value) => value;

    public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b) => MathF.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float value) => MathF.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float value) => MathF.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float value) => ActivationMath.Exp<ScalarLane, float>(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float value) => MathF.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float PowerOfTwo(float integer) => BitConverter.Int32BitsToSingle(((int)integer + 127) << 23);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float value) => MathF.Log(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Cos(float value) => MathF.Cos(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectWherePositive(float value, float ifPositive, float otherwise) => value > 0f ? ifPositive : otherwise;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectWhereNegative(float value, float ifNegative, float otherwise) => value < 0f ? ifNegative : otherwise;

    public static float Sum(float value) => value;
}
