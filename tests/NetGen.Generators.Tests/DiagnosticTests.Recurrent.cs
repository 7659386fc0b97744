using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>The recurrent layers' and sequences' diagnostics: NG0046–NG0048, with NG0004 and NG0033 on the new kinds.</summary>
public sealed partial class DiagnosticTests
{
    [Fact]
    public void NG0046_RecurrentLayerOnAnImageInput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(28, 28)]
            [{|NG0046:Lstm(64)|}]
            [Dense(10, Activation.Softmax)]
            public partial class RowReader;
            """);

        Assert.Equal(
            "Lstm 'lstm1' reads a sequence [steps, features], but gets 28×28 from [Input(28, 28)], which is read as an image: write [Input(28, 28, Sequence = true)] to read it as 28 steps of 28 features",
            Message(run));
    }

    [Fact]
    public void NG0046_RecurrentLayerOnTheLastStepOfAnother()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(10, 3, Sequence = true)]
            [Gru(8)]
            [{|NG0046:SimpleRnn(4)|}]
            [Dense(2, Activation.Softmax)]
            public partial class Stacked;
            """);

        Assert.Equal(
            "SimpleRnn 'rnn1' reads a sequence [steps, features], but gets only the last step's 8 outputs of Gru 'gru1': set ReturnSequences = true on 'gru1' to give every step's outputs, [10, 8], to the layer above",
            Message(run));
    }

    [Fact]
    public void NG0046_RecurrentLayerOnAFlatVector()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(784)]
            [{|NG0046:Gru(16)|}]
            [Dense(10, Activation.Softmax)]
            public partial class Flat;
            """);

        Assert.Equal(
            "Gru 'gru1' reads a sequence [steps, features], but gets a flat vector of 784 numbers from [Input(784)]: give each sample as steps × features, e.g. [Input(784, 1, Sequence = true)] for 784 steps of one number",
            Message(run));
    }

    [Fact]
    public void NG0047_DenseOnAWholeSequence()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(12, 3, Sequence = true)]
            [Gru(16, ReturnSequences = true)]
            [Dropout(0.2)]
            [{|NG0047:Dense(2, Activation.Softmax)|}]
            public partial class Tagger;

            [Network]
            [Input(12, 3, Sequence = true)]
            [{|NG0047:Dense(2, Activation.Softmax)|}]
            public partial class Direct;
            """);

        Assert.Equal(
            "Dense 'dense1' gets a whole sequence of 12 steps × 16 features from Gru 'gru1', but a dense layer takes one vector per sample: set ReturnSequences = false on 'gru1' to take its last step's 16 outputs, set PerStep = true to apply it to every step, or add [Flatten] before it to take all 12×16 = 192 numbers as one vector",
            Messages(run)[0]);
        Assert.Equal(
            "Dense 'dense1' gets a whole sequence of 12 steps × 3 features from [Input(12, 3, Sequence = true)], but a dense layer takes one vector per sample: read it with a recurrent layer first, set PerStep = true to apply it to every step, or add [Flatten] before it to take all 12×3 = 36 numbers as one vector",
            Messages(run)[1]);
    }

    [Fact]
    public void NG0048_SequenceInputOfOneDimension()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.MeanSquaredError)]
            [{|NG0048:Input(50, Sequence = true)|}]
            [SimpleRnn(8)]
            [Dense(1)]
            public partial class Forecaster;
            """);

        Assert.Equal(
            "[Input(50, Sequence = true)] has 1 dimension, but a sequence is [steps, features]; a series of 50 single numbers is [Input(50, 1, Sequence = true)]",
            Message(run));
    }

    [Fact]
    public void NG0049_SoftmaxCrossEntropyOnAPerStepOutput()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network(Loss = Loss.CrossEntropy)]
            [Input(12, 3, Sequence = true)]
            [Gru(16, ReturnSequences = true)]
            [{|NG0049:Dense(4, Activation.Softmax, PerStep = true)|}]
            public partial class Tagger;
            """);

        Assert.Equal(
            "Dense 'dense1' gives the network's output per step, 12 steps × 4 units, but softmax with Loss.CrossEntropy takes one vector of class probabilities and one label per sample: to classify the whole sequence, set ReturnSequences = false on 'gru1' and drop PerStep; to label every step, use Activation.Sigmoid (binary cross-entropy per output, targets [steps, units] of 0 and 1)",
            Message(run));
    }

    [Fact]
    public void NG0004_And_NG0033_RecurrentLayers()
    {
        GeneratorRun run = VerifyErrors("""
            using NetGen;

            [Network]
            [Input(5, 2, Sequence = true)]
            [{|NG0004:Lstm(0)|}]
            [Dense(2, Activation.Softmax)]
            public partial class NoUnits;

            [Network]
            [Input(5, 2, Sequence = true)]
            [{|NG0033:SimpleRnn(4, Activation.PReLU)|}]
            [Dense(2, Activation.Softmax)]
            public partial class OwnPass;
            """);

        Assert.Equal("Lstm 'lstm1': units is 0, but it must be at least 1", Messages(run)[0]);
    }
}
