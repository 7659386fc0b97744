using System.Runtime.InteropServices;
using NetGen.Data;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// One model serving many threads at once, as a singleton in a web server does: every inference call — one sample,
/// a batch, a class, an evaluation, a raw forward pass — gives exactly the bits the same call gives on one thread
/// alone, for every kind of layer. The threads start together (a barrier) and each goes through the samples from a
/// different place, so calls overlap in every combination; nothing here depends on timing, and every comparison is
/// of bits.
/// </summary>
public sealed class ConcurrentInferenceTests
{
    private const int Threads = 8;

    public static TheoryData<string> Networks() =>
    [
        nameof(ServingMlp),
        nameof(ServingCnn),
        nameof(SmallConvClassifier),
        nameof(RegularizedConvClassifier),
        nameof(BatchNormDropoutClassifier),
        nameof(InputDropoutClassifier),
        nameof(DropoutAfterFlattenClassifier),
        nameof(PoolDropoutClassifier),
        nameof(BatchNormAfterFlattenClassifier),
        nameof(StackedRegularizersRegressor),
    ];

    /// <summary>The network, randomised (batch norm's running variance kept positive) so that every output differs.</summary>
    private static Model Create(string network) => network switch
    {
        nameof(ServingMlp) => new ServingMlp(seed: 1),
        nameof(ServingCnn) => new ServingCnn(seed: 2),
        nameof(SmallConvClassifier) => GradientCheckTests.Randomised(new SmallConvClassifier(seed: 3)),
        nameof(RegularizedConvClassifier) => GradientCheckTests.RandomisedKeepingStatistics(new RegularizedConvClassifier(seed: 4)),
        nameof(BatchNormDropoutClassifier) => GradientCheckTests.RandomisedKeepingStatistics(new BatchNormDropoutClassifier(seed: 5)),
        _ => PlacementTests.Create(network),
    };

    /// <summary>
    /// Large networks take fewer samples and rounds, so that each case stays short: the tests' debug build runs the
    /// kernels unoptimised, so a large prediction is far slower there than in a release build.
    /// </summary>
    private static bool IsLarge(Model model) => model.Parameters.Length > 100_000 || model.Description.InputSize > 500;

    [Theory]
    [MemberData(nameof(Networks))]
    public void Threads_calling_at_once_get_exactly_the_outputs_of_one_thread(string network)
    {
        Model model = Create(network);
        bool large = IsLarge(model);
        Dataset data = Data(model, large ? 4 : 12, seed: 11);
        // The raw samples are normalised on the way in, through the calling thread's own buffer.
        model.InputNormalization = InputNormalization.Compute(data);
        Expected expected = Expected.Of(model, data);
        int rounds = large ? 1 : 5;

        string[] failures = TestThreads.RunTogether(Threads, thread => Check(model, data, expected, thread, rounds));

        Assert.Equal(Enumerable.Repeat(string.Empty, Threads), failures);
    }

    /// <summary>A model that has never predicted: every thread's first call, which sets up its buffers, overlaps the others'.</summary>
    [Theory]
    [InlineData(nameof(ServingMlp))]
    [InlineData(nameof(RegularizedConvClassifier))]
    public void Threads_whose_first_calls_overlap_get_exactly_the_outputs_of_one_thread(string network)
    {
        Dataset data = Data(Create(network), 4, seed: 12);
        Expected expected = Expected.Of(Create(network), data);
        for (int repeat = 0; repeat < 2; repeat++)
        {
            Model fresh = Create(network);

            string[] failures = TestThreads.RunTogether(Threads, thread => Check(fresh, data, expected, thread, rounds: 1));

            Assert.Equal(Enumerable.Repeat(string.Empty, Threads), failures);
        }
    }

    [Fact]
    public void Predicting_allocates_nothing_after_a_threads_first_call_and_evaluating_only_its_result()
    {
        // Large enough that its batch products are shared with the kernels' worker.
        var model = new ThreadedClassifier(seed: 3);
        Dataset data = Data(model, 8, seed: 13);
        model.InputNormalization = InputNormalization.Compute(data);
        const int AllocatingThreads = 4;

        long[] allocated = AllocationCounter.WithoutCollections(() =>
        {
            long[] bytes = new long[AllocatingThreads];
            long[] evaluating = new long[AllocatingThreads];
            string[] failures = TestThreads.RunTogether(AllocatingThreads, thread =>
            {
                var output = new float[10];
                var outputs = new float[data.Count * 10];
                Infer(model, data, thread, output, outputs);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 10; i++)
                {
                    Infer(model, data, thread + i, output, outputs);
                }
                bytes[thread] = GC.GetAllocatedBytesForCurrentThread() - before;
                before = GC.GetAllocatedBytesForCurrentThread();
                model.Evaluate(data);
                evaluating[thread] = GC.GetAllocatedBytesForCurrentThread() - before;
                return string.Empty;
            });
            Assert.Equal(Enumerable.Repeat(string.Empty, AllocatingThreads), failures);
            return bytes.Concat(evaluating).ToArray();
        });

        Assert.Equal(new long[AllocatingThreads], allocated[..AllocatingThreads]);
        // Evaluate allocates its result and its sums, a confusion matrix of 10 × 10 counts: the same few hundred bytes
        // on every thread, however many samples it measures.
        Assert.Single(allocated[AllocatingThreads..].Distinct());
        Assert.InRange(allocated[AllocatingThreads], 1, 1024);

        static void Infer(Model model, Dataset data, int i, float[] output, float[] outputs)
        {
            model.Predict(data.Sample(i % data.Count), output);
            model.Predict(data.Features, outputs);
            model.PredictClass(data.Sample((i + 1) % data.Count));
            model.Forward(data.Features, data.Count);
            model.ComputeLoss(data.Features, data.Targets, data.Count);
        }
    }

    /// <summary>
    /// The replica a thread predicts with holds no reference to its model: a model nobody uses any more is collected,
    /// with its replicas, even while the threads that predicted with it live on (a server's thread pool).
    /// </summary>
    [Fact]
    public void A_model_that_threads_have_predicted_with_can_still_be_collected()
    {
        WeakReference model = PredictWithAModelOnThisThread();

        for (int i = 0; i < 3 && model.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(model.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference PredictWithAModelOnThisThread()
    {
        var model = new BatchNormDropoutClassifier(seed: 4);
        model.Predict(new float[model.Description.InputSize]);
        return new WeakReference(model);
    }

    /// <summary>What one thread alone gets from every inference call on <see cref="Dataset"/>'s samples.</summary>
    private sealed record Expected(float[][] Samples, int[] Classes, float[] Batch, Evaluation Evaluation, float[] Forward, float Loss)
    {
        public static Expected Of(Model model, Dataset data) => new(
            Enumerable.Range(0, data.Count).Select(i => model.Predict(data.Sample(i))).ToArray(),
            Enumerable.Range(0, data.Count).Select(i => model.PredictClass(data.Sample(i))).ToArray(),
            PredictAll(model, data),
            model.Evaluate(data),
            model.Forward(data.Features, data.Count).ToArray(),
            model.ComputeLoss(data.Features, data.Targets, data.Count));
    }

    /// <summary>
    /// One thread's share of the calls: <paramref name="rounds"/> passes over the samples, starting at a place of its
    /// own; the first call whose outputs differ from one thread's, or empty.
    /// </summary>
    private static string Check(Model model, Dataset data, Expected expected, int thread, int rounds)
    {
        int outputSize = model.Description.OutputSize;
        var output = new float[outputSize];
        var outputs = new float[data.Count * outputSize];
        for (int round = 0; round < rounds; round++)
        {
            for (int step = 0; step < data.Count; step++)
            {
                int i = (step + thread * 5 + round) % data.Count;
                if (!SameBits(model.Predict(data.Sample(i)), expected.Samples[i]))
                {
                    return $"thread {thread}, round {round}: Predict(sample {i}) differs from one thread's";
                }
                model.Predict(data.Sample(i), output);
                if (!SameBits(output, expected.Samples[i]))
                {
                    return $"thread {thread}, round {round}: Predict(sample {i}, outputs) differs from one thread's";
                }
                if (model.PredictClass(data.Sample(i)) != expected.Classes[i])
                {
                    return $"thread {thread}, round {round}: PredictClass(sample {i}) differs from one thread's";
                }
                if ((step + thread) % 4 != 0)
                {
                    continue;
                }
                model.Predict(data.Features, outputs);
                if (!SameBits(outputs, expected.Batch))
                {
                    return $"thread {thread}, round {round}: Predict(all {data.Count} samples) differs from one thread's";
                }
                Evaluation evaluation = model.Evaluate(data);
                if (BitConverter.SingleToInt32Bits(evaluation.Loss) != BitConverter.SingleToInt32Bits(expected.Evaluation.Loss)
                    || evaluation.Accuracy != expected.Evaluation.Accuracy)
                {
                    return $"thread {thread}, round {round}: Evaluate gave {evaluation}, one thread {expected.Evaluation}";
                }
                if (!SameBits(model.Forward(data.Features, data.Count), expected.Forward))
                {
                    return $"thread {thread}, round {round}: Forward differs from one thread's";
                }
                float loss = model.ComputeLoss(data.Features, data.Targets, data.Count);
                if (BitConverter.SingleToInt32Bits(loss) != BitConverter.SingleToInt32Bits(expected.Loss))
                {
                    return $"thread {thread}, round {round}: ComputeLoss gave {loss:R}, one thread {expected.Loss:R}";
                }
            }
        }
        return string.Empty;
    }

    private static float[] PredictAll(Model model, Dataset data)
    {
        var outputs = new float[data.Count * model.Description.OutputSize];
        model.Predict(data.Features, outputs);
        return outputs;
    }

    private static Dataset Data(Model model, int count, ulong seed) =>
        model.Description.Loss == Loss.MeanSquaredError
            ? TestData.Regression(count, model.Description.InputSize, model.Description.OutputSize, seed)
            : TestData.Classification(count, model.Description.InputShape, model.Description.OutputSize, seed);

    private static bool SameBits(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected) =>
        MemoryMarshal.AsBytes(actual).SequenceEqual(MemoryMarshal.AsBytes(expected));
}
