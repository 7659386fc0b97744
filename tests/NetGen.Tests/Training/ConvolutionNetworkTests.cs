using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Tests.Kernels;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// Generated convolutional networks end to end: backprop against central differences (both paddings, strides 1 and 2,
/// both poolings), forward values worked out by hand, learning, and no allocation per step.
/// </summary>
public sealed class ConvolutionNetworkTests(ITestOutputHelper output)
{
    // GradientCheckTests' step and tolerance: float networks, so 1e-3 leaves room for rounding but none for a wrong term.
    private const double Tolerance = GradientCheckTests.Tolerance;
    private const float Epsilon = GradientCheckTests.Epsilon;

    public static TheoryData<string, int> Networks() => new()
    {
        { nameof(SmallConvClassifier), 4 }, { nameof(SmallConvClassifier), 3 },
        { nameof(StridedSameConvRegressor), 4 }, { nameof(StridedSameConvRegressor), 1 },
        { nameof(StridedValidConvClassifier), 5 },
        { nameof(PoolFirstClassifier), 3 },
        // Batch norm per channel (γ, β, and through the batch statistics) and dropout with the check's fixed mask.
        { nameof(RegularizedConvClassifier), 4 }, { nameof(RegularizedConvClassifier), 3 },
        { nameof(BatchNormConvRegressor), 5 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backprop_matches_central_differences_for_every_parameter(string network, int batchSize)
    {
        Model model = Create(network);
        Dataset data = DataFor(model, batchSize);

        GradientCheckTests.AssertBackpropMatchesCentralDifferences(model, data, output);
        // The first convolution's filters get their gradient through every layer above: it must not be all zero.
        Assert.Contains(model.GetGradients("conv1.weight").ToArray(), gradient => Math.Abs(gradient) > 1e-3);
    }

    [Fact]
    public void A_2x2_filter_on_a_3x3_image_gives_the_four_window_sums_plus_the_bias()
    {
        // x = 1 2 3      W = 1  0     out[y, x] = x[y, x] − 2·x[y+1, x+1] + 0.5·x[y+1, x] + b, b = 0.25
        //     4 5 6         0.5 −2
        //     7 8 9
        var network = new HandConvolution();
        new float[] { 1f, 0f, 0.5f, -2f }.CopyTo(network.GetParameters("conv1.weight"));
        network.GetParameters("conv1.bias")[0] = 0.25f;
        ReadOut(network);

        float[] result = network.Forward([1, 2, 3, 4, 5, 6, 7, 8, 9], 1).ToArray();

        // (0,0): 1 + 0.5·4 − 2·5 = −7;  (0,1): 2 + 0.5·5 − 2·6 = −7.5;  (1,0): 4 + 0.5·7 − 2·8 = −8.5;  (1,1): 5 + 0.5·8 − 2·9 = −9
        Assert.Equal([-7f + 0.25f, -7.5f + 0.25f, -8.5f + 0.25f, -9f + 0.25f], result);
    }

    [Fact]
    public void Same_padding_with_stride_2_pads_one_zero_row_and_column_after()
    {
        // 4×4 input, 3×3 kernel, stride 2: output ⌈4 / 2⌉ = 2, padding (2 − 1)·2 + 3 − 4 = 1 in all, none before, one after.
        // All-ones kernel: each output is the sum of the 3×3 window at rows/columns {0,1,2} and {2,3,pad}.
        var network = new HandStridedSameConvolution();
        network.GetParameters("conv1.weight").Fill(1f);
        ReadOut(network);
        float[] image = Enumerable.Range(1, 16).Select(value => (float)value).ToArray();
        //  1  2  3  4
        //  5  6  7  8
        //  9 10 11 12
        // 13 14 15 16

        float[] result = network.Forward(image, 1).ToArray();

        Assert.Equal([1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11, 3 + 4 + 7 + 8 + 11 + 12, 9 + 10 + 11 + 13 + 14 + 15, 11 + 12 + 15 + 16], result);
    }

    [Fact]
    public void Pooling_takes_each_2x2_window_s_largest_or_mean()
    {
        float[] image = [1, 5, -2, 0,
                         3, 2, 7, 7,
                         -1, -4, 0, 8,
                         -3, -2, 9, 1];
        var max = new HandMaxPooling();
        var average = new HandAveragePooling();
        ReadOut(max);
        ReadOut(average);

        Assert.Equal([5f, 7f, -1f, 9f], max.Forward(image, 1).ToArray());
        Assert.Equal([11f / 4, 12f / 4, -10f / 4, 18f / 4], average.Forward(image, 1).ToArray());
    }

    [Theory]
    [InlineData(nameof(BarOrientationCnn))]
    [InlineData(nameof(RegularizedBarCnn))]
    public void A_small_cnn_learns_to_tell_horizontal_bars_from_vertical_ones(string name)
    {
        (Dataset train, Dataset test) = (Bars(400, seed: 1), Bars(200, seed: 2));
        // With batch norm, Evaluate normalises with the running statistics training left: this checks those too.
        Model network = name == nameof(BarOrientationCnn) ? new BarOrientationCnn(seed: 3) : new RegularizedBarCnn(seed: 3);
        Evaluation before = network.Evaluate(test);

        network.Fit(train, new Adam(0.003f), epochs: 4, batchSize: 20);
        Evaluation after = network.Evaluate(test);

        output.WriteLine($"test accuracy {before.Accuracy:F3} → {after.Accuracy:F3}, loss {before.Loss:F3} → {after.Loss:F3}");
        Assert.True(after.Accuracy >= 0.95f, $"accuracy {after.Accuracy}");
        Assert.True(after.Loss < before.Loss / 4, $"loss {before.Loss} → {after.Loss}");
    }

    /// <summary>Every instruction set × (one thread, two threads, two threads with batch norm and dropout).</summary>
    public static TheoryData<InstructionSet, int, bool> AllocationCases()
    {
        var data = new TheoryData<InstructionSet, int, bool>();
        foreach (InstructionSet instructionSet in KernelPaths.InstructionSets)
        {
            data.Add(instructionSet, 1, false);
            data.Add(instructionSet, 2, false);
            data.Add(instructionSet, 2, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllocationCases))]
    public void A_cnn_training_step_and_prediction_allocate_nothing_after_warm_up(InstructionSet instructionSet, int threads, bool regularized)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Dataset batch = Bars(32, seed: 4);
        Model network = regularized ? new RegularizedBarCnn(seed: 5) : new BarOrientationCnn(seed: 5);
        var optimizer = new Adam(0.001f);
        optimizer.Bind(network.Description);
        var prediction = new float[2];
        Step();

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 20; i++)
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

    internal static Model Create(string network) => network switch
    {
        nameof(SmallConvClassifier) => GradientCheckTests.Randomised(new SmallConvClassifier(seed: 31)),
        nameof(StridedSameConvRegressor) => GradientCheckTests.Randomised(new StridedSameConvRegressor(seed: 32)),
        nameof(StridedValidConvClassifier) => GradientCheckTests.Randomised(new StridedValidConvClassifier(seed: 33)),
        nameof(PoolFirstClassifier) => GradientCheckTests.Randomised(new PoolFirstClassifier(seed: 34)),
        nameof(RegularizedConvClassifier) => GradientCheckTests.RandomisedKeepingStatistics(new RegularizedConvClassifier(seed: 35)),
        nameof(BatchNormConvRegressor) => GradientCheckTests.RandomisedKeepingStatistics(new BatchNormConvRegressor(seed: 36)),
        _ => throw new ArgumentException(network),
    };

    /// <summary>
    /// A batch on which the loss is smooth within 2ε of the parameters. Max pooling's output jumps from one input to
    /// another where two of a window's inputs tie: a step that crosses a tie makes the central difference mix two
    /// slopes, through no fault of backprop. Such a crossing shows as a central difference that changes with the
    /// step (where the loss is smooth it changes by about ε²·f⁽³⁾/2, far below the tolerance), so the data seed is the
    /// first from 99 up where steps of ε and 2ε agree for every parameter. This looks at the forward pass only, never
    /// at backprop.
    /// </summary>
    private static Dataset DataFor(Model model, int count)
    {
        ModelDescription description = model.Description;
        for (ulong seed = 99; ; seed++)
        {
            Dataset data = description.Loss == Loss.MeanSquaredError
                ? Dataset.FromTargets(
                    TestData.Uniform(new Rng(seed), count * description.InputSize), description.InputShape,
                    TestData.Uniform(new Rng(seed + 1000), count * description.OutputSize), description.OutputSize)
                : TestData.Classification(count, description.InputShape, description.OutputSize, seed);
            if (!HasMaxPooling(model) || IsSmoothAroundParameters(model, data))
            {
                return data;
            }
        }
    }

    /// <summary>The networks above whose loss has max pooling's ties; the rest are smooth everywhere.</summary>
    private static bool HasMaxPooling(Model model) => model is SmallConvClassifier or PoolFirstClassifier;

    private static bool IsSmoothAroundParameters(Model model, Dataset data)
    {
        float[] parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            if (Math.Abs(CentralDifference(Epsilon) - CentralDifference(2 * Epsilon)) > Tolerance / 2)
            {
                return false;
            }

            double CentralDifference(float step)
            {
                parameters[i] = original + step;
                double up = model.ComputeLoss(data.Features, data.Targets, data.Count);
                parameters[i] = original - step;
                double down = model.ComputeLoss(data.Features, data.Targets, data.Count);
                parameters[i] = original;
                return (up - down) / (2.0 * step);
            }
        }
        return true;
    }

    /// <summary>The readout layer as the identity: the network's outputs are then the layer below's, unchanged.</summary>
    private static void ReadOut(Model network)
    {
        Span<float> weight = network.GetParameters("readout.weight");
        weight.Clear();
        for (int i = 0; i < 4; i++)
        {
            weight[i * 4 + i] = 1f;
        }
        network.GetParameters("readout.bias").Clear();
    }

    /// <summary>14×14 images, each one bright bar (horizontal: class 0, vertical: class 1) at a random place, over noise.</summary>
    private static Dataset Bars(int count, ulong seed)
    {
        const int size = 14;
        var random = new Rng(seed);
        var features = new float[count * size * size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            Span<float> image = features.AsSpan(n * size * size, size * size);
            for (int i = 0; i < image.Length; i++)
            {
                image[i] = random.NextSingle(0f, 0.3f);
            }
            labels[n] = random.NextInt(2);
            int line = random.NextInt(size), start = random.NextInt(size - 6), length = 6;
            for (int t = start; t < start + length; t++)
            {
                image[labels[n] == 0 ? line * size + t : t * size + line] = 1f;
            }
        }
        return Dataset.FromLabels(features, [1, size, size], labels, 2);
    }
}
