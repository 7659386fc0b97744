using NetGen.Data;
using NetGen.Randomness;
using NetGen.Tests.Networks;
using Xunit.Abstractions;

namespace NetGen.Tests.Training;

/// <summary>
/// The generated backward pass against central differences of the generated forward pass, for
/// every activation and both losses, comparing every element of every parameter tensor.
/// </summary>
/// <remarks>
/// The networks compute in float. With ε = 1e-3 the central difference's truncation error
/// (ε² f'''/6 ≈ 1e-7) is negligible and the loss's rounding error (≈ 1e-7 · L / ε) stays near
/// 1e-4, so an absolute tolerance of 1e-3 on gradients of order 0.01–1 catches any wrong term
/// (a missing derivative factor or a wrong 1/B is off by far more) while leaving float noise room.
/// </remarks>
public sealed class GradientCheckTests(ITestOutputHelper output)
{
    internal const double Tolerance = 1e-3;
    internal const float Epsilon = 1e-3f;

    public static TheoryData<string, int> Networks() => new()
    {
        // Each network in two batch sizes: one a multiple of the kernels' 4-row tile, one not.
        { nameof(SigmoidTanhClassifier), 8 }, { nameof(SigmoidTanhClassifier), 5 },
        { nameof(ReluIdentityClassifier), 8 }, { nameof(ReluIdentityClassifier), 3 },
        { nameof(BinaryClassifier), 8 }, { nameof(BinaryClassifier), 7 },
        { nameof(LinearRegressor), 8 }, { nameof(LinearRegressor), 1 },
        { nameof(TanhRegressor), 8 }, { nameof(TanhRegressor), 6 },
        { nameof(SigmoidRegressor), 4 }, { nameof(SigmoidRegressor), 9 },
        { nameof(SoftmaxRegressor), 8 }, { nameof(SoftmaxRegressor), 2 },
        { nameof(WideClassifier), 12 }, { nameof(WideClassifier), 6 },
        { nameof(SigmoidalClassifier), 8 }, { nameof(SigmoidalClassifier), 5 },
        { nameof(InverseSquareRootRegressor), 8 }, { nameof(InverseSquareRootRegressor), 3 },
        { nameof(RectifierClassifier), 12 }, { nameof(RectifierClassifier), 7 },
        { nameof(SmoothRegressor), 8 }, { nameof(SmoothRegressor), 6 },
        { nameof(BinaryStepRegressor), 8 }, { nameof(BinaryStepRegressor), 5 },
        // Batch norm (γ, β, and through the batch statistics) and dropout with the check's fixed mask.
        { nameof(BatchNormDropoutClassifier), 16 }, { nameof(BatchNormDropoutClassifier), 7 },
        { nameof(BatchNormRegressor), 8 }, { nameof(BatchNormRegressor), 5 },
        { nameof(DropoutBinaryClassifier), 12 }, { nameof(DropoutBinaryClassifier), 6 },
        // The unit-wise rectifiers: PReLU's slopes are checked like any weight.
        { nameof(ParametricRectifierRegressor), 8 }, { nameof(ParametricRectifierRegressor), 5 },
        { nameof(RandomizedRectifierClassifier), 8 }, { nameof(RandomizedRectifierClassifier), 3 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backprop_matches_central_differences_for_every_parameter(string network, int batchSize)
    {
        Model model = Create(network);
        Dataset data = DataFor(model, batchSize);

        AssertBackpropMatchesCentralDifferences(model, data, output);
    }

    /// <summary>
    /// Every element of every tensor within <see cref="Tolerance"/> of its central difference at step <see cref="Epsilon"/>.
    /// A backward step runs first, so that gradients the step does not clear (the kernels add into them) would show.
    /// </summary>
    internal static void AssertBackpropMatchesCentralDifferences(Model model, Dataset data, ITestOutputHelper output)
    {
        model.ComputeGradients(data.Features, data.Targets, data.Count);
        IReadOnlyList<GradientCheckResult> results = model.CheckGradients(data.Features, data.Targets, data.Count, epsilon: Epsilon);

        Assert.Equal(model.Description.Tensors.Select(tensor => tensor.Name), results.Select(result => result.Tensor));
        foreach (GradientCheckResult result in results)
        {
            output.WriteLine($"{result.Tensor}: {result.Checked} compared, max |Δ| {result.MaxAbsoluteError:E2} at {result.WorstIndex} (backprop {result.Analytic:E3}, numeric {result.Numeric:E3})");
            Assert.Equal(model.Description.Tensors.Single(tensor => tensor.Name == result.Tensor).Length, result.Checked);
            Assert.True(result.MaxAbsoluteError < Tolerance,
                $"{model.Description.Name} {result.Tensor}[{result.WorstIndex}]: backprop {result.Analytic}, central difference {result.Numeric}");
        }
        // Gradients that are all zero would pass trivially: make sure the check compared real numbers.
        Assert.Contains(results, result => Math.Abs(result.Analytic) > 1e-3);
    }

    [Fact]
    public void Binary_step_passes_exactly_zero_gradient_to_itself_and_the_layers_below()
    {
        // a' = 0, so δ at the step is 0, and so is everything back-propagated from it; the layers above learn.
        Model model = Create(nameof(BinaryStepRegressor));
        Dataset data = DataFor(model, 8);

        model.ComputeGradients(data.Features, data.Targets, 8);

        foreach (string frozen in new[] { "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias" })
        {
            Assert.All(model.GetGradients(frozen).ToArray(), gradient => Assert.Equal(0f, gradient));
        }
        foreach (string learning in new[] { "dense3.weight", "dense3.bias", "dense4.weight", "dense4.bias" })
        {
            Assert.Contains(model.GetGradients(learning).ToArray(), gradient => Math.Abs(gradient) > 1e-3);
        }
    }

    [Fact]
    public void Gradient_check_finds_a_wrong_gradient()
    {
        // The check itself must be able to fail: compare against a loss with a different scale.
        Model model = Create(nameof(LinearRegressor));
        Dataset data = DataFor(model, 4);
        IReadOnlyList<GradientCheckResult> correct = model.CheckGradients(data.Features, data.Targets, 4);
        Dataset doubledTargets = Dataset.FromTargets(data.Features, data.SampleShape, data.Targets.Select(t => 2 * t + 3).ToArray(), data.TargetSize);

        model.ComputeGradients(doubledTargets.Features, doubledTargets.Targets, 4);
        float[] wrongGradients = (float[])model.Gradients.Clone();
        model.ComputeGradients(data.Features, data.Targets, 4);

        Assert.All(correct, result => Assert.True(result.MaxAbsoluteError < Tolerance));
        Assert.True(wrongGradients.Zip(model.Gradients).Max(pair => Math.Abs(pair.First - pair.Second)) > 100 * Tolerance);
    }

    internal static Model Create(string network) => network switch
    {
        nameof(SigmoidTanhClassifier) => Randomised(new SigmoidTanhClassifier(seed: 11)),
        nameof(ReluIdentityClassifier) => Randomised(new ReluIdentityClassifier(seed: 12)),
        nameof(BinaryClassifier) => Randomised(new BinaryClassifier(seed: 13)),
        nameof(LinearRegressor) => Randomised(new LinearRegressor(seed: 14)),
        nameof(TanhRegressor) => Randomised(new TanhRegressor(seed: 15)),
        nameof(SigmoidRegressor) => Randomised(new SigmoidRegressor(seed: 16)),
        nameof(SoftmaxRegressor) => Randomised(new SoftmaxRegressor(seed: 17)),
        nameof(WideClassifier) => Randomised(new WideClassifier(seed: 18)),
        nameof(SigmoidalClassifier) => Randomised(new SigmoidalClassifier(seed: 19)),
        nameof(InverseSquareRootRegressor) => Randomised(new InverseSquareRootRegressor(seed: 20)),
        nameof(RectifierClassifier) => Randomised(new RectifierClassifier(seed: 21)),
        nameof(SmoothRegressor) => Randomised(new SmoothRegressor(seed: 22)),
        nameof(BinaryStepRegressor) => Randomised(new BinaryStepRegressor(seed: 23)),
        nameof(BatchNormDropoutClassifier) => RandomisedKeepingStatistics(new BatchNormDropoutClassifier(seed: 24)),
        nameof(BatchNormRegressor) => RandomisedKeepingStatistics(new BatchNormRegressor(seed: 25)),
        nameof(DropoutBinaryClassifier) => Randomised(new DropoutBinaryClassifier(seed: 26)),
        nameof(ParametricRectifierRegressor) => RandomisedKeepingStatistics(new ParametricRectifierRegressor(seed: 27)),
        nameof(RandomizedRectifierClassifier) => Randomised(new RandomizedRectifierClassifier(seed: 28)),
        _ => throw new ArgumentException(network),
    };

    /// <summary>
    /// A batch for <paramref name="model"/>. ReLU, leaky ReLU, ELU with α ≠ 1, SELU and binary step have a
    /// kink at 0, where f or f' jumps: a step of ε that moves a pre-activation across it makes the central
    /// difference average two slopes (or, for the step, measure a jump), which is no fault of backprop.
    /// So for networks with such a layer the data seed is the first from 99 up for which no step of ±ε
    /// in any parameter moves any of their pre-activations across a kink, as a double-precision
    /// reference forward pass shows (<see cref="ReferenceNetwork"/>). Kinks of f'' alone (SQNL, softsign,
    /// ELU with α = 1) cost the central difference at most ε/4 · |Δf''| and need no such care.
    /// </summary>
    internal static Dataset DataFor(Model model, int count)
    {
        ReferenceNetwork? reference = ReferenceNetworks.For(model);
        for (ulong seed = 99; ; seed++)
        {
            Dataset data = MakeData(model.Description, count, seed);
            if (reference is not { HasKinks: true } || !SomeStepCrossesAKink(model, data, reference))
            {
                return data;
            }
        }
    }

    private static Dataset MakeData(ModelDescription description, int count, ulong seed) =>
        description.Loss == Loss.MeanSquaredError
            ? TestData.Regression(count, description.InputSize, description.OutputSize, seed,
                low: description.OutputActivation == Activation.Identity ? -2f : 0.05f, high: 0.95f)
            : TestData.Classification(count, description.InputShape, description.OutputSize, seed);

    /// <summary>Steps every parameter by ±ε, as <see cref="Model.CheckGradients"/> will, and watches the kinked pre-activations.</summary>
    private static bool SomeStepCrossesAKink(Model model, Dataset data, ReferenceNetwork reference)
    {
        float[] parameters = (float[])model.Parameters.Clone();
        double[][] z = reference.PreActivations(model.Description, parameters, data.Features, data.Count);
        if (reference.StraddlesAKink(z, z))
        {
            return true;
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            float original = parameters[i];
            foreach (float stepped in new[] { original + Epsilon, original - Epsilon })
            {
                parameters[i] = stepped;
                bool crosses = reference.StraddlesAKink(z, reference.PreActivations(model.Description, parameters, data.Features, data.Count));
                parameters[i] = original;
                if (crosses)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// <see cref="Randomised"/>, but batch norm's running variance stays positive, as it always is:
    /// the training loss does not read it, but a negative variance is no state a network can be in.
    /// </summary>
    internal static Model RandomisedKeepingStatistics(Model model)
    {
        Randomised(model);
        foreach (ParameterTensor tensor in model.Description.Tensors.Where(tensor => tensor.Role == ParameterRole.RunningVariance))
        {
            model.GetParameters(tensor.Name).Fill(1f);
        }
        return model;
    }

    /// <summary>
    /// Fresh networks have zero biases; random ones make every bias gradient and every unit's
    /// derivative differ, so a transposed index or a missing term cannot hide.
    /// </summary>
    internal static Model Randomised(Model model)
    {
        var random = new Rng(7);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = random.NextSingle(-0.8f, 0.8f);
        }
        return model;
    }
}
