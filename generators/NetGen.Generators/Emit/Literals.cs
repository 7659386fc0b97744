using System.Globalization;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>How generated code writes numbers, names and fixed phrases: culture-invariant, so the output never depends on the machine.</summary>
internal static class Literals
{
    public const string Kernels = "global::NetGen.Kernels";
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";

    /// <summary>12,345.</summary>
    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The shortest text that reads back as the same float: 0.2, 1E-05.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A C# float literal that is exactly <paramref name="value"/>: 0.2f, 1E-05f.</summary>
    public static string FloatLiteral(float value) => Number(value) + "f";

    /// <summary>A C# string literal of <paramref name="text"/>, quoted and escaped.</summary>
    public static string String(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);

    /// <summary>12345, as code (not a comment) writes an int.</summary>
    public static string Code(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A name as a C# identifier: keywords get the verbatim prefix (<c>@class</c>).</summary>
    public static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? name : "@" + name;

    public static string LossName(Loss loss) => loss == Loss.CrossEntropy ? "cross-entropy" : "mean squared error";

    public static string Camel(string memberName) => char.ToLowerInvariant(memberName[0]) + memberName.Substring(1);

    public static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text.Substring(1);

    /// <summary>28×28, as comments show shapes.</summary>
    public static string Shape(EquatableArray<int> shape) => Shapes.ShapeInference.FormatShape(shape);
}
