using NetGen.Data;
using NetGen.Randomness;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// Networks that end in an image: a convolution as the output layer, and the decoder layers (reshape, upsampling,
/// transposed convolution) of a convolutional autoencoder. Backprop against central differences, and learning.
/// </summary>
public sealed class DecoderNetworkTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Networks() => new()
    {
        { nameof(ConvOutputRegressor), 4 }, { nameof(ConvOutputRegressor), 3 },
        { nameof(ConvOutputBinaryCrossEntropy), 5 },
        { nameof(ReshapeFirstRegressor), 4 }, { nameof(ReshapeFirstRegressor), 3 },
        { nameof(DenseReshapeConvRegressor), 4 }, { nameof(DenseReshapeConvRegressor), 5 },
        { nameof(UpsampleFirstRegressor), 4 }, { nameof(UpsampleFirstRegressor), 3 },
        { nameof(ConvUpsampleConvRegressor), 4 }, { nameof(ConvUpsampleConvRegressor), 5 },
    };

    internal static Model Create(string network) => network switch
    {
        nameof(ConvOutputRegressor) => GradientCheckTests.Randomised(new ConvOutputRegressor(seed: 41)),
        nameof(ConvOutputBinaryCrossEntropy) => GradientCheckTests.Randomised(new ConvOutputBinaryCrossEntropy(seed: 42)),
        nameof(ReshapeFirstRegressor) => GradientCheckTests.Randomised(new ReshapeFirstRegressor(seed: 43)),
        nameof(DenseReshapeConvRegressor) => GradientCheckTests.Randomised(new DenseReshapeConvRegressor(seed: 44)),
        nameof(UpsampleFirstRegressor) => GradientCheckTests.Randomised(new UpsampleFirstRegressor(seed: 45)),
        nameof(ConvUpsampleConvRegressor) => GradientCheckTests.Randomised(new ConvUpsampleConvRegressor(seed: 46)),
        _ => throw new ArgumentException(network),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backprop_matches_central_differences_for_every_parameter(string network, int batchSize)
    {
        Model model = Create(network);
        Dataset data = DataFor(model, batchSize);

        GradientCheckTests.AssertBackpropMatchesCentralDifferences(model, data, output);
    }

    [Fact]
    public void A_convolution_s_output_is_the_network_s_and_binary_cross_entropy_averages_over_every_pixel()
    {
        var network = new ConvOutputBinaryCrossEntropy(seed: 1);
        Dataset data = DataFor(network, 3);

        float[] outputs = network.Forward(data.Features, data.Count).ToArray();
        float loss = network.ComputeLoss(data.Features, data.Targets, data.Count);

        // conv1: [1, 5, 5] → [2, 4, 4], all 32 numbers per sample are outputs.
        Assert.Equal(2 * 4 * 4, network.Description.OutputSize);
        Assert.Equal(3 * 32, outputs.Length);
        double expected = outputs.Zip(data.Targets).Average(pair => -(pair.Second * Math.Log(pair.First) + (1 - pair.Second) * Math.Log(1 - pair.First)));
        Assert.Equal(expected, loss, 1e-5);
    }

    [Fact]
    public void Reshape_reads_the_numbers_in_order_as_channels_of_rows()
    {
        // [8] → [2, 2, 2]: numbers 0–3 are channel 0, 4–7 channel 1; mix = 1·channel 0 + 10·channel 1 per pixel.
        var network = new HandReshape();
        new[] { 1f, 10f }.CopyTo(network.GetParameters("mix.weight"));
        network.GetParameters("mix.bias").Clear();

        float[] result = network.Forward([1, 2, 3, 4, 5, 6, 7, 8], 1).ToArray();

        Assert.Equal([51f, 62f, 73f, 84f], result);
    }

    /// <summary>Inputs uniform in [−1, 1]; targets in (0, 1), which both a sigmoid output and cross-entropy take.</summary>
    internal static Dataset DataFor(Model model, int count, ulong seed = 99)
    {
        ModelDescription description = model.Description;
        var random = new Rng(seed);
        float[] features = TestData.Uniform(random, count * description.InputSize);
        float[] targets = Enumerable.Range(0, count * description.OutputSize).Select(_ => random.NextSingle(0.05f, 0.95f)).ToArray();
        return Dataset.FromTargets(features, description.InputShape, targets, description.OutputSize);
    }
}
