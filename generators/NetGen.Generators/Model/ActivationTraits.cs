using System;

namespace NetGen.Generators.Model;

/// <summary>
/// What the generator knows about an activation: the runtime struct that computes it, whether its
/// derivative needs z, its parameter if it takes one, and how the generated comments write it.
/// Mirrors the structs in <c>NetGen.Kernels</c> (<c>Activations*.cs</c>), which the generator cannot
/// reference; a test checks that the two agree.
/// </summary>
/// <param name="Name">As messages and generated comments call it, e.g. <c>leaky ReLU</c>.</param>
/// <param name="KernelType">The runtime struct in <c>NetGen.Kernels</c>, without its type argument.</param>
/// <param name="NeedsPreActivation">Mirrors <c>IActivation.DerivativeNeedsInput</c>: the layer keeps z for the backward pass.</param>
/// <param name="Derivative">f' as generated comments show it, through a where the kernel computes it so, else through z.</param>
/// <param name="Parameter">The constant set by <c>Alpha =</c>, or null if the activation takes none.</param>
public sealed record ActivationTraits(string Name, string KernelType, bool NeedsPreActivation, string Derivative, ActivationParameterTraits? Parameter)
{
    /// <summary>
    /// For the rectifiers whose slope depends on the unit or the element (parametric, randomized,
    /// bipolar ReLU): the stem of their <c>UnitActivations</c> methods, which run as a pass of their own
    /// after an identity product and keep z. Null for the activations fused into the kernels.
    /// </summary>
    public string? OwnPass { get; init; }

    private static readonly ActivationParameterTraits Alpha = new(
        "α", "DefaultISRUAlpha", 1f, value => value > 0f && !float.IsInfinity(value), "positive and finite");

    private static readonly ActivationTraits Identity = new("identity", "Identity", false, "1", null);
    private static readonly ActivationTraits Sigmoid = new("sigmoid", "Sigmoid", false, "a (1 − a)", null);
    private static readonly ActivationTraits Tanh = new("tanh", "Tanh", false, "(1 − a²)", null);
    private static readonly ActivationTraits ReLU = new("ReLU", "ReLU", false, "[a > 0]", null);
    // The kernels run softmax's forward as a separate pass (Softmax.Rows) and its backward inside the loss's δ.
    private static readonly ActivationTraits Softmax = new("softmax", "Identity", false, "J_softmax", null);
    private static readonly ActivationTraits BinaryStep = new("binary step", "BinaryStep", false, "0", null);
    private static readonly ActivationTraits ArcTan = new("arctan", "ArcTan", false, "cos² a", null);
    private static readonly ActivationTraits ArSinh = new("arsinh", "ArSinh", false, "(1 / cosh a)", null);
    private static readonly ActivationTraits Softsign = new("softsign", "Softsign", false, "(1 − |a|)²", null);
    private static readonly ActivationTraits ISRU = new("ISRU", "ISRU", false, "(1 − α a²)^(3/2)", Alpha);
    private static readonly ActivationTraits ISRLU = new("ISRLU", "ISRLU", false, "(a < 0 ? (1 − α a²)^(3/2) : 1)", Alpha);
    private static readonly ActivationTraits SQNL = new("SQNL", "SQNL", false, "√(1 − |a|)", null);
    private static readonly ActivationTraits LeakyReLU = new("leaky ReLU", "LeakyReLU", false, "(a > 0 ? 1 : α)", new(
        "slope α", "DefaultLeakyReLUSlope", 0.01f, value => value >= 0f && value < 1f, "at least 0 and less than 1 (0 gives ReLU, 1 the identity)"));
    private static readonly ActivationTraits ELU = new("ELU", "ELU", false, "(a > 0 ? 1 : a + α)", Alpha with { DefaultType = "DefaultELUAlpha" });
    private static readonly ActivationTraits SELU = new("SELU", "SELU", false, "(a > 0 ? λ : a + λα)", null);
    private static readonly ActivationTraits GELU = new("GELU", "GELU", true, "(Φ(z) + z φ(z))", null);
    private static readonly ActivationTraits SiLU = new("SiLU", "SiLU", true, "σ(z) (1 + z (1 − σ(z)))", null);
    private static readonly ActivationTraits Softplus = new("softplus", "Softplus", false, "(1 − e^−a)", null);
    private static readonly ActivationTraits PReLU = new("parametric ReLU", "Identity", true, "(z ≥ 0 ? 1 : αⱼ)", null) { OwnPass = "PReLU" };
    private static readonly ActivationTraits RReLU = new("randomized leaky ReLU", "Identity", true, "(z ≥ 0 ? 1 : r)", null) { OwnPass = "RReLU" };
    private static readonly ActivationTraits BipolarReLU = new("bipolar ReLU", "Identity", true, "(unit even ? [z > 0] : [z < 0])", null) { OwnPass = "BipolarReLU" };

    public static ActivationTraits Of(Activation activation) => activation switch
    {
        Activation.Identity => Identity,
        Activation.Sigmoid => Sigmoid,
        Activation.Tanh => Tanh,
        Activation.ReLU => ReLU,
        Activation.Softmax => Softmax,
        Activation.BinaryStep => BinaryStep,
        Activation.ArcTan => ArcTan,
        Activation.ArSinh => ArSinh,
        Activation.Softsign => Softsign,
        Activation.ISRU => ISRU,
        Activation.ISRLU => ISRLU,
        Activation.SQNL => SQNL,
        Activation.LeakyReLU => LeakyReLU,
        Activation.ELU => ELU,
        Activation.SELU => SELU,
        Activation.GELU => GELU,
        Activation.SiLU => SiLU,
        Activation.Softplus => Softplus,
        Activation.PReLU => PReLU,
        Activation.RReLU => RReLU,
        Activation.BipolarReLU => BipolarReLU,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "An activation the generator has no traits for."),
    };
}

/// <summary>The constant an activation takes from <c>[Dense(…, Alpha = …)]</c>.</summary>
/// <param name="Symbol">How messages and comments name it, e.g. <c>slope α</c>.</param>
/// <param name="DefaultType">The runtime's ready-made <c>IActivationParameter</c> struct holding the default.</param>
/// <param name="Default">The default's value, which <see cref="DefaultType"/> holds.</param>
/// <param name="IsValid">Whether a value (in float, as the kernels use it) is in range.</param>
/// <param name="ValidRange">The range, as the out-of-range message words it after "must be".</param>
public sealed record ActivationParameterTraits(string Symbol, string DefaultType, float Default, Func<float, bool> IsValid, string ValidRange);
