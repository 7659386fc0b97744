using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> class's attributes into a <see cref="NetworkSpec"/>. The only code that
/// touches symbols and syntax: nothing Roslyn-owned leaves this class.
/// </summary>
internal static class NetworkParser
{
    private const string AttributeNamespace = "NetGen";

    public static Result<NetworkSpec> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        var type = (INamedTypeSymbol)context.TargetSymbol;
        LocationInfo? nameLocation = LocationInfo.From(declaration.Identifier.GetLocation());

        // [Network] written on two partial declarations is the compiler's error CS0579; generate
        // from the first only, so the same file is not added twice.
        AttributeData[] networkAttributes = type.GetAttributes().Where(attribute => IsNetGenType(attribute.AttributeClass, "NetworkAttribute")).ToArray();
        if (networkAttributes.Length > 1 && networkAttributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>() != declaration)
        {
            return new Result<NetworkSpec>(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        if (declaration is RecordDeclarationSyntax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAClass, nameLocation, type.Name));
        }
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, nameLocation, type.Name));
        }
        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticClass, nameLocation, type.Name));
        }
        if (type.IsFileLocal)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalClass, nameLocation, type.Name));
        }
        if (type.ContainingType is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NestedClass, nameLocation, type.Name, type.ContainingType.Name));
        }
        if (type.TypeParameters.Length > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericClass, nameLocation, type.Name));
        }
        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType && !IsNetGenType(baseType, "Model"))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HasBaseClass, nameLocation, type.Name, baseType.ToDisplayString()));
        }

        LossKind loss = LossKind.CrossEntropy;
        LocationInfo? networkLocation = null;
        InputSpec? input = null;
        var layers = new List<LayerSpec>();
        SyntaxNode? layerDeclaration = null;

        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass is not { } attributeClass
                || attributeClass.TypeKind == TypeKind.Error
                || attribute.AttributeConstructor is null
                || attributeClass.ContainingNamespace?.ToDisplayString() != AttributeNamespace)
            {
                // Not ours, or malformed: the compiler reports the latter itself.
                continue;
            }
            LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference);
            switch (attributeClass.Name)
            {
                case "NetworkAttribute":
                    networkLocation = location;
                    if (NamedArgument(attribute, "Loss") is { Value: int lossValue })
                    {
                        loss = ReadEnum<LossKind>(lossValue, "Loss", "[Network] Loss", location, diagnostics);
                    }
                    break;

                case "InputAttribute":
                    if (input is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralInputs, location, type.Name));
                        break;
                    }
                    input = new InputSpec(ReadDimensions(attribute), location);
                    break;

                case "FlattenAttribute":
                case "DenseAttribute":
                case "DropoutAttribute":
                case "BatchNormAttribute":
                case "Conv2DAttribute":
                case "MaxPool2DAttribute":
                case "AvgPool2DAttribute":
                    SyntaxNode? owner = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
                    LayerSpec layer = ReadLayer(attribute, attributeClass.Name, layers.Count + 1, location, diagnostics, cancellationToken);
                    if (layerDeclaration is null)
                    {
                        layerDeclaration = owner;
                    }
                    else if (owner is not null && owner != layerDeclaration)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.LayersInSeveralDeclarations, location, layers.Count + 1, layer.Name is null ? layer.Kind : $"{layer.Kind} '{layer.Name}'", type.Name));
                    }
                    layers.Add(layer);
                    break;
            }
        }

        string? @namespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
        var spec = new NetworkSpec(@namespace, type.Name, loss, networkLocation, input, layers.ToEquatableArray());
        return new Result<NetworkSpec>(
            diagnostics.Any(diagnostic => diagnostic.IsError) ? null : spec,
            diagnostics.ToEquatableArray());
    }

    private static LayerSpec ReadLayer(
        AttributeData attribute, string attributeName, int layerNumber, LocationInfo? location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        string? name = NamedArgument(attribute, "Name")?.Value as string;
        switch (attributeName)
        {
            case "FlattenAttribute":
                return new FlattenSpec(name, location);
            case "DropoutAttribute":
                return new DropoutSpec(
                    attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is double rate ? rate : double.NaN, name, location);
            case "BatchNormAttribute":
                return new BatchNormSpec(
                    NamedArgument(attribute, "Momentum")?.Value is double momentum ? momentum : 0.1,
                    NamedArgument(attribute, "Epsilon")?.Value is double epsilon ? epsilon : 1e-5,
                    name,
                    location);
            case "MaxPool2DAttribute":
            case "AvgPool2DAttribute":
                return new PoolingSpec(
                    attributeName == "MaxPool2DAttribute",
                    IntArgument(attribute.ConstructorArguments, 0),
                    NamedArgument(attribute, "Stride")?.Value is int poolStride ? poolStride : 0,
                    name,
                    location);
        }
        ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
        string kind = attributeName == "Conv2DAttribute" ? "Conv2D" : "Dense";
        // Conv2D(filters, kernel[, activation]) or Conv2D(filters, kernelHeight, kernelWidth[, activation]): the
        // activation follows the last int, whichever constructor bound.
        int ints = 0;
        while (ints < arguments.Length && arguments[ints].Type?.SpecialType == SpecialType.System_Int32)
        {
            ints++;
        }
        ActivationKind activation = ints < arguments.Length && arguments[ints].Value is int activationValue
            ? ReadEnum<ActivationKind>(activationValue, "Activation", $"The activation of layer {layerNumber} ({name ?? kind})", location, diagnostics)
            : ActivationKind.Identity;
        // Written or not is what counts, not the value: the property's NaN default is never read here.
        double? alpha = NamedArgument(attribute, "Alpha")?.Value is double given ? given : null;
        LocationInfo? alphaLocation = alpha is null ? null : NamedArgumentLocation(attribute, "Alpha", cancellationToken) ?? location;
        InitializerKind initializer = NamedArgument(attribute, "Initializer")?.Value is int initializerValue
            ? ReadEnum<InitializerKind>(initializerValue, "Initializer", $"The initializer of layer {layerNumber} ({name ?? kind})", location, diagnostics)
            : InitializerKind.GlorotUniform;
        if (kind == "Dense")
        {
            return new DenseSpec(IntArgument(arguments, 0), activation, alpha, name, location, alphaLocation, initializer);
        }
        int kernelHeight = IntArgument(arguments, 1);
        int kernelWidth = ints >= 3 ? IntArgument(arguments, 2) : kernelHeight;
        PaddingKind padding = NamedArgument(attribute, "Padding")?.Value is int paddingValue
            ? ReadEnum<PaddingKind>(paddingValue, "Padding", $"The padding of layer {layerNumber} ({name ?? kind})", location, diagnostics)
            : PaddingKind.Valid;
        return new Conv2DSpec(
            IntArgument(arguments, 0), kernelHeight, kernelWidth,
            NamedArgument(attribute, "Stride")?.Value is int stride ? stride : 1,
            padding,
            NamedArgument(attribute, "InputChannels")?.Value is int channels ? channels : 0,
            activation, alpha, name, location, alphaLocation, initializer);
    }

    private static int IntArgument(ImmutableArray<TypedConstant> arguments, int index) =>
        index < arguments.Length && arguments[index].Value is int value ? value : 0;

    /// <summary>Where <c>name = …</c> is written in the attribute, so a diagnostic about it underlines just that.</summary>
    private static LocationInfo? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } arguments })
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return LocationInfo.From(argument.GetLocation());
                }
            }
        }
        return null;
    }

    private static EquatableArray<int> ReadDimensions(AttributeData attribute)
    {
        // [Input(28, 28)] binds to `params int[]`: one array argument.
        if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array)
        {
            return attribute.ConstructorArguments[0].Values.Select(value => value.Value is int dimension ? dimension : 0).ToEquatableArray();
        }
        return attribute.ConstructorArguments.Select(value => value.Value is int dimension ? dimension : 0).ToEquatableArray();
    }

    private static TEnum ReadEnum<TEnum>(int value, string enumName, string what, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        where TEnum : struct, System.Enum
    {
        var result = (TEnum)(object)value;
        if (!System.Enum.IsDefined(typeof(TEnum), result))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, location, what, enumName, value));
        }
        return result;
    }

    private static TypedConstant? NamedArgument(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }
        return null;
    }

    private static bool IsNetGenType(INamedTypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == AttributeNamespace;
}
