using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

public sealed class ValidationSplitTests
{
    [Fact]
    public void The_last_fraction_is_held_out_before_shuffling_and_never_trained_on()
    {
        // Splitting 0.2 of 50 must be exactly: train on the first 40, validate on the last 10.
        Dataset data = TestData.Classification(50, [9], classes: 3, seed: 1);
        var split = new ReluIdentityClassifier(seed: 2);
        var explicitly = new ReluIdentityClassifier(seed: 2);

        History splitHistory = split.Fit(data, new Sgd(0.1f), epochs: 3, batchSize: 8, validationSplit: 0.2);
        History explicitHistory = explicitly.Fit(data.Take(40), new Sgd(0.1f), epochs: 3, batchSize: 8, validation: data.Slice(40, 10));

        Assert.Equal(explicitly.Parameters, split.Parameters);
        Assert.Equal(
            explicitHistory.Epochs.Select(e => (e.Loss, e.Accuracy, e.Validation)),
            splitHistory.Epochs.Select(e => (e.Loss, e.Accuracy, e.Validation)));
        Assert.Equal(split.Evaluate(data.Slice(40, 10)), splitHistory.Last!.Validation);
    }

    [Fact]
    public void A_split_and_validation_data_together_are_refused()
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 1);

        var error = Assert.Throws<ArgumentException>(() =>
            new ReluIdentityClassifier().Fit(data, new Sgd(), epochs: 1, validation: data, validationSplit: 0.25));

        Assert.Contains("not both", error.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_split_outside_zero_to_one_is_refused(double fraction)
    {
        Dataset data = TestData.Classification(20, [9], classes: 3, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ReluIdentityClassifier().Fit(data, new Sgd(), epochs: 1, validationSplit: fraction));
    }

    [Fact]
    public void A_split_that_leaves_one_side_empty_names_the_counts()
    {
        Dataset data = TestData.Classification(4, [9], classes: 3, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => new ReluIdentityClassifier().Fit(data, new Sgd(), epochs: 1, validationSplit: 0.1));

        Assert.Contains("of 4 samples holds out 0", error.Message);
    }
}
