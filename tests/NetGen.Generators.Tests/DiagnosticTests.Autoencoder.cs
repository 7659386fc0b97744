using Xunit;

namespace NetGen.Generators.Tests;

// [Autoencoder]'s rules: the code layer it names must exist, and the output must hold as many numbers as the input.
public sealed partial class DiagnosticTests
{
    [Fact]
    public void An_autoencoder_whose_code_layer_exists_and_whose_output_matches_its_input_reports_nothing()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Autoencoder("dense2")]
            [Input(28, 28)]
            [Flatten]
            [Dense(32, Activation.Sigmoid)]
            [Dense(2)]
            [Dense(32, Activation.Sigmoid)]
            [Dense(784, Activation.Sigmoid)]
            public partial class Fine;
            """);

        Assert.Single(run.Sources);
        Assert.Empty(run.OutputDiagnostics.Select(diagnostic => diagnostic.ToString()));
    }

    [Fact]
    public void NG0036_CodeLayerNotFound()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [{|NG0036:Autoencoder("bottleneck")|}]
            [Input(784)]
            [Dense(32, Activation.Sigmoid, Name = "enc")]
            [Dense(2, Name = "code")]
            [Dense(784, Activation.Sigmoid)]
            public partial class Misnamed;
            """);

        Assert.Equal(
            "[Autoencoder] on 'Misnamed' names the code layer 'bottleneck', but no layer is called that; the layers are 'enc', 'code', 'dense3'",
            Message(run));
    }

    [Fact]
    public void NG0037_ReconstructionSizeMismatch()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Autoencoder("code")]
            [Input(28, 28)]
            [Flatten]
            [Dense(30, Name = "code")]
            [{|NG0037:Dense(500, Activation.Sigmoid, Name = "out")|}]
            public partial class Short;
            """);

        Assert.Equal(
            "Autoencoder 'Short' must reproduce its input at its output, but its input is 28×28 = 784 numbers and its output layer 'out' gives 500 numbers; make the output 784 numbers",
            Message(run));
    }

    [Fact]
    public void Code_that_uses_a_broken_autoencoder_compiles_so_the_NG_errors_are_the_only_errors()
    {
        // The stand-in has Encode, Decode and CodeSize too.
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Autoencoder("missing")]
            [Input(4)]
            [Dense(2, Name = "code")]
            [Dense(4)]
            public partial class Broken;

            public static class Uses
            {
                public static float[] Run(Broken network, float[] sample)
                {
                    var codes = new float[Broken.CodeSize];
                    network.Encode(sample, codes);
                    network.Decode(codes, sample);
                    return network.Decode(network.Encode(sample));
                }
            }
            """);

        Assert.Equal("NG0036", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Equal("Broken.g.cs", Assert.Single(run.Sources).HintName);
        Assert.Empty(run.OutputErrors.Select(diagnostic => diagnostic.ToString()));
    }
}
