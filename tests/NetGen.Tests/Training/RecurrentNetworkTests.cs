using NetGen.Data;
using Xunit.Abstractions;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// Backpropagation through time in generated networks: every element of every tensor against central differences,
/// for each cell, stacked, with last-step and whole-sequence outputs, in two batch sizes (one not a multiple of 4).
/// </summary>
public sealed class RecurrentNetworkTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Networks() => new()
    {
        { nameof(LstmClassifier), 3 },
        { nameof(LstmClassifier), 8 },
        { nameof(StackedGruRegressor), 3 },
        { nameof(StackedGruRegressor), 8 },
        { nameof(RnnLstmSequenceRegressor), 5 },
        { nameof(SiluRnnGruClassifier), 4 },
        { nameof(SiluRnnGruClassifier), 7 },
    };

    internal static Model Create(string network) => network switch
    {
        nameof(LstmClassifier) => GradientCheckTests.Randomised(new LstmClassifier(seed: 61)),
        nameof(StackedGruRegressor) => GradientCheckTests.Randomised(new StackedGruRegressor(seed: 62)),
        nameof(RnnLstmSequenceRegressor) => GradientCheckTests.Randomised(new RnnLstmSequenceRegressor(seed: 63)),
        nameof(SiluRnnGruClassifier) => GradientCheckTests.Randomised(new SiluRnnGruClassifier(seed: 64)),
        _ => throw new ArgumentException(network),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backprop_through_time_matches_central_differences(string network, int batch)
    {
        Model model = Create(network);
        Dataset data = GradientCheckTests.DataFor(model, batch);
        GradientCheckTests.AssertBackpropMatchesCentralDifferences(model, data, output);
    }
}
