using NetGen.Generators.Layers;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Emit;

/// <summary>How a layer with weights and an activation (Dense, Conv2D) names and describes its activation in generated code.</summary>
internal static class ActivationEmit
{
    /// <summary>
    /// The runtime struct that computes the layer's activation, e.g. <c>global::NetGen.Kernels.LeakyReLU&lt;Fc1Alpha&gt;</c>:
    /// a parameterised one takes the layer's own parameter type, or the runtime's default.
    /// Softmax runs as its own pass after an identity product.
    /// </summary>
    public static string KernelType(IActivatedLayer layer)
    {
        ActivationTraits activation = ActivationTraits.Of(layer.Activation);
        if (activation.Parameter is not { } parameter)
        {
            return $"{Kernels}.{activation.KernelType}";
        }
        string argument = layer.Alpha is null ? $"{Kernels}.{parameter.DefaultType}" : ParameterTypeName(layer);
        return $"{Kernels}.{activation.KernelType}<{argument}>";
    }

    /// <summary>The activation as the layer table shows it, with its parameter: <c>leaky ReLU, slope α = 0.2</c>.</summary>
    public static string Text(IActivatedLayer layer)
    {
        ActivationTraits activation = ActivationTraits.Of(layer.Activation);
        return layer.EffectiveAlpha is { } alpha ? $"{activation.Name}, {activation.Parameter!.Symbol} = {Number(alpha)}" : activation.Name;
    }

    /// <summary>", slope α = 0.2" after a forward comment's formula, or "" for an activation without a parameter.</summary>
    public static string ParameterText(IActivatedLayer layer) =>
        layer.EffectiveAlpha is { } alpha ? $", {ActivationTraits.Of(layer.Activation).Parameter!.Symbol} = {Number(alpha)}" : "";

    public static bool KeepsPreActivation(IActivatedLayer layer) => ActivationTraits.Of(layer.Activation).NeedsPreActivation;

    public static string ParameterTypeName(IActivatedLayer layer) => layer.MemberName + "Alpha";

    /// <summary>
    /// An <c>Alpha</c> given in the declaration becomes a type the activation is instantiated with, so the kernels
    /// see it as a constant.
    /// </summary>
    public static void WriteParameterType(CodeWriter writer, IActivatedLayer layer)
    {
        if (layer.Alpha is not { } alpha)
        {
            return;
        }
        ActivationTraits activation = ActivationTraits.Of(layer.Activation);
        writer.Line($"/// <summary>{Capitalize(activation.Name)}'s {activation.Parameter!.Symbol} in {layer.Name}, from <c>Alpha = {Number(alpha)}</c>.</summary>");
        using (writer.Block($"private readonly struct {ParameterTypeName(layer)} : {Kernels}.IActivationParameter"))
        {
            writer.Line($"public static float Value => {FloatLiteral(alpha)};");
        }
        writer.Line();
    }
}
