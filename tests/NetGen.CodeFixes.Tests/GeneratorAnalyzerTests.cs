using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using NetGen.Generators.Diagnostics;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>The test-only analyzer the fix tests rely on: it must see what the generator sees, and what does not compile.</summary>
public sealed class GeneratorAnalyzerTests
{
    [Fact]
    public Task A_correct_network_has_no_diagnostic() =>
        AnalyzeAsync("""
            using NetGen;

            [Network]
            [Input(28, 28)]
            [Flatten]
            [Dense(32, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public partial class Correct;
            """);

    [Fact]
    public Task Generator_diagnostics_are_reported_where_the_generator_puts_them() =>
        AnalyzeAsync("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0005:Dense(8, Activation.Softmax)|}]
            [{|NG0026:Dense(8, Activation.BinaryStep)|}]
            [Dense(2, Activation.Softmax)]
            public partial class Twice;
            """);

    [Fact]
    public Task An_error_in_the_generated_code_is_reported() =>
        // The generated file opens a file-scoped namespace, which C# 9 lacks: CS8773 in the generated file, which the fix
        // tests must not miss. (A declaration the generator accepts compiles under C# 10 and later.)
        AnalyzeAsync(
            """
            using NetGen;

            namespace App
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation.Softmax)]
                public partial class Old
                {
                }
            }
            """,
            LanguageVersion.CSharp9,
            new DiagnosticResult(GeneratorAnalyzer.GeneratedCodeError).WithArguments("CS8773", "Feature 'file-scoped namespace' is not available in C# 9.0. Please use language version 10.0 or greater."));

    [Fact]
    public void The_fixes_handle_the_generator_s_IDs()
    {
        // DiagnosticIds repeats the IDs, since the fixes' assembly does not reference the generator.
        Assert.Equal(DiagnosticIds.NotPartial, DiagnosticDescriptors.NotPartial.Id);
        Assert.Equal(DiagnosticIds.SoftmaxNotLast, DiagnosticDescriptors.SoftmaxNotLast.Id);
        Assert.Equal(DiagnosticIds.CrossEntropyNeedsProbabilities, DiagnosticDescriptors.CrossEntropyNeedsProbabilities.Id);
        Assert.Equal(DiagnosticIds.MeanSquaredErrorOnSoftmax, DiagnosticDescriptors.MeanSquaredErrorOnSoftmax.Id);
        Assert.Equal(DiagnosticIds.DenseNeedsFlatInput, DiagnosticDescriptors.DenseNeedsFlatInput.Id);
        Assert.Equal(DiagnosticIds.WindowLargerThanInput, DiagnosticDescriptors.WindowLargerThanInput.Id);
    }

    private static Task AnalyzeAsync(string source, params DiagnosticResult[] expected) => AnalyzeAsync(source, LanguageVersion.Latest, expected);

    private static async Task AnalyzeAsync(string source, LanguageVersion languageVersion, params DiagnosticResult[] expected)
    {
        // The analyzer-only test class is in another package; a fix test with no fix checks the same.
        var test = new CSharpCodeFixTest<GeneratorAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = source,
            ReferenceAssemblies = Verify.Net10,
        };
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        test.SolutionTransforms.Add((solution, project) =>
            solution.WithProjectParseOptions(project, ((CSharpParseOptions)solution.GetProject(project)!.ParseOptions!).WithLanguageVersion(languageVersion)));
        test.TestState.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
