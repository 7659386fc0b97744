using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary><c>Summary()</c>, Keras's layer table: every layer with its kind, shapes and parameters, then the totals.</summary>
public sealed class SummaryTests
{
    [Fact]
    public void Summary_lists_every_layer_with_its_shapes_and_parameters()
    {
        var network = new BatchNormAfterFlattenClassifier(seed: 1);

        string[] lines = network.Summary().Split('\n').Select(line => line.TrimEnd('\r')).ToArray();

        Assert.Equal("BatchNormAfterFlattenClassifier: input 2×4×4, 3 outputs, cross-entropy loss", lines[0]);
        Assert.Matches(@"^#\s+layer\s+kind\s+input\s+output\s+parameters$", lines[1]);
        Assert.Matches(@"^1\s+c1\s+Conv2D 3×3, stride 1, no padding\s+2×4×4\s+3×2×2\s+57\s+sigmoid$", lines[2]);
        Assert.Matches(@"^2\s+flatten1\s+Flatten\s+3×2×2\s+12\s+0$", lines[3]);
        Assert.Matches(@"^3\s+flatNorm\s+BatchNorm\s+12\s+12\s+48\s+a pass of its own, per feature$", lines[4]);
        Assert.Matches(@"^4\s+fc1\s+Dense\s+12\s+5\s+65\s+tanh$", lines[5]);
        Assert.Matches(@"^5\s+out\s+Dense\s+5\s+3\s+18\s+softmax$", lines[6]);
        Assert.Equal("Parameters: 188 (164 trainable, 24 running statistics)", lines[7]);
        Assert.Equal(188, network.Parameters.Length);
    }

    [Fact]
    public void ToString_and_the_architecture_print_the_summary()
    {
        var network = new BatchNormAfterFlattenClassifier(seed: 1);

        Assert.Equal(network.Summary(), network.ToString());
        Assert.Equal(network.Summary(), BatchNormAfterFlattenClassifier.Architecture.ToString());
        Assert.DoesNotContain("System.Int32[]", network.Summary(), StringComparison.Ordinal);
    }
}
