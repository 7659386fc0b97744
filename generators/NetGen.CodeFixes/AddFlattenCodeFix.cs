using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0014: puts <c>[Flatten]</c> right before the Dense layer. Where the Dense attribute opens its own list, as
/// usual, the new list goes on a line of its own with the same indentation (or before it on the same line, where the
/// lists share one); inside a list of several, <c>Flatten, </c> goes before it in that list.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddFlattenCodeFix)), Shared]
public sealed class AddFlattenCodeFix : CodeFixProvider
{
    public const string EquivalenceKey = "NetGen.AddFlatten";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.DenseNeedsFlatInput);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null || NetGenSyntax.AttributeAt(root, diagnostic.Location.SourceSpan) is not { Parent: AttributeListSyntax } dense)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create("Add [Flatten] before this Dense layer", token => AddFlattenAsync(context.Document, dense, token), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> AddFlattenAsync(Document document, AttributeSyntax dense, CancellationToken cancellationToken)
    {
        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        string flatten = FlattenName(model, dense);
        var list = (AttributeListSyntax)dense.Parent!;
        TextChange change;
        if (list.Attributes.IndexOf(dense) > 0)
        {
            change = new TextChange(new TextSpan(dense.SpanStart, 0), flatten + ", ");
        }
        else
        {
            TextLine line = text.Lines.GetLineFromPosition(list.SpanStart);
            string before = text.ToString(TextSpan.FromBounds(line.Start, list.SpanStart));
            change = string.IsNullOrWhiteSpace(before)
                ? new TextChange(new TextSpan(list.SpanStart, 0), $"[{flatten}]{LineBreak(text, line)}{before}")
                : new TextChange(new TextSpan(list.SpanStart, 0), $"[{flatten}] ");
        }
        return document.WithText(text.WithChanges(change));
    }

    /// <summary>
    /// <c>Flatten</c>, qualified as the Dense attribute is (<c>NetGen.Dense</c> → <c>NetGen.Flatten</c>), where that
    /// names NetGen's attribute there; else <c>global::NetGen.Flatten</c>.
    /// </summary>
    private static string FlattenName(SemanticModel? model, AttributeSyntax dense)
    {
        string name = dense.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Left + ".Flatten",
            AliasQualifiedNameSyntax aliased => aliased.Alias + "::Flatten",
            _ => "Flatten",
        };
        AttributeSyntax candidate = SyntaxFactory.Attribute(SyntaxFactory.ParseName(name));
        ISymbol? symbol = model?.GetSpeculativeSymbolInfo(dense.SpanStart, candidate).Symbol;
        return symbol is IMethodSymbol constructor && NetGenSyntax.IsNetGenType(constructor.ContainingType, "FlattenAttribute")
            ? name
            : $"global::{NetGenSyntax.Namespace}.Flatten";
    }

    /// <summary>The line break the attribute's line ends with (or the one before it, on a last line).</summary>
    private static string LineBreak(SourceText text, TextLine line)
    {
        string ending = text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
        if (ending.Length == 0 && line.LineNumber > 0)
        {
            TextLine previous = text.Lines[line.LineNumber - 1];
            ending = text.ToString(TextSpan.FromBounds(previous.End, previous.EndIncludingLineBreak));
        }
        return ending.Length > 0 ? ending : "\n";
    }
}
