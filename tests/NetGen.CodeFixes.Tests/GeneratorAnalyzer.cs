using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generators;
using NetGen.Generators.Diagnostics;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// The generator's diagnostics as an analyzer's, for the code-fix test framework, which finds what to fix by running
/// analyzers: it runs <see cref="NetworkGenerator"/> over the compilation with a <see cref="CSharpGeneratorDriver"/>
/// and reports what the generator reported. It also compiles the generated code and reports each error in it as
/// NGTEST01 (at no location, since generated files are not in the analysed compilation), so that a fixed declaration
/// is checked to generate code that compiles, not just to lose its NG diagnostic.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor GeneratedCodeError = new(
        "NGTEST01", "Generated code does not compile", "Generated code does not compile: {0}: {1}", "Test", DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>Every descriptor in <see cref="DiagnosticDescriptors"/>: an analyzer may report only those it declares.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
        .ToImmutableArray();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Descriptors.Add(GeneratedCodeError);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // One generator run per compilation; each diagnostic is reported from its own file's semantic-model
            // action, as local diagnostics, which are the ones the test framework (and an IDE) offers fixes for.
            var run = new Lazy<(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Diagnostic> GeneratedErrors)>(
                () => Run(start.Compilation, start.CancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterSemanticModelAction(model =>
            {
                foreach (Diagnostic diagnostic in run.Value.Diagnostics)
                {
                    if (diagnostic.Location.SourceTree == model.SemanticModel.SyntaxTree)
                    {
                        model.ReportDiagnostic(diagnostic);
                    }
                }
            });
            start.RegisterCompilationEndAction(end =>
            {
                foreach (Diagnostic diagnostic in run.Value.Diagnostics.Where(diagnostic => diagnostic.Location.SourceTree is null))
                {
                    end.ReportDiagnostic(diagnostic);
                }
                foreach (Diagnostic error in run.Value.GeneratedErrors)
                {
                    end.ReportDiagnostic(Diagnostic.Create(GeneratedCodeError, Location.None, error.Id, error.GetMessage(CultureInfo.InvariantCulture)));
                }
            });
        });
    }

    private static (ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Diagnostic> GeneratedErrors) Run(Compilation input, CancellationToken cancellationToken)
    {
        var parseOptions = input.SyntaxTrees.FirstOrDefault()?.Options as CSharpParseOptions;
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: parseOptions);
        driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> diagnostics, cancellationToken);
        var sources = input.SyntaxTrees.ToHashSet();
        ImmutableArray<Diagnostic> generatedErrors = output.GetDiagnostics(cancellationToken)
            .Where(error => error.Severity == DiagnosticSeverity.Error && error.Location.SourceTree is { } tree && !sources.Contains(tree))
            .ToImmutableArray();
        return (diagnostics, generatedErrors);
    }
}
