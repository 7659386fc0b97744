namespace NetGen.Kernels;

/// <summary>
/// A constant an activation is shaped by (leaky ReLU's slope, ELU's α, ISRU's α), given as a type:
/// <c>LeakyReLU&lt;TSlope&gt;</c> reads <c>TSlope.Value</c>, which the JIT folds into the kernel's loop
/// as a literal, so a parameterised activation costs what a fixed one does.
/// </summary>
/// <remarks>
/// The generator emits one private struct per layer that sets <c>Alpha</c> in its <c>[Dense]</c>
/// attribute; layers that do not set it use the ready-made defaults below.
/// </remarks>
public interface IActivationParameter
{
    /// <summary>The constant.</summary>
    static abstract float Value { get; }
}

/// <summary>Leaky ReLU's default slope below zero, 0.01: the course table's, Maas et al.'s (2013) and PyTorch's (Keras's layer defaults to 0.3).</summary>
public readonly struct DefaultLeakyReLUSlope : IActivationParameter
{
    public static float Value => 0.01f;
}

/// <summary>ELU's default α, 1 (Clevert et al. 2015): the value ELU tends to as z → −∞ is −1.</summary>
public readonly struct DefaultELUAlpha : IActivationParameter
{
    public static float Value => 1f;
}

/// <summary>ISRU's and ISRLU's default α, 1 (Carlile et al. 2017): ISRU's outputs then lie in (−1, 1), as tanh's do.</summary>
public readonly struct DefaultISRUAlpha : IActivationParameter
{
    public static float Value => 1f;
}
