using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>Tied decoder layers and the noise layers: each rule's ID, span and message.</summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void NG0038_TiedToAMissingLaterOrNonDenseLayer()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(1, 6, 6)]
            [Conv2D(2, 3, Activation.Tanh, Name = "conv")]
            [Flatten]
            [Dense(8, Activation.Tanh, {|NG0038:TiedTo = "enc"|}, Name = "early")]
            [Dense(4, Activation.Tanh, Name = "enc")]
            [Dense(8, Activation.Tanh, {|NG0038:TiedTo = "encoder"|}, Name = "typo")]
            [Dense(8, Activation.Tanh, {|NG0038:TiedTo = "self"|}, Name = "self")]
            [Dense(32, Activation.Sigmoid, {|NG0038:TiedTo = "conv"|}, Name = "out")]
            public partial class BadTies;
            """);

        string[] messages = Messages(run);
        Assert.Contains("Dense 'early' is tied to 'enc', which comes after it (layer 4): the layer it mirrors must come first; tie it to an earlier Dense layer, whose weight it uses transposed", messages);
        Assert.Contains("Dense 'typo' is tied to 'encoder', but the network has no layer of that name (its layers: conv, flatten1, early, enc, typo, self, out); tie it to an earlier Dense layer, whose weight it uses transposed", messages);
        Assert.Contains(messages, message => message.StartsWith("Dense 'self' is tied to 'self', itself;", StringComparison.Ordinal));
        Assert.Contains(messages, message => message.StartsWith("Dense 'out' is tied to 'conv', a Conv2D layer, which has no Dense weight;", StringComparison.Ordinal));
    }

    [Fact]
    public void NG0039_TiedShapesThatDoNotTranspose()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(784)]
            [Dense(500, Activation.Sigmoid, Name = "enc1")]
            [Dense(30, Name = "code")]
            [Dense(784, Activation.Sigmoid, {|NG0039:TiedTo = "enc1"|}, Name = "dec1")]
            public partial class Skipped;
            """);

        Assert.Equal(
            "Dense 'dec1' takes 30 inputs to 784 units, so its weight is [784, 30]; tied to 'enc1', whose weight is [500, 784], it would be the transpose [784, 500]: give 'dec1' 784 units and 500 inputs, or tie it to a layer of the transposed shape",
            Assert.Single(Messages(run)));
    }

    [Fact]
    public void NG0040_TiedToALayerThatIsTiedItself()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(6)]
            [Dense(4, Activation.Tanh, Name = "enc")]
            [Dense(6, Activation.Tanh, TiedTo = "enc", Name = "dec")]
            [Dense(4, Activation.Tanh, {|NG0040:TiedTo = "dec"|}, Name = "again")]
            [Dense(6, Activation.Sigmoid)]
            public partial class Chained;
            """);

        Assert.Equal(
            "Dense 'again' is tied to 'dec', which is itself tied to 'enc' and has no weight of its own; tie 'again' to a layer with a weight of its own, or untie 'dec'",
            Assert.Single(Messages(run)));
    }

    [Fact]
    public void Noise_after_the_output_layer_and_out_of_range_is_reported()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [{|NG0028:MaskingNoise(-0.5, Name = "negative")|}]
            [{|NG0028:GaussianNoise(double.NaN, Name = "endless")|}]
            [Dense(2, Activation.Sigmoid, Name = "head")]
            [{|NG0027:GaussianNoise(0.1, Name = "late")|}]
            public partial class NoisyMistakes;
            """);

        string[] messages = Messages(run);
        Assert.Contains("MaskingNoise 'negative': the rate is -0.5, but it must be in [0, 1)", messages);
        Assert.Contains("GaussianNoise 'endless': the standard deviation is NaN, but it must be finite and ≥ 0", messages);
        Assert.Contains(messages, message => message.StartsWith("GaussianNoise 'late' comes after the output layer 'head': corrupting the outputs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tied_denoising_autoencoder_compiles_without_diagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(28, 28)]
            [MaskingNoise(0.3)]
            [GaussianNoise(0.05)]
            [Flatten]
            [Dense(100, Activation.Sigmoid, Name = "enc1")]
            [Dense(10, Name = "code")]
            [Dense(100, Activation.Sigmoid, TiedTo = "code")]
            [Dense(784, Activation.Sigmoid, TiedTo = "enc1")]
            public partial class Denoiser;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void Cross_entropy_over_several_sigmoid_units_compiles_without_diagnostics()
    {
        // Multi-label outputs, or an autoencoder's pixels: a probability per unit, each with its own binary cross-entropy.
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(12)]
            [Dense(8, Activation.ReLU)]
            [Dense(5, Activation.Sigmoid)]
            public partial class Tagger;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
        string source = Assert.Single(run.Sources).SourceText.ToString();
        Assert.Contains("Losses.BinaryCrossEntropy(output, target, batchSize * 5)", source);
        Assert.Contains("δ [B, 5] = (p − y) / (B·5)", source);
    }
}
