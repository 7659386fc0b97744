using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// Compiles test sources against the NetGen runtime, runs <see cref="NetworkGenerator"/> on them in
/// memory, and compiles the result again — everything a consumer's build would do, minus MSBuild.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>Latest C#, with XML documentation checked, so a bad <c>cref</c> in generated docs is a warning.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // Test sources and generated private members carry no XML docs; every other doc warning counts.
            .WithSpecificDiagnosticOptions([new("CS1591", ReportDiagnostic.Suppress)]);

    /// <summary>The framework this test runs on, plus the NetGen runtime (attributes, Model, kernels).</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(NetworkAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>The file name the <paramref name="index"/>-th test source gets; diagnostics point into it.</summary>
    public static string SourcePath(int index) => $"Source{index}.cs";

    public static SyntaxTree ParseSource(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A consumer's compilation of <paramref name="sources"/>, named <see cref="SourcePath"/> 0, 1, … in order.</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((source, index) => ParseSource(source, SourcePath(index))),
            References.Value,
            CompilationOptions);

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Compiles <paramref name="sources"/>, runs the generator once, and compiles its output with them.</summary>
    public static GeneratorRun Run(params string[] sources)
    {
        CSharpCompilation input = Compile(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        // A generator that throws is skipped by the compiler with warning CS8785; here it fails the test.
        Assert.Null(result.Exception);
        Assert.DoesNotContain(result.Diagnostics, diagnostic => diagnostic.Id == "NG0999");

        return new GeneratorRun(
            input.GetDiagnostics().Where(IsError).ToImmutableArray(),
            result.GeneratedSources,
            result.Diagnostics,
            output.GetDiagnostics());
    }

    public static bool IsError(Diagnostic diagnostic) => diagnostic.Severity == DiagnosticSeverity.Error;
}

/// <param name="InputErrors">The compiler's errors in the test sources alone, before generation.</param>
/// <param name="Sources">Every file the generator added.</param>
/// <param name="GeneratorDiagnostics">What the generator reported (NG….).</param>
/// <param name="OutputDiagnostics">The compiler's diagnostics for the sources plus the generated files.</param>
internal sealed record GeneratorRun(
    ImmutableArray<Diagnostic> InputErrors,
    ImmutableArray<GeneratedSourceResult> Sources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> OutputDiagnostics)
{
    public IEnumerable<Diagnostic> OutputErrors => OutputDiagnostics.Where(GeneratorHarness.IsError);
}

/// <summary>
/// Test source with expected diagnostics marked in place: <c>{|NG0005:Dense(10, Activation.Softmax)|}</c>
/// expects NG0005 on exactly that text. Marks may nest, to expect two diagnostics on one span.
/// </summary>
internal sealed record MarkedSource(string Text, ImmutableArray<ExpectedDiagnostic> Expected)
{
    private const string Open = "{|";
    private const string Close = "|}";

    public static MarkedSource Parse(string markup)
    {
        var text = new System.Text.StringBuilder(markup.Length);
        var open = new Stack<(string Id, int Start)>();
        var expected = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        int position = 0;
        while (position < markup.Length)
        {
            if (string.CompareOrdinal(markup, position, Open, 0, Open.Length) == 0)
            {
                int colon = markup.IndexOf(':', position);
                Assert.True(colon > position, $"Markup '{Open}' at {position} has no ':' after its diagnostic ID.");
                open.Push((markup[(position + Open.Length)..colon], text.Length));
                position = colon + 1;
            }
            else if (string.CompareOrdinal(markup, position, Close, 0, Close.Length) == 0)
            {
                Assert.True(open.Count > 0, $"Markup '{Close}' at {position} closes nothing.");
                (string id, int start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, text.Length)));
                position += Close.Length;
            }
            else
            {
                text.Append(markup[position++]);
            }
        }
        Assert.True(open.Count == 0, "Markup has an unclosed '{|'.");
        return new MarkedSource(text.ToString(), expected.ToImmutable());
    }
}

internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);
