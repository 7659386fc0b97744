using Microsoft.CodeAnalysis;
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
        // The generated part declares InputSize too: CS0102 in the generated file, which the fix tests must not miss.
        AnalyzeAsync(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class Clash
            {
                private const int InputSize = 4;
            }
            """,
            new DiagnosticResult(GeneratorAnalyzer.GeneratedCodeError).WithArguments("CS0102", "The type 'Clash' already contains a definition for 'InputSize'"));

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

    private static async Task AnalyzeAsync(string source, params DiagnosticResult[] expected)
    {
        // The analyzer-only test class is in another package; a fix test with no fix checks the same.
        var test = new CSharpCodeFixTest<GeneratorAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = source,
            ReferenceAssemblies = Verify.Net10,
        };
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        test.TestState.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
