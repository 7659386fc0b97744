using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>One seed fixes everything random in training: initialisation, shuffling, augmentation.</summary>
public sealed class DeterminismTests
{
    public static TheoryData<string> Optimizers() => new() { nameof(Sgd), nameof(Adam) };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void The_same_seed_trains_bit_identical_weights_with_shuffling_and_augmentation(string optimizer)
    {
        Dataset data = TestData.Classification(48, [2, 3, 7], classes: 10, seed: 4);

        float[] first = Train(seed: 42, optimizer, data);
        float[] second = Train(seed: 42, optimizer, data);
        float[] other = Train(seed: 43, optimizer, data);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    private static float[] Train(int seed, string optimizer, Dataset data)
    {
        var network = new WideClassifier(seed);
        Optimizer chosen = optimizer == nameof(Adam) ? new Adam(0.005f) : new Sgd(0.1f);
        network.Fit(data, chosen, epochs: 3, batchSize: 10, shuffle: true, validationSplit: 0.25, normalizeInputs: true,
            augmentation: new ImageAugmentation(maxShift: 2, maxRotationDegrees: 15f),
            callbacks: [new ReduceLearningRateOnPlateau(), new EarlyStopping(patience: 2)]);
        return network.Parameters;
    }
}
