using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// One test per diagnostic the generator reports, each marking where it must appear with
/// <c>{|NG00xx:…|}</c>: the IDs and spans reported must equal the marked ones exactly.
/// NG0999 (the generator's own failure) has no source that triggers it, by design.
/// </summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void CorrectNetworkReportsNothing()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(28, 28)]
            [Flatten]
            [Dense(32, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public partial class Correct;
            """);

        Assert.Single(run.Sources);
    }

    [Fact]
    public void LayerNamesLikeTheGeneratedLocalsCompile()
    {
        // Names become prefixes of generated members, never whole identifiers that could collide.
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU, Name = "input")]
            [Dense(8, Activation.ReLU, Name = "parameters")]
            [Dense(8, Activation.ReLU, Name = "batchSize")]
            [Dense(8, Activation.ReLU, Name = "_")]
            [Dense(2, Activation.Softmax, Name = "output")]
            public partial class Confusing;
            """);

        Assert.Single(run.Sources);
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
    }

    [Fact]
    public void NG0001_ClassNotPartial()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public class {|NG0001:Sealed|};
            """);

        Assert.Contains("'Sealed' must be declared 'partial'", Message(run));
    }

    [Fact]
    public void NG0002_NoInput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [{|NG0002:Network(Loss = Loss.CrossEntropy)|}]
            [Dense(2, Activation.Softmax)]
            public partial class Inputless;
            """);

        Assert.Contains("'Inputless' has no [Input(...)]", Message(run));
    }

    [Fact]
    public void NG0003_LayersOnTwoPartialDeclarations()
    {
        GeneratorRun run = VerifyErrors(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            public partial class Split;
            """,
            """
            using NetGen;

            [{|NG0003:Dense(2, Activation.Softmax)|}]
            public partial class Split;
            """);

        Assert.StartsWith("Layer 2 ", Message(run));
        Assert.Contains("declaration of 'Split'", Message(run));
    }

    [Fact]
    public void NG0004_DenseWithZeroUnits()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0004:Dense(0, Activation.ReLU)|}]
            [Dense(2, Activation.Softmax)]
            public partial class Empty;
            """);

        Assert.Equal("Dense 'dense1': units is 0, but it must be at least 1", Message(run));
    }

    [Fact]
    public void NG0004_EveryNonPositiveInputDimension()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [{|NG0004:{|NG0004:Input(0, 5, -3)|}|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Degenerate;
            """);

        Assert.Equal(
            ["[Input]: dimension 1 is 0, but it must be at least 1", "[Input]: dimension 3 is -3, but it must be at least 1"],
            Messages(run));
    }

    [Fact]
    public void NG0005_SoftmaxBeforeTheLastLayer()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0005:Dense(8, Activation.Softmax, Name = "hidden")|}]
            [Dense(2, Activation.Softmax)]
            public partial class EarlySoftmax;
            """);

        Assert.StartsWith("Dense 'hidden' uses softmax but is not the last layer", Message(run));
    }

    [Fact]
    public void NG0006_CrossEntropyWithoutProbabilities()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [{|NG0006:Dense(3, Activation.ReLU)|}]
            public partial class Unnormalised;
            """);

        Assert.Contains("Dense 'dense1' with 3 units, uses ReLU", Message(run));
    }

    [Fact]
    public void NG0006_CrossEntropyOnOneIdentityUnitSuggestsSigmoid()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0006:Dense(1, Name = "logit")|}]
            public partial class Logit;
            """);

        Assert.Contains("Dense 'logit' with 1 unit, uses identity; use Activation.Softmax with 2 units (one class per sample), Activation.Sigmoid (a probability per unit)", Message(run));
    }

    [Fact]
    public void NG0007_MeanSquaredErrorOnSoftmaxWarnsAndStillGenerates()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [{|NG0007:Dense(3, Activation.Softmax, Name = "probabilities")|}]
            public partial class SlowLearner;
            """);

        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(run.GeneratorDiagnostics).Severity);
        Assert.StartsWith("Dense 'probabilities' ends in softmax", Message(run));
        Assert.Equal("SlowLearner.g.cs", Assert.Single(run.Sources).HintName);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void NG0008_DuplicateLayerNameIgnoringCase()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(2, 2)]
            [Flatten]
            [Dense(8, Activation.ReLU, Name = "hidden")]
            [{|NG0008:Dense(2, Activation.Softmax, Name = "Hidden")|}]
            public partial class Twins;
            """);

        Assert.StartsWith("Layer 3 is named 'Hidden', like layer 2;", Message(run));
    }

    [Fact]
    public void NG0009_NestedClass()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            public partial class Outer
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation.Softmax)]
                public partial class {|NG0009:Inner|};
            }
            """);

        Assert.StartsWith("'Inner' is nested inside 'Outer'", Message(run));
    }

    [Fact]
    public void NG0010_GenericClass()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class {|NG0010:Generic|}<T>;
            """);

        Assert.StartsWith("'Generic' has type parameters", Message(run));
    }

    [Fact]
    public void NG0011_InputOfRankFour()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [{|NG0011:Input(2, 3, 4, 5)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class FourDimensional;
            """);

        Assert.StartsWith("[Input] has 4 dimensions;", Message(run));
    }

    [Fact]
    public void NG0012_SecondInput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0012:Input(5)|}]
            [Dense(2, Activation.Softmax)]
            public partial class TwoInputs;
            """);

        Assert.StartsWith("Network 'TwoInputs' has more than one [Input]", Message(run));
    }

    [Fact]
    public void NG0013_NoDenseLayer()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [{|NG0013:Network|}]
            [Input(4, 4)]
            [Flatten]
            public partial class NothingToLearn;
            """);

        Assert.Equal("Network 'NothingToLearn' has no [Dense], [Conv2D] or [ConvTranspose2D] layer, so it has nothing to learn and no output; add one to end the network", Message(run));
    }

    [Fact]
    public void NG0014_DenseOnAnImageWithoutFlatten()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(28, 28)]
            [{|NG0014:Dense(10, Activation.Softmax, Name = "fc1")|}]
            public partial class Unflattened;
            """);

        Assert.Equal(
            "Dense 'fc1' gets samples of shape 28×28, but a dense layer takes a flat vector: add [Flatten] before it to turn 28×28 into 784",
            Message(run));
    }

    [Fact]
    public void NG0015_BaseClass()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            public class Layered { }

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class {|NG0015:Derived|} : Layered;
            """);

        Assert.StartsWith("'Derived' derives from 'Layered'", Message(run));
    }

    [Fact]
    public void ModelAsExplicitBaseClassIsAllowed()
    {
        // Not through VerifyDiagnostics: until the generator adds the overrides, Model's abstract members are errors.
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class Explicit : Model;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void NG0016_UndefinedActivation()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            [{|NG0016:Dense(2, (Activation)42, Name = "out")|}]
            public partial class FutureActivation;
            """);

        Assert.Equal("The activation of layer 2 (out) is (Activation)42, which is not a defined Activation", Message(run));
    }

    [Fact]
    public void NG0016_UndefinedLoss()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [{|NG0016:Network(Loss = (Loss)7)|}]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class FutureLoss;
            """);

        Assert.Equal("[Network] Loss is (Loss)7, which is not a defined Loss", Message(run));
    }

    [Fact]
    public void NG0016_UndefinedInitializer()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0016:Dense(2, Activation.Softmax, Initializer = (Initializer)9)|}]
            public partial class Uninitialized;
            """);

        Assert.StartsWith("The initializer of layer 1 (Dense) is (Initializer)9", Message(run));
    }

    [Fact]
    public void NG0017_LayerNameNotAnIdentifier()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0017:Dense(2, Activation.Softmax, Name = "output layer")|}]
            public partial class Spaced;
            """);

        Assert.StartsWith("Layer name 'output layer' must start with a letter", Message(run));
    }

    [Fact]
    public void NG0018_LastLayerNotDense()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.ReLU)]
            [{|NG0018:Flatten|}]
            public partial class FlatEnding;
            """);

        Assert.StartsWith("The last layer of 'FlatEnding' is Flatten 'flatten1'", Message(run));
    }

    [Fact]
    public void NG0019_TooManyParameters()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(100000)]
            [{|NG0019:Dense(100000, Name = "huge")|}]
            public partial class Enormous;
            """);

        Assert.Equal("The parameters up to Dense 'huge' would need 10,000,100,000 numbers, more than one array can hold (2,147,483,591)", Message(run));
    }

    [Theory]
    [InlineData("65536, 65536", "65536×65536", "4,294,967,296")]
    [InlineData("46341, 46341", "46341×46341", "2,147,488,281")]
    [InlineData("2048, 2048, 1024", "2048×2048×1024", "4,294,967,296")]
    public void NG0019_InputLargerThanAnArray(string dimensions, string shape, string size)
    {
        // The product of the dimensions must be checked in 64 bits: in 32 it wraps to 0 or a negative size.
        GeneratorRun run = VerifyErrors($$"""
            using NetGen;

            [Network]
            [{|NG0019:Input({{dimensions}})|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Vast;
            """);

        Assert.Equal($"[Input] {shape} would need {size} numbers, more than one array can hold (2,147,483,591)", Message(run));
    }

    [Fact]
    public void NG0020_Record()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial record {|NG0020:Immutable|};
            """);

        Assert.StartsWith("'Immutable' is a record", Message(run));
    }

    [Fact]
    public void NG0021_StaticClass()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public static partial class {|NG0021:Stateless|};
            """);

        Assert.StartsWith("'Stateless' is static", Message(run));
    }

    [Fact]
    public void NG0022_FileLocalClass()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            file partial class {|NG0022:Hidden|};
            """);

        Assert.StartsWith("'Hidden' is a 'file' class", Message(run));
    }

    [Fact]
    public void NG0023_SoftmaxOverOneUnit()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [{|NG0023:Dense(1, Activation.Softmax, Name = "single")|}]
            public partial class Certain;
            """);

        Assert.StartsWith("Dense 'single' applies softmax to a single unit", Message(run));
    }

    [Fact]
    public void NG0024_ActivationParameterOutOfRange()
    {
        // The diagnostic underlines the Alpha argument itself, whatever else the attribute holds.
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.LeakyReLU, {|NG0024:Alpha = 1.5|}, Name = "leaky")]
            [Dense(8, Activation.ELU, {|NG0024:Alpha = -1|})]
            [Dense(8, Activation.ISRU, {|NG0024:Alpha = double.NaN|}, Name = "smooth")]
            [Dense(2, Activation.Softmax)]
            public partial class Steep;
            """);

        Assert.Equal(
            [
                "Dense 'leaky' sets Alpha = 1.5, but the slope α of leaky ReLU must be at least 0 and less than 1 (0 gives ReLU, 1 the identity)",
                "Dense 'dense2' sets Alpha = -1, but the α of ELU must be positive and finite",
                "Dense 'smooth' sets Alpha = NaN, but the α of ISRU must be positive and finite",
            ],
            Messages(run));
    }

    [Theory]
    [InlineData("LeakyReLU", "0", true)]
    [InlineData("LeakyReLU", "0.999", true)]
    [InlineData("LeakyReLU", "1", false)]
    [InlineData("LeakyReLU", "-0.001", false)]
    [InlineData("ELU", "0.001", true)]
    [InlineData("ELU", "0", false)]
    [InlineData("ISRU", "1e39", false)] // ∞ as a float, which is what the kernels would use
    [InlineData("ISRLU", "1e-50", false)] // 0 as a float
    [InlineData("ISRLU", "1e-30", true)]
    public void NG0024_RangesAreCheckedInFloat(string activation, string alpha, bool valid)
    {
        string argument = valid ? $"Alpha = {alpha}" : $"{{|NG0024:Alpha = {alpha}|}}";
        GeneratorRun run = VerifyDiagnostics($$"""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.{{activation}}, {{argument}})]
            [Dense(2, Activation.Softmax)]
            public partial class Edge;
            """);

        Assert.Equal(valid ? 1 : 0, GeneratedNetworks(run).Length);
    }

    [Fact]
    public void NG0025_ActivationTakesNoParameter()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU, {|NG0025:Alpha = 0.1|}, Name = "hidden")]
            [Dense(8, Activation.SELU, {|NG0025:Alpha = 2|})]
            [Dense(2, Activation.Softmax, {|NG0025:Alpha = 1|})]
            public partial class Ignored;
            """);

        Assert.StartsWith("Dense 'hidden' sets Alpha = 0.1, but ReLU takes no parameter, so the value would be ignored", Messages(run)[0]);
        Assert.StartsWith("Dense 'dense2' sets Alpha = 2, but SELU takes no parameter", Messages(run)[1]);
        Assert.StartsWith("Dense 'dense3' sets Alpha = 1, but softmax takes no parameter", Messages(run)[2]);
    }

    [Fact]
    public void NG0026_BinaryStepFreezesItselfAndTheLayersBelow()
    {
        // A warning: the network is generated, it just cannot learn below the step.
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(8, Activation.Tanh, Name = "features")]
            [{|NG0026:Dense(8, Activation.BinaryStep, Name = "step")|}]
            [Dense(2)]
            public partial class Perceptron;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [{|NG0026:Dense(1, Activation.BinaryStep)|}]
            public partial class Threshold;
            """);

        Assert.Equal(
            [
                "Dense 'step' uses binary step, whose derivative is 0: no gradient reaches it or any layer below it, so training leaves the weights of 'features' and 'step' as initialised; use sigmoid or tanh for a step that learns",
                "Dense 'dense1' uses binary step, whose derivative is 0: no gradient reaches it or any layer below it, so training leaves the weights of 'dense1' as initialised; use sigmoid or tanh for a step that learns",
            ],
            Messages(run));
        Assert.All(run.GeneratorDiagnostics, diagnostic => Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity));
        Assert.Equal(2, run.Sources.Length);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void WarningsCanBeSuppressedInSource()
    {
        // Diagnostics are placed in the compilation's own syntax trees, where #pragma applies.
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            #pragma warning disable NG0026 // weights loaded from a perceptron trained elsewhere
            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(1, Activation.BinaryStep)]
            public partial class Loaded;
            #pragma warning restore NG0026

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [{|NG0026:Dense(1, Activation.BinaryStep)|}]
            public partial class Trained;
            """);

        // The driver still hands the suppressed one over, marked so; the compiler then drops it.
        Diagnostic suppressed = Assert.Single(run.GeneratorDiagnostics, diagnostic => diagnostic.IsSuppressed);
        Assert.Equal(5, suppressed.Location.GetLineSpan().StartLinePosition.Line); // Loaded's [Dense], counting from 0
    }

    [Fact]
    public void KeywordNamesAreEscapedInTheGeneratedCode()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            namespace @event.Models
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation.Softmax, Name = "class")]
                public partial class @class;
            }
            """);

        Assert.Equal("event.Models.class.g.cs", Assert.Single(run.Sources).HintName);
        Assert.Empty(run.OutputErrors.Select(diagnostic => diagnostic.ToString()));
    }

    [Fact]
    public void NetworkAttributeOnTwoDeclarationsGeneratesOnce()
    {
        // CS0579 (duplicate attribute) is the compiler's to report; the generator must not add the same file twice.
        GeneratorRun run = GeneratorHarness.Run(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class Twice;
            """,
            """
            using NetGen;

            [Network]
            public partial class Twice;
            """);

        Assert.Equal("Twice.g.cs", Assert.Single(run.Sources).HintName);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void NG0027_DropoutAndBatchNormAfterTheOutputLayer()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dense(2, Activation.Softmax, Name = "head")]
            [{|NG0027:BatchNorm(Name = "late")|}]
            [{|NG0027:Dropout(0.1, Name = "onOutput")|}]
            public partial class AfterTheOutput;
            """);

        string[] messages = Messages(run);
        Assert.Contains(
            "BatchNorm 'late' comes after the output layer 'head': normalising the outputs would change what the network predicts and what the loss compares; put it before the output layer",
            messages);
        Assert.Contains(messages, message => message.StartsWith("Dropout 'onOutput' comes after the output layer 'head': dropping the outputs", StringComparison.Ordinal));
    }

    [Fact]
    public void Dropout_and_batch_norm_anywhere_before_the_output_layer_compile_without_diagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;

            [Network]
            [Input(1, 6, 6)]
            [Dropout(0.2, Name = "early")]
            [BatchNorm(Name = "imageNorm")]
            [MaxPool2D(2)]
            [Dropout(0.1, Name = "afterPool")]
            [Flatten]
            [BatchNorm(Name = "flat")]
            [Dense(8, Activation.ReLU)]
            [Dropout(0.2, Name = "drop")]
            [BatchNorm(Name = "late")]
            [Dropout(0.3, Name = "again")]
            [Dense(2, Activation.Softmax, Name = "head")]
            public partial class Anywhere;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void NG0028_DropoutRateAndBatchNormSettingsOutOfRange()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            [{|NG0028:{|NG0028:BatchNorm(Momentum = 0, Epsilon = -1e-5, Name = "bn")|}|}]
            [{|NG0028:Dropout(1.0, Name = "all")|}]
            [Dense(2, Activation.Softmax)]
            public partial class OutOfRange;
            """);

        string[] messages = Messages(run);
        Assert.Contains("Dropout 'all': the rate is 1, but it must be in [0, 1)", messages);
        Assert.Contains("BatchNorm 'bn': Momentum is 0, but it must be in (0, 1]", messages);
        Assert.Contains("BatchNorm 'bn': Epsilon is -1E-05, but it must be positive and finite", messages);
    }

    [Fact]
    public void EveryClassLevelProblemIsReported()
    {
        VerifyErrors("""
            using NetGen;

            public class Layered { }

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public class {|NG0001:{|NG0010:{|NG0015:Everything|}|}|}<T> : Layered;
            """);
    }

    [Fact]
    public void ErrorStopsGenerationOfThatNetworkOnly()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0005:Dense(8, Activation.Softmax)|}]
            [Dense(2, Activation.Softmax)]
            public partial class Broken;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class Fine;
            """);

        Assert.Equal("Fine.g.cs", Assert.Single(GeneratedNetworks(run)).HintName);
        Assert.Equal(["Broken.g.cs", "Fine.g.cs"], run.Sources.Select(generated => generated.HintName).Order(StringComparer.Ordinal));
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void Code_that_uses_a_broken_network_compiles_so_the_NG_errors_are_the_only_errors()
    {
        // Before the stand-in, every use below failed too: CS1739 (no parameter 'seed'), CS1061 (no 'Predict'), ….
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;
            using NetGen.Data;
            using NetGen.Optimizers;

            namespace App;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [Dense(8, Activation.Softmax)]
            [Dense(3, Activation.Softmax)]
            public partial class Broken;

            public static class Uses
            {
                public static int Run(Dataset data)
                {
                    var network = new Broken(seed: 1);
                    network.Fit(data, new Sgd(0.1f), epochs: 1, batchSize: 4);
                    float[] probabilities = network.Predict(data.Sample(0));
                    return network.PredictClass(data.Sample(0)) + probabilities.Length + (int)network.Evaluate(data).Loss;
                }
            }
            """);

        Assert.Equal("NG0005", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Equal("App.Broken.g.cs", Assert.Single(run.Sources).HintName);
        Assert.Empty(run.OutputErrors.Select(diagnostic => diagnostic.ToString()));
    }

    [Fact]
    public void A_class_that_is_not_partial_gets_no_stand_in()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public class {|NG0001:Whole|};
            """);

        Assert.Empty(run.Sources);
    }

    /// <summary>
    /// Runs the generator on the marked sources and asserts it reports exactly the marked diagnostics
    /// (ID, file and span), and that the sources are valid C# apart from what the generator checks.
    /// </summary>
    private static GeneratorRun VerifyDiagnostics(params string[] markedSources)
    {
        MarkedSource[] marked = markedSources.Select(MarkedSource.Parse).ToArray();
        GeneratorRun run = GeneratorHarness.Run(marked.Select(source => source.Text).ToArray());

        Assert.Empty(run.InputErrors.Select(diagnostic => diagnostic.ToString()));
        Dictionary<string, string> textByPath = marked
            .Select((source, index) => (Path: GeneratorHarness.SourcePath(index), source.Text))
            .ToDictionary(file => file.Path, file => file.Text);
        IEnumerable<string> expected = marked.SelectMany((source, index) => source.Expected.Select(diagnostic =>
            Describe(diagnostic.Id, GeneratorHarness.SourcePath(index), diagnostic.Span, textByPath)));
        // Those suppressed in source (#pragma) reach the driver marked as such; the compiler shows none of them.
        IEnumerable<string> actual = run.GeneratorDiagnostics.Where(diagnostic => !diagnostic.IsSuppressed).Select(diagnostic =>
            Describe(diagnostic.Id, diagnostic.Location.GetLineSpan().Path, diagnostic.Location.SourceSpan, textByPath));
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        return run;
    }

    /// <summary><see cref="VerifyDiagnostics"/> for a network with errors: they must stop its generation, and be the only errors.</summary>
    private static GeneratorRun VerifyErrors(params string[] markedSources)
    {
        GeneratorRun run = VerifyDiagnostics(markedSources);
        Assert.Contains(run.GeneratorDiagnostics, GeneratorHarness.IsError);
        // No network is generated: at most a stand-in that keeps uses of the class compiling, so that the NG errors
        // are the only errors.
        Assert.All(run.Sources, generated => Assert.Contains("This stand-in keeps", generated.SourceText.ToString(), StringComparison.Ordinal));
        Assert.Empty(run.OutputErrors.Select(diagnostic => diagnostic.ToString()));
        return run;
    }

    /// <summary>A diagnostic's ID and place, with the text it covers, so a wrong span reads plainly in a failure.</summary>
    private static string Describe(string id, string path, TextSpan span, Dictionary<string, string> textByPath) =>
        $"{id} at {path}{span} '{(textByPath.TryGetValue(path, out string? text) && span.End <= text.Length ? text[span.Start..span.End] : "?")}'";

    private static string Message(GeneratorRun run) => Assert.Single(Messages(run));

    /// <summary>The networks generated in full, without the stand-ins of broken declarations.</summary>
    private static GeneratedSourceResult[] GeneratedNetworks(GeneratorRun run) =>
        run.Sources.Where(generated => !generated.SourceText.ToString().Contains("This stand-in keeps", StringComparison.Ordinal)).ToArray();

    private static string[] Messages(GeneratorRun run) =>
        run.GeneratorDiagnostics.Select(diagnostic => diagnostic.GetMessage(CultureInfo.InvariantCulture)).ToArray();
}
