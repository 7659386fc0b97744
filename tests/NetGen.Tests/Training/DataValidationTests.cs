using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// What Fit (training and validation data), Evaluate and Predict refuse before computing: non-finite inputs, and
/// targets the loss cannot mean (non-finite; for cross-entropy, outside [0, 1] or, after a softmax, not summing to 1).
/// Each refusal names the sample, and nothing is trained first.
/// </summary>
public sealed class DataValidationTests
{
    [Fact]
    public void Fit_rejects_non_finite_validation_inputs_naming_the_sample_before_training()
    {
        Dataset training = TestData.Classification(12, [9], classes: 3, seed: 1);
        Dataset validation = TestData.Classification(6, [9], classes: 3, seed: 2);
        validation.Features[3 * 9 + 5] = float.NaN;
        var network = new ReluIdentityClassifier(seed: 1);
        float[] before = (float[])network.Parameters.Clone();

        var error = Assert.Throws<ArgumentException>(() => network.Fit(training, new Sgd(), epochs: 1, validation: validation));

        Assert.Equal("validation", error.ParamName);
        Assert.Contains("Validation sample 3 holds NaN at position 5", error.Message);
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void Evaluate_rejects_non_finite_inputs_naming_the_sample()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 1);
        data.Features[7 * 9] = float.PositiveInfinity;
        var network = new ReluIdentityClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Evaluate(data));

        Assert.Equal("data", error.ParamName);
        Assert.Contains("Sample 7 holds Infinity at position 0", error.Message);
    }

    [Fact]
    public void Predict_and_PredictClass_reject_a_non_finite_input_naming_its_position()
    {
        var network = new ReluIdentityClassifier(seed: 1);
        float[] sample = TestData.Uniform(new Randomness.Rng(4), 9);
        sample[6] = float.NaN;

        var predict = Assert.Throws<ArgumentException>(() => network.Predict(sample));
        var predictClass = Assert.Throws<ArgumentException>(() => network.PredictClass(sample));

        Assert.Contains("The sample holds NaN at position 6", predict.Message);
        Assert.Contains("The sample holds NaN at position 6", predictClass.Message);
    }

    [Fact]
    public void Batched_Predict_rejects_a_non_finite_input_naming_the_sample_even_past_the_first_batch_of_1024()
    {
        var network = new ReluIdentityClassifier(seed: 1);
        float[] samples = TestData.Uniform(new Randomness.Rng(4), 1500 * 9);
        samples[1200 * 9 + 8] = float.NegativeInfinity;
        var outputs = new float[1500 * 3];

        var error = Assert.Throws<ArgumentException>(() => network.Predict(samples, outputs));

        Assert.Equal("samples", error.ParamName);
        Assert.Contains("Sample 1200 holds -Infinity at position 8", error.Message);
        // Checked before anything is computed: no output is written.
        Assert.All(outputs, output => Assert.Equal(0f, output));
    }

    [Fact]
    public void Fit_names_a_NaN_regression_target_instead_of_reporting_divergence()
    {
        Dataset data = TestData.Regression(20, 4, 2, seed: 3);
        data.Targets[9 * 2 + 1] = float.NaN;
        var network = new LinearRegressor(seed: 1);
        float[] before = (float[])network.Parameters.Clone();

        var error = Assert.Throws<ArgumentException>(() => network.Fit(data, new Sgd(0.01f), epochs: 1, batchSize: 5));

        Assert.Equal("training", error.ParamName);
        Assert.Contains("Target 1 of training sample 9 is NaN", error.Message);
        Assert.Equal(before, network.Parameters);
    }

    [Theory]
    [InlineData(2f, "Target 1 of training sample 4 is 2, outside [0, 1]")]
    [InlineData(-1f, "Target 1 of training sample 4 is -1, outside [0, 1]")]
    public void Fit_rejects_a_softmax_target_outside_zero_to_one(float value, string expected)
    {
        Dataset data = TestData.Classification(8, [9], classes: 3, seed: 1);
        int label = data.Labels![4];
        data.Targets[4 * 3 + label] = 0f;
        data.Targets[4 * 3 + 1] = value;
        var network = new ReluIdentityClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Fit(data, new Sgd(), epochs: 1));

        Assert.Contains(expected, error.Message);
        Assert.Contains("softmax cross-entropy", error.Message);
    }

    [Fact]
    public void Fit_rejects_a_softmax_target_row_that_does_not_sum_to_one()
    {
        Dataset data = TestData.Classification(8, [9], classes: 3, seed: 1);
        Array.Fill(data.Targets, 1f, 4 * 3, 2);
        data.Targets[4 * 3 + 2] = 0f;
        var network = new ReluIdentityClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Fit(data, new Sgd(), epochs: 1));

        Assert.Contains("Training sample 4's target row sums to 2", error.Message);
        Assert.Contains("probability distribution", error.Message);
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(float.PositiveInfinity)]
    public void Fit_rejects_a_binary_cross_entropy_target_outside_zero_to_one(float value)
    {
        Dataset data = TestData.Classification(8, [6], classes: 1, seed: 1);
        data.Targets[5] = value;
        var network = new BinaryClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Fit(data, new Sgd(), epochs: 1));

        Assert.Contains("Target 0 of training sample 5 is", error.Message);
    }

    [Fact]
    public void Fit_rejects_bad_validation_targets_and_Evaluate_bad_targets_naming_the_sample()
    {
        Dataset training = TestData.Classification(12, [9], classes: 3, seed: 1);
        Dataset validation = TestData.Classification(6, [9], classes: 3, seed: 2);
        Array.Clear(validation.Targets, 2 * 3, 3);
        var network = new ReluIdentityClassifier(seed: 1);

        var fit = Assert.Throws<ArgumentException>(() => network.Fit(training, new Sgd(), epochs: 1, validation: validation));
        var evaluate = Assert.Throws<ArgumentException>(() => network.Evaluate(validation));

        Assert.Equal("validation", fit.ParamName);
        Assert.Contains("Validation sample 2's target row sums to 0", fit.Message);
        Assert.Equal("data", evaluate.ParamName);
        Assert.Contains("Sample 2's target row sums to 0", evaluate.Message);
    }

    [Fact]
    public void Accepts_soft_targets_and_any_finite_regression_target()
    {
        // Label smoothing: 0.9 on the class, 0.05 on the others, summing to 1 up to float rounding.
        Dataset smoothed = TestData.Classification(8, [9], classes: 3, seed: 1);
        for (int i = 0; i < smoothed.Targets.Length; i++)
        {
            smoothed.Targets[i] = smoothed.Targets[i] == 1f ? 0.9f : 0.05f;
        }
        // Mean squared error after a sigmoid: a target of 2 is far but finite, and the loss is defined.
        Dataset regression = TestData.Regression(8, 5, 3, seed: 2, low: -2f, high: 2f);

        new ReluIdentityClassifier(seed: 1).Fit(smoothed, new Sgd(), epochs: 1, validation: smoothed);
        new SigmoidRegressor(seed: 1).Fit(regression, new Sgd(), epochs: 1, validation: regression);
    }
}
