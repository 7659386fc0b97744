using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// The incremental pipeline's caching: an edit that does not touch a network must re-run nothing
/// after parsing, which only works if every step's output compares by value and holds nothing
/// that belongs to one compilation.
/// </summary>
public sealed class IncrementalTests
{
    private const string Network = """
        using NetGen;

        namespace Mnist;

        [Network]
        [Input(28, 28)]
        [Flatten]
        [Dense(500, Activation.ReLU, Name = "fc1")]
        [Dense(10, Activation.Softmax, Name = "fc2")]
        public partial class Classifier;

        public class Unrelated
        {
            public int Value => 1;
        }
        """;

    /// <summary>Every step the generator names in <see cref="TrackingNames"/>.</summary>
    private static readonly ImmutableArray<string> StepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral && field.FieldType == typeof(string))
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToImmutableArray();

    /// <summary>Objects that pin a compilation in memory and never compare equal across compilations.</summary>
    private static readonly Type[] CompilationBoundTypes =
    [
        typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel),
        typeof(AttributeData), typeof(Location), typeof(Diagnostic),
    ];

    [Fact]
    public void TrackingNamesCoverTheFourSteps()
    {
        Assert.Equal(
            [TrackingNames.Diagnostics, TrackingNames.Emit, TrackingNames.Parse, TrackingNames.Plan],
            StepNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddingAnUnrelatedFileReusesEveryStep()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Network);
        CSharpCompilation edited = compilation.AddSyntaxTrees(
            GeneratorHarness.ParseSource("public static class Helpers { public static int Twice(int x) => 2 * x; }", "Helpers.cs"));

        AssertSecondRunReusesEveryStep(compilation, edited);
    }

    [Fact]
    public void EditingAnUnrelatedClassInTheSameFileReusesEveryStep()
    {
        // The file is parsed again, so the network is too; its spec must compare equal to the last one.
        CSharpCompilation compilation = GeneratorHarness.Compile(Network);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree, GeneratorHarness.ParseSource(Network.Replace("Value => 1", "Value => 42"), tree.FilePath));

        AssertSecondRunReusesEveryStep(compilation, edited);
    }

    [Fact]
    public void EditingAnUnrelatedClassBesideAConvolutionalNetworkReusesEveryStep()
    {
        // The spatial records (geometry, pooling, per-channel batch norm, reshape, upsampling, transposed convolution)
        // must compare by value too.
        const string convolutional = """
            using NetGen;

            [Network]
            [Input(1, 28, 28)]
            [Conv2D(8, 5, Activation.ReLU, Padding = Padding.Same, Name = "conv1")]
            [BatchNorm(Name = "bn1")]
            [MaxPool2D(2, Name = "pool1")]
            [Conv2D(16, 3, 2, Activation.GELU, Stride = 2)]
            [Dropout(0.1)]
            [AvgPool2D(2)]
            [Flatten]
            [Dense(10, Activation.Softmax, Name = "fc")]
            public partial class ConvolutionalClassifier;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(16)]
            [Reshape(1, 4, 4)]
            [ConvTranspose2D(4, 3, Activation.Tanh, Stride = 2, Padding = 1, OutputPadding = 1)]
            [Upsample2D(2)]
            [ConvTranspose2D(1, 3, 1, Activation.Sigmoid)]
            public partial class ConvolutionalDecoder;

            public class Unrelated
            {
                public int Value => 1;
            }
            """;
        CSharpCompilation compilation = GeneratorHarness.Compile(convolutional);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree, GeneratorHarness.ParseSource(convolutional.Replace("Value => 1", "Value => 42"), tree.FilePath));

        AssertSecondRunReusesEveryStep(compilation, edited);
    }

    [Fact]
    public void MovingTheNetworkDownALineReparsesButEmitsNothingNew()
    {
        // The spec holds source locations for diagnostics, so it changes; the plan holds none, so it does not.
        CSharpCompilation compilation = GeneratorHarness.Compile(Network);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree, GeneratorHarness.ParseSource("// A new first line.\n" + Network, tree.FilePath));

        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation).RunGenerators(edited);
        GeneratorRunResult second = driver.GetRunResult().Results.Single();

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, TrackingNames.Parse));
        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(second, TrackingNames.Plan));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.Emit));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.Diagnostics));
    }

    [Fact]
    public void ChangingUnitsRegeneratesTheNetwork()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Network);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree, GeneratorHarness.ParseSource(Network.Replace("Dense(500,", "Dense(400,"), tree.FilePath));

        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        string before = Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).SourceText.ToString();
        driver = driver.RunGenerators(edited);
        GeneratorRunResult second = driver.GetRunResult().Results.Single();
        string after = Assert.Single(second.GeneratedSources).SourceText.ToString();

        foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Plan, TrackingNames.Emit })
        {
            Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, step));
        }
        // No diagnostics before or after: that output is recomputed but equal.
        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(second, TrackingNames.Diagnostics));
        Assert.Contains("fc1.weight [500, 784]", before);
        Assert.Contains("fc1.weight [400, 784]", after);
        Assert.DoesNotContain("500", after);
        AssertHoldsNothingCompilationBound(second);
    }

    /// <summary>Runs the generator on <paramref name="first"/> then <paramref name="second"/>, which differ only away from the network.</summary>
    private static void AssertSecondRunReusesEveryStep(CSharpCompilation first, CSharpCompilation second)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(first);
        GeneratorRunResult firstRun = driver.GetRunResult().Results.Single();
        driver = driver.RunGenerators(second);
        GeneratorRunResult secondRun = driver.GetRunResult().Results.Single();

        foreach (string step in StepNames)
        {
            IncrementalStepRunReason[] reasons = Reasons(secondRun, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(
                reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step {step} re-ran with result {reason} after an unrelated edit."));
        }
        Assert.Equal(
            firstRun.GeneratedSources.Select(generated => generated.SourceText.ToString()),
            secondRun.GeneratedSources.Select(generated => generated.SourceText.ToString()));
        AssertHoldsNothingCompilationBound(firstRun);
        AssertHoldsNothingCompilationBound(secondRun);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult run, string step)
    {
        Assert.True(run.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> steps), $"Step {step} was not tracked.");
        return steps.SelectMany(runStep => runStep.Outputs).Select(output => output.Reason).ToArray();
    }

    /// <summary>Walks every output of every named step, through records and arrays, for compilation-bound objects.</summary>
    private static void AssertHoldsNothingCompilationBound(GeneratorRunResult run)
    {
        foreach (string step in StepNames)
        {
            foreach ((object value, int index) in run.TrackedSteps[step].SelectMany(runStep => runStep.Outputs).Select((output, index) => (output.Value, index)))
            {
                Walk(value, $"{step}[{index}]", new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null or string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }
        Type type = value.GetType();
        Type? banned = CompilationBoundTypes.FirstOrDefault(bannedType => bannedType.IsAssignableFrom(type));
        Assert.True(banned is null, $"{path} is a {type.FullName}, a {banned?.Name}: it keeps a compilation alive and defeats caching.");
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int index = 0;
            foreach (object? item in items)
            {
                Walk(item, $"{path}[{index++}]", visited);
            }
        }
        else if (type.Assembly == typeof(NetworkGenerator).Assembly || type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            // The generator's own models (and tuples of them): look inside. Anything else — strings,
            // TextSpan, DiagnosticDescriptor — is a leaf that either passed the check above or is plain data.
            for (Type? declaring = type; declaring is not null; declaring = declaring.BaseType)
            {
                foreach (FieldInfo field in declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
                }
            }
        }
    }
}
