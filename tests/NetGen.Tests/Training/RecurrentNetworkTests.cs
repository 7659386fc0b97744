using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Training;
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
        { nameof(PerStepGruRegressor), 3 },
        { nameof(PerStepGruRegressor), 8 },
        { nameof(PerStepLstmTagger), 5 },
        { nameof(PerStepFeaturesLstm), 4 },
    };

    internal static Model Create(string network) => network switch
    {
        nameof(LstmClassifier) => GradientCheckTests.Randomised(new LstmClassifier(seed: 61)),
        nameof(StackedGruRegressor) => GradientCheckTests.Randomised(new StackedGruRegressor(seed: 62)),
        nameof(RnnLstmSequenceRegressor) => GradientCheckTests.Randomised(new RnnLstmSequenceRegressor(seed: 63)),
        nameof(SiluRnnGruClassifier) => GradientCheckTests.Randomised(new SiluRnnGruClassifier(seed: 64)),
        nameof(PerStepGruRegressor) => GradientCheckTests.Randomised(new PerStepGruRegressor(seed: 66)),
        nameof(PerStepLstmTagger) => GradientCheckTests.Randomised(new PerStepLstmTagger(seed: 67)),
        nameof(PerStepFeaturesLstm) => GradientCheckTests.Randomised(new PerStepFeaturesLstm(seed: 68)),
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

    /// <summary>
    /// The class is the sign of the first step; the seven after it are noise of the same size. Only a layer that carries
    /// the first step to the last tells the classes apart.
    /// </summary>
    private static Dataset FirstSign(int count, ulong seed)
    {
        const int steps = 8;
        var random = new Rng(seed);
        var features = new float[count * steps];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = random.NextInt(2);
            features[n * steps] = labels[n] == 1 ? random.NextSingle(0.5f, 1f) : random.NextSingle(-1f, -0.5f);
            for (int t = 1; t < steps; t++)
            {
                features[n * steps + t] = random.NextSingle(-1f, 1f);
            }
        }
        return Dataset.FromLabels(features, [steps, 1], labels, 2);
    }

    [Theory]
    [InlineData(nameof(FirstSignLstm))]
    [InlineData(nameof(FirstSignGru))]
    public void A_recurrent_layer_remembers_the_first_step_over_eight(string name)
    {
        (Dataset train, Dataset test) = (FirstSign(600, seed: 1), FirstSign(200, seed: 2));
        Model network = name == nameof(FirstSignLstm) ? new FirstSignLstm(seed: 3) : new FirstSignGru(seed: 3);
        Evaluation before = network.Evaluate(test);

        network.Fit(train, new Adam(0.01f), epochs: 15, batchSize: 20);
        Evaluation after = network.Evaluate(test);

        output.WriteLine($"test accuracy {before.Accuracy:F3} → {after.Accuracy:F3}, loss {before.Loss:F3} → {after.Loss:F3}");
        Assert.True(after.Accuracy >= 0.95f, $"accuracy {after.Accuracy}");
        Assert.True(after.Loss < before.Loss / 4, $"loss {before.Loss} → {after.Loss}");
    }

    [Theory]
    [MemberData(nameof(KernelPathsAndNetworks))]
    public void A_training_step_and_prediction_allocate_nothing_after_warm_up(InstructionSet instructionSet, int threads, string name)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        Model network = Create(name);
        Dataset batch = GradientCheckTests.DataFor(network, 16);
        var optimizer = new Adam(0.001f);
        optimizer.Bind(network.Description);
        var prediction = new float[network.Description.OutputSize];
        Step();

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                Step();
            }
        });

        Assert.Equal(0, allocated);

        void Step()
        {
            network.ComputeGradients(batch.Features, batch.Targets, batch.Count);
            optimizer.Step(network.Parameters, network.Gradients);
            network.Predict(batch.Sample(0), prediction);
        }
    }

    public static TheoryData<InstructionSet, int, string> KernelPathsAndNetworks() =>
        Kernels.KernelPaths.Cross([nameof(LstmClassifier), nameof(StackedGruRegressor), nameof(RnnLstmSequenceRegressor), nameof(PerStepLstmTagger)]);

    [Fact]
    public void Recurrent_tensors_start_as_PyTorch_draws_them_biases_included()
    {
        // nn.LSTM(3, 6): every tensor from U(−1/√6, 1/√6); the Dense layer above keeps Glorot and a zero bias.
        var network = new LstmClassifier(seed: 5);
        float bound = 1f / MathF.Sqrt(6);
        foreach (string name in new[] { "lstm1.weight_ih_l0", "lstm1.weight_hh_l0", "lstm1.bias_ih_l0", "lstm1.bias_hh_l0" })
        {
            float[] values = network.GetParameters(name).ToArray();
            Assert.All(values, value => Assert.InRange(value, -bound, bound));
            Assert.True(values.Max(Math.Abs) > bound / 2, $"{name} spans only ±{values.Max(Math.Abs)}");
        }
        Assert.All(network.GetParameters("dense1.bias").ToArray(), value => Assert.Equal(0f, value));
    }

    public static TheoryData<string> SteppedNetworks() => new([nameof(LstmClassifier), nameof(StackedGruRegressor), nameof(SiluRnnGruClassifier), nameof(TorchRnnRegressor)]);

    /// <summary>Step called T times gives what Predict gives on the whole sequence; ResetState starts again; nothing is allocated.</summary>
    [Theory]
    [MemberData(nameof(SteppedNetworks))]
    public void Step_T_times_gives_the_unrolled_forward_and_allocates_nothing(string name)
    {
        Model network = name == nameof(TorchRnnRegressor) ? GradientCheckTests.Randomised(new TorchRnnRegressor(seed: 65)) : Create(name);
        (Action<float[], float[]> step, Action reset) = network switch
        {
            LstmClassifier n => ((Action<float[], float[]>)((x, y) => n.Step(x, y)), (Action)n.ResetState),
            StackedGruRegressor n => ((x, y) => n.Step(x, y), n.ResetState),
            SiluRnnGruClassifier n => ((x, y) => n.Step(x, y), n.ResetState),
            TorchRnnRegressor n => ((x, y) => n.Step(x, y), n.ResetState),
            _ => throw new ArgumentException(name),
        };
        int steps = network.Description.InputShape[0], features = network.Description.InputShape[1], outputs = network.Description.OutputSize;
        Dataset data = GradientCheckTests.DataFor(network, 3);
        var expected = new float[3 * outputs];
        network.Predict(data.Features, expected);
        var x = new float[features];
        var y = new float[outputs];

        for (int repeat = 0; repeat < 2; repeat++)
        {
            for (int n = 0; n < 3; n++)
            {
                reset();
                for (int t = 0; t < steps; t++)
                {
                    data.Features.AsSpan((n * steps + t) * features, features).CopyTo(x);
                    step(x, y);
                }
                for (int k = 0; k < outputs; k++)
                {
                    Assert.True(Math.Abs(expected[n * outputs + k] - y[k]) <= 1e-5f, $"sample {n} output {k}: Step {y[k]}, Predict {expected[n * outputs + k]}");
                }
            }
        }
        Assert.Equal(0, AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int t = 0; t < steps; t++)
            {
                step(x, y);
            }
        }));
    }

    /// <summary>
    /// A network with per-step outputs streams them: Step's output at step t is Predict's row t of [steps, units], for
    /// a per-step Dense layer above the recurrent ones and one below them; nothing is allocated.
    /// </summary>
    [Theory]
    [InlineData(nameof(PerStepGruRegressor))]
    [InlineData(nameof(PerStepLstmTagger))]
    [InlineData(nameof(PerStepFeaturesLstm))]
    public void Step_gives_each_steps_output_of_a_per_step_network(string name)
    {
        Model network = Create(name);
        (Action<float[], float[]> step, Action reset) = network switch
        {
            PerStepGruRegressor n => ((Action<float[], float[]>)((x, y) => n.Step(x, y)), (Action)n.ResetState),
            PerStepLstmTagger n => ((x, y) => n.Step(x, y), n.ResetState),
            PerStepFeaturesLstm n => ((x, y) => n.Step(x, y), n.ResetState),
            _ => throw new ArgumentException(name),
        };
        int steps = network.Description.InputShape[0], features = network.Description.InputShape[1], outputs = network.Description.OutputSize;
        // Per step, the last layer's units; with a vector output (PerStepFeaturesLstm), Step's output is the whole output.
        bool perStepOutput = network.Description.Layers[^1].OutputShape.Length == 2;
        int units = perStepOutput ? outputs / steps : outputs;
        Dataset data = GradientCheckTests.DataFor(network, 3);
        var expected = new float[3 * outputs];
        network.Predict(data.Features, expected);
        var x = new float[features];
        var y = new float[units];

        for (int n = 0; n < 3; n++)
        {
            reset();
            for (int t = 0; t < steps; t++)
            {
                data.Features.AsSpan((n * steps + t) * features, features).CopyTo(x);
                step(x, y);
                if (!perStepOutput && t < steps - 1)
                {
                    continue;
                }
                int row = n * outputs + (perStepOutput ? t * units : 0);
                for (int k = 0; k < units; k++)
                {
                    Assert.True(Math.Abs(expected[row + k] - y[k]) <= 1e-5f, $"sample {n} step {t} output {k}: Step {y[k]}, Predict {expected[row + k]}");
                }
            }
        }
        Assert.Equal(0, AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int t = 0; t < steps; t++)
            {
                step(x, y);
            }
        }));
    }
}
