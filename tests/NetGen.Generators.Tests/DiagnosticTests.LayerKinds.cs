using System.Text.RegularExpressions;
using NetGen.Generators.Layers;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// Every layer kind the generator knows has a shape-rule test and a diagnostic test here, and a gradient check of a
/// generated network in NetGen.Tests (<c>LayerKindCoverageTests</c>): a kind added without them fails this class.
/// </summary>
public sealed partial class DiagnosticTests
{
    /// <summary>Per layer attribute: a network using it, the row its layer must get ("name input output"), and a mistake only it can make.</summary>
    private static readonly Dictionary<string, (string Declaration, string Layer, string Input, string Output, string Mistake)> KindCases = new()
    {
        ["FlattenAttribute"] = (
            "[Input(2, 3, 4)] [Flatten(Name = \"flat\")] [Dense(2, Activation.Softmax)]", "flat", "2×3×4", "24",
            // Dense on an image needs [Flatten] first.
            "[Input(2, 3, 4)] [{|NG0014:Dense(2, Activation.Softmax)|}]"),
        ["ReshapeAttribute"] = (
            "[Input(12)] [Reshape(3, 2, 2, Name = \"shaped\")] [Conv2D(2, 2, Activation.Tanh)] [Flatten] [Dense(2, Activation.Softmax)]", "shaped", "12", "3×2×2",
            "[Input(12)] [{|NG0043:Reshape(5, 2)|}] [Flatten] [Dense(2, Activation.Softmax)]"),
        ["DenseAttribute"] = (
            "[Input(7)] [Dense(5, Activation.Tanh, Name = \"hidden\")] [Dense(2, Activation.Softmax)]", "hidden", "7", "5",
            "[Input(7)] [{|NG0004:Dense(0, Activation.Tanh)|}] [Dense(2, Activation.Softmax)]"),
        ["DropoutAttribute"] = (
            "[Input(1, 4, 4)] [MaxPool2D(2)] [Dropout(0.5, Name = \"drop\")] [Flatten] [Dense(2, Activation.Softmax)]", "drop", "1×2×2", "1×2×2",
            "[Input(4)] [Dense(3, Activation.Tanh)] [{|NG0028:Dropout(1.5)|}] [Dense(2, Activation.Softmax)]"),
        ["BatchNormAttribute"] = (
            "[Input(2, 3, 3)] [Flatten] [BatchNorm(Name = \"norm\")] [Dense(2, Activation.Softmax)]", "norm", "18", "18",
            "[Input(4)] [Dense(2, Activation.Softmax)] [{|NG0027:BatchNorm|}]"),
        ["Conv2DAttribute"] = (
            "[Input(1, 8, 8)] [Conv2D(4, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same, Name = \"conv\")] [Flatten] [Dense(2, Activation.Softmax)]", "conv", "1×8×8", "4×4×4",
            "[Input(1, 4, 4)] [{|NG0029:Conv2D(2, 5, Activation.ReLU)|}] [Flatten] [Dense(2, Activation.Softmax)]"),
        ["ConvTranspose2DAttribute"] = (
            "[Input(4, 7, 7)] [ConvTranspose2D(2, 3, Activation.Tanh, Stride = 2, Padding = 1, OutputPadding = 1, Name = \"deconv\")] [Flatten] [Dense(2, Activation.Softmax)]", "deconv", "4×7×7", "2×14×14",
            "[Input(4, 7, 7)] [{|NG0044:ConvTranspose2D(2, 3, Activation.Tanh, Stride = 2, OutputPadding = 2)|}] [Flatten] [Dense(2, Activation.Softmax)]"),
        ["MaxPool2DAttribute"] = (
            "[Input(3, 9, 9)] [MaxPool2D(3, Name = \"pool\")] [Flatten] [Dense(2, Activation.Softmax)]", "pool", "3×9×9", "3×3×3",
            "[Input(16)] [{|NG0031:MaxPool2D(2)|}] [Dense(2, Activation.Softmax)]"),
        ["Upsample2DAttribute"] = (
            "[Input(2, 3, 3)] [Upsample2D(2, Name = \"up\")] [Flatten] [Dense(2, Activation.Softmax)]", "up", "2×3×3", "2×6×6",
            // After a Dense layer the sample is flat: upsampling needs an image.
            "[Input(4)] [Dense(12, Activation.Tanh)] [{|NG0031:Upsample2D(2)|}] [Flatten] [Dense(2, Activation.Softmax)]"),
        ["AvgPool2DAttribute"] = (
            "[Input(2, 6, 6)] [AvgPool2D(2, Stride = 1, Name = \"pool\")] [Flatten] [Dense(2, Activation.Softmax)]", "pool", "2×6×6", "2×5×5",
            "[Input(2, 3, 3)] [{|NG0029:AvgPool2D(4)|}] [Flatten] [Dense(2, Activation.Softmax)]"),
        ["MaskingNoiseAttribute"] = (
            "[Input(1, 4, 4)] [MaskingNoise(0.3, Name = \"mask\")] [Flatten] [Dense(2, Activation.Softmax)]", "mask", "1×4×4", "1×4×4",
            "[Input(4)] [{|NG0028:MaskingNoise(1.0)|}] [Dense(2, Activation.Softmax)]"),
        ["GaussianNoiseAttribute"] = (
            "[Input(6)] [Dense(4, Activation.Tanh)] [GaussianNoise(0.1, Name = \"jitter\")] [Dense(2, Activation.Softmax)]", "jitter", "4", "4",
            "[Input(4)] [{|NG0028:GaussianNoise(-0.1)|}] [Dense(2, Activation.Softmax)]"),
        ["SimpleRnnAttribute"] = (
            "[Input(6, 3, Sequence = true)] [SimpleRnn(5, ReturnSequences = true, Name = \"rnn\")] [Flatten] [Dense(2, Activation.Softmax)]", "rnn", "6×3", "6×5",
            // Softmax normalises a layer's outputs; a recurrent cell applies its f element by element.
            "[Input(6, 3, Sequence = true)] [{|NG0033:SimpleRnn(5, Activation.Softmax)|}] [Dense(2, Activation.Softmax)]"),
        ["LstmAttribute"] = (
            "[Input(8, 2, Sequence = true)] [Lstm(4, Name = \"memory\")] [Dense(2, Activation.Softmax)]", "memory", "8×2", "4",
            // Without Sequence = true, [Input(8, 2)] is an image.
            "[Input(8, 2)] [{|NG0046:Lstm(4)|}] [Dense(2, Activation.Softmax)]"),
        ["GruAttribute"] = (
            "[Input(5, 4, Sequence = true)] [Gru(3, ReturnSequences = true)] [Gru(6, Name = \"top\")] [Dense(2, Activation.Softmax)]", "top", "5×3", "6",
            // The first GRU gives only its last step: the second has no sequence to read.
            "[Input(5, 4, Sequence = true)] [Gru(3)] [{|NG0046:Gru(6)|}] [Dense(2, Activation.Softmax)]"),
    };

    public static TheoryData<string> LayerKindNames() => new(LayerKinds.Readers.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Every_layer_attribute_of_the_runtime_has_a_reader_and_test_cases()
    {
        string[] runtimeKinds = typeof(global::NetGen.LayerAttribute).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(global::NetGen.LayerAttribute)) && !type.IsAbstract)
            .Select(type => type.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(runtimeKinds, LayerKinds.Readers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(runtimeKinds, KindCases.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LayerKindNames))]
    public void Each_layer_kind_infers_its_shape(string attribute)
    {
        (string declaration, string layer, string input, string output, _) = KindCases[attribute];
        GeneratorRun run = GeneratorHarness.Run($"using NetGen;\n{declaration}\n[Network] public partial class Shaped;");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
        // The layer table in the class docs: "/// 2  pool  MaxPool2D 3×3  3×9×9  3×3×3  0".
        string source = Assert.Single(run.Sources).SourceText.ToString();
        Match row = Regex.Match(source, $@"^/// \d+\s+{layer}\s+.*?\s{Regex.Escape(input)}\s+{Regex.Escape(output)}\s", RegexOptions.Multiline);
        Assert.True(row.Success, $"no row '{layer} … {input} {output}' in the layer table of:\n{source}");
    }

    [Theory]
    [MemberData(nameof(LayerKindNames))]
    public void Each_layer_kind_reports_its_own_mistake(string attribute) =>
        VerifyErrors($"using NetGen;\n{KindCases[attribute].Mistake}\n[Network] public partial class Mistaken;");
}
