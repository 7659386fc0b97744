using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Tests.Optimizers;

/// <summary>Every built-in optimizer by name, and the buffers the optimizer tests step through.</summary>
internal static class OptimizerCases
{
    /// <summary>
    /// 37 elements: with 8 or 16 lanes per vector that is whole vectors and then a tail of 5, so both the
    /// vector loop and the tail run.
    /// </summary>
    public const int Length = 37;

    public static readonly string[] Names = ["Sgd", "Momentum", "Nesterov", "Adagrad", "RmsProp", "Adadelta", "Adam", "Nadam", "AdamW"];

    public static TheoryData<string> All() => [.. Names];

    /// <summary>The optimizers that add L2's λθ to the gradient (all but AdamW, whose decay is decoupled).</summary>
    public static TheoryData<string> WithL2Decay() => [.. Names.Where(name => name != "AdamW")];

    /// <summary>Each optimizer with small, non-default hyper-parameters, as the tests that only compare runs use it.</summary>
    public static Optimizer Create(string name) => name switch
    {
        "Sgd" => new Sgd(0.05f),
        "Momentum" => new Momentum(0.05f, momentum: 0.8f),
        "Nesterov" => new Momentum(0.05f, momentum: 0.8f, nesterov: true),
        "Adagrad" => new Adagrad(0.05f, epsilon: 1e-3f),
        "RmsProp" => new RmsProp(0.01f, decay: 0.8f, epsilon: 1e-3f),
        "Adadelta" => new Adadelta(0.5f, rho: 0.8f, epsilon: 1e-3f),
        "Adam" => new Adam(0.01f, beta1: 0.8f, beta2: 0.9f, epsilon: 1e-3f),
        "Nadam" => new Nadam(0.01f, beta1: 0.8f, beta2: 0.9f, epsilon: 1e-3f),
        "AdamW" => new AdamW(0.01f, beta1: 0.8f, beta2: 0.9f, epsilon: 1e-3f, weightDecay: 0f),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an optimizer case."),
    };

    /// <summary>Parameters uniform in [−1, 1).</summary>
    public static float[] StartingPoint(int length = Length) => TestData.Uniform(new Rng(11), length);

    /// <summary>
    /// The gradient fed at step <paramref name="step"/>: different every step, spread over a wide
    /// range (uniform in [−2, 2) times 0.01, 1 or 10 by element) so that every rule's per-element
    /// scaling matters; a few elements are exactly zero.
    /// </summary>
    public static float[] Gradient(int step, int length = Length)
    {
        float[] gradient = TestData.Uniform(new Rng(100 + (ulong)step), length);
        for (int i = 0; i < length; i++)
        {
            gradient[i] *= (i % 3) switch { 0 => 0.02f, 1 => 2f, _ => 20f };
        }
        for (int i = 4; i < length; i += 11)
        {
            gradient[i] = 0f;
        }
        return gradient;
    }

    /// <summary>
    /// A two-layer network's tensor table, 58 parameters: <c>fc1.weight</c> [5, 7] (elements 0–34),
    /// <c>fc1.bias</c> [5] (35–39), <c>fc2.weight</c> [3, 5] (40–54), <c>fc2.bias</c> [3] (55–57).
    /// The boundaries fall inside vectors, so every run has a tail.
    /// </summary>
    public static ModelDescription TwoLayerDescription() => new(
        "TwoLayer",
        [7],
        3,
        Loss.MeanSquaredError,
        Activation.Identity,
        [
            new ParameterTensor("fc1.weight", 0, [5, 7], ParameterRole.Weight, 7, 5),
            new ParameterTensor("fc1.bias", 35, [5], ParameterRole.Bias, 7, 5),
            new ParameterTensor("fc2.weight", 40, [3, 5], ParameterRole.Weight, 5, 3),
            new ParameterTensor("fc2.bias", 55, [3], ParameterRole.Bias, 5, 3),
        ]);

    /// <summary>Whether element <paramref name="index"/> of <see cref="TwoLayerDescription"/> belongs to a weight.</summary>
    public static bool IsWeight(int index) => index < 35 || index is >= 40 and < 55;

    /// <summary>Runs <paramref name="steps"/> steps from <see cref="StartingPoint"/> with <see cref="Gradient"/> and returns the parameters.</summary>
    public static float[] Run(Optimizer optimizer, int steps, int length = Length)
    {
        float[] parameters = StartingPoint(length);
        for (int step = 1; step <= steps; step++)
        {
            optimizer.Step(parameters, Gradient(step, length));
        }
        return parameters;
    }
}
