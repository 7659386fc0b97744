using System.Runtime.CompilerServices;

namespace NetGen.Optimizers;

/// <summary>Range checks for optimizer constructors; each throws naming the parameter, its value and the allowed range.</summary>
internal static class HyperParameters
{
    /// <summary>A decay rate or momentum coefficient: in [0, 1), so that old information fades.</summary>
    public static float DecayRate(float value, [CallerArgumentExpression(nameof(value))] string name = "")
        => value >= 0f && value < 1f
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");

    /// <summary>A stabilising ε: positive and finite, so that no division meets 0 / 0.</summary>
    public static float Epsilon(float value, [CallerArgumentExpression(nameof(value))] string name = "")
        => value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite, in (0, ∞).");

    /// <summary>A coefficient that may be switched off: in [0, ∞).</summary>
    public static float NonNegative(float value, [CallerArgumentExpression(nameof(value))] string name = "")
        => value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and not negative, in [0, ∞).");
}
