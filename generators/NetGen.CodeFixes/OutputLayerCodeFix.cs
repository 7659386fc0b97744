using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes;

/// <summary>
/// The output layer and the loss disagree; each diagnostic gets both ways out, the one the message names first.
/// NG0006 (cross-entropy without probabilities): softmax on the output layer (sigmoid where it has one unit), or mean
/// squared error for regression. NG0007 (mean squared error after softmax): cross-entropy, or the identity output of a
/// regression.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OutputLayerCodeFix)), Shared]
public sealed class OutputLayerCodeFix : CodeFixProvider
{
    public const string UseSoftmaxKey = "NetGen.UseSoftmaxOutput";
    public const string UseSigmoidKey = "NetGen.UseSigmoidOutput";
    public const string UseMeanSquaredErrorKey = "NetGen.UseMeanSquaredError";
    public const string UseCrossEntropyKey = "NetGen.UseCrossEntropy";
    public const string UseIdentityKey = "NetGen.UseIdentityOutput";

    public override ImmutableArray<string> FixableDiagnosticIds =>
        ImmutableArray.Create(DiagnosticIds.CrossEntropyNeedsProbabilities, DiagnosticIds.MeanSquaredErrorOnSoftmax);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Document document = context.Document;
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null || model is null
                || NetGenSyntax.AttributeAt(root, diagnostic.Location.SourceSpan) is not { } output
                || NetGenSyntax.Constructor(model, output) is not { } constructor)
            {
                continue;
            }
            bool hasNetwork = await LayerEdits.NetworkAttributeAsync(document, output, context.CancellationToken).ConfigureAwait(false) is not null;
            if (diagnostic.Id == DiagnosticIds.CrossEntropyNeedsProbabilities)
            {
                // One unit: a sigmoid gives the probability of the positive class (softmax over one unit is NG0023).
                int? units = NetGenSyntax.IntValue(model, NetGenSyntax.ConstructorArgument(output, constructor, "units"));
                if (units is int count)
                {
                    string activation = count == 1 ? "Sigmoid" : "Softmax";
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Use Activation.{activation} on the output layer",
                            token => LayerEdits.SetActivationAsync(document, output, activation, token),
                            count == 1 ? UseSigmoidKey : UseSoftmaxKey),
                        diagnostic);
                }
                if (hasNetwork)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Use Loss.MeanSquaredError (regression)",
                            token => LayerEdits.SetLossAsync(document, output, "MeanSquaredError", token),
                            UseMeanSquaredErrorKey),
                        diagnostic);
                }
            }
            else
            {
                if (hasNetwork)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Use Loss.CrossEntropy with the softmax output",
                            token => LayerEdits.SetLossAsync(document, output, "CrossEntropy", token),
                            UseCrossEntropyKey),
                        diagnostic);
                }
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use Activation.Identity on the output layer (regression)",
                        token => LayerEdits.SetActivationAsync(document, output, "Identity", token),
                        UseIdentityKey),
                    diagnostic);
            }
        }
    }
}
