using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// One layer attribute's arguments, as plain values: what a layer kind's reader sees. It keeps the Roslyn
/// <see cref="AttributeData"/> to itself, so that readers never touch symbols or syntax.
/// </summary>
internal sealed class LayerAttribute(
    AttributeData attribute, int layerNumber, LocationInfo? location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
{
    private ImmutableArray<TypedConstant> Arguments => attribute.ConstructorArguments;

    /// <summary>The <c>Name =</c> given, or null for the default.</summary>
    public string? Name => Named("Name") as string;

    /// <summary>The attribute, where diagnostics about the layer point.</summary>
    public LocationInfo? Location => location;

    /// <summary>The layer's place in the declaration, from 1.</summary>
    public int LayerNumber => layerNumber;

    /// <summary>How many constructor arguments, from the first, are ints: <c>Conv2D(filters, kh, kw, …)</c> has 3.</summary>
    public int LeadingInts
    {
        get
        {
            int count = 0;
            while (count < Arguments.Length && Arguments[count].Type?.SpecialType == SpecialType.System_Int32)
            {
                count++;
            }
            return count;
        }
    }

    /// <summary>Constructor argument <paramref name="index"/> as an int, or 0 where it is absent or not an int.</summary>
    public int Int(int index) => index < Arguments.Length && Arguments[index].Value is int value ? value : 0;

    /// <summary>
    /// Constructor argument <paramref name="index"/> as ints, for a <c>params int[]</c> (<c>Reshape(32, 7, 7)</c> binds
    /// one array): empty where it is absent or null, and 0 for an element that is not an int.
    /// </summary>
    public EquatableArray<int> Ints(int index)
    {
        if (index >= Arguments.Length || Arguments[index].Kind != TypedConstantKind.Array || Arguments[index].IsNull)
        {
            return EquatableArray<int>.Empty;
        }
        var values = new List<int>();
        foreach (TypedConstant element in Arguments[index].Values)
        {
            values.Add(element.Value is int value ? value : 0);
        }
        return values.ToEquatableArray();
    }

    /// <summary>Constructor argument <paramref name="index"/> as a double, or <paramref name="absent"/>.</summary>
    public double Double(int index, double absent) => index < Arguments.Length && Arguments[index].Value is double value ? value : absent;

    /// <summary>Constructor argument <paramref name="index"/>'s raw value (an enum comes as its int), or null.</summary>
    public object? Value(int index) => index < Arguments.Length ? Arguments[index].Value : null;

    /// <summary>The named argument's value (an enum comes as its int), or null where it is not written.</summary>
    public object? Named(string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value.Value;
            }
        }
        return null;
    }

    /// <summary>Where <c>name = …</c> is written in the attribute, so a diagnostic about it underlines just that.</summary>
    public LocationInfo? NamedLocation(string name)
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

    /// <summary>An enum argument's value, reporting NG0016 for a value the enum does not define (<c>(Activation)42</c>).</summary>
    /// <param name="what">The sentence's subject: "The activation of layer 2 (fc1)".</param>
    public TEnum Enum<TEnum>(int value, string enumName, string what)
        where TEnum : struct, System.Enum
    {
        var result = (TEnum)(object)value;
        if (!System.Enum.IsDefined(typeof(TEnum), result))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownEnumValue, location, what, enumName, value));
        }
        return result;
    }
}
