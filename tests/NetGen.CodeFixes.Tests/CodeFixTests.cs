using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>One test per code fix: the declaration with its diagnostic marked, and the declaration after the fix.</summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task NG0001_adds_partial_after_the_modifiers() =>
        Verify.FixAsync<MakePartialCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public sealed class {|NG0001:Classifier|};
            """,
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(2, Activation.Softmax)]
            public sealed partial class Classifier;
            """,
            MakePartialCodeFix.EquivalenceKey);

    [Fact]
    public Task NG0001_adds_partial_where_there_are_no_modifiers() =>
        Verify.FixAsync<MakePartialCodeFix>(
            """
            using NetGen;

            namespace App
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation.Softmax)]
                class {|NG0001:Classifier|}
                {
                }
            }
            """,
            """
            using NetGen;

            namespace App
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation.Softmax)]
                partial class Classifier
                {
                }
            }
            """,
            MakePartialCodeFix.EquivalenceKey);

    [Fact]
    public Task NG0014_inserts_Flatten_on_its_own_line_before_the_Dense_layer() =>
        Verify.FixAsync<AddFlattenCodeFix>(
            """
            using NetGen;

            namespace App
            {
                [Network]
                [Input(1, 28, 28)]
                [Conv2D(16, 5, Activation.ReLU)]
                [MaxPool2D(2)]
                [{|NG0014:Dense(10, Activation.Softmax, Name = "fc1")|}]
                public partial class Unflattened;
            }
            """,
            """
            using NetGen;

            namespace App
            {
                [Network]
                [Input(1, 28, 28)]
                [Conv2D(16, 5, Activation.ReLU)]
                [MaxPool2D(2)]
                [Flatten]
                [Dense(10, Activation.Softmax, Name = "fc1")]
                public partial class Unflattened;
            }
            """,
            AddFlattenCodeFix.EquivalenceKey);

    [Fact]
    public Task NG0014_inserts_Flatten_inside_a_list_of_several_attributes() =>
        Verify.FixAsync<AddFlattenCodeFix>(
            """
            using NetGen;

            [Network, Input(28, 28), {|NG0014:Dense(10, Activation.Softmax)|}]
            public partial class Unflattened;
            """,
            """
            using NetGen;

            [Network, Input(28, 28), Flatten, Dense(10, Activation.Softmax)]
            public partial class Unflattened;
            """,
            AddFlattenCodeFix.EquivalenceKey);

    [Fact]
    public Task NG0014_qualifies_Flatten_as_the_Dense_attribute_is() =>
        Verify.FixAsync<AddFlattenCodeFix>(
            """
            [NetGen.Network]
            [NetGen.Input(28, 28)]
            [{|NG0014:NetGen.Dense(10, NetGen.Activation.Softmax)|}]
            public partial class Unflattened;
            """,
            """
            [NetGen.Network]
            [NetGen.Input(28, 28)]
            [NetGen.Flatten]
            [NetGen.Dense(10, NetGen.Activation.Softmax)]
            public partial class Unflattened;
            """,
            AddFlattenCodeFix.EquivalenceKey);

    [Fact]
    public Task NG0006_switches_the_output_to_softmax() =>
        Verify.FixAsync<OutputLayerCodeFix>(
            """
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            [{|NG0006:Dense(3, Activation.LeakyReLU, Alpha = 0.1, Name = "scores")|}]
            public partial class Unnormalised;
            """,
            """
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dense(3, Activation.Softmax, Name = "scores")]
            public partial class Unnormalised;
            """,
            OutputLayerCodeFix.UseSoftmaxKey);

    [Fact]
    public Task NG0006_gives_one_unit_a_sigmoid() =>
        Verify.FixAsync<OutputLayerCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0006:Dense(1, Name = "logit")|}]
            public partial class Logit;
            """,
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(1, Activation.Sigmoid, Name = "logit")]
            public partial class Logit;
            """,
            OutputLayerCodeFix.UseSigmoidKey);

    [Fact]
    public Task NG0006_switches_the_loss_to_mean_squared_error() =>
        Verify.FixAsync<OutputLayerCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0006:Dense(3, Activation.Tanh)|}]
            public partial class Regression;
            """,
            """
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(3, Activation.Tanh)]
            public partial class Regression;
            """,
            OutputLayerCodeFix.UseMeanSquaredErrorKey);

    [Fact]
    public Task NG0006_changes_the_loss_on_the_Network_attribute_in_another_file() =>
        Verify.FixAsync<OutputLayerCodeFix>(
            [
                """
                using NetGen;

                [Network(Loss = Loss.CrossEntropy)]
                public partial class Split;
                """,
                """
                using NetGen;

                [Input(4)]
                [{|NG0006:Dense(3)|}]
                public partial class Split;
                """,
            ],
            [
                """
                using NetGen;

                [Network(Loss = Loss.MeanSquaredError)]
                public partial class Split;
                """,
                """
                using NetGen;

                [Input(4)]
                [Dense(3)]
                public partial class Split;
                """,
            ],
            OutputLayerCodeFix.UseMeanSquaredErrorKey);

    [Fact]
    public Task NG0007_switches_the_loss_to_cross_entropy() =>
        Verify.FixAsync<OutputLayerCodeFix>(
            """
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [{|NG0007:Dense(3, Activation.Softmax, Name = "probabilities")|}]
            public partial class SlowLearner;
            """,
            """
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(4)]
            [Dense(3, Activation.Softmax, Name = "probabilities")]
            public partial class SlowLearner;
            """,
            OutputLayerCodeFix.UseCrossEntropyKey);

    [Fact]
    public Task NG0007_switches_the_output_to_identity() =>
        Verify.FixAsync<OutputLayerCodeFix>(
            """
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [{|NG0007:Dense(3, Activation.Softmax)|}]
            public partial class SlowLearner;
            """,
            """
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [Input(4)]
            [Dense(3, Activation.Identity)]
            public partial class SlowLearner;
            """,
            OutputLayerCodeFix.UseIdentityKey);

    [Fact]
    public Task NG0005_replaces_a_hidden_softmax_with_ReLU() =>
        Verify.FixAsync<SoftmaxNotLastCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(4)]
            [{|NG0005:Dense(8, Activation.Softmax, Name = "hidden")|}]
            [Dense(2, Activation.Softmax)]
            public partial class EarlySoftmax;
            """,
            """
            using NetGen;

            [Network]
            [Input(4)]
            [Dense(8, Activation.ReLU, Name = "hidden")]
            [Dense(2, Activation.Softmax)]
            public partial class EarlySoftmax;
            """,
            SoftmaxNotLastCodeFix.EquivalenceKey);

    [Fact]
    public Task NG0029_adds_same_padding_to_a_convolution() =>
        Verify.FixAsync<WindowTooLargeCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(1, 12, 12)]
            [Conv2D(32, 5, Activation.ReLU, Name = "conv1")]
            [MaxPool2D(2, Name = "pool1")]
            [{|NG0029:Conv2D(64, 5, Activation.ReLU, Name = "conv2")|}]
            [Flatten]
            [Dense(10, Activation.Softmax)]
            public partial class TooSmall;
            """,
            """
            using NetGen;

            [Network]
            [Input(1, 12, 12)]
            [Conv2D(32, 5, Activation.ReLU, Name = "conv1")]
            [MaxPool2D(2, Name = "pool1")]
            [Conv2D(64, 5, Activation.ReLU, Name = "conv2", Padding = Padding.Same)]
            [Flatten]
            [Dense(10, Activation.Softmax)]
            public partial class TooSmall;
            """,
            WindowTooLargeCodeFix.UseSamePaddingKey);

    [Fact]
    public Task NG0029_replaces_valid_padding_with_same() =>
        Verify.FixAsync<WindowTooLargeCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(1, 4, 4)]
            [{|NG0029:Conv2D(2, 5, Activation.ReLU, Padding = Padding.Valid)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class TooSmall;
            """,
            """
            using NetGen;

            [Network]
            [Input(1, 4, 4)]
            [Conv2D(2, 5, Activation.ReLU, Padding = Padding.Same)]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class TooSmall;
            """,
            WindowTooLargeCodeFix.UseSamePaddingKey);

    [Fact]
    public Task NG0029_uses_the_largest_square_kernel_that_fits() =>
        Verify.FixAsync<WindowTooLargeCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(1, 12, 12)]
            [Conv2D(32, 5, Activation.ReLU, Name = "conv1")]
            [MaxPool2D(2, Name = "pool1")]
            [{|NG0029:Conv2D(64, 5, Activation.ReLU, Stride = 2, Name = "conv2")|}]
            [Flatten]
            [Dense(10, Activation.Softmax)]
            public partial class TooSmall;
            """,
            """
            using NetGen;

            [Network]
            [Input(1, 12, 12)]
            [Conv2D(32, 5, Activation.ReLU, Name = "conv1")]
            [MaxPool2D(2, Name = "pool1")]
            [Conv2D(64, 4, Activation.ReLU, Stride = 2, Name = "conv2")]
            [Flatten]
            [Dense(10, Activation.Softmax)]
            public partial class TooSmall;
            """,
            WindowTooLargeCodeFix.UseLargestKernelKey);

    [Fact]
    public Task NG0029_shrinks_a_rectangular_kernel_only_where_it_overruns() =>
        Verify.FixAsync<WindowTooLargeCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(1, 3, 8)]
            [{|NG0029:Conv2D(2, 5, 3)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Wide;
            """,
            """
            using NetGen;

            [Network]
            [Input(1, 3, 8)]
            [Conv2D(2, 3, 3)]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Wide;
            """,
            WindowTooLargeCodeFix.UseLargestKernelKey);

    [Fact]
    public Task NG0029_uses_the_largest_pooling_window_that_fits() =>
        Verify.FixAsync<WindowTooLargeCodeFix>(
            """
            using NetGen;

            [Network]
            [Input(2, 3, 3)]
            [{|NG0029:AvgPool2D(4)|}]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Narrow;
            """,
            """
            using NetGen;

            [Network]
            [Input(2, 3, 3)]
            [AvgPool2D(3)]
            [Flatten]
            [Dense(2, Activation.Softmax)]
            public partial class Narrow;
            """,
            WindowTooLargeCodeFix.UseLargestWindowKey);
}
