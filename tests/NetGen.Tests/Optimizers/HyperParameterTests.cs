using NetGen.Optimizers;

namespace NetGen.Tests.Optimizers;

/// <summary>Out-of-range hyper-parameters are refused by name, with the allowed range in the message.</summary>
public sealed class HyperParameterTests
{
    public static TheoryData<string, string, string> BadConstructions() => new()
    {
        // description, expected parameter name, expected range in the message
        { "Sgd(0)", "learningRate", "positive" },
        { "Adam(-0.001)", "learningRate", "positive" },
        { "Adagrad(NaN)", "learningRate", "positive" },
        { "RmsProp(+inf)", "learningRate", "positive" },
        { "Momentum(momentum: 1)", "momentum", "[0, 1)" },
        { "Momentum(momentum: -0.1)", "momentum", "[0, 1)" },
        { "Adagrad(epsilon: 0)", "epsilon", "(0, ∞)" },
        { "RmsProp(decay: 1)", "decay", "[0, 1)" },
        { "RmsProp(epsilon: -1e-8)", "epsilon", "(0, ∞)" },
        { "Adadelta(rho: 1.5)", "rho", "[0, 1)" },
        { "Adadelta(epsilon: +inf)", "epsilon", "(0, ∞)" },
        { "Adam(beta1: 1)", "beta1", "[0, 1)" },
        { "Adam(beta2: NaN)", "beta2", "[0, 1)" },
        { "Nadam(beta1: -0.5)", "beta1", "[0, 1)" },
        { "Nadam(epsilon: 0)", "epsilon", "(0, ∞)" },
        { "AdamW(weightDecay: -0.01)", "weightDecay", "[0, ∞)" },
        { "AdamW(beta2: 1)", "beta2", "[0, 1)" },
    };

    [Theory]
    [MemberData(nameof(BadConstructions))]
    public void A_constructor_refuses_an_out_of_range_value(string construction, string parameter, string range)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Construct(construction));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(range, error.Message);
    }

    [Fact]
    public void The_learning_rate_setter_allows_zero_but_not_negative_or_non_finite_rates()
    {
        var optimizer = new Adam();
        optimizer.LearningRate = 0f;

        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = float.PositiveInfinity);
        Assert.Equal(0f, optimizer.LearningRate);
    }

    [Fact]
    public void Weight_decay_must_be_finite_and_not_negative()
    {
        var optimizer = new Sgd();

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.WeightDecay = -1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.WeightDecay = float.NaN);

        Assert.Equal("WeightDecay", negative.ParamName);
        Assert.Contains("[0, ∞)", negative.Message);
        Assert.Equal(0f, optimizer.WeightDecay);
    }

    [Fact]
    public void Defaults_are_the_published_ones()
    {
        Assert.Equal((0.01f, 0.9f, false), (new Momentum(0.01f).LearningRate, new Momentum(0.01f).MomentumCoefficient, new Momentum(0.01f).Nesterov));
        Assert.Equal((0.01f, 1e-8f), (new Adagrad().LearningRate, new Adagrad().Epsilon));
        Assert.Equal((0.001f, 0.9f, 1e-8f), (new RmsProp().LearningRate, new RmsProp().Decay, new RmsProp().Epsilon));
        Assert.Equal((1f, 0.95f, 1e-6f), (new Adadelta().LearningRate, new Adadelta().Rho, new Adadelta().Epsilon));
        Assert.Equal((0.001f, 0.9f, 0.999f, 1e-8f), (new Adam().LearningRate, new Adam().Beta1, new Adam().Beta2, new Adam().Epsilon));
        Assert.Equal((0.002f, 0.9f, 0.999f, 1e-8f), (new Nadam().LearningRate, new Nadam().Beta1, new Nadam().Beta2, new Nadam().Epsilon));
        Assert.Equal((0.001f, 0.01f), (new AdamW().LearningRate, new AdamW().WeightDecay));
        Assert.Equal(0f, new Adam().WeightDecay);
    }

    private static Optimizer Construct(string construction) => construction switch
    {
        "Sgd(0)" => new Sgd(0f),
        "Adam(-0.001)" => new Adam(-0.001f),
        "Adagrad(NaN)" => new Adagrad(float.NaN),
        "RmsProp(+inf)" => new RmsProp(float.PositiveInfinity),
        "Momentum(momentum: 1)" => new Momentum(0.1f, momentum: 1f),
        "Momentum(momentum: -0.1)" => new Momentum(0.1f, momentum: -0.1f),
        "Adagrad(epsilon: 0)" => new Adagrad(epsilon: 0f),
        "RmsProp(decay: 1)" => new RmsProp(decay: 1f),
        "RmsProp(epsilon: -1e-8)" => new RmsProp(epsilon: -1e-8f),
        "Adadelta(rho: 1.5)" => new Adadelta(rho: 1.5f),
        "Adadelta(epsilon: +inf)" => new Adadelta(epsilon: float.PositiveInfinity),
        "Adam(beta1: 1)" => new Adam(beta1: 1f),
        "Adam(beta2: NaN)" => new Adam(beta2: float.NaN),
        "Nadam(beta1: -0.5)" => new Nadam(beta1: -0.5f),
        "Nadam(epsilon: 0)" => new Nadam(epsilon: 0f),
        "AdamW(weightDecay: -0.01)" => new AdamW(weightDecay: -0.01f),
        "AdamW(beta2: 1)" => new AdamW(beta2: 1f),
        _ => throw new ArgumentOutOfRangeException(nameof(construction), construction, "Not a test case."),
    };
}
