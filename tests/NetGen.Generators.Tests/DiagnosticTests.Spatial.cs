using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>The diagnostics of convolution and pooling layers, each with the arithmetic its message shows.</summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void TheReferenceCnnReportsNothing()
    {
        // The network of samples/FashionCnn and the PyTorch reference: 28 → 24 → 12 → 8 → 4, every input used.
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(1, 28, 28)]
            [Conv2D(32, 5, Activation.ReLU)]
            [MaxPool2D(2)]
            [Conv2D(64, 5, Activation.ReLU)]
            [MaxPool2D(2)]
            [Flatten]
            [Dense(128, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public partial class Cnn;
            """);

        Assert.Single(run.Sources);
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
    }

    [Fact]
    public void NG0029_KernelLargerThanItsInput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 12, 12)]
            [Conv2D(32, 5, Activation.ReLU, Name = "conv1")]
            [MaxPool2D(2, Name = "pool1")]
            [{|NG0029:Conv2D(64, 5, Activation.ReLU, Stride = 2, Name = "conv2")|}]
            [Flatten]
            [Dense(10, Activation.Softmax)]
            public partial class TooSmall;
            """);

        // 12 → 8 → 4, and a 5×5 window does not fit in 4 rows.
        Assert.Equal(
            "Conv2D 'conv2' (5×5, stride 2) on 32×4×4 gives no output: a 5-row window does not fit in 4 rows, (4 − 5) / 2 + 1 < 1; "
            + "use a smaller kernel, Padding = Padding.Same, or fewer pooling layers before it",
            Message(run));
        // The input's size, for the code fix that picks the largest kernel that fits.
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("4", diagnostic.Properties["InputHeight"]);
        Assert.Equal("4", diagnostic.Properties["InputWidth"]);
    }

    [Fact]
    public void NG0029_PoolingWindowLargerThanItsInput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(3, 8, 2)]
            [{|NG0029:AvgPool2D(3)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Narrow;
            """);

        Assert.Equal(
            "AvgPool2D 'avgpool1' (3×3, stride 3) on 3×8×2 gives no output: a 3-column window does not fit in 2 columns, (2 − 3) / 3 + 1 < 1; use a smaller window, or pool less before it",
            Message(run));
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("8", diagnostic.Properties["InputHeight"]);
        Assert.Equal("2", diagnostic.Properties["InputWidth"]);
    }

    [Fact]
    public void NG0030_StrideLeavesInputUnused()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(1, 28, 28)]
            [{|NG0030:Conv2D(8, 3, Activation.ReLU, Stride = 2, Name = "conv1")|}]
            [{|NG0030:MaxPool2D(2, Name = "pool1")|}]
            [Flatten]
            [Dense(10, Activation.Softmax)]
            public partial class Strided;
            """);

        // 28 → 13 (rows 0–26 read, row 27 not) → 6 (rows 0–11 of 13 read).
        Assert.Equal(
            [
                "Conv2D 'conv1' (3×3, stride 2) on 1×28×28 never reads its last input row or its last input column: "
                + "(28 − 3) / 2 + 1 = 13 windows reach rows 0–26 of 28; (28 − 3) / 2 + 1 = 13 windows reach columns 0–26 of 28; "
                + "a stride that divides the rest, or a different input size, would use every input",
                "MaxPool2D 'pool1' (2×2, stride 2) on 8×13×13 never reads its last input row or its last input column: "
                + "(13 − 2) / 2 + 1 = 6 windows reach rows 0–11 of 13; (13 − 2) / 2 + 1 = 6 windows reach columns 0–11 of 13; "
                + "a stride that divides the rest, or a different input size, would use every input",
            ],
            Messages(run));
        Assert.All(run.GeneratorDiagnostics, diagnostic => Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity));
        Assert.Single(run.Sources);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void NG0030_OnOneAxisOnly_AndNotWithSamePadding()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(2, 9, 8)]
            [Conv2D(4, 3, Padding = Padding.Same, Stride = 2)]
            [{|NG0030:MaxPool2D(2, Stride = 2)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Rows;
            """);

        // Same padding: 9 → ⌈9 / 2⌉ = 5 rows (pad 2), 8 → 4 columns (pad 1); then pooling uses rows 0–3 of 5, all 4 columns.
        Assert.Equal(
            "MaxPool2D 'maxpool1' (2×2, stride 2) on 4×5×4 never reads its last input row: (5 − 2) / 2 + 1 = 2 windows reach rows 0–3 of 5; "
            + "a stride that divides the rest, or a different input size, would use every input",
            Message(run));
    }

    [Fact]
    public void NG0030_StrideLargerThanTheWindowSkipsInputsBetweenWindows()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(4, 8, 7)]
            [{|NG0030:MaxPool2D(2, Stride = 3, Name = "sparse")|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Sparse;
            """);

        // Rows: windows at 0, 3, 6 read 0–1, 3–4, 6–7, so 2 and 5 go unread. Columns: (7 − 2) / 3 + 1 = 2 windows read 0–1
        // and 3–4; 2 goes unread between them and 5–6 after them.
        Assert.Equal(
            "MaxPool2D 'sparse' (2×2, stride 3) on 4×8×7 never reads 1 of every 3 input rows, between its windows or 1 of every 3 input columns, "
            + "between its windows or its last 2 input columns: stride 3 > the window's 2 rows; stride 3 > the window's 2 columns; "
            + "(7 − 2) / 3 + 1 = 2 windows reach columns 0–4 of 7; a stride no larger than the window would read every input; "
            + "and a stride that divides the rest, or a different input size, would use every input",
            Message(run));
    }

    [Fact]
    public void NG0031_SpatialLayerOnAFlatOrTwoDimensionalInput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(28, 28)]
            [{|NG0031:Conv2D(8, 3, Activation.ReLU)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class NoChannels;

            [Network]
            [Input(1, 28, 28)]
            [Flatten]
            [Dense(64, Activation.ReLU, Name = "fc1")]
            [{|NG0031:MaxPool2D(2, Name = "pool1")|}]
            [Dense(2, Activation.Softmax)]
            public partial class PoolAfterDense;
            """);

        Assert.Equal(
            [
                "Conv2D 'conv1' takes samples of shape [channels, height, width], but gets 28×28; for one-channel images write [Input(1, 28, 28)]",
                "MaxPool2D 'pool1' takes samples of shape [channels, height, width], but gets 64, a flat vector: convolution and pooling go before [Flatten] and the Dense layers, or after a [Reshape(channels, height, width)] of 64 numbers",
            ],
            Messages(run));
    }

    [Fact]
    public void NG0014_DenseRightAfterAConvolutionSaysToAddFlatten()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 28, 28)]
            [Conv2D(16, 5, Activation.ReLU)]
            [MaxPool2D(2)]
            [{|NG0014:Dense(10, Activation.Softmax, Name = "fc1")|}]
            public partial class Unflattened;
            """);

        Assert.Equal(
            "Dense 'fc1' gets samples of shape 16×12×12, but a dense layer takes a flat vector: add [Flatten] before it to turn 16×12×12 into 2304",
            Message(run));
    }

    [Fact]
    public void NG0032_InputChannelsDoNotMatch()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(1, 28, 28)]
            [{|NG0032:Conv2D(8, 3, InputChannels = 3, Name = "conv1")|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Gray;

            [Network]
            [Input(32, 32, 3)]
            [{|NG0032:Conv2D(8, 3, InputChannels = 3, Name = "conv1")|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class ChannelsLast;

            [Network]
            [Input(3, 32, 32)]
            [Conv2D(8, 3, InputChannels = 3)]
            [Conv2D(8, 3, InputChannels = 8)]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Matching;
            """);

        Assert.Equal(
            [
                "Conv2D 'conv1' declares InputChannels = 3, but its input 1×28×28 has 1 channel",
                "Conv2D 'conv1' declares InputChannels = 3, but its input 32×32×3 has 32 channels; samples are [channels, height, width], so 3-channel images of 32×32 are [Input(3, 32, 32)]",
            ],
            Messages(run));
        Assert.Equal("Matching.g.cs", Assert.Single(GeneratedNetworks(run)).HintName);
    }

    [Fact]
    public void NG0033_ActivationsAConvolutionCannotFuse()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 8, 8)]
            [{|NG0033:Conv2D(4, 3, Activation.Softmax, Name = "conv1")|}]
            [{|NG0033:Conv2D(4, 3, Activation.PReLU, Name = "conv2")|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Unfusable;
            """);

        Assert.Equal(
            [
                "Conv2D 'conv1' uses softmax, which normalises over a layer's outputs as class probabilities, and belongs on the last Dense layer; use it on a Dense layer, or pick another activation such as ReLU",
                "Conv2D 'conv2' uses parametric ReLU, which has a slope per unit or per element that only Dense layers implement; use it on a Dense layer, or pick another activation such as ReLU",
            ],
            Messages(run));
    }

    [Fact]
    public void SpatialSizesMustBePositive()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 8, 8)]
            [{|NG0004:Conv2D(0, 3)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class NoFilters;

            [Network]
            [Input(1, 8, 8)]
            [{|NG0004:Conv2D(4, 3, Stride = 0)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class NoStride;

            [Network]
            [Input(1, 8, 8)]
            [{|NG0004:MaxPool2D(-2)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class NoWindow;
            """);

        Assert.Equal(
            [
                "Conv2D 'conv1': filters is 0, but it must be at least 1",
                "Conv2D 'conv1': Stride is 0, but it must be at least 1",
                "MaxPool2D 'maxpool1': the window size is -2, but it must be at least 1",
            ],
            Messages(run));
    }

    [Fact]
    public void ConvolutionsTakeAlphaAndInitializerLikeDenseLayers()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 8, 8)]
            [Conv2D(4, 3, Activation.ReLU, {|NG0025:Alpha = 0.1|})]
            [Conv2D(4, 3, Activation.LeakyReLU, {|NG0024:Alpha = 2|})]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class BadSettings;

            [Network]
            [Input(1, 8, 8)]
            [{|NG0016:Conv2D(4, 2, Padding = (Padding)7)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class UnknownPadding;
            """);

        Assert.Contains("Conv2D 'conv1' sets Alpha = 0.1, but ReLU takes no parameter", Messages(run)[0]);
        Assert.Contains("Conv2D 'conv2' sets Alpha = 2, but the slope α of leaky ReLU must be", Messages(run)[1]);
        Assert.Contains("Padding", Messages(run)[2]);
    }

    [Fact]
    public void NG0018_NetworkEndingInPooling()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 8, 8)]
            [Flatten]
            [Dense(4)]
            [Conv2D(4, 3)]
            [{|NG0018:MaxPool2D(2)|}]
            public partial class EndsInPooling;
            """);

        Assert.Equal("The last layer of 'EndsInPooling' is MaxPool2D 'maxpool1'; the outputs come from the last layer, which must be [Dense], [Conv2D] or [ConvTranspose2D], so end the network with one", Message(run));
    }

    [Fact]
    public void A_network_may_end_in_a_convolution_with_mean_squared_error_or_sigmoid_cross_entropy()
    {
        // An image out: OutputSize is the convolution's C·H·W, and the loss forms its δ with f' included.
        foreach (string loss in new[] { "Loss.MeanSquaredError", "Loss.CrossEntropy" })
        {
            GeneratorRun run = VerifyDiagnostics($$"""
                using NetGen;

                [Network(Loss = {{loss}})]
                [Input(1, 6, 6)]
                [Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)]
                [Conv2D(1, 3, Activation.Sigmoid, Padding = Padding.Same)]
                public partial class ImageOut;
                """);

            string source = Assert.Single(run.Sources).SourceText.ToString();
            Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
            Assert.Contains("public const int OutputSize = 36;", source);
            Assert.Contains("δ came from the loss, f' included", source);
        }
    }

    [Fact]
    public void NG0042_CrossEntropyOnAConvolutionWithoutSigmoid()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(1, 6, 6)]
            [Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)]
            [{|NG0042:Conv2D(1, 3, Activation.ReLU, Padding = Padding.Same, Name = "reconstruction")|}]
            public partial class Unbounded;
            """);

        Assert.Equal(
            "Cross-entropy loss reads each output as a probability, but the last layer, Conv2D 'reconstruction', uses ReLU; use Activation.Sigmoid (binary cross-entropy per output, averaged), or Loss.MeanSquaredError",
            Message(run));
    }
}
