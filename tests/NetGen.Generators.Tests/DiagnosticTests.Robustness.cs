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

    [Fact]
    public void Names_that_fold_to_the_same_field_are_duplicates()
    {
        VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.Tanh, Name = "\u212Aa")]
            [{|NG0008:Dense(2, Activation.Softmax, Name = "ka")|}]
            public partial class Kelvin;
            """);
    }

    [Fact]
    public void A_generated_member_asked_for_twice_is_NG0034_naming_both_layers()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0034:Dense(8, Activation.RReLU, Name = "a")|}]
            [Dropout(0.1, Name = "aSlope")]
            [Dense(2, Activation.Softmax)]
            public partial class SlopeKey;
            """);

        Assert.Equal("The generated member '_aSlopeKey' clashes with another generated member of the same name; rename layer 'a' or 'aSlope'", Message(run));
    }

    [Theory]
    [InlineData("Architecture")]
    [InlineData("InputSize")]
    [InlineData("ForwardCore")]
    [InlineData("XShape")]
    public void A_class_named_like_a_generated_member_is_NG0034(string className)
    {
        GeneratorRun run = VerifyErrors($$"""
            using NetGen;

            [{|NG0034:Network|}]
            [Input(1, 6, 6)]
            [Conv2D(2, 3, Activation.Tanh, Name = "x")]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class {{className}};
            """.Replace("[{|NG0034:Network|}]", className == "XShape" ? "[Network]" : "[{|NG0034:Network|}]")
               .Replace("[Conv2D(2, 3, Activation.Tanh, Name = \"x\")]", className == "XShape" ? "[{|NG0034:Conv2D(2, 3, Activation.Tanh, Name = \"x\")|}]" : "[Conv2D(2, 3, Activation.Tanh, Name = \"x\")]"));

        Assert.StartsWith($"The generated member '{className}' clashes with the class's own name '{className}'", Message(run), StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_the_user_wrote_with_a_generated_name_is_NG0034()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [{|NG0034:Network|}]
            [Input(4)]
            [Dense(2, Activation.Softmax, Name = "fc1")]
            public partial class Mine
            {
                public const int OutputSize = 3;
            }
            """);

        Assert.Equal("The generated member 'OutputSize' clashes with the member 'OutputSize' that Mine declares; rename that member", Message(run));
    }

    [Fact]
    public void A_primary_constructor_or_a_constructor_of_one_int_is_NG0035()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class Primary{|NG0035:(int width)|};

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public partial class Seeded
            {
                public {|NG0035:Seeded|}(int size) { }
            }
            """);

        Assert.Equal(
            [
                "'Primary' declares a primary constructor Primary(int width), but NetGen generates the constructor Primary(int seed = 0); remove it, and keep your own state in another class that holds the network",
                "'Seeded' declares a constructor Seeded(int size), but NetGen generates the constructor Seeded(int seed = 0); remove it, and keep your own state in another class that holds the network",
            ],
            Messages(run));
    }

    [Fact]
    public void Members_the_user_declares_do_not_capture_the_ones_generated_code_uses()
    {
        GeneratorRun run = VerifyDiagnostics("""
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dropout(0.5)]
            [Dense(2, Activation.Softmax)]
            public partial class Shadowing
            {
                public new int Parameters => 1;
                public new int Gradients => 2;
                private int NextRandomKey() => 3;
                private int DropoutRate(int index) => index;
            }
            """);

        Assert.Equal("Shadowing.g.cs", Assert.Single(run.Sources).HintName);
        Assert.Empty(run.OutputErrors.Select(error => error.ToString()));
    }
}
