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
}
