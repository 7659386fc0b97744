using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace NetGen.CodeFixes;

/// <summary>
/// Reading and rewriting NetGen's attributes. The generator reports layer diagnostics on the attribute (the text
/// between the brackets), so a fix starts from the <see cref="AttributeSyntax"/> at the diagnostic's span. Edits keep
/// the arguments' own trivia and add ", " and " = " the way the attributes are usually written.
/// </summary>
internal static class NetGenSyntax
{
    public const string Namespace = "NetGen";

    /// <summary>The attribute the generator pointed at, or null where the span holds none.</summary>
    public static AttributeSyntax? AttributeAt(SyntaxNode root, TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: false).FirstAncestorOrSelf<AttributeSyntax>();

    /// <summary>Whether <paramref name="type"/> is <c>NetGen.<paramref name="name"/></c>.</summary>
    public static bool IsNetGenType(ITypeSymbol? type, string name) =>
        type is { ContainingType: null } && type.Name == name && type.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>The attribute's constructor, where it binds.</summary>
    public static IMethodSymbol? Constructor(SemanticModel model, AttributeSyntax attribute) =>
        model.GetSymbolInfo(attribute).Symbol as IMethodSymbol;

    /// <summary>
    /// The argument for the constructor parameter <paramref name="parameter"/>: a positional one at its place, or one
    /// named <c>parameter:</c>. Null where it is left to its default.
    /// </summary>
    public static AttributeArgumentSyntax? ConstructorArgument(AttributeSyntax attribute, IMethodSymbol constructor, string parameter)
    {
        int position = 0;
        foreach (AttributeArgumentSyntax argument in ConstructorArguments(attribute))
        {
            // Named arguments before the end stand at their own place (C# 7.2), so the position still counts them.
            string name = argument.NameColon?.Name.Identifier.ValueText
                ?? (position < constructor.Parameters.Length ? constructor.Parameters[position].Name : "");
            if (name == parameter)
            {
                return argument;
            }
            position++;
        }
        return null;
    }

    /// <summary><c>Name = …</c>, the property argument of that name, or null.</summary>
    public static AttributeArgumentSyntax? PropertyArgument(AttributeSyntax attribute, string property) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == property);

    /// <summary>The constant an argument evaluates to, e.g. a kernel size written as a literal or a <c>const</c>.</summary>
    public static int? IntValue(SemanticModel model, AttributeArgumentSyntax? argument) =>
        argument is not null && model.GetConstantValue(argument.Expression) is { HasValue: true, Value: int value } ? value : null;

    /// <summary>
    /// <c>Activation.Softmax</c> where that binds to NetGen's enum at <paramref name="position"/> (a <c>using NetGen;</c>
    /// is in scope), else <c>global::NetGen.Activation.Softmax</c>.
    /// </summary>
    public static ExpressionSyntax EnumMember(SemanticModel model, int position, string enumName, string member)
    {
        ExpressionSyntax simple = ParseExpression($"{enumName}.{member}");
        ISymbol? symbol = model.GetSpeculativeSymbolInfo(position, simple, SpeculativeBindingOption.BindAsExpression).Symbol;
        return symbol is IFieldSymbol field && IsNetGenType(field.ContainingType, enumName)
            ? simple
            : ParseExpression($"global::{Namespace}.{enumName}.{member}");
    }

    /// <summary>
    /// The attribute with the constructor argument <paramref name="parameter"/> set to <paramref name="value"/>: the
    /// argument's expression replaced where it is written, else a new argument after the constructor's others
    /// (named <c>parameter:</c> where a positional one would land on another parameter).
    /// </summary>
    public static AttributeSyntax WithConstructorArgument(AttributeSyntax attribute, IMethodSymbol constructor, string parameter, ExpressionSyntax value)
    {
        if (ConstructorArgument(attribute, constructor, parameter) is { } existing)
        {
            return attribute.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));
        }
        List<AttributeArgumentSyntax> written = ConstructorArguments(attribute).ToList();
        int parameterIndex = constructor.Parameters.IndexOf(constructor.Parameters.First(candidate => candidate.Name == parameter));
        bool positional = parameterIndex == written.Count && written.All(argument => argument.NameColon is null);
        AttributeArgumentSyntax argument = positional
            ? AttributeArgument(value)
            : AttributeArgument(null, NameColon(IdentifierName(parameter)).WithTrailingTrivia(Space), value);
        return Insert(attribute, written.Count, argument);
    }

    /// <summary>The attribute with <c><paramref name="property"/> = <paramref name="value"/></c>, replacing the value where the property is set.</summary>
    public static AttributeSyntax WithPropertyArgument(AttributeSyntax attribute, string property, ExpressionSyntax value)
    {
        if (PropertyArgument(attribute, property) is { } existing)
        {
            return attribute.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression));
        }
        AttributeArgumentSyntax argument = AttributeArgument(
            NameEquals(IdentifierName(property).WithTrailingTrivia(Space), Token(SyntaxKind.EqualsToken).WithTrailingTrivia(Space)), null, value);
        return Insert(attribute, attribute.ArgumentList?.Arguments.Count ?? 0, argument);
    }

    /// <summary>The attribute without its <c><paramref name="property"/> = …</c> argument, if it has one.</summary>
    public static AttributeSyntax WithoutPropertyArgument(AttributeSyntax attribute, string property)
    {
        if (PropertyArgument(attribute, property) is not { } existing)
        {
            return attribute;
        }
        SeparatedSyntaxList<AttributeArgumentSyntax> arguments = attribute.ArgumentList!.Arguments;
        int index = arguments.IndexOf(existing);
        SyntaxNodeOrTokenList items = arguments.GetWithSeparators();
        // The argument and the comma before it, or after it where it comes first: "a, X = 1, b" → "a, b".
        int start = index == 0 ? 0 : 2 * index - 1;
        int count = arguments.Count == 1 ? 1 : 2;
        for (int i = 0; i < count; i++)
        {
            items = items.RemoveAt(start);
        }
        return attribute.WithArgumentList(attribute.ArgumentList.WithArguments(SeparatedList<AttributeArgumentSyntax>(items)));
    }

    private static IEnumerable<AttributeArgumentSyntax> ConstructorArguments(AttributeSyntax attribute) =>
        attribute.ArgumentList?.Arguments.Where(argument => argument.NameEquals is null) ?? Enumerable.Empty<AttributeArgumentSyntax>();

    /// <summary><paramref name="argument"/> as the <paramref name="index"/>-th argument, with ", " between it and its neighbours.</summary>
    private static AttributeSyntax Insert(AttributeSyntax attribute, int index, AttributeArgumentSyntax argument)
    {
        if (attribute.ArgumentList is not { } list)
        {
            // [Network] → [Network(Loss = …)], keeping what followed the name after the parenthesis.
            return attribute
                .WithName(attribute.Name.WithoutTrailingTrivia())
                .WithArgumentList(AttributeArgumentList(SingletonSeparatedList(argument)).WithTrailingTrivia(attribute.Name.GetTrailingTrivia()));
        }
        SyntaxNodeOrTokenList items = list.Arguments.GetWithSeparators();
        SyntaxToken comma = Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space);
        if (list.Arguments.Count == 0)
        {
            items = items.Add(argument);
        }
        else if (index == 0)
        {
            items = items.InsertRange(0, new SyntaxNodeOrToken[] { argument, comma });
        }
        else
        {
            // After the (index − 1)-th argument, before the comma that followed it, if any.
            int after = 2 * (index - 1) + 1;
            SyntaxNodeOrToken previous = items[after - 1];
            // A last argument followed by a line break or comment keeps it after the new one.
            SyntaxTriviaList trailing = previous.GetTrailingTrivia();
            if (after == items.Count && trailing.Count > 0)
            {
                items = items.Replace(previous, previous.WithTrailingTrivia());
                argument = argument.WithTrailingTrivia(trailing);
            }
            items = items.InsertRange(after, new SyntaxNodeOrToken[] { comma, argument });
        }
        return attribute.WithArgumentList(list.WithArguments(SeparatedList<AttributeArgumentSyntax>(items)));
    }
}
