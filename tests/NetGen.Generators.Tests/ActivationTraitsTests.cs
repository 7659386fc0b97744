using System.Reflection;
using NetGen.Generators.Model;
using ActivationKind = NetGen.Generators.Model.Activation;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// The generator's table of activations (<see cref="ActivationTraits"/>) against the runtime it emits
/// calls to, which it cannot reference: the enum it mirrors, the struct it names, whether that struct's
/// derivative needs z (a layer that keeps no z would make the kernels throw), and the default
/// parameter it names.
/// </summary>
public sealed class ActivationTraitsTests
{
    private static readonly Assembly Runtime = typeof(Activation).Assembly;

    public static TheoryData<ActivationKind> Kinds() => new(Enum.GetValues<ActivationKind>());

    /// <summary>
    /// Every activation fused into the kernels: not softmax, which runs as its own pass and only on the
    /// last layer, nor the unit-wise rectifiers (<see cref="ActivationTraits.OwnPass"/>), which run as
    /// passes of their own after an identity product.
    /// </summary>
    public static TheoryData<ActivationKind> ElementWiseKinds() =>
        new(Enum.GetValues<ActivationKind>().Where(kind => kind != ActivationKind.Softmax && ActivationTraits.Of(kind).OwnPass is null));

    /// <summary>The rectifiers that run as passes of their own.</summary>
    public static TheoryData<ActivationKind> OwnPassKinds() =>
        new(Enum.GetValues<ActivationKind>().Where(kind => ActivationTraits.Of(kind).OwnPass is not null));

    [Theory]
    [MemberData(nameof(OwnPassKinds))]
    public void Unit_wise_rectifiers_keep_z_and_compile_hidden_and_as_output_with_batch_norm_and_dropout(ActivationKind kind)
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(5, Activation.{{kind}})]
            [BatchNorm]
            [Dropout(0.3)]
            [Dense(6, Activation.{{kind}})]
            [Dense(3, Activation.{{kind}})]
            public partial class Every{{kind}};
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
        string generated = Assert.Single(run.Sources).SourceText.ToString();
        Assert.True(ActivationTraits.Of(kind).NeedsPreActivation);
        Assert.Contains($"UnitActivations.{ActivationTraits.Of(kind).OwnPass}Forward(", generated);
        Assert.Contains($"UnitActivations.{ActivationTraits.Of(kind).OwnPass}Backward(", generated);
    }

    [Fact]
    public void ActivationKind_mirrors_the_runtime_enum_by_name_and_number()
    {
        Assert.Equal(
            Enum.GetValues<Activation>().Select(activation => $"{activation} = {(int)activation}"),
            Enum.GetValues<ActivationKind>().Select(activation => $"{activation} = {(int)activation}"));
    }

    [Theory]
    [MemberData(nameof(ElementWiseKinds))]
    public void Traits_agree_with_the_runtime_struct(ActivationKind kind)
    {
        ActivationTraits traits = ActivationTraits.Of(kind);
        Type kernel;
        if (traits.Parameter is { } parameter)
        {
            Type defaultType = RuntimeType(parameter.DefaultType);
            Assert.Equal(parameter.Default, (float)StaticProperty(defaultType, "Value"));
            Assert.True(parameter.IsValid(parameter.Default), $"{traits.Name}'s default {parameter.Default} is outside its own range.");
            kernel = RuntimeType(traits.KernelType + "`1").MakeGenericType(defaultType);
        }
        else
        {
            kernel = RuntimeType(traits.KernelType);
        }
        Assert.Equal(traits.NeedsPreActivation, (bool)StaticProperty(kernel, "DerivativeNeedsInput"));
    }

    [Theory]
    [MemberData(nameof(ElementWiseKinds))]
    public void Every_activation_generates_code_that_compiles_with_and_without_alpha(ActivationKind kind)
    {
        // As hidden layer and as output; with Alpha given where the activation takes one.
        bool takesAlpha = ActivationTraits.Of(kind).Parameter is not null;
        string alpha = takesAlpha ? ", Alpha = 0.5" : "";
        GeneratorRun run = GeneratorHarness.Run($$"""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(5, Activation.{{kind}}{{alpha}})]
            [Dense(3, Activation.{{kind}})]
            public partial class Every{{kind}};
            """);

        Assert.All(run.GeneratorDiagnostics, diagnostic => Assert.Equal("NG0026", diagnostic.Id));
        string generated = Assert.Single(run.Sources).SourceText.ToString();
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
        Assert.Equal(takesAlpha, generated.Contains("private readonly struct Dense1Alpha : global::NetGen.Kernels.IActivationParameter"));
        Assert.Equal(ActivationTraits.Of(kind).NeedsPreActivation, generated.Contains("_dense1PreActivation = new float["));
    }

    private static Type RuntimeType(string name) =>
        Runtime.GetType("NetGen.Kernels." + name) ?? throw new Xunit.Sdk.XunitException($"The runtime has no NetGen.Kernels.{name}.");

    private static object StaticProperty(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
