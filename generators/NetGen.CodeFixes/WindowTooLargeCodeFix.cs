using System;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0029, a kernel or pooling window larger than its input. A convolution can take <c>Padding = Padding.Same</c>,
/// which always leaves room for one window; a convolution or pooling layer can take the largest kernel or window that
/// fits the input, whose height and width the diagnostic carries (<see cref="DiagnosticProperties"/>). A square kernel
/// stays square (the smaller side), a kh × kw kernel shrinks only along the axis it overruns.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WindowTooLargeCodeFix)), Shared]
public sealed class WindowTooLargeCodeFix : CodeFixProvider
{
    public const string UseSamePaddingKey = "NetGen.UseSamePadding";
    public const string UseLargestKernelKey = "NetGen.UseLargestKernel";
    public const string UseLargestWindowKey = "NetGen.UseLargestWindow";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.WindowLargerThanInput);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Document document = context.Document;
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root is null || model is null
                || NetGenSyntax.AttributeAt(root, diagnostic.Location.SourceSpan) is not { } layer
                || NetGenSyntax.Constructor(model, layer) is not { } constructor)
            {
                continue;
            }
            bool convolution = NetGenSyntax.IsNetGenType(constructor.ContainingType, "Conv2DAttribute");
            if (convolution)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use Padding = Padding.Same",
                        token => Replace(document, root, layer, NetGenSyntax.WithPropertyArgument(
                            layer, "Padding", NetGenSyntax.EnumMember(model, layer.SpanStart, "Padding", "Same"))),
                        UseSamePaddingKey),
                    diagnostic);
            }
            if (Input(diagnostic) is not (int height, int width))
            {
                continue;
            }
            // Each kernel parameter's argument and the size that fits; null where the constant cannot be read.
            (string Parameter, int Size)[]? resized =
                Has(constructor, "kernelHeight") ? Fit(model, layer, constructor, ("kernelHeight", height), ("kernelWidth", width))
                : Has(constructor, "kernel") ? new[] { ("kernel", Math.Min(height, width)) }
                : Has(constructor, "size") ? new[] { ("size", Math.Min(height, width)) }
                : null;
            if (resized is null)
            {
                continue;
            }
            AttributeSyntax changed = layer;
            foreach ((string parameter, int size) in resized)
            {
                changed = NetGenSyntax.WithConstructorArgument(
                    changed, constructor, parameter, LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(size)));
            }
            string shape = resized.Length == 1
                ? $"{resized[0].Size}×{resized[0].Size}"
                : $"{resized[0].Size}×{resized[1].Size}";
            string what = convolution ? "kernel" : "window";
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use a {shape} {what}, the largest that fits",
                    token => Replace(document, root, layer, changed),
                    convolution ? UseLargestKernelKey : UseLargestWindowKey),
                diagnostic);
        }
    }

    private static Task<Document> Replace(Document document, SyntaxNode root, AttributeSyntax layer, AttributeSyntax changed) =>
        Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(layer, changed)));

    private static bool Has(IMethodSymbol constructor, string parameter) =>
        constructor.Parameters.Any(candidate => candidate.Name == parameter);

    /// <summary>The input's height and width from the diagnostic's properties, where it has them.</summary>
    private static (int Height, int Width)? Input(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(DiagnosticProperties.InputHeight, out string? height)
        && diagnostic.Properties.TryGetValue(DiagnosticProperties.InputWidth, out string? width)
        && int.TryParse(height, NumberStyles.None, CultureInfo.InvariantCulture, out int rows)
        && int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out int columns)
        && rows > 0 && columns > 0
            ? (rows, columns)
            : null;

    /// <summary>kh × kw: each side as written where it fits, else the input's.</summary>
    private static (string Parameter, int Size)[]? Fit(
        SemanticModel model, AttributeSyntax layer, IMethodSymbol constructor, params (string Parameter, int Input)[] sides)
    {
        var fitted = new (string, int)[sides.Length];
        for (int i = 0; i < sides.Length; i++)
        {
            if (NetGenSyntax.IntValue(model, NetGenSyntax.ConstructorArgument(layer, constructor, sides[i].Parameter)) is not int written)
            {
                return null;
            }
            fitted[i] = (sides[i].Parameter, Math.Min(written, sides[i].Input));
        }
        return fitted;
    }
}
