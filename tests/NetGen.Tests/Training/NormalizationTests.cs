using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

public sealed class NormalizationTests
{
    [Fact]
    public void Statistics_are_the_training_sets_per_feature_mean_and_population_deviation()
    {
        // Three features over four samples: 1..4 (μ 2.5, σ² = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25),
        // 10, 10, 30, 30 (μ 20, σ 10) and a constant 7.
        float[] samples =
        [
            1, 10, 7,
            2, 10, 7,
            3, 30, 7,
            4, 30, 7,
        ];

        InputNormalization normalization = InputNormalization.Compute(samples, featureCount: 3);

        Assert.Equal([2.5f, 20f, 7f], normalization.Mean.ToArray());
        Assert.Equal(MathF.Sqrt(1.25f), normalization.StandardDeviation[0], 6);
        Assert.Equal(10f, normalization.StandardDeviation[1], 6);
        // A constant feature divides by 1: no division by zero, and it standardises to 0.
        Assert.Equal(1f, normalization.StandardDeviation[2]);
    }

    [Fact]
    public void Applying_standardises_the_training_data_and_maps_other_data_with_the_same_statistics()
    {
        var random = new Rng(3);
        float[] training = Enumerable.Range(0, 200 * 2).Select(i => i % 2 == 0 ? random.NextSingle(100f, 140f) : random.NextSingle(-0.01f, 0.01f)).ToArray();
        InputNormalization normalization = InputNormalization.Compute(training, featureCount: 2);

        float[] normalized = (float[])training.Clone();
        normalization.Apply(normalized);
        float[] other = [120f, 0.005f];
        float[] otherNormalized = new float[2];
        normalization.Apply(other, otherNormalized);

        for (int feature = 0; feature < 2; feature++)
        {
            double[] column = Enumerable.Range(0, 200).Select(i => (double)normalized[2 * i + feature]).ToArray();
            double mean = column.Average();
            Assert.Equal(0.0, mean, 4);
            Assert.Equal(1.0, Math.Sqrt(column.Select(x => (x - mean) * (x - mean)).Average()), 4);
            Assert.Equal((other[feature] - normalization.Mean[feature]) / normalization.StandardDeviation[feature], otherNormalized[feature]);
        }
        Assert.Equal([120f, 0.005f], other);
    }

    [Fact]
    public void Bad_statistics_and_data_are_rejected_with_what_and_where()
    {
        var nonFinite = Assert.Throws<ArgumentException>(() => InputNormalization.Compute([1f, 2f, 3f, float.NaN], featureCount: 2));
        var partial = Assert.Throws<ArgumentException>(() => InputNormalization.Compute([1f, 2f, 3f], featureCount: 2));
        var zeroDeviation = Assert.Throws<ArgumentException>(() => new InputNormalization([0f, 1f], [1f, 0f]));

        Assert.Contains("Sample 1", nonFinite.Message);
        Assert.Contains("position 1", nonFinite.Message);
        Assert.Contains("samples of 2 features", partial.Message);
        Assert.Contains("feature 1", zeroDeviation.Message);
    }

    [Fact]
    public void The_model_rejects_a_normalisation_of_the_wrong_size()
    {
        var network = new ReluIdentityClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.InputNormalization = new InputNormalization(new float[8], Ones(8)));

        Assert.Contains("9 inputs", error.Message);
        Assert.Contains("8", error.Message);
        Assert.Null(network.InputNormalization);
    }

    [Fact]
    public void Fit_normalises_every_path_exactly_as_pre_normalised_data_would_be()
    {
        // Raw inputs far from zero mean and unit scale; the normalising model sees them raw, the
        // reference model sees them already standardised. Every number each network computes must agree.
        Dataset raw = Scaled(TestData.Classification(60, [9], classes: 3, seed: 6), scale: 40f, offset: 300f);
        Dataset rawValidation = Scaled(TestData.Classification(20, [9], classes: 3, seed: 7), scale: 40f, offset: 300f);
        InputNormalization statistics = InputNormalization.Compute(raw);
        Dataset standardised = Normalised(raw, statistics);
        Dataset standardisedValidation = Normalised(rawValidation, statistics);

        var normalising = new ReluIdentityClassifier(seed: 4);
        var reference = new ReluIdentityClassifier(seed: 4);
        History normalisingHistory = normalising.Fit(raw, new Sgd(0.1f), epochs: 3, batchSize: 7, validation: rawValidation, normalizeInputs: true);
        History referenceHistory = reference.Fit(standardised, new Sgd(0.1f), epochs: 3, batchSize: 7, validation: standardisedValidation);

        Assert.Equal(statistics.Mean.ToArray(), normalising.InputNormalization!.Mean.ToArray());
        Assert.Equal(statistics.StandardDeviation.ToArray(), normalising.InputNormalization.StandardDeviation.ToArray());
        Assert.Equal(reference.Parameters, normalising.Parameters);
        Assert.Equal(referenceHistory.Epochs.Select(e => (e.Loss, e.Validation)), normalisingHistory.Epochs.Select(e => (e.Loss, e.Validation)));
        Assert.Equal(reference.Evaluate(standardisedValidation), normalising.Evaluate(rawValidation));
        Assert.Equal(reference.Predict(standardisedValidation.Sample(3)), normalising.Predict(rawValidation.Sample(3)));
        Assert.Equal(reference.PredictClass(standardisedValidation.Sample(5)), normalising.PredictClass(rawValidation.Sample(5)));
        var batchOutputs = new float[20 * 3];
        var referenceOutputs = new float[20 * 3];
        normalising.Predict(rawValidation.Features, batchOutputs);
        reference.Predict(standardisedValidation.Features, referenceOutputs);
        Assert.Equal(referenceOutputs, batchOutputs);
        // The caller's data is never normalised in place.
        Assert.Equal(Scaled(TestData.Classification(60, [9], classes: 3, seed: 6), scale: 40f, offset: 300f).Features, raw.Features);
    }

    [Fact]
    public void With_a_validation_split_the_statistics_come_from_the_training_part_only()
    {
        Dataset data = Scaled(TestData.Classification(50, [9], classes: 3, seed: 8), scale: 3f, offset: 1f);
        // Make the held-out tail (the last 10 samples) very different, so that including it would show.
        for (int i = 40 * 9; i < data.Features.Length; i++)
        {
            data.Features[i] += 1000f;
        }
        var network = new ReluIdentityClassifier(seed: 1);

        network.Fit(data, new Sgd(0.05f), epochs: 1, batchSize: 8, validationSplit: 0.2, normalizeInputs: true);

        InputNormalization expected = InputNormalization.Compute(data.Take(40));
        Assert.Equal(expected.Mean.ToArray(), network.InputNormalization!.Mean.ToArray());
        Assert.Equal(expected.StandardDeviation.ToArray(), network.InputNormalization.StandardDeviation.ToArray());
    }

    [Fact]
    public void An_existing_normalisation_is_kept_by_later_fits()
    {
        Dataset first = TestData.Classification(30, [9], classes: 3, seed: 1);
        Dataset second = Scaled(TestData.Classification(30, [9], classes: 3, seed: 2), scale: 10f, offset: 5f);
        var network = new ReluIdentityClassifier(seed: 1);
        network.Fit(first, new Sgd(0.05f), epochs: 1, normalizeInputs: true);
        InputNormalization fromFirst = network.InputNormalization!;

        network.Fit(second, new Sgd(0.05f), epochs: 1, normalizeInputs: true);

        Assert.Same(fromFirst, network.InputNormalization);
    }

    private static Dataset Scaled(Dataset data, float scale, float offset) =>
        Dataset.FromLabels(data.Features.Select(x => x * scale + offset).ToArray(), data.SampleShape, data.Labels!, data.TargetSize);

    private static Dataset Normalised(Dataset data, InputNormalization statistics)
    {
        float[] features = (float[])data.Features.Clone();
        statistics.Apply(features);
        return Dataset.FromLabels(features, data.SampleShape, data.Labels!, data.TargetSize);
    }

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();
}
