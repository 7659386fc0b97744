using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes;

/// <summary>The edits the activation and loss fixes share.</summary>
internal static class LayerEdits
{
    /// <summary>
    /// The layer attribute with activation <c>Activation.<paramref name="activation"/></c>, and without <c>Alpha = …</c>:
    /// the activations these fixes pick take no parameter, so a leftover Alpha would be NG0025.
    /// </summary>
    public static async Task<Document> SetActivationAsync(Document document, AttributeSyntax layer, string activation, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        if (NetGenSyntax.Constructor(model, layer) is not { } constructor || !constructor.Parameters.Any(parameter => parameter.Name == "activation"))
        {
            return document;
        }
        AttributeSyntax changed = NetGenSyntax.WithConstructorArgument(
            layer, constructor, "activation", NetGenSyntax.EnumMember(model, layer.SpanStart, "Activation", activation));
        changed = NetGenSyntax.WithoutPropertyArgument(changed, "Alpha");
        return document.WithSyntaxRoot(root.ReplaceNode(layer, changed));
    }

    /// <summary>
    /// The solution with <c>Loss = Loss.<paramref name="loss"/></c> on the <c>[Network]</c> attribute of the class
    /// <paramref name="layer"/> is written on, wherever (which file) that attribute is.
    /// </summary>
    public static async Task<Solution> SetLossAsync(Document document, AttributeSyntax layer, string loss, CancellationToken cancellationToken)
    {
        Solution solution = document.Project.Solution;
        if (await NetworkAttributeAsync(document, layer, cancellationToken).ConfigureAwait(false) is not { } network
            || solution.GetDocument(network.SyntaxTree) is not { } networkDocument)
        {
            return solution;
        }
        SyntaxNode root = (await networkDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await networkDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        AttributeSyntax changed = NetGenSyntax.WithPropertyArgument(network, "Loss", NetGenSyntax.EnumMember(model, network.SpanStart, "Loss", loss));
        return solution.WithDocumentSyntaxRoot(networkDocument.Id, root.ReplaceNode(network, changed));
    }

    /// <summary>The <c>[Network]</c> attribute of the class whose layer attribute is <paramref name="layer"/>, or null.</summary>
    public static async Task<AttributeSyntax?> NetworkAttributeAsync(Document document, AttributeSyntax layer, CancellationToken cancellationToken)
    {
        if (layer.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
            || await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model
            || model.GetDeclaredSymbol(declaration, cancellationToken) is not { } type)
        {
            return null;
        }
        AttributeData? network = type.GetAttributes().FirstOrDefault(attribute => NetGenSyntax.IsNetGenType(attribute.AttributeClass, "NetworkAttribute"));
        return network?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
    }
}
