using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>
/// Generated member names come from layer names, so two layers, a layer and the class, or a layer and a member the
/// user wrote can ask for the same one (<c>_aSlopeKey</c> for layer 'a''s slope key and for Dropout 'aSlope''s mask
/// key). Rather than keep a second list of the names the emitters write, this renders the class and reads its
/// members back, so every name the emitters will ever write is covered.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>NG0034 for each generated member that clashes with another, with the class's name, or with a member the user declared.</summary>
    public static void Check(NetworkSpec spec, NetworkPlan plan, List<DiagnosticInfo> diagnostics)
    {
        var type = (ClassDeclarationSyntax)CSharpSyntaxTree.ParseText(NetworkEmitter.Emit(plan)).GetRoot()
            .DescendantNodes().First(node => node is ClassDeclarationSyntax);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var users = new HashSet<string>(spec.UserMembers, StringComparer.Ordinal);
        foreach ((string name, bool isMethod) in MemberNames(type))
        {
            string? clash =
                !isMethod && !seen.Add(name) ? "another generated member of the same name"
                : name == plan.ClassName ? $"the class's own name '{plan.ClassName}'"
                : users.Contains(name) ? $"the member '{name}' that {plan.ClassName} declares"
                : null;
            if (clash is null)
            {
                continue;
            }
            int[] implicated = Enumerable.Range(0, plan.Layers.Count)
                .Where(i => Stems(plan.Layers[i]).Any(stem => name.TrimStart('_').StartsWith(stem, StringComparison.Ordinal)))
                .ToArray();
            string[] layers = implicated.Select(i => $"'{plan.Layers[i].Name}'").ToArray();
            string rename = layers.Length == 0
                ? (users.Contains(name) ? "that member" : "the class")
                : $"layer {string.Join(" or ", layers)}{(users.Contains(name) ? ", or that member" : name == plan.ClassName ? ", or the class" : "")}";
            LocationInfo? location = implicated.Length > 0 ? spec.Layers[implicated[0]].Location : spec.Location;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, location, name, clash, rename));
        }
    }

    /// <summary>Every member the class declares, methods marked (their overloads are allowed).</summary>
    private static IEnumerable<(string Name, bool IsMethod)> MemberNames(ClassDeclarationSyntax type)
    {
        foreach (MemberDeclarationSyntax member in type.Members)
        {
            switch (member)
            {
                case FieldDeclarationSyntax field:
                    foreach (VariableDeclaratorSyntax variable in field.Declaration.Variables)
                    {
                        yield return (variable.Identifier.ValueText, false);
                    }
                    break;
                case PropertyDeclarationSyntax property:
                    yield return (property.Identifier.ValueText, false);
                    break;
                case MethodDeclarationSyntax method:
                    yield return (method.Identifier.ValueText, true);
                    break;
                case BaseTypeDeclarationSyntax nested:
                    yield return (nested.Identifier.ValueText, false);
                    break;
            }
        }
    }

    /// <summary>The forms of a layer's name that start its members' names: <c>fc1</c> and <c>Fc1</c>.</summary>
    private static string[] Stems(PlannedLayer layer) => [layer.MemberName, Literals.Camel(layer.MemberName), layer.Name];
}
