using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generators.Model;

/// <summary>A source location as plain values, so it can travel through the cached pipeline.</summary>
public sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    /// <summary>
    /// The location in <paramref name="compilation"/>'s syntax tree of the same path, so that
    /// <c>#pragma warning disable</c> there applies to it; a location by path alone would bypass the
    /// pragmas (dotnet/roslyn#68291). Where no tree has the path, the location by path.
    /// </summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath)
            {
                return Location.Create(tree, Span);
            }
        }
        return Location.Create(FilePath, Span, LineSpan);
    }

    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public static LocationInfo? From(SyntaxReference? reference) =>
        reference is null ? null : From(reference.GetSyntax().GetLocation());
}

/// <summary>A diagnostic as data: its descriptor, where, and the message's arguments (already formatted as text).</summary>
public sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        new(descriptor, location, arguments.Select(argument => argument?.ToString() ?? "").ToEquatableArray());

    /// <param name="compilation">The compilation the diagnostic is reported in: it supplies the syntax tree that carries the pragmas.</param>
    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(compilation), Arguments.Select(argument => (object)argument).ToArray());

    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;
}
