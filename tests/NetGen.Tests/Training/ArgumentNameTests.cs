using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// Every argument error of the model's public calls names the caller's own parameter, in the message and as
/// <see cref="ArgumentException.ParamName"/>, with the sizes that did not fit.
/// </summary>
public sealed class ArgumentNameTests
{
    private readonly BinaryClassifier _network = new(seed: 1); // 6 inputs, 1 output

    [Fact]
    public void A_single_sample_of_the_wrong_length_is_named_sample()
    {
        AssertArgument("sample", "sample has 3 numbers, but BinaryClassifier takes 6 inputs per sample.", () => _network.Predict(new float[3]));
        AssertArgument("sample", "sample has 7 numbers, but BinaryClassifier takes 6 inputs per sample.", () => _network.PredictClass(new float[7]));
        AssertArgument("sample", "sample has 40 numbers, but WideClassifier takes 42 inputs (2×3×7, flattened row-major) per sample.",
            () => new WideClassifier().Predict(new float[40]));
    }

    [Fact]
    public void Batches_name_their_samples_outputs_inputs_and_targets()
    {
        AssertArgument("samples", "samples has 7 numbers, not a whole number of samples of BinaryClassifier's 6 inputs.",
            () => _network.Predict(new float[7], new float[2]));
        AssertArgument("outputs", "outputs holds 1 number, but 2 samples of BinaryClassifier's 1 output need 2.",
            () => _network.Predict(new float[12], new float[1]));
        AssertArgument("inputs", "inputs has 10 numbers, but a batch of 2 samples of BinaryClassifier's 6 inputs needs 12.",
            () => _network.Forward(new float[10], 2));
        AssertArgument("inputs", "inputs has 5 numbers, but a batch of 1 sample of BinaryClassifier's 6 inputs needs 6.",
            () => _network.ComputeLoss(new float[5], new float[1], 1));
        AssertArgument("targets", "targets has 3 numbers, but a batch of 2 samples of BinaryClassifier's 1 output needs 2.",
            () => _network.ComputeLoss(new float[12], new float[3], 2));
        AssertArgument("targets", "targets has 3 numbers, but a batch of 2 samples of BinaryClassifier's 1 output needs 2.",
            () => _network.ComputeGradients(new float[12], new float[3], 2));
        AssertArgument("inputs", "inputs has 11 numbers", () => _network.CheckGradients(new float[11], new float[2], 2));
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => _network.Forward([], 0)).ParamName);
    }

    [Fact]
    public void Data_sets_and_the_other_arguments_of_fit_and_evaluate_are_named_as_the_caller_wrote_them()
    {
        Dataset good = TestData.Classification(4, [6], classes: 1, seed: 1);
        Dataset wrong = TestData.Classification(4, [5], classes: 1, seed: 1);

        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => _network.Evaluate((Dataset)null!)).ParamName);
        AssertArgument("data", "BinaryClassifier takes samples of 6 (6 numbers), but the data's samples are 5 (5 numbers).", () => _network.Evaluate(wrong));
        AssertArgument("data", "data holds no samples.", () => _network.Evaluate(good.Slice(0, 0)));
        Assert.Equal("training", Assert.Throws<ArgumentNullException>(() => _network.Fit((Dataset)null!, new Sgd(), 1)).ParamName);
        AssertArgument("training", "BinaryClassifier takes samples of 6", () => _network.Fit(wrong, new Sgd(), 1));
        AssertArgument("validation", "BinaryClassifier takes samples of 6", () => _network.Fit(good, new Sgd(), 1, validation: wrong));
        Assert.Equal("optimizer", Assert.Throws<ArgumentNullException>(() => _network.Fit(good, null!, 1)).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => _network.Fit(good, new Sgd(), -1)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => _network.Fit(good, new Sgd(), 1, batchSize: 0)).ParamName);
        Assert.Equal("validationSplit", Assert.Throws<ArgumentOutOfRangeException>(() => _network.Fit(good, new Sgd(), 1, validationSplit: 1.5)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => _network.TopK = 0).ParamName);
    }

    private static void AssertArgument(string parameter, string message, Action call)
    {
        var error = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }
}
