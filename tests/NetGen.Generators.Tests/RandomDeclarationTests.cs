using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// Random declarations (every layer attribute, edge-value arguments, odd names and class shapes) through the whole
/// build: the generator never reports NG0999 or throws; whatever it reports, the generated code compiles (a broken
/// declaration gets a stand-in); and a declaration without NG errors builds a model that constructs, runs forward
/// and takes a gradient step on a random batch. CsCheck prints a seed that replays a failure. The count is
/// <c>NETGEN_PROPERTY_ITERATIONS</c> (200 by default; 10,000 for a thorough run).
/// </summary>
public sealed class RandomDeclarationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_PROPERTY_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) ? count : 200;

    private static readonly string[] Activations = Enum.GetNames<global::NetGen.Activation>();

    /// <summary>One of <paramref name="values"/>, shrinking toward the first.</summary>
    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(index => values[index]);

    private static readonly Gen<string?> Names = Pick<string?>(
        null, null, null, "fc", "a", "aSlope", "x", "Fc", "\u212Aa", "ka", "_", "class", "Architecture", "Forward", "bn", "drop", "conv1", "dense1");

    private static readonly Gen<int> Sizes = Pick(-1, 0, 1, 2, 3, 4, 5, 8);

    private static string Named(string? name) => name is null ? "" : $", Name = \"{name}\"";

    private static readonly Gen<string> Activation = Gen.Frequency(
        (12, Gen.Int[0, Activations.Length - 1].Select(i => $"Activation.{Activations[i]}")),
        (1, Gen.Const("(Activation)42")));

    private static readonly Gen<string> Alpha = Pick("", "", "", ", Alpha = 0.2", ", Alpha = -1", ", Alpha = 1e39", ", Alpha = 0");

    private static readonly Gen<string> Layer = Gen.Frequency(
        (5, Gen.Select(Sizes, Activation, Alpha, Names, (units, activation, alpha, name) => $"[Dense({units}, {activation}{alpha}{Named(name)})]")),
        (2, Gen.Const("[Flatten]")),
        (2, Gen.Select(Pick("-0.1", "0", "0.5", "0.99999999999", "1"), Names, (rate, name) => $"[Dropout({rate}{Named(name)})]")),
        (2, Gen.Select(Pick("", "Momentum = 0", "Epsilon = 5E-324", "Epsilon = 1e300", "Momentum = 0.5, Epsilon = 1e-3"), Names,
            (settings, name) => $"[BatchNorm({settings}{(settings.Length > 0 && name is not null ? ", " : "")}{(name is null ? "" : $"Name = \"{name}\"")})]")),
        (3, Gen.Select(Sizes, Gen.Int[0, 4], Gen.Int[0, 3], Pick("Valid", "Same"), Activation, Names,
            (filters, kernel, stride, padding, activation, name) => $"[Conv2D({filters}, {kernel}, {activation}, Stride = {stride}, Padding = Padding.{padding}{Named(name)})]")),
        (2, Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 2], Names,
            (max, size, stride, name) => $"[{(max ? "Max" : "Avg")}Pool2D({size}{(stride > 0 ? $", Stride = {stride}" : "")}{Named(name)})]")));

    private static readonly Gen<string> Input = Gen.Frequency(
        (10, Gen.Int[1, 3].SelectMany(rank => Pick(1, 1, 2, 3, 4, 6, 8, 0).Array[rank]).Select(dimensions => $"[Input({string.Join(", ", dimensions)})]")),
        (1, Pick("", "[Input(null)]", "[Input(1, 2, 3, 4)]", "[Input(4)] [Input(5)]")));

    private static readonly Gen<string> EdgeDeclaration = Gen.Select(
        Pick("Loss.CrossEntropy", "Loss.MeanSquaredError", "(Loss)7"),
        Input,
        Layer.Array[0, 6],
        Gen.Select(Sizes, Pick("Activation.Softmax", "Activation.Sigmoid", "Activation.Identity", "Activation.Tanh"), (units, activation) => $"[Dense({units}, {activation})]"),
        Gen.Frequency((12, Gen.Const("public partial class Net;")), (1, Pick(
            "public class Net;", "public partial record Net;", "public static partial class Net;", "public partial class Net<T>;",
            "public partial class Net(int width);", "public partial class Net { public const int OutputSize = 3; }"))),
        (loss, input, layers, output, type) => $"using NetGen;\n\n[Network(Loss = {loss})]\n{input}\n{string.Join("\n", layers)}\n{output}\n{type}\n");

    private static readonly string[] HiddenActivations = Activations.Where(name => name != "Softmax").ToArray();

    private static readonly Gen<string> Regularizer = Gen.Frequency(
        (6, Gen.Const("")),
        (1, Pick(0.1, 0.5).Select(rate => $"[Dropout({rate.ToString(CultureInfo.InvariantCulture)})]")),
        (1, Gen.Const("[BatchNorm]")),
        (1, Gen.Const("[BatchNorm] [Dropout(0.2)]")));

    private static readonly Gen<string> HiddenDense = Gen.Select(Gen.Int[1, 9], Gen.Int[0, HiddenActivations.Length - 1], Regularizer,
        (units, activation, regularizer) => $"[Dense({units}, Activation.{HiddenActivations[activation]})] {regularizer}");

    private static readonly Gen<string> SpatialLayer = Gen.Frequency(
        (3, Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 2], Pick("Valid", "Same"), Pick("ReLU", "Tanh", "Sigmoid", "ELU", "GELU", "Identity"), Regularizer,
            (filters, kernel, stride, padding, activation, regularizer) =>
                $"[Conv2D({filters}, {kernel}, Activation.{activation}, Stride = {stride}, Padding = Padding.{padding})] {regularizer}")),
        (1, Gen.Select(Gen.Bool, Regularizer, (max, regularizer) => $"[{(max ? "Max" : "Avg")}Pool2D(2)] {regularizer}")));

    private static readonly Gen<string> Output = Pick(
        ("Loss.CrossEntropy", "[Dense(3, Activation.Softmax)]"), ("Loss.CrossEntropy", "[Dense(1, Activation.Sigmoid)]"),
        ("Loss.MeanSquaredError", "[Dense(2)]"), ("Loss.MeanSquaredError", "[Dense(2, Activation.Tanh)]"))
        .Select(pair => $"{pair.Item1}|{pair.Item2}");

    /// <summary>Declarations a user would write, most of them valid: what the model half of the property runs.</summary>
    private static readonly Gen<string> PlausibleDeclaration = Gen.Select(
        Gen.Bool, Gen.Int[1, 3], Gen.Int[5, 9], Regularizer, SpatialLayer.Array[0, 2], Regularizer, HiddenDense.Array[0, 2], Output,
        (image, channels, side, inputRegularizer, spatial, flatRegularizer, hidden, output) =>
        {
            string[] lossAndLayer = output.Split('|');
            string input = image ? $"[Input({channels}, {side}, {side})] {inputRegularizer} {string.Join(" ", spatial)} [Flatten] {flatRegularizer}" : $"[Input({side})] {inputRegularizer}";
            return $"using NetGen;\n\n[Network(Loss = {lossAndLayer[0]})]\n{input}\n{string.Join("\n", hidden)}\n{lossAndLayer[1]}\npublic partial class Net;\n";
        });

    private static readonly Gen<string> Declaration = Gen.Frequency((1, EdgeDeclaration), (1, PlausibleDeclaration));

    [Fact]
    public void Every_random_declaration_builds_or_is_reported_and_every_model_without_errors_trains_one_step()
    {
        int reported = 0, trained = 0;
        Declaration.Sample(source =>
        {
            CSharpCompilation input = GeneratorHarness.Compile(source);
            Assert.Empty(input.GetDiagnostics().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error && !diagnostic.Id.StartsWith("CS8", StringComparison.Ordinal) && diagnostic.Id != "CS0260"));
            GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
            GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
            Assert.Null(result.Exception);
            Assert.DoesNotContain(result.Diagnostics, diagnostic => diagnostic.Id == "NG0999");

            bool hasErrors = result.Diagnostics.Any(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error);
            IEnumerable<Diagnostic> compilerErrors = output.GetDiagnostics().Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error);
            if (hasErrors)
            {
                // Errors the source itself has (a record, a missing partial) are the compiler's to report; the stand-in adds none.
                Assert.Empty(compilerErrors.Select(error => error.ToString()).Except(input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())));
                Interlocked.Increment(ref reported);
                return;
            }
            Assert.Empty(compilerErrors.Select(error => error.ToString()));
            TrainOneStep(output);
            Interlocked.Increment(ref trained);
        }, iter: Iterations);

        output.WriteLine($"{reported + trained} declarations: {reported} reported with NG errors, {trained} built, constructed and trained one step");
        // The generator of declarations must reach the models, or the last half of the property is never exercised.
        Assert.True(trained >= (reported + trained) / 5, $"only {trained} of {reported + trained} random declarations had no NG error");
    }

    /// <summary>Loads the built network, constructs it, and runs one forward pass and one gradient step on a random batch of 3.</summary>
    private static void TrainOneStep(Compilation output)
    {
        using var image = new MemoryStream();
        Assert.True(output.Emit(image).Success);
        var context = new AssemblyLoadContext("random-declaration", isCollectible: true);
        try
        {
            Type networkType = context.LoadFromStream(new MemoryStream(image.ToArray())).GetType("Net", throwOnError: true)!;
            var model = (global::NetGen.Model)Activator.CreateInstance(networkType, 1)!;
            var random = new Random(7);
            const int batch = 3;
            float[] inputs = Enumerable.Range(0, batch * model.Description.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
            float[] targets = new float[batch * model.Description.OutputSize];
            for (int b = 0; b < batch; b++)
            {
                targets[b * model.Description.OutputSize + random.Next(model.Description.OutputSize)] = 1f;
            }
            model.Forward(inputs, batch);
            float loss = model.ComputeGradients(inputs, targets, batch);
            Assert.False(float.IsNaN(loss), "the loss of one random batch is NaN");
        }
        finally
        {
            context.Unload();
        }
    }
}
