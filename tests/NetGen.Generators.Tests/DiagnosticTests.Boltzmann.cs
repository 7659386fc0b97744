using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>Restricted Boltzmann machines: what their declaration may and may not hold.</summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void NG0041_NetworkAttributesOnARestrictedBoltzmannMachine()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [RestrictedBoltzmannMachine(64)]
            [Input(784)]
            [{|NG0041:Dense(10, Activation.Softmax)|}]
            [{|NG0041:Network|}]
            public partial class Features;
            """);

        Assert.Contains(
            "'Features' is declared a restricted Boltzmann machine, which takes only [Input]; [Dense] belongs to a [Network]: declare the network in a class of its own (Pretrain can start its Dense layers from RBMs)",
            Messages(run));
    }

    [Fact]
    public void A_restricted_Boltzmann_machine_needs_positive_sizes_and_an_input()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [{|NG0004:{|NG0004:RestrictedBoltzmannMachine(0, GibbsSteps = 0)|}|}]
            [Input(6)]
            public partial class Empty;

            [{|NG0002:RestrictedBoltzmannMachine(8)|}]
            public partial class Inputless;
            """);

        string[] messages = Messages(run);
        Assert.Contains("RestrictedBoltzmannMachine 'Empty': hidden units is 0, but it must be at least 1", messages);
        Assert.Contains("RestrictedBoltzmannMachine 'Empty': GibbsSteps is 0, but it must be at least 1", messages);
    }

    [Fact]
    public void A_restricted_Boltzmann_machine_on_an_image_compiles_without_diagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;

            [RestrictedBoltzmannMachine(100, GibbsSteps = 2, Persistent = true)]
            [Input(28, 28)]
            public partial class Digits;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
    }
}
