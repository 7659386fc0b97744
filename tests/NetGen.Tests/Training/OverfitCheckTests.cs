using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// The course's "make sure you can overfit a small training set": <see cref="Model.CheckCanOverfit"/> trains the
/// network as a new instance with the same seed would start, on a few samples, says whether it memorised them and, if
/// not, what it saw — and leaves the model exactly as it was.
/// </summary>
public sealed class OverfitCheckTests(ITestOutputHelper output)
{
    [Fact]
    public void A_working_classifier_memorises_twenty_noise_labelled_samples()
    {
        Dataset data = TestData.Classification(100, [9], classes: 3, seed: 3);
        var network = new ReluIdentityClassifier(seed: 1);

        OverfitCheckResult result = network.CheckCanOverfit(data);

        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(20, result.Samples);
        Assert.Equal(1f, result.Final.Accuracy);
        Assert.Equal(1f, result.AccuracyCurve![^1]);
        Assert.True(result.AccuracyCurve.Take(result.Epochs).All(accuracy => accuracy < 1f)); // it stops at the first epoch that memorises
        Assert.InRange(result.Epochs, 1, 499);
        Assert.Equal(result.Epochs + 1, result.LossCurve.Count);
        Assert.Empty(result.ZeroGradientTensors);
        Assert.StartsWith($"ReluIdentityClassifier can overfit 20 samples: 100 % training accuracy after {result.Epochs} epochs (loss ", result.ToString());
    }

    [Fact]
    public void A_working_regressor_reaches_a_near_zero_loss()
    {
        Dataset data = TestData.Regression(50, inputs: 4, outputs: 2, seed: 5);
        var network = new LinearRegressor(seed: 2);

        OverfitCheckResult result = network.CheckCanOverfit(data, samples: 10, epochs: 2000);

        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
        Assert.Null(result.AccuracyCurve);
        Assert.True(result.Final.RSquared >= OverfitCheckResult.RSquaredToPass);
        Assert.Contains("LinearRegressor can overfit 10 samples: R² 0.999", result.ToString());
    }

    [Fact]
    public void It_trains_as_a_new_instance_with_the_same_seed_would_whatever_the_model_learned_before()
    {
        Dataset data = TestData.Classification(60, [9], classes: 3, seed: 4);
        var network = new ReluIdentityClassifier(seed: 7);
        network.Fit(data, new Sgd(0.1f), epochs: 3, batchSize: 10);

        OverfitCheckResult result = network.CheckCanOverfit(data, samples: 12, epochs: 30);

        var fresh = new ReluIdentityClassifier(seed: 7);
        Dataset twelve = data.Take(12);
        var losses = new List<float> { fresh.Evaluate(twelve).Loss };
        fresh.Fit(twelve, new Adam(0.01f), epochs: result.Epochs, batchSize: 12, shuffle: false,
            onEpochEnd: _ => losses.Add(fresh.Evaluate(twelve).Loss));
        Assert.Equal(losses, result.LossCurve);
    }

    [Fact]
    public void Afterwards_the_model_is_exactly_as_it_was_and_trains_on_as_it_would_have()
    {
        // Batch norm's running statistics live in the parameters; dropout draws from the generator.
        Dataset data = TestData.Classification(40, [3, 7], classes: 4, seed: 2);
        var checkedNetwork = new BatchNormDropoutClassifier(seed: 3);
        var twin = new BatchNormDropoutClassifier(seed: 3);
        foreach (Model model in new Model[] { checkedNetwork, twin })
        {
            model.SetDropoutRate("drop1", 0.4f);
            model.Fit(data, new Adam(0.001f), epochs: 1, batchSize: 8);
            model.ComputeGradients(data.Features.AsSpan(0, 21 * 2), data.Targets.AsSpan(0, 8), 2);
        }

        checkedNetwork.CheckCanOverfit(data, samples: 8, epochs: 5);

        Assert.Equal(twin.Parameters, checkedNetwork.Parameters);
        Assert.Equal(twin.Gradients, checkedNetwork.Gradients);
        Assert.Equal(0.4f, checkedNetwork.GetDropoutRate("drop1"));
        // The random generator too: the next epochs shuffle and drop the same, so they train bit for bit alike.
        checkedNetwork.Fit(data, new Adam(0.001f), epochs: 1, batchSize: 8);
        twin.Fit(data, new Adam(0.001f), epochs: 1, batchSize: 8);
        Assert.Equal(twin.Parameters, checkedNetwork.Parameters);
    }

    [Fact]
    public void A_binary_step_output_passes_no_gradient_so_the_loss_stays_flat()
    {
        Dataset data = TestData.Regression(30, inputs: 4, outputs: 2, seed: 1, low: 0f, high: 1f);
        var network = new StepOutputRegressor(seed: 1);

        OverfitCheckResult result = network.CheckCanOverfit(data, epochs: 50);

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        Assert.Equal(50, result.Epochs);
        Assert.True(result.AllGradientsZero);
        Assert.Equal(["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"], result.ZeroGradientTensors);
        Assert.True(result.LossIsFlat);
        Assert.All(result.LossCurve, loss => Assert.Equal(result.LossCurve[0], loss));
        string verdict = result.ToString();
        Assert.StartsWith("StepOutputRegressor cannot overfit 20 samples: R² ", verdict);
        Assert.Contains("- Every gradient is zero (dense1.weight, dense1.bias, dense2.weight, dense2.bias): nothing can learn.", verdict);
        Assert.Contains("- The loss curve is flat", verdict);
        Assert.Contains("loss by epoch: 0: ", verdict);
    }

    [Fact]
    public void A_binary_step_in_the_middle_freezes_the_layers_below_it_and_the_verdict_names_them()
    {
        Dataset data = TestData.Regression(30, inputs: 5, outputs: 2, seed: 2);
        var network = new BinaryStepRegressor(seed: 1);

        OverfitCheckResult result = network.CheckCanOverfit(data, epochs: 300);

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        Assert.False(result.AllGradientsZero);
        Assert.Equal(["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"], result.ZeroGradientTensors);
        Assert.Contains("- dense1.weight, dense1.bias, dense2.weight, dense2.bias get a zero gradient: they never learn.", result.ToString());
    }

    [Fact]
    public void A_loss_that_diverges_is_reported_with_its_epoch()
    {
        Dataset data = TestData.Regression(30, inputs: 4, outputs: 2, seed: 3);
        var network = new LinearRegressor(seed: 1);
        float[] before = (float[])network.Parameters.Clone();

        OverfitCheckResult result = network.CheckCanOverfit(data, optimizer: new Sgd(1e25f));

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        Assert.NotNull(result.DivergedAtEpoch);
        Assert.Contains($"- The loss became NaN or infinite at epoch {result.DivergedAtEpoch}", result.ToString());
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void Zero_one_labels_of_a_csv_train_a_one_sigmoid_classifier()
    {
        float[] features = TestData.Uniform(new Randomness.Rng(6), 30 * 6);
        int[] labels = Enumerable.Range(0, 30).Select(i => i % 2).ToArray();

        OverfitCheckResult result = new BinaryClassifier(seed: 1).CheckCanOverfit(Dataset.FromLabels(features, [6], labels, classCount: 2));

        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void It_cannot_run_inside_fit_and_names_its_arguments()
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 1);
        var network = new ReluIdentityClassifier(seed: 1);

        var inside = Assert.Throws<InvalidOperationException>(() =>
            network.Fit(data, new Sgd(0.1f), epochs: 1, onEpochEnd: _ => network.CheckCanOverfit(data)));
        Assert.Contains("CheckCanOverfit was called while this thread is training the model", inside.Message);

        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => network.CheckCanOverfit(null!)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => network.CheckCanOverfit(TestData.Classification(5, [8], 3, 1))).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => network.CheckCanOverfit(data, samples: 0)).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => network.CheckCanOverfit(data, epochs: 0)).ParamName);
    }
}
