using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// An element-wise non-linearity a = f(z), as a struct with static members so that the JIT
/// inlines it into a kernel's loop: that is how the activation fuses into the pass that
/// produces z, and its derivative into the pass that produces dL/da.
/// </summary>
/// <remarks>
/// The derivative is expressed through the output a (σ' = a(1 − a), tanh' = 1 − a², ReLU' = [a &gt; 0]),
/// so a layer keeps only its outputs for the backward pass.
/// </remarks>
public interface IActivation
{
    /// <summary>f(z).</summary>
    static abstract float Forward(float z);

    /// <summary>f(z) for a vector of z.</summary>
    static abstract Vector<float> Forward(Vector<float> z);

    /// <summary>f'(z), written in terms of a = f(z).</summary>
    static abstract float DerivativeFromOutput(float a);

    /// <summary>f'(z) for a vector of outputs a.</summary>
    static abstract Vector<float> DerivativeFromOutput(Vector<float> a);
}

/// <summary>a = z; a' = 1.</summary>
public readonly struct Identity : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Forward(Vector<float> z) => z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivativeFromOutput(float a) => 1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> DerivativeFromOutput(Vector<float> a) => Vector<float>.One;
}

/// <summary>a = 1 / (1 + e^−z); a' = a (1 − a).</summary>
public readonly struct Sigmoid : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => 1f / (1f + MathF.Exp(-z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Forward(Vector<float> z) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivativeFromOutput(float a) => a * (1f - a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> DerivativeFromOutput(Vector<float> a) => a * (Vector<float>.One - a);
}

/// <summary>a = tanh z; a' = 1 − a².</summary>
public readonly struct Tanh : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => MathF.Tanh(z);

    /// <summary>tanh z = sign(z) (1 − e^−2|z|) / (1 + e^−2|z|): the exponent is never positive, so nothing overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Forward(Vector<float> z)
    {
        Vector<float> e = Vector.Exp(Vector.Abs(z) * new Vector<float>(-2f));
        Vector<float> magnitude = (Vector<float>.One - e) / (Vector<float>.One + e);
        return Vector.ConditionalSelect(Vector.LessThan(z, Vector<float>.Zero), -magnitude, magnitude);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivativeFromOutput(float a) => 1f - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> DerivativeFromOutput(Vector<float> a) => Vector<float>.One - a * a;
}

/// <summary>a = max(0, z); a' = 1 where z &gt; 0 (equivalently a &gt; 0), else 0, taking 0 at the kink.</summary>
public readonly struct ReLU : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z > 0f ? z : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Forward(Vector<float> z) => Vector.Max(z, Vector<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivativeFromOutput(float a) => a > 0f ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> DerivativeFromOutput(Vector<float> a) =>
        Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
}
