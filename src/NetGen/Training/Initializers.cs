using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Training;

/// <summary>How parameter tensors get their first values.</summary>
public static class Initializers
{
    /// <summary>
    /// Glorot (Xavier) uniform, as the course gives it: W ~ U[−b, b] with
    /// b = √6 / √(fan_in + fan_out), which keeps activations' and gradients' variance roughly
    /// constant from layer to layer.
    /// </summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, Rng random)
    {
        Uniform(weights, MathF.Sqrt(6f) / MathF.Sqrt(fanIn + fanOut), random);
    }

    private static void Uniform(Span<float> weights, float bound, Rng random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle(-bound, bound);
        }
    }

    private static void Normal(Span<float> weights, float standardDeviation, Rng random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = standardDeviation * random.NextGaussian();
        }
    }

    /// <summary>Fills <paramref name="weights"/> as <paramref name="initializer"/> says.</summary>
    public static void Initialize(Initializer initializer, Span<float> weights, int fanIn, int fanOut, Rng random)
    {
        switch (initializer)
        {
            case Initializer.GlorotUniform:
                GlorotUniform(weights, fanIn, fanOut, random);
                break;
            case Initializer.GlorotNormal:
                Normal(weights, MathF.Sqrt(2f / (fanIn + fanOut)), random);
                break;
            case Initializer.HeUniform:
                Uniform(weights, MathF.Sqrt(6f / fanIn), random);
                break;
            case Initializer.HeNormal:
                Normal(weights, MathF.Sqrt(2f / fanIn), random);
                break;
            case Initializer.Zeros:
                weights.Clear();
                break;
            case Initializer.SmallNormal:
                Normal(weights, 0.01f, random);
                break;
            case Initializer.RecurrentUniform:
                Uniform(weights, 1f / MathF.Sqrt(fanIn), random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(initializer), initializer, "Unknown initializer.");
        }
    }

    /// <summary>Every tensor of a network: weights as their initializer says (Glorot uniform unless set), biases and shifts zero (a recurrent layer's drawn as its weights), scales one, in buffer order from one generator.</summary>
    public static void Initialize(ModelDescription description, Span<float> parameters, Rng random)
    {
        foreach (ParameterTensor tensor in description.Tensors)
        {
            Span<float> values = parameters.Slice(tensor.Offset, tensor.Length);
            switch (tensor.Role)
            {
                case ParameterRole.Weight:
                    Initialize(tensor.Initializer, values, tensor.FanIn, tensor.FanOut, random);
                    break;
                // PyTorch draws a recurrent layer's biases as its weights; every other bias starts at zero.
                case ParameterRole.Bias when tensor.Initializer == Initializer.RecurrentUniform:
                    Initialize(tensor.Initializer, values, tensor.FanIn, tensor.FanOut, random);
                    break;
                case ParameterRole.Bias or ParameterRole.BatchNormShift or ParameterRole.RunningMean:
                    values.Clear();
                    break;
                case ParameterRole.BatchNormScale or ParameterRole.RunningVariance:
                    values.Fill(1f);
                    break;
                case ParameterRole.ActivationSlope:
                    values.Fill(UnitActivations.InitialPReLUSlope);
                    break;
                default:
                    throw new InvalidOperationException($"Tensor '{tensor.Name}' has role {tensor.Role}, which has no initialiser.");
            }
        }
    }
}
