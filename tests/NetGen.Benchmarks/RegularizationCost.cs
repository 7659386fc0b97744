using System.Diagnostics;
using System.Globalization;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

// The sample's ReLU MLP with and without the regularisers, for the cost of batch norm + dropout.

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(500, Activation.ReLU, Name = "fc1")]
[Dense(500, Activation.ReLU, Name = "fc2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class ReluMlp;

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(500, Activation.ReLU, Name = "fc1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.2, Name = "drop1")]
[Dense(500, Activation.ReLU, Name = "fc2")]
[BatchNorm(Name = "bn2")]
[Dropout(0.2, Name = "drop2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class ReluBatchNormDropoutMlp;

/// <summary>
/// Median time of one training step (forward, loss, backward, Adam update) at batch 100, for the MLP
/// without and with batch norm + dropout on both hidden layers, interleaved so load affects both alike.
/// </summary>
internal static class RegularizationCost
{
    public static void Run()
    {
        var random = new Rng(5);
        Dataset batch = Dataset.FromLabels(
            Enumerable.Range(0, 100 * 784).Select(_ => random.NextSingle()).ToArray(), [784],
            Enumerable.Range(0, 100).Select(_ => random.NextInt(10)).ToArray(), 10);
        (Model Network, Optimizer Optimizer, List<double> Microseconds)[] runs =
        [
            (new ReluMlp(seed: 1), new Adam(), []),
            (new ReluBatchNormDropoutMlp(seed: 1), new Adam(), []),
        ];
        foreach ((Model network, Optimizer optimizer, _) in runs)
        {
            optimizer.Bind(network.Description);
        }
        for (int repeat = 0; repeat < 600; repeat++)
        {
            foreach ((Model network, Optimizer optimizer, List<double> microseconds) in runs)
            {
                long start = Stopwatch.GetTimestamp();
                network.ComputeGradients(batch.Features, batch.Targets, batch.Count);
                optimizer.Step(network.Parameters, network.Gradients);
                if (repeat >= 100)
                {
                    microseconds.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }
        }
        double plain = EndToEnd.Median(runs[0].Microseconds), regularized = EndToEnd.Median(runs[1].Microseconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT mlp_relu_adam_step_us = {plain:0.#}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT mlp_relu_batchnorm_dropout_adam_step_us = {regularized:0.#}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT batchnorm_dropout_step_cost_ratio = {regularized / plain:0.###}"));
    }
}
