using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// The generated code for representative networks, compared line for line with reviewed snapshots
/// in <c>Snapshots/</c>. Each output must also compile, with the runtime, without a single warning.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void MnistSigmoidMlp()
    {
        // As in samples/Mnist/Networks.cs: named layers, a file-scoped namespace, softmax + cross-entropy.
        const string source = """
            using NetGen;

            namespace Mnist;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(28, 28)]
            [Flatten]
            [Dense(500, Activation.Sigmoid, Name = "fc1")]
            [Dense(500, Activation.Sigmoid, Name = "fc2")]
            [Dense(10, Activation.Softmax, Name = "fc3")]
            public partial class MnistMlp;
            """;

        VerifyGenerated(source, "Mnist.MnistMlp.g.cs");
    }

    [Fact]
    public void DenseAutoencoderWithDropoutOnItsCode()
    {
        // An autoencoder: Encode runs the layers up to the code layer, Decode those after it. The dropout right after
        // the code runs as a pass of its own (nothing fuses into the code layer), and both cores run in inference mode.
        const string source = """
            using NetGen;

            namespace Codes;

            [Network(Loss = Loss.MeanSquaredError)]
            [Autoencoder("code")]
            [Input(8, 8)]
            [Flatten]
            [Dense(16, Activation.Sigmoid, Name = "enc1")]
            [Dense(4, Name = "code")]
            [Dropout(0.1, Name = "drop")]
            [Dense(16, Activation.Sigmoid, Name = "dec1")]
            [Dense(64, Activation.Sigmoid, Name = "out")]
            public partial class TinyAutoencoder;
            """;

        VerifyGenerated(source, "Codes.TinyAutoencoder.g.cs");
    }

    [Fact]
    public void BatchNormReluDropoutFusedIntoOnePass()
    {
        // The fused layer the course's regularisers make: bias-free product → normalise → scale/shift →
        // ReLU → dropout forward, and the whole chain back in the pass that forms δ.
        const string source = """
            using NetGen;

            namespace Regularized;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(784)]
            [Dense(256, Activation.ReLU, Name = "fc1")]
            [BatchNorm(Name = "bn1")]
            [Dropout(0.2, Name = "drop1")]
            [Dense(128, Activation.ReLU, Name = "fc2")]
            [Dropout(0.1, Name = "drop2")]
            [Dense(10, Activation.Softmax, Name = "fc3")]
            public partial class RegularizedMlp;
            """;

        VerifyGenerated(source, "Regularized.RegularizedMlp.g.cs");
    }

    [Fact]
    public void ReluTanhMlpWithDefaultNamesInGlobalNamespace()
    {
        // A 3-D input, [Network] with its default loss, and every layer named by default.
        const string source = """
            using NetGen;

            [Network]
            [Input(3, 8, 8)]
            [Flatten]
            [Dense(64, Activation.ReLU)]
            [Dense(32, Activation.Tanh)]
            [Dense(5, Activation.Softmax)]
            public partial class TinyImageClassifier
            {
            }
            """;

        VerifyGenerated(source, "TinyImageClassifier.g.cs");
    }

    [Fact]
    public void BinaryClassifierWithSigmoidOutput()
    {
        // One sigmoid unit with cross-entropy is binary cross-entropy; a block-scoped, dotted namespace.
        const string source = """
            using NetGen;

            namespace Medical.Screening
            {
                [Network(Loss = Loss.CrossEntropy)]
                [Input(30)]
                [Dense(16, Activation.ReLU, Name = "hidden")]
                [Dense(1, Activation.Sigmoid, Name = "score")]
                internal partial class TumourClassifier;
            }
            """;

        VerifyGenerated(source, "Medical.Screening.TumourClassifier.g.cs");
    }

    [Fact]
    public void RegressionWithMeanSquaredErrorAndIdentityOutput()
    {
        // Dense(2) takes the default activation, identity; a hidden identity layer has derivative 1.
        const string source = """
            using NetGen;

            namespace Housing;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(13)]
            [Dense(32, Activation.Tanh)]
            [Dense(8)]
            [Dense(2)]
            public partial class PriceRegressor;
            """;

        VerifyGenerated(source, "Housing.PriceRegressor.g.cs");
    }

    [Fact]
    public void TiedDenoisingAutoencoder()
    {
        // Masking noise on the input (training only); dec1 uses code.weightᵀ and dec2 enc1.weightᵀ, so the backward
        // pass overwrites each shared gradient at its decoder and adds the encoder's use into it.
        const string source = """
            using NetGen;

            namespace Denoising;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(64)]
            [MaskingNoise(0.25)]
            [Dense(32, Activation.Sigmoid, Name = "enc1")]
            [Dense(8, Name = "code")]
            [Dense(32, Activation.Sigmoid, TiedTo = "code", Name = "dec1")]
            [Dense(64, Activation.Sigmoid, TiedTo = "enc1", Name = "dec2")]
            public partial class TiedDenoiser;
            """;

        VerifyGenerated(source, "Denoising.TiedDenoiser.g.cs");
    }

    [Fact]
    public void RestrictedBoltzmannMachineWithBinaryUnits()
    {
        // Sizes, tensors and constructors only: the CD step runs in the runtime's BoltzmannMachine.
        const string source = """
            using NetGen;

            namespace Pretraining;

            [RestrictedBoltzmannMachine(500, GibbsSteps = 1)]
            [Input(28, 28)]
            public partial class DigitFeatures;
            """;

        VerifyGenerated(source, "Pretraining.DigitFeatures.g.cs");
    }

    [Fact]
    public void MeanSquaredErrorOnSoftmaxGeneratesWithWarning()
    {
        const string source = """
            using NetGen;

            namespace Iris;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(8, Activation.Sigmoid)]
            [Dense(3, Activation.Softmax, Name = "species")]
            public partial class IrisSoftmaxMse;
            """;

        GeneratorRun run = VerifyGenerated(source, "Iris.IrisSoftmaxMse.g.cs", expectedDiagnostics: ["NG0007"]);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(run.GeneratorDiagnostics).Severity);
    }

    [Fact]
    public void ParameterisedActivationsAndActivationsThatKeepZ()
    {
        // A given Alpha becomes a nested parameter struct; ELU without one takes the runtime's default;
        // GELU (hidden) and SiLU (output) keep z for their derivatives, read by InputDelta and the loss's δ.
        const string source = """
            using NetGen;

            namespace Tabular;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(6)]
            [Dense(16, Activation.LeakyReLU, Alpha = 0.2, Name = "fc1")]
            [Dense(12, Activation.GELU, Name = "fc2")]
            [Dense(8, Activation.ELU, Name = "fc3")]
            [Dense(3, Activation.SiLU, Name = "out")]
            public partial class DemandForecaster;
            """;

        VerifyGenerated(source, "Tabular.DemandForecaster.g.cs");
    }

    [Fact]
    public void FashionCnnWithTwoConvolutionsAndMaxPooling()
    {
        // The network of samples/FashionCnn and the PyTorch reference: conv 5×5×32 → max-pool 2 → conv 5×5×64 →
        // max-pool 2 → dense 128 → dense 10. No δ is formed for the input; pooling routes δ to its argmax with the
        // convolution's ReLU' folded in.
        const string source = """
            using NetGen;

            namespace Vision;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(1, 28, 28)]
            [Conv2D(32, 5, Activation.ReLU, Name = "c1")]
            [MaxPool2D(2, Name = "pool1")]
            [Conv2D(64, 5, Activation.ReLU, Name = "c2")]
            [MaxPool2D(2, Name = "pool2")]
            [Flatten]
            [Dense(128, Activation.ReLU, Name = "f1")]
            [Dense(10, Activation.Softmax, Name = "f2")]
            public partial class FashionCnn;
            """;

        VerifyGenerated(source, "Vision.FashionCnn.g.cs");
    }

    [Fact]
    public void ConvolutionWithBatchNormAndDropout()
    {
        // PyTorch's Conv2d(bias=False) + BatchNorm2d + ReLU + Dropout: the convolution under the identity, then one
        // pass per channel; backward forms δ at the output and the epilogue takes it back through mask, ReLU' and bn1.
        const string source = """
            using NetGen;

            namespace Vision;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(1, 28, 28)]
            [Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same, Name = "conv1")]
            [BatchNorm(Name = "bn1")]
            [Dropout(0.1, Name = "drop1")]
            [MaxPool2D(2, Name = "pool1")]
            [Conv2D(32, 3, Activation.ReLU, Name = "conv2")]
            [Dropout(0.25, Name = "drop2")]
            [Flatten]
            [Dense(10, Activation.Softmax, Name = "fc1")]
            public partial class RegularizedCnn;
            """;

        VerifyGenerated(source, "Vision.RegularizedCnn.g.cs");
    }

    [Fact]
    public void StridedSamePaddedConvolutionWithAveragePoolingAndGelu()
    {
        // Same padding resolved to rows and columns at build time, a rectangular kernel, z kept for GELU',
        // and average pooling's backward.
        const string source = """
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(3, 16, 15)]
            [Conv2D(6, 3, 2, Activation.GELU, Padding = Padding.Same, Stride = 2)]
            [AvgPool2D(2)]
            [Flatten]
            [Dense(1)]
            public partial class Denoiser;
            """;

        VerifyGenerated(source, "Denoiser.g.cs");
    }

    [Fact]
    public void ConvolutionalAutoencoderWithReshapeUpsamplingAndTransposedConvolutions()
    {
        // An image out: a Reshape view into the decoder, a strided transposed convolution whose GELU' (from z) the
        // upsampling above folds into the δ it forms, and a transposed convolution as the output layer under
        // cross-entropy, a sigmoid per pixel.
        const string source = """
            using NetGen;

            namespace Autoencoders;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(1, 28, 28)]
            [Conv2D(16, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same, Name = "enc1")]
            [Conv2D(32, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same, Name = "enc2")]
            [Flatten]
            [Dense(16, Activation.Tanh, Name = "code")]
            [Dense(1568, Activation.ReLU, Name = "expand")]
            [Reshape(32, 7, 7, Name = "unflatten")]
            [ConvTranspose2D(16, 3, Activation.GELU, Stride = 2, Padding = 1, OutputPadding = 1, Name = "dec1")]
            [Upsample2D(2, Name = "up")]
            [ConvTranspose2D(1, 3, Activation.Sigmoid, Padding = 1, Name = "dec2")]
            public partial class ConvAutoencoder;
            """;

        VerifyGenerated(source, "Autoencoders.ConvAutoencoder.g.cs");
    }

    /// <summary>
    /// Generates <paramref name="source"/>, checks it reports only <paramref name="expectedDiagnostics"/>
    /// and adds one file <paramref name="hintName"/> that compiles cleanly, then compares that file
    /// with the calling test's snapshot.
    /// </summary>
    [Fact]
    public void StackedLstmSequenceClassifier()
    {
        // Two LSTMs, the first giving every step through a dropout pass to the second, which reads the whole sequence
        // and sends δ back down through its W_ih; the second's last step feeds a softmax classifier.
        const string source = """
            using NetGen;

            namespace Sequences;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(12, 3, Sequence = true)]
            [Lstm(16, ReturnSequences = true)]
            [Dropout(0.2)]
            [Lstm(8)]
            [Dense(2, Activation.Softmax, Name = "classifier")]
            public partial class SequenceClassifier;
            """;

        VerifyGenerated(source, "Sequences.SequenceClassifier.g.cs");
    }

    [Fact]
    public void GruWithPerStepDenseOutputs()
    {
        // Sequence to sequence: a per-step Dense under the GRU (its δ from the GRU's W_ih) and one above it, the
        // network's output [steps, units]; each runs over B·steps rows, and Step streams one step's output.
        const string source = """
            using NetGen;

            namespace Sequences;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(16, 2, Sequence = true)]
            [Dense(8, Activation.Tanh, PerStep = true, Name = "embed")]
            [Gru(12, ReturnSequences = true)]
            [Dense(1, PerStep = true, Name = "out")]
            public partial class SignalFilter;
            """;

        VerifyGenerated(source, "Sequences.SignalFilter.g.cs");
    }

    private static GeneratorRun VerifyGenerated(
        string source, string hintName, string[]? expectedDiagnostics = null, [CallerMemberName] string testName = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Equal(expectedDiagnostics ?? [], run.GeneratorDiagnostics.Select(diagnostic => diagnostic.Id));
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
        GeneratedSourceResult generated = Assert.Single(run.Sources);
        Assert.Equal(hintName, generated.HintName);

        Snapshot.Match(generated.SourceText.ToString(), testName);
        return run;
    }
}
