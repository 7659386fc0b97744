using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Optimizers;

/// <summary>The optimizers driving a generated network through <c>Model.Fit</c>.</summary>
public sealed class TrainingWithOptimizersTests
{
    [Fact]
    public void Adam_trains_a_generated_network()
    {
        // The course's debugging check, with Adam: memorise fifty examples with random labels.
        Dataset data = TestData.Classification(50, [2, 3, 7], classes: 10, seed: 5);
        var network = new WideClassifier(seed: 3);
        Evaluation before = network.Evaluate(data);
        var adam = new Adam(0.01f);

        network.Fit(data, adam, epochs: 30, batchSize: 10);

        Evaluation after = network.Evaluate(data);
        Assert.True(after.Loss < before.Loss / 20, $"cross-entropy {before.Loss} -> {after.Loss}");
        Assert.Equal(1f, after.Accuracy);
        Assert.Equal(30 * 5, adam.StepCount);
    }

    [Fact]
    public void AdamW_through_fit_decays_the_weights_and_still_learns()
    {
        // Fit binds the optimizer, so decoupled decay can tell weights from biases.
        Dataset data = TestData.Classification(64, [3, 5], classes: 4, seed: 21);
        var plain = new SigmoidTanhClassifier(seed: 7);
        var decayed = new SigmoidTanhClassifier(seed: 7);
        float before = plain.Evaluate(data).Loss;

        plain.Fit(data, new AdamW(0.01f, weightDecay: 0f), epochs: 60, batchSize: 16);
        decayed.Fit(data, new AdamW(0.01f, weightDecay: 0.5f), epochs: 60, batchSize: 16);

        Assert.True(decayed.Evaluate(data).Loss < before, $"cross-entropy {before} -> {decayed.Evaluate(data).Loss}");
        foreach (ParameterTensor tensor in decayed.Description.Tensors.Where(t => t.Role == ParameterRole.Weight))
        {
            Assert.True(
                SumOfSquares(decayed.GetParameters(tensor.Name)) < SumOfSquares(plain.GetParameters(tensor.Name)),
                $"{tensor.Name} should be smaller with weight decay");
        }
    }

    [Fact]
    public void A_second_fit_continues_the_optimizer_where_the_first_stopped()
    {
        Dataset data = TestData.Classification(40, [9], classes: 3, seed: 4);
        var once = new ReluIdentityClassifier(seed: 9);
        var twice = new ReluIdentityClassifier(seed: 9);
        var adamOnce = new Adam(0.01f);
        var adamTwice = new Adam(0.01f);

        once.Fit(data, adamOnce, epochs: 4, batchSize: 8, shuffle: false);
        twice.Fit(data, adamTwice, epochs: 2, batchSize: 8, shuffle: false);
        twice.Fit(data, adamTwice, epochs: 2, batchSize: 8, shuffle: false);

        Assert.Equal(adamOnce.StepCount, adamTwice.StepCount);
        Assert.Equal(once.Parameters, twice.Parameters);
    }

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += (double)value * value;
        }
        return sum;
    }
}
