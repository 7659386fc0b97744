using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>
/// Autoencoders: training on unlabelled data (or labelled data whose labels are ignored), evaluation without accuracy,
/// and the generated Encode and Decode, which compose into Predict bit for bit, check their arguments, allocate
/// nothing after warm-up and are safe from many threads at once.
/// </summary>
public sealed class AutoencoderTests
{
    /// <summary>Six 4×4 patterns (bars and a diagonal), each three times: labels 0–2 by kind.</summary>
    private static (float[] Features, int[] Labels) Patterns()
    {
        var patterns = new List<float[]>();
        var labels = new List<int>();
        for (int row = 0; row < 4; row += 2)
        {
            var horizontal = new float[16];
            var vertical = new float[16];
            for (int i = 0; i < 4; i++)
            {
                horizontal[row * 4 + i] = 1;
                vertical[i * 4 + row] = 1;
            }
            patterns.Add(horizontal);
            labels.Add(0);
            patterns.Add(vertical);
            labels.Add(1);
        }
        var diagonal = new float[16];
        var antiDiagonal = new float[16];
        for (int i = 0; i < 4; i++)
        {
            diagonal[i * 4 + i] = 1;
            antiDiagonal[i * 4 + 3 - i] = 1;
        }
        patterns.Add(diagonal);
        labels.Add(2);
        patterns.Add(antiDiagonal);
        labels.Add(2);
        float[][] repeated = [.. patterns, .. patterns, .. patterns];
        return (repeated.SelectMany(pattern => pattern).ToArray(), [.. labels, .. labels, .. labels]);
    }

    private static float[] RandomSamples(int count, int size, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * size).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Fact]
    public void Unlabelled_data_shares_its_samples_as_its_targets()
    {
        float[] features = Patterns().Features;

        Dataset data = Dataset.Unlabelled(features, [4, 4]);

        Assert.Same(features, data.Features);
        Assert.Same(features, data.Targets);
        Assert.Equal(16, data.TargetSize);
        Assert.Null(data.Labels);
        Assert.Equal(18, data.Count);
        Dataset slice = data.Slice(2, 3);
        Assert.Same(slice.Features, slice.Targets);
        Assert.Equal(data.Sample(2).ToArray(), slice.Sample(0).ToArray());
    }

    [Fact]
    public void A_tiny_autoencoder_learns_to_reproduce_a_few_patterns_from_unlabelled_data()
    {
        var model = new TinyAutoencoder(seed: 3);
        Dataset data = Dataset.Unlabelled(Patterns().Features, [4, 4]);
        float before = model.Evaluate(data).Loss;

        History history = model.Fit(data, new Adam(0.02f), epochs: 300, batchSize: 6);

        float after = model.Evaluate(data).Loss;
        Assert.True(after < before / 5, $"The reconstruction loss went from {before} to {after} only.");
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss / 5);
        Assert.Equal(3, TinyAutoencoder.CodeSize);
        Assert.Equal(new CodeLayer("code", [3]).Name, model.Description.Code!.Name);
        Assert.Equal([3], model.Description.Code.Shape);
    }

    [Fact]
    public void Labelled_data_trains_an_autoencoder_as_if_unlabelled_and_evaluation_has_no_accuracy()
    {
        (float[] features, int[] labels) = Patterns();
        Dataset labelled = Dataset.FromLabels(features, [4, 4], labels, classCount: 3);
        Dataset unlabelled = Dataset.Unlabelled(features, [4, 4]);
        var fromLabelled = new TinyAutoencoder(seed: 5);
        var fromUnlabelled = new TinyAutoencoder(seed: 5);

        History history = fromLabelled.Fit(labelled, new Adam(0.01f), epochs: 5, batchSize: 4, validationSplit: 0.25);
        fromUnlabelled.Fit(unlabelled, new Adam(0.01f), epochs: 5, batchSize: 4, validationSplit: 0.25);

        // The labels change nothing: the same weights, bit for bit.
        Assert.Equal(fromUnlabelled.Parameters, fromLabelled.Parameters);
        Evaluation evaluation = fromLabelled.Evaluate(labelled);
        Assert.Null(evaluation.Accuracy);
        Assert.False(evaluation.IsClassification);
        Assert.Null(evaluation.ConfusionMatrix);
        Assert.Equal(evaluation, fromLabelled.Evaluate(unlabelled));
        Assert.Equal(fromLabelled.ComputeLoss(features, features, labels.Length), evaluation.Loss, 5);
        Assert.DoesNotContain("accuracy", history.Epochs[^1].ToString());
        Assert.Contains("val_loss", history.Epochs[^1].ToString());
        Assert.All(history.Epochs, epoch => Assert.Null(epoch.Accuracy));
        Assert.False(TrainingMetric.ValidationAccuracy.AppliesTo(fromLabelled.Description, fromLabelled.TopK));
    }

    [Fact]
    public void Early_stopping_and_checkpoints_watch_the_reconstruction_loss()
    {
        var model = new TinyAutoencoder(seed: 7);
        Dataset data = Dataset.Unlabelled(Patterns().Features, [4, 4]);
        string path = Path.Combine(Path.GetTempPath(), $"netgen-autoencoder-{Guid.NewGuid():N}.ckpt");
        try
        {
            var stopping = new EarlyStopping(TrainingMetric.ValidationLoss, patience: 2);
            var checkpoint = new ModelCheckpoint(path, monitor: TrainingMetric.ValidationLoss);

            History history = model.Fit(data, new Sgd(0.05f), epochs: 4, batchSize: 6, validation: data, callbacks: [stopping, checkpoint]);

            Assert.NotEmpty(history.Epochs);
            Assert.True(File.Exists(path));
            Assert.All(history.Values(TrainingMetric.ValidationLoss), loss => Assert.True(float.IsFinite(loss)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string> Autoencoders() => [nameof(TinyAutoencoder), nameof(RegularizedAutoencoder)];

    private static Model Create(string network) => network switch
    {
        nameof(TinyAutoencoder) => GradientCheckTests.Randomised(new TinyAutoencoder(seed: 1)),
        nameof(RegularizedAutoencoder) => GradientCheckTests.RandomisedKeepingStatistics(new RegularizedAutoencoder(seed: 2)),
        _ => new ServingAutoencoder(seed: 3),
    };

    [Theory]
    [MemberData(nameof(Autoencoders))]
    public void Decode_of_Encode_is_Predict_bit_for_bit(string network)
    {
        Model model = Create(network);
        float[] samples = RandomSamples(7, 16, seed: 11);
        model.InputNormalization = InputNormalization.Compute(samples, 16);
        int codeSize = model.Description.Code!.Size;

        var codes = new float[7 * codeSize];
        var outputs = new float[7 * 16];
        EncodeBatch(model, samples, codes);
        DecodeBatch(model, codes, outputs);
        var predicted = new float[7 * 16];
        model.Predict(samples, predicted);

        Assert.Equal(Bits(predicted), Bits(outputs));
        for (int i = 0; i < 7; i++)
        {
            float[] sample = samples.AsSpan(i * 16, 16).ToArray();
            float[] code = Encode(model, sample);
            Assert.Equal(Bits(codes.AsSpan(i * codeSize, codeSize).ToArray()), Bits(code));
            float[] output = Decode(model, code);
            Assert.Equal(Bits(model.Predict(sample)), Bits(output));
        }
    }

    // The generated members of each autoencoder (they are not Model's).
    private static float[] Encode(Model model, float[] sample) => model switch
    {
        TinyAutoencoder tiny => tiny.Encode(sample),
        RegularizedAutoencoder regularized => regularized.Encode(sample),
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };

    private static float[] Decode(Model model, float[] code) => model switch
    {
        TinyAutoencoder tiny => tiny.Decode(code),
        RegularizedAutoencoder regularized => regularized.Decode(code),
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };

    private static void EncodeBatch(Model model, float[] samples, float[] codes)
    {
        switch (model)
        {
            case TinyAutoencoder tiny: tiny.Encode(samples, codes); break;
            case RegularizedAutoencoder regularized: regularized.Encode(samples, codes); break;
        }
    }

    private static void DecodeBatch(Model model, float[] codes, float[] outputs)
    {
        switch (model)
        {
            case TinyAutoencoder tiny: tiny.Decode(codes, outputs); break;
            case RegularizedAutoencoder regularized: regularized.Decode(codes, outputs); break;
        }
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void Encode_and_Decode_name_the_argument_and_the_sizes_when_a_length_is_wrong()
    {
        var model = new TinyAutoencoder(seed: 1);

        ArgumentException sample = Assert.Throws<ArgumentException>(() => model.Encode(new float[15]));
        Assert.Equal("sample", sample.ParamName);
        Assert.Contains("15 numbers", sample.Message);
        Assert.Contains("16 inputs", sample.Message);

        ArgumentException samples = Assert.Throws<ArgumentException>(() => model.Encode(new float[17], new float[6]));
        Assert.Equal("samples", samples.ParamName);
        Assert.Contains("17 numbers", samples.Message);

        ArgumentException codes = Assert.Throws<ArgumentException>(() => model.Encode(new float[32], new float[5]));
        Assert.Equal("codes", codes.ParamName);
        Assert.StartsWith("codes holds 5 numbers, but 2 samples need 2 × 3 = 6 (TinyAutoencoder's code (the output of 'code') has 3 numbers).", codes.Message);

        ArgumentException code = Assert.Throws<ArgumentException>(() => model.Decode(new float[4]));
        Assert.Equal("code", code.ParamName);
        Assert.Equal("code has 4 numbers, but TinyAutoencoder's code (the output of 'code') has 3. (Parameter 'code')", code.Message);

        ArgumentException codeBatch = Assert.Throws<ArgumentException>(() => model.Decode(new float[7], new float[32]));
        Assert.Equal("codes", codeBatch.ParamName);
        Assert.Contains("7 numbers, not a whole number of TinyAutoencoder's code of 3", codeBatch.Message);

        ArgumentException outputs = Assert.Throws<ArgumentException>(() => model.Decode(new float[6], new float[31]));
        Assert.Equal("outputs", outputs.ParamName);
        Assert.Contains("2 samples need 2 × 16 = 32", outputs.Message);

        ArgumentException nan = Assert.Throws<ArgumentException>(() => model.Decode([0, float.NaN, 0]));
        Assert.Equal("code", nan.ParamName);
    }

    [Fact]
    public void Encoding_and_decoding_a_batch_allocate_nothing_after_warm_up()
    {
        var model = new TinyAutoencoder(seed: 1);
        float[] samples = RandomSamples(5, 16, seed: 4);
        model.InputNormalization = InputNormalization.Compute(samples, 16);
        var codes = new float[5 * TinyAutoencoder.CodeSize];
        var outputs = new float[5 * TinyAutoencoder.OutputSize];
        model.Encode(samples, codes);
        model.Decode(codes, outputs);

        long bytes = AllocationCounter.BytesAllocatedBy(() =>
        {
            model.Encode(samples, codes);
            model.Decode(codes, outputs);
        });

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Threads_encoding_at_once_get_exactly_the_codes_of_one_thread()
    {
        var model = new ServingAutoencoder(seed: 3);
        float[] samples = RandomSamples(4, 784, seed: 5);
        model.InputNormalization = InputNormalization.Compute(samples, 784);
        float[][] expected = Enumerable.Range(0, 4).Select(i => model.Encode(samples.AsSpan(i * 784, 784))).ToArray();
        var expectedBatch = new float[4 * ServingAutoencoder.CodeSize];
        model.Encode(samples, expectedBatch);
        var expectedOutputs = new float[4 * 784];
        model.Decode(expectedBatch, expectedOutputs);

        string[] failures = TestThreads.RunTogether(8, thread =>
        {
            var codes = new float[4 * ServingAutoencoder.CodeSize];
            var outputs = new float[4 * 784];
            for (int step = 0; step < 4; step++)
            {
                int i = (step + thread) % 4;
                if (!model.Encode(samples.AsSpan(i * 784, 784)).AsSpan().SequenceEqual(expected[i]))
                {
                    return $"thread {thread}: Encode(sample {i}) differs from one thread's";
                }
                model.Encode(samples, codes);
                if (!codes.AsSpan().SequenceEqual(expectedBatch))
                {
                    return $"thread {thread}: Encode(samples, codes) differs from one thread's";
                }
                model.Decode(codes, outputs);
                if (!outputs.AsSpan().SequenceEqual(expectedOutputs))
                {
                    return $"thread {thread}: Decode(codes, outputs) differs from one thread's";
                }
            }
            return string.Empty;
        });

        Assert.Equal(Enumerable.Repeat(string.Empty, 8), failures);
    }
}
