using NetGen.Optimizers;

namespace NetGen.Tests.Optimizers;

/// <summary>
/// L2 weight decay adds λθ to the gradient of weights and leaves biases alone (the course: "only
/// applied on weights"); AdamW's decoupled decay shrinks weights only. The network here has two
/// layers, so weights and biases alternate and meet inside vectors.
/// </summary>
public sealed class WeightDecayTests
{
    private const float Lambda = 0.5f;
    private const int Steps = 3;

    [Fact]
    public void Only_weights_decay()
    {
        Assert.True(Optimizer.AppliesWeightDecayTo(ParameterRole.Weight));
        Assert.False(Optimizer.AppliesWeightDecayTo(ParameterRole.Bias));
    }

    [Fact]
    public void Sgd_with_a_zero_gradient_shrinks_weights_by_eta_lambda_and_leaves_biases_exactly_alone()
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        var optimizer = new Sgd(0.1f) { WeightDecay = Lambda };
        optimizer.Bind(model);
        float[] start = OptimizerCases.StartingPoint(model.ParameterCount);
        float[] parameters = (float[])start.Clone();

        optimizer.Step(parameters, new float[parameters.Length]);

        for (int i = 0; i < parameters.Length; i++)
        {
            if (OptimizerCases.IsWeight(i))
            {
                Assert.Equal(start[i] * (1 - 0.1 * Lambda), parameters[i], 1e-6);
            }
            else
            {
                Assert.Equal(start[i], parameters[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.WithL2Decay), MemberType = typeof(OptimizerCases))]
    public void L2_decay_is_the_same_as_adding_lambda_theta_to_the_weights_gradients(string name)
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        int n = model.ParameterCount;
        Optimizer decayed = OptimizerCases.Create(name);
        decayed.WeightDecay = Lambda;
        decayed.Bind(model);
        Optimizer plain = OptimizerCases.Create(name);
        float[] withDecay = OptimizerCases.StartingPoint(n), byHand = OptimizerCases.StartingPoint(n);

        for (int t = 1; t <= Steps; t++)
        {
            float[] gradient = OptimizerCases.Gradient(t, n);
            float[] regularised = gradient.Select((g, i) => OptimizerCases.IsWeight(i) ? g + Lambda * byHand[i] : g).ToArray();
            decayed.Step(withDecay, gradient);
            plain.Step(byHand, regularised);
        }

        AssertClose(byHand, withDecay);
    }

    [Fact]
    public void AdamW_shrinks_weights_before_the_adam_step_and_never_biases()
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        int n = model.ParameterCount;
        const float rate = 0.01f;
        var decoupled = new AdamW(rate, beta1: 0.8f, beta2: 0.9f, epsilon: 1e-3f, weightDecay: Lambda);
        decoupled.Bind(model);
        var adam = new Adam(rate, beta1: 0.8f, beta2: 0.9f, epsilon: 1e-3f);
        float[] withDecay = OptimizerCases.StartingPoint(n), byHand = OptimizerCases.StartingPoint(n);

        for (int t = 1; t <= Steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                byHand[i] -= OptimizerCases.IsWeight(i) ? rate * Lambda * byHand[i] : 0f;
            }
            float[] gradient = OptimizerCases.Gradient(t, n);
            adam.Step(byHand, gradient);
            decoupled.Step(withDecay, gradient);
        }

        AssertClose(byHand, withDecay);
    }

    [Fact]
    public void Adam_with_l2_decay_differs_from_adamw()
    {
        // The reason AdamW exists: in Adam, λθ is divided by √v̂ like the rest of the gradient.
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        var coupled = new Adam(0.01f) { WeightDecay = Lambda };
        var decoupled = new AdamW(0.01f, weightDecay: Lambda);
        coupled.Bind(model);
        decoupled.Bind(model);

        float[] a = OptimizerCases.Run(coupled, Steps, model.ParameterCount);
        float[] b = OptimizerCases.Run(decoupled, Steps, model.ParameterCount);

        Assert.Contains(Enumerable.Range(0, a.Length), i => Math.Abs(a[i] - b[i]) > 1e-4);
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void Stepping_with_weight_decay_before_bind_throws_and_changes_nothing(string name)
    {
        Optimizer optimizer = OptimizerCases.Create(name);
        optimizer.WeightDecay = 0.1f;
        float[] parameters = OptimizerCases.StartingPoint();
        float[] before = (float[])parameters.Clone();

        var error = Assert.Throws<InvalidOperationException>(() => optimizer.Step(parameters, OptimizerCases.Gradient(1)));

        Assert.Contains("Bind was not called", error.Message);
        Assert.Equal(before, parameters);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Fact]
    public void AdamW_decays_by_default_so_it_needs_bind()
    {
        Assert.Equal(0.01f, new AdamW().WeightDecay);
        Assert.Throws<InvalidOperationException>(() => new AdamW().Step(new float[3], new float[3]));
    }

    [Fact]
    public void A_tensor_table_with_a_gap_is_refused_naming_the_tensor()
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        ModelDescription gap = model with { Tensors = [model.Tensors[0], model.Tensors[1] with { Offset = 36 }] };

        var error = Assert.Throws<ArgumentException>(() => new Sgd().Bind(gap));

        Assert.Contains("'fc1.bias' starts at 36", error.Message);
        Assert.Contains("end at 35", error.Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = 1e-6f * Math.Max(1f, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
