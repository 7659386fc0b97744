using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// An element-wise non-linearity a = f(z), as a struct with static members so that the JIT
/// inlines it into a kernel's loop: that is how the activation fuses into the pass that
/// produces z, and its derivative into the pass that produces dL/da. The vector forms are
/// written once, generic over the register type (<see cref="ISimd{TSelf, TVector}"/>).
/// </summary>
/// <remarks>
/// Where the derivative can be written through the output a (σ' = a(1 − a), tanh' = 1 − a²,
/// ReLU' = [a &gt; 0], arctan' = cos² a) it is, so such a layer keeps only its outputs for the backward pass.
/// The course's other activations are in <c>Activations.*.cs</c>: sigmoidal (binary step, arctan, arsinh,
/// softsign, ISRU, SQNL), rectifiers (leaky ReLU, ELU, SELU, ISRLU) and smooth ReLUs (GELU, SiLU, softplus).
/// </remarks>
public interface IActivation
{
    /// <summary>
    /// Whether f' needs the pre-activation z, not only the output a: true only where z cannot be
    /// recovered from a (GELU and SiLU, which are not monotonic). A layer with such an activation keeps
    /// z as well as a for the backward pass.
    /// </summary>
    static abstract bool DerivativeNeedsInput { get; }

    /// <summary>f(z).</summary>
    static abstract float Forward(float z);

    /// <summary>f(z), lane by lane.</summary>
    static abstract TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct;

    /// <summary>f'(z), given z and a = f(z) (z is only meaningful when <see cref="DerivativeNeedsInput"/>).</summary>
    static abstract float Derivative(float z, float a);

    /// <summary>f'(z) from z and a = f(z), lane by lane.</summary>
    static abstract TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct;
}

/// <summary>a = z; a' = 1.</summary>
public readonly struct Identity : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => 1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Broadcast(1f);
}

/// <summary>a = 1 / (1 + e^−z); a' = a (1 − a).</summary>
public readonly struct Sigmoid : IActivation
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
        return TSimd.Divide(one, TSimd.Add(one, TSimd.Exp(TSimd.Subtract(TSimd.Zero, z))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => a * (1f - a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Multiply(a, TSimd.Subtract(TSimd.Broadcast(1f), a));
}

/// <summary>a = tanh z; a' = 1 − a².</summary>
public readonly struct Tanh : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => MathF.Tanh(z);

    /// <summary>tanh z = sign(z) (1 − e^−2|z|) / (1 + e^−2|z|): the exponent is never positive, so nothing overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector one = TSimd.Broadcast(1f);
        TVector e = TSimd.Exp(TSimd.Multiply(TSimd.Abs(z), TSimd.Broadcast(-2f)));
        TVector magnitude = TSimd.Divide(TSimd.Subtract(one, e), TSimd.Add(one, e));
        return TSimd.SelectWhereNegative(z, TSimd.Subtract(TSimd.Zero, magnitude), magnitude);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => 1f - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Multiply(a, a));
}

/// <summary>a = max(0, z); a' = 1 where z &gt; 0 (equivalently a &gt; 0), else 0, taking 0 at the kink.</summary>
public readonly struct ReLU : IActivation
{
    public static bool DerivativeNeedsInput => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float z) => z > 0f ? z : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Forward<TSimd, TVector>(TVector z)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.Max(z, TSimd.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float a) => a > 0f ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Derivative<TSimd, TVector>(TVector z, TVector a)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct => TSimd.SelectWherePositive(a, TSimd.Broadcast(1f), TSimd.Zero);
}
