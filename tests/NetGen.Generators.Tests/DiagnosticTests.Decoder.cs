using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>The diagnostics of the decoder layers (reshape, upsampling, transposed convolution), each with its arithmetic.</summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void A_reshape_into_an_image_feeds_a_convolution_and_reports_nothing()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(1, 8, 8)]
            [Flatten]
            [Dense(32, Activation.Tanh)]
            [Reshape(2, 4, 4)]
            [Conv2D(1, 3, Activation.Sigmoid, Padding = Padding.Same)]
            public partial class Decoder;
            """);

        string source = Assert.Single(run.Sources).SourceText.ToString();
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
        Assert.Contains("// reshape1: [B, 32] → [B, 2×4×4], a view: samples are already contiguous.", source);
    }

    [Fact]
    public void NG0043_ReshapeToAShapeOfAnotherSize()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(1568)]
            [{|NG0043:Reshape(32, 7, 8, Name = "unflatten")|}]
            [Conv2D(1, 3, Activation.Sigmoid)]
            public partial class Decoder;
            """);

        Assert.Equal(
            "Reshape 'unflatten' gets samples of shape 1568, 1,568 numbers, but [32, 7, 8] holds 32 · 7 · 8 = 1,792; a reshape keeps every number, so give dimensions whose product is 1,568, such as [28, 7, 8]",
            Message(run));
    }

    [Fact]
    public void NG0043_WithNoFittingSuggestion_AndAFlatTarget()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(2, 3, 5)]
            [{|NG0043:Reshape(4, 7)|}]
            [Reshape(31)]
            [Dense(1)]
            public partial class Decoder;
            """);

        // Planning stops at the first layer whose shape is wrong: only the first is reported.
        Assert.Equal(
            "Reshape 'reshape1' gets samples of shape 2×3×5, 30 numbers, but [4, 7] holds 4 · 7 = 28; a reshape keeps every number, so give dimensions whose product is 30",
            Message(run));
    }

    [Fact]
    public void NG0004_ReshapeWithADimensionBelowOne()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(16)]
            [{|NG0004:Reshape(4, 0, 4)|}]
            [Flatten]
            [Dense(1)]
            public partial class Decoder;
            """);

        Assert.Equal("Reshape 'reshape1': dimension 2 is 0, but it must be at least 1", Message(run));
    }

    [Fact]
    public void NG0004_And_NG0031_Upsampling()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(1, 4, 4)]
            [{|NG0004:Upsample2D(0)|}]
            [Conv2D(1, 3, Activation.Sigmoid)]
            public partial class NoScale;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(1, 4, 4)]
            [Flatten]
            [Dense(16, Activation.Tanh)]
            [{|NG0031:Upsample2D(2, Name = "up")|}]
            [Conv2D(1, 3, Activation.Sigmoid)]
            public partial class FlatUpsampling;
            """);

        Assert.Equal(
            [
                "Upsample2D 'upsample1': the scale is 0, but it must be at least 1",
                "Upsample2D 'up' takes samples of shape [channels, height, width], but gets 16, a flat vector: convolution and pooling go before [Flatten] and the Dense layers, or after a [Reshape(channels, height, width)] of 16 numbers",
            ],
            Messages(run));
    }

    [Fact]
    public void A_convolutional_autoencoder_ending_in_a_transposed_convolution_reports_nothing()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(1, 28, 28)]
            [Conv2D(16, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same)]
            [Conv2D(32, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same)]
            [Flatten]
            [Dense(16, Activation.ReLU)]
            [Dense(1568, Activation.ReLU)]
            [Reshape(32, 7, 7)]
            [ConvTranspose2D(16, 3, Activation.ReLU, Stride = 2, Padding = 1, OutputPadding = 1)]
            [ConvTranspose2D(1, 3, Activation.Sigmoid, Stride = 2, Padding = 1, OutputPadding = 1, InputChannels = 16)]
            public partial class Autoencoder;
            """);

        string source = Assert.Single(run.Sources).SourceText.ToString();
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
        Assert.Contains("public const int OutputSize = 784;", source);
        Assert.Contains("new(\"deconv1.weight\", Deconv1WeightOffset, new[] { 32, 16, 3, 3 }", source);
        Assert.Contains("// deconv2: 16×14×14 → 1×28×28, transposed 3×3, stride 2, padding 1, output padding 1: 28 = (14 − 1)·2 − 2·1 + 3 + 1", source);
    }

    [Fact]
    public void NG0044_TransposedPaddingOutOfRange()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4, 7, 7)]
            [{|NG0044:ConvTranspose2D(1, 3, Activation.Sigmoid, Stride = 2, Padding = 1, OutputPadding = 2, Name = "up")|}]
            public partial class TooMuchOutputPadding;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4, 7, 7)]
            [{|NG0044:ConvTranspose2D(1, 3, Activation.Sigmoid, Padding = -1)|}]
            public partial class NegativePadding;
            """);

        Assert.Equal(
            [
                "ConvTranspose2D 'up': OutputPadding is 2, but it must be less than Stride (2), as in PyTorch: with stride 2, output sizes 2 apart come from the same input size, and OutputPadding picks among those 2",
                "ConvTranspose2D 'deconv1': Padding is -1, but it must be at least 0",
            ],
            Messages(run));
    }

    [Fact]
    public void NG0045_TransposedConvolutionWithNoOutput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(2, 1, 3)]
            [{|NG0045:ConvTranspose2D(1, 3, Activation.Sigmoid, Padding = 2)|}]
            public partial class Cropped;
            """);

        Assert.Equal(
            "ConvTranspose2D 'deconv1' (3×3, stride 1, padding 2) on 2×1×3 gives no output rows: (1 − 1)·1 − 2·2 + 3 = -1 < 1, since Padding crops 2 rows from each side of the 3 its kernels cover; use less Padding",
            Message(run));
    }

    [Fact]
    public void NG0004_NG0032_NG0033_And_NG0031_TransposedConvolution()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4, 5, 5)]
            [{|NG0004:ConvTranspose2D(0, 3)|}]
            public partial class NoChannels;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4, 5, 5)]
            [{|NG0032:ConvTranspose2D(2, 3, Activation.Sigmoid, InputChannels = 3)|}]
            public partial class WrongChannels;

            [Network]
            [Input(4, 5, 5)]
            [{|NG0033:ConvTranspose2D(2, 3, Activation.Softmax)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class SoftmaxDeconvolution;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(10)]
            [{|NG0031:ConvTranspose2D(2, 3, Activation.Sigmoid)|}]
            public partial class FlatDeconvolution;
            """);

        Assert.Equal(
            [
                "ConvTranspose2D 'deconv1': channels is 0, but it must be at least 1",
                "ConvTranspose2D 'deconv1' declares InputChannels = 3, but its input 4×5×5 has 4 channels",
                "ConvTranspose2D 'deconv1' uses softmax, which normalises over a layer's outputs as class probabilities, and belongs on the last Dense layer; use it on a Dense layer, or pick another activation such as ReLU",
                "ConvTranspose2D 'deconv1' takes samples of shape [channels, height, width], but gets 10, a flat vector: convolution and pooling go before [Flatten] and the Dense layers, or after a [Reshape(channels, height, width)] of 10 numbers",
            ],
            Messages(run));
    }
}
