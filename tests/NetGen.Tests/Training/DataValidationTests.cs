using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// What Fit (training and validation data), Evaluate and Predict refuse before computing: non-finite inputs.
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
}
