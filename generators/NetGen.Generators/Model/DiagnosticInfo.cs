using System.Collections.Immutable;
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

/// <summary>
/// A diagnostic as data: its descriptor, where, the message's arguments (already formatted as text), and the
/// properties a code fix reads (<see cref="Properties"/>; empty for most).
/// </summary>
public sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    /// <summary>
    /// Key/value pairs for <see cref="Diagnostic.Properties"/>, in the order given; an array, not a dictionary, so
    /// that the record still compares by value. Keys are <see cref="Diagnostics.DiagnosticProperties"/>' names.
    /// </summary>
    public EquatableArray<(string Key, string? Value)> Properties { get; init; } = EquatableArray<(string Key, string? Value)>.Empty;

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        new(descriptor, location, arguments.Select(argument => argument?.ToString() ?? "").ToEquatableArray());

    /// <summary>This diagnostic with <paramref name="properties"/> for a code fix to read.</summary>
    public DiagnosticInfo WithProperties(params (string Key, string? Value)[] properties) =>
        this with { Properties = properties.ToEquatableArray() };

    /// <param name="compilation">The compilation the diagnostic is reported in: it supplies the syntax tree that carries the pragmas.</param>
    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(
            Descriptor,
            Location?.ToLocation(compilation),
            Properties.Count == 0 ? null : Properties.ToImmutableDictionary(property => property.Key, property => property.Value),
            Arguments.Select(argument => (object)argument).ToArray());

    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;
}
