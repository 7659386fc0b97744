using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Tests.Optimizers;

/// <summary>
/// Every optimizer minimises f(θ) = ½ Σᵢ aᵢ (θᵢ − cᵢ)², whose curvatures aᵢ differ eightfold, from a
/// start up to 3 away from the minimum c, to within 1e-2 in a bounded number of steps.
/// </summary>
public sealed class ConvergenceTests
{
    private const int N = OptimizerCases.Length;

    /// <summary>Each optimizer with a step budget about 1.5 times what it needs here (the adaptive ones creep at about η per step).</summary>
    public static TheoryData<string, int> Cases() => new()
    {
        { "Sgd", 50 },
        { "Momentum", 60 },
        { "Nesterov", 50 },
        { "Adagrad", 120 },
        { "RmsProp", 500 },
        { "Adadelta", 1500 },
        { "Adam", 600 },
        { "Nadam", 600 },
        { "AdamW", 600 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Minimises_a_quadratic_with_unequal_curvatures(string name, int steps)
    {
        var random = new Rng(3);
        double[] curvature = Enumerable.Range(0, N).Select(i => 0.5 + 3.5 * i / (N - 1)).ToArray();
        float[] minimum = TestData.Uniform(random, N);
        float[] theta = TestData.Uniform(random, N).Select((offset, i) => minimum[i] + 3f * offset).ToArray();
        double start = Objective(theta, curvature, minimum);
        Optimizer optimizer = Create(name);

        var gradient = new float[N];
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < N; i++)
            {
                gradient[i] = (float)(curvature[i] * (theta[i] - minimum[i]));
            }
            optimizer.Step(theta, gradient);
        }

        double distance = theta.Select((value, i) => Math.Abs(value - minimum[i])).Max();
        Assert.True(distance < 1e-2, $"{name}: after {steps} steps the farthest coordinate is {distance} from the minimum (f {start} -> {Objective(theta, curvature, minimum)})");
    }

    /// <summary>Rates suited to curvatures in [0.5, 4]: plain SGD is stable below 2 / 4.</summary>
    private static Optimizer Create(string name) => name switch
    {
        "Sgd" => new Sgd(0.3f),
        "Momentum" => new Momentum(0.1f, 0.7f),
        "Nesterov" => new Momentum(0.1f, 0.7f, nesterov: true),
        "Adagrad" => new Adagrad(0.5f),
        "RmsProp" => new RmsProp(0.01f),
        "Adadelta" => new Adadelta(),
        "Adam" => new Adam(0.02f),
        "Nadam" => new Nadam(0.02f),
        "AdamW" => new AdamW(0.02f, weightDecay: 0f),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an optimizer case."),
    };

    private static double Objective(float[] theta, double[] curvature, float[] minimum) =>
        theta.Select((value, i) => 0.5 * curvature[i] * (value - minimum[i]) * (value - minimum[i])).Sum();
}
