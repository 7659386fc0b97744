using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>Declarations that once crashed the generator or compiled into code that failed: each is now an NG error.</summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void A_null_input_shape_is_NG0011_not_a_generator_crash()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [{|NG0011:Input(null)|}]
            [Dense(2, Activation.Softmax)]
            public partial class NoShape;
            """);

        Assert.StartsWith("[Input] has 0 dimensions", Message(run), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_are_checked_as_the_floats_the_kernels_use()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.Tanh)]
            [{|NG0028:Dropout(0.99999999999, Name = "almostAll")|}]
            [Dense(8, Activation.Tanh)]
            [{|NG0028:BatchNorm(Epsilon = 5E-324, Name = "tiny")|}]
            [Dense(8, Activation.Tanh)]
            [{|NG0028:BatchNorm(Epsilon = 1e300, Name = "huge")|}]
            [Dense(2, Activation.Softmax)]
            public partial class Rounded;
            """);

        Assert.Equal(
            [
                "Dropout 'almostAll': the rate is 0.99999999999 (1 as a float), but it must be in [0, 1)",
                "BatchNorm 'tiny': Epsilon is 5E-324 (0 as a float), but it must be positive and finite",
                "BatchNorm 'huge': Epsilon is 1E+300 (Infinity as a float), but it must be positive and finite",
            ],
            Messages(run));
    }

    [Fact]
    public void A_convolution_whose_working_memory_no_array_holds_is_reported_at_build_time()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(1, 2000, 2000)]
            [{|NG0019:Conv2D(1, 1000, Padding = Padding.Same, Name = "huge")|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class HugeKernel;
            """);

        Assert.StartsWith("The working memory of Conv2D 'huge', each sample lowered to [1000000, 4000000], would need", Message(run), StringComparison.Ordinal);
    }
}
