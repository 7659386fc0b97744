// Compiled into NetGen.CodeFixes too (linked), so that the keys the generator writes and the ones the fixes read are
// one source.
namespace NetGen.Generators.Diagnostics;

/// <summary>The keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> that code fixes read.</summary>
internal static class DiagnosticProperties
{
    /// <summary>NG0029: the rows of the layer's input (before padding), as an invariant integer.</summary>
    public const string InputHeight = nameof(InputHeight);

    /// <summary>NG0029: the columns of the layer's input (before padding), as an invariant integer.</summary>
    public const string InputWidth = nameof(InputWidth);
}
