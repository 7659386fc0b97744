using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Reads a <c>[RestrictedBoltzmannMachine]</c> class: its <c>[Input]</c> and the machine's settings, checked in one go.
/// Shares the class rules with <see cref="NetworkParser"/>.
/// </summary>
internal static class BoltzmannParser
{
    public static Result<BoltzmannPlan> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        var type = (INamedTypeSymbol)context.TargetSymbol;
        AttributeData[] machines = type.GetAttributes().Where(attribute => NetworkParser.IsNetGenType(attribute.AttributeClass, "RestrictedBoltzmannMachineAttribute")).ToArray();
        if (machines.Length > 1 && machines[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>() != declaration)
        {
            return new Result<BoltzmannPlan>(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        NetworkParser.CheckClassShape(declaration, type, LocationInfo.From(declaration.Identifier.GetLocation()), diagnostics, cancellationToken);

        AttributeData machine = machines[0];
        LocationInfo? machineLocation = LocationInfo.From(machine.ApplicationSyntaxReference);
        int hidden = machine.ConstructorArguments.Length == 1 && machine.ConstructorArguments[0].Value is int h ? h : 0;
        VisibleUnits visibleUnits = NetworkParser.NamedArgument(machine, "VisibleUnits") is { Value: int units }
            ? NetworkParser.ReadEnum<VisibleUnits>(units, "VisibleUnits", "[RestrictedBoltzmannMachine] VisibleUnits", machineLocation, diagnostics)
            : VisibleUnits.Binary;
        int gibbsSteps = NetworkParser.NamedArgument(machine, "GibbsSteps") is { Value: int steps } ? steps : 1;
        bool persistent = NetworkParser.NamedArgument(machine, "Persistent") is { Value: true };
        if (hidden <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, machineLocation, $"RestrictedBoltzmannMachine '{type.Name}'", "hidden units", hidden));
        }
        if (gibbsSteps <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, machineLocation, $"RestrictedBoltzmannMachine '{type.Name}'", "GibbsSteps", gibbsSteps));
        }

        EquatableArray<int>? input = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is not { } attributeClass || attributeClass.ContainingNamespace?.ToDisplayString() != NetworkParser.AttributeNamespace)
            {
                continue;
            }
            LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference);
            if (attributeClass.Name == "InputAttribute")
            {
                if (input is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralInputs, location, type.Name));
                    continue;
                }
                input = NetworkParser.ReadDimensions(attribute);
                CheckInput(input.Value, location, diagnostics);
            }
            else if (attributeClass.Name is "NetworkAttribute" or "AutoencoderAttribute" || LayerKinds.Readers.ContainsKey(attributeClass.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkAttributeOnBoltzmannMachine, location, type.Name, attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length)));
            }
        }
        if (input is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, machineLocation, type.Name));
        }
        else if (hidden > 0 && (long)hidden * ShapeInference.Product(input.Value) > PlanningContext.MaxArrayLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.TooLarge, machineLocation, $"The weight of RestrictedBoltzmannMachine '{type.Name}'",
                ((long)hidden * ShapeInference.Product(input.Value)).ToString("N0", CultureInfo.InvariantCulture),
                PlanningContext.MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
        }

        string? @namespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
        bool failed = diagnostics.Any(diagnostic => diagnostic.IsError);
        return new Result<BoltzmannPlan>(
            failed ? null : new BoltzmannPlan(@namespace, type.Name, input!.Value, hidden, visibleUnits, gibbsSteps, persistent),
            diagnostics.ToEquatableArray());
    }

    /// <summary>NG0011 for no dimension or more than three, NG0004 for one that is not positive, NG0019 for too many numbers.</summary>
    private static void CheckInput(EquatableArray<int> dimensions, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (dimensions.Count is < 1 or > 3)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputRank, location, dimensions.Count, dimensions.Count == 1 ? "" : "s"));
            return;
        }
        for (int i = 0; i < dimensions.Count; i++)
        {
            if (dimensions[i] <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, location, "[Input]", $"dimension {i + 1}", dimensions[i]));
            }
        }
    }
}

/// <summary>A restricted Boltzmann machine as declared and checked: everything its class needs.</summary>
/// <param name="InputShape">One sample's dimensions; the visible units are their product.</param>
public sealed record BoltzmannPlan(
    string? Namespace, string ClassName, EquatableArray<int> InputShape, int Hidden, VisibleUnits VisibleUnits, int GibbsSteps, bool Persistent)
{
    public int Visible => ShapeInference.Product(InputShape);

    public int ParameterCount => Hidden * Visible + Hidden + Visible;
}
