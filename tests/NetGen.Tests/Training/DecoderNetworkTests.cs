using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Tests.Kernels;
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
        { nameof(DeconvFirstRegressor), 4 }, { nameof(DeconvFirstRegressor), 3 },
        { nameof(OutputPaddedDeconvRegressor), 4 }, { nameof(OutputPaddedDeconvRegressor), 5 },
        { nameof(StackedDeconvRegressor), 4 }, { nameof(StackedDeconvRegressor), 3 },
        { nameof(SmallConvAutoencoder), 4 }, { nameof(SmallConvAutoencoder), 5 },
        { nameof(UpsamplingConvAutoencoder), 4 }, { nameof(UpsamplingConvAutoencoder), 3 },
    };

    internal static Model Create(string network) => network switch
    {
        nameof(ConvOutputRegressor) => GradientCheckTests.Randomised(new ConvOutputRegressor(seed: 41)),
        nameof(ConvOutputBinaryCrossEntropy) => GradientCheckTests.Randomised(new ConvOutputBinaryCrossEntropy(seed: 42)),
        nameof(ReshapeFirstRegressor) => GradientCheckTests.Randomised(new ReshapeFirstRegressor(seed: 43)),
        nameof(DenseReshapeConvRegressor) => GradientCheckTests.Randomised(new DenseReshapeConvRegressor(seed: 44)),
        nameof(UpsampleFirstRegressor) => GradientCheckTests.Randomised(new UpsampleFirstRegressor(seed: 45)),
        nameof(ConvUpsampleConvRegressor) => GradientCheckTests.Randomised(new ConvUpsampleConvRegressor(seed: 46)),
        nameof(DeconvFirstRegressor) => GradientCheckTests.Randomised(new DeconvFirstRegressor(seed: 47)),
        nameof(OutputPaddedDeconvRegressor) => GradientCheckTests.Randomised(new OutputPaddedDeconvRegressor(seed: 48)),
        nameof(StackedDeconvRegressor) => GradientCheckTests.Randomised(new StackedDeconvRegressor(seed: 49)),
        nameof(SmallConvAutoencoder) => GradientCheckTests.Randomised(new SmallConvAutoencoder(seed: 50)),
        nameof(UpsamplingConvAutoencoder) => GradientCheckTests.Randomised(new UpsamplingConvAutoencoder(seed: 51)),
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

    [Theory]
    [InlineData(nameof(BarAutoencoder))]
    [InlineData(nameof(UpsamplingConvAutoencoder))]
    public void A_small_convolutional_autoencoder_learns_to_reconstruct_its_input(string name)
    {
        // Bright bars on a dark 8×8 image, the target the image itself. The mean training image is the best guess that
        // ignores the input, and a plateau training rests on before it finds the bars; a code of a few numbers can
        // hold a bar's place and direction, so the reconstruction must end well below it.
        Dataset train = Bars(240, seed: 1), test = Bars(60, seed: 2);
        Model network = name == nameof(BarAutoencoder) ? new BarAutoencoder(seed: 3) : new UpsamplingConvAutoencoder(seed: 3);
        float before = network.Evaluate(test).Loss;
        double[] mean = Enumerable.Range(0, 64).Select(pixel => Enumerable.Range(0, train.Count).Average(n => (double)train.Features[n * 64 + pixel])).ToArray();
        double meanImageLoss = test.Features.Select((value, i) => Math.Pow(value - mean[i % 64], 2)).Average();

        network.Fit(train, new Adam(0.003f), epochs: 120, batchSize: 20);
        float after = network.Evaluate(test).Loss;

        output.WriteLine($"{name}: test reconstruction loss {before:F4} → {after:F4}; the mean image's {meanImageLoss:F4}");
        Assert.True(after < before / 3, $"loss {before} → {after}");
        Assert.True(after < 0.5 * meanImageLoss, $"loss {after}, the mean image's {meanImageLoss}");
    }

    /// <summary>Every instruction set, one thread and two.</summary>
    [Theory]
    [MemberData(nameof(KernelPaths.All), MemberType = typeof(KernelPaths))]
    public void An_autoencoder_training_step_and_prediction_allocate_nothing_after_warm_up(InstructionSet instructionSet, int threads)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Dataset batch = Bars(16, seed: 4);
        Model network = new UpsamplingConvAutoencoder(seed: 5);
        var optimizer = new Adam(0.001f);
        optimizer.Bind(network.Description);
        var prediction = new float[64];
        Step();

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                Step();
            }
        });

        Assert.Equal(0, allocated);

        void Step()
        {
            network.ComputeGradients(batch.Features, batch.Targets, batch.Count);
            optimizer.Step(network.Parameters, network.Gradients);
            network.Predict(batch.Sample(0), prediction);
        }
    }

    /// <summary>8×8 images, each one bar of 1s (a random row or column, random start, length 5) over noise below 0.2; the targets are the images.</summary>
    private static Dataset Bars(int count, ulong seed)
    {
        const int size = 8;
        var random = new Rng(seed);
        var images = new float[count * size * size];
        for (int n = 0; n < count; n++)
        {
            Span<float> image = images.AsSpan(n * size * size, size * size);
            for (int i = 0; i < image.Length; i++)
            {
                image[i] = random.NextSingle(0f, 0.2f);
            }
            bool horizontal = random.NextInt(2) == 0;
            int line = random.NextInt(size), start = random.NextInt(size - 4);
            for (int t = start; t < start + 5; t++)
            {
                image[horizontal ? line * size + t : t * size + line] = 1f;
            }
        }
        return Dataset.FromTargets(images, [1, size, size], (float[])images.Clone(), size * size);
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
