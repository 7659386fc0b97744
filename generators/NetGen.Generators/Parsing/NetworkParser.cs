using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Emit;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> class's attributes into a <see cref="NetworkSpec"/>. The only code that
/// touches symbols and syntax: nothing Roslyn-owned leaves this class.
/// </summary>
internal static class NetworkParser
{
    internal const string AttributeNamespace = "NetGen";

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

        // A class declared as a restricted Boltzmann machine is the other pipeline's (BoltzmannParser), which reports a
        // [Network] or layer attribute beside it.
        if (type.GetAttributes().Any(attribute => IsNetGenType(attribute.AttributeClass, "RestrictedBoltzmannMachineAttribute")))
        {
            return new Result<NetworkSpec>(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        CheckClassShape(declaration, type, nameLocation, diagnostics, cancellationToken);

        int classShapeErrors = diagnostics.Count;
        Loss loss = Loss.CrossEntropy;
        LocationInfo? networkLocation = null;
        InputSpec? input = null;
        AutoencoderSpec? autoencoder = null;
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
                        loss = ReadEnum<Loss>(lossValue, "Loss", "[Network] Loss", location, diagnostics);
                    }
                    break;

                case "AutoencoderAttribute":
                    // AllowMultiple = false: a second one is the compiler's error CS0579.
                    autoencoder ??= new AutoencoderSpec(attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null, location);
                    break;

                case "InputAttribute":
                    if (input is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralInputs, location, type.Name));
                        break;
                    }
                    input = new InputSpec(ReadDimensions(attribute), location, NamedArgument(attribute, "Sequence") is { Value: true });
                    break;

                default:
                    if (!LayerKinds.Readers.TryGetValue(attributeClass.Name, out Func<LayerAttribute, LayerSpec>? read))
                    {
                        break;
                    }
                    SyntaxNode? owner = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
                    LayerSpec layer = read(new LayerAttribute(attribute, layers.Count + 1, location, diagnostics, cancellationToken));
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
        // What the user declared on the class, which generated members must not clash with.
        EquatableArray<string> userMembers = type.GetMembers()
            .Where(member => !member.IsImplicitlyDeclared && member is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor })
            .Select(member => member.Name)
            .Distinct()
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToEquatableArray();
        var spec = new NetworkSpec(@namespace, type.Name, loss, networkLocation, input, layers.ToEquatableArray()) { UserMembers = userMembers, Autoencoder = autoencoder };
        return new Result<NetworkSpec>(
            diagnostics.Any(diagnostic => diagnostic.IsError) ? null : spec,
            diagnostics.ToEquatableArray())
        {
            // A partial, top-level, non-generic class of its own can take a generated stand-in; anything else would
            // only add the compiler's errors to ours.
            StandIn = classShapeErrors == 0 && !StandInEmitter.MembersOf(autoencoder is not null).Contains(type.Name)
                ? new NetworkIdentity(@namespace, type.Name) { IsAutoencoder = autoencoder is not null }
                : null,
        };
    }

    /// <summary>
    /// The rules every generated class obeys, whatever it declares: a partial, top-level, non-generic, non-static class
    /// with no base class of its own and no constructor the generated <c>(int seed = 0)</c> conflicts with.
    /// </summary>
    internal static void CheckClassShape(
        TypeDeclarationSyntax declaration, INamedTypeSymbol type, LocationInfo? nameLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
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
        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType && !IsNetGenType(baseType, "Model") && !IsNetGenType(baseType, "BoltzmannMachine"))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HasBaseClass, nameLocation, type.Name, baseType.ToDisplayString()));
        }
        // The generated constructor X(int seed = 0) cannot coexist with a primary constructor (it would have to call
        // it) or with a constructor of one int (the same signature).
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: { } parameters } partialDeclaration)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ConstructorConflict, LocationInfo.From(parameters.GetLocation()), type.Name, $"a primary constructor {partialDeclaration.Identifier.ValueText}{parameters}"));
            }
        }
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            bool primary = constructor.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax);
            if (!constructor.IsImplicitlyDeclared && !primary && constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ConstructorConflict, LocationInfo.From(constructor.Locations.FirstOrDefault()) ?? nameLocation, type.Name, $"a constructor {type.Name}(int {constructor.Parameters[0].Name})"));
            }
        }
    }

    internal static EquatableArray<int> ReadDimensions(AttributeData attribute)
    {
        // [Input(28, 28)] binds to `params int[]`: one array argument.
        if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array)
        {
            // [Input(null)] binds a null array, whose Values are default: no dimensions, which NG0011 reports.
            TypedConstant array = attribute.ConstructorArguments[0];
            return array.IsNull ? EquatableArray<int>.Empty : array.Values.Select(value => value.Value is int dimension ? dimension : 0).ToEquatableArray();
        }
        return attribute.ConstructorArguments.Select(value => value.Value is int dimension ? dimension : 0).ToEquatableArray();
    }

    internal static TEnum ReadEnum<TEnum>(int value, string enumName, string what, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        where TEnum : struct, System.Enum
    {
        var result = (TEnum)(object)value;
        if (!System.Enum.IsDefined(typeof(TEnum), result))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, location, what, enumName, value));
        }
        return result;
    }

    internal static TypedConstant? NamedArgument(AttributeData attribute, string name)
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

    internal static bool IsNetGenType(INamedTypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingNamespace?.ToDisplayString() == AttributeNamespace;
}
