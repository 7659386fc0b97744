using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace NetGen.CodeFixes;

/// <summary>NG0005: a hidden Dense layer with softmax gets ReLU, the usual hidden-layer activation, instead.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SoftmaxNotLastCodeFix)), Shared]
public sealed class SoftmaxNotLastCodeFix : CodeFixProvider
{
    public const string EquivalenceKey = "NetGen.UseReLUInsteadOfSoftmax";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.SoftmaxNotLast);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null || NetGenSyntax.AttributeAt(root, diagnostic.Location.SourceSpan) is not { } layer)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use Activation.ReLU instead of softmax on this hidden layer",
                    token => LayerEdits.SetActivationAsync(context.Document, layer, "ReLU", token),
                    EquivalenceKey),
                diagnostic);
        }
    }
}
