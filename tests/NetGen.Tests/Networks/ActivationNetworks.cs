using NetGen;
using NetGen.Tests.Kernels;

// Small generated networks that between them use every activation of the course's table and the
// rest, in hidden and output layers, with default and given Alpha, under both losses. Sizes are odd
// on purpose, as in TestNetworks.cs.

namespace NetGen.Tests.Networks;

[Network(Loss = Loss.CrossEntropy)]
[Input(7)]
[Dense(9, Activation.ArcTan)]
[Dense(8, Activation.ArSinh)]
[Dense(6, Activation.Softsign)]
[Dense(4, Activation.Softmax)]
public partial class SigmoidalClassifier;

/// <summary>ISRU with its default α and with α = 3 (as the output), ISRLU with α = 0.5.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(7, Activation.ISRU)]
[Dense(6, Activation.ISRLU, Alpha = 0.5)]
[Dense(3, Activation.ISRU, Alpha = 3)]
public partial class InverseSquareRootRegressor;

/// <summary>Three layers with a kink at 0 in a row: the gradient check must keep every one of them clear of it.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(6)]
[Dense(10, Activation.LeakyReLU)]
[Dense(8, Activation.ELU, Alpha = 0.5)]
[Dense(7, Activation.SELU)]
[Dense(3, Activation.Softmax)]
public partial class RectifierClassifier;

/// <summary>GELU and SiLU keep z: as hidden layers (InputDelta reads it) and as the output (the loss's δ reads it).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(9, Activation.GELU)]
[Dense(8, Activation.SiLU)]
[Dense(7, Activation.Softplus)]
[Dense(3, Activation.GELU)]
public partial class SmoothRegressor;

// NG0026 is the point here: the binary step freezes 'dense1' and 'dense2', and the gradient check shows it.
#pragma warning disable NG0026
/// <summary>A binary step in the middle: only the two layers above it learn. Leaky ReLU with a given slope, ELU as output.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(6, Activation.SQNL)]
[Dense(5, Activation.BinaryStep)]
[Dense(4, Activation.LeakyReLU, Alpha = 0.2)]
[Dense(2, Activation.ELU)]
public partial class BinaryStepRegressor;

/// <summary>A binary step as the output: no gradient reaches any layer, so nothing learns (the overfit check's failing case).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(2, Activation.BinaryStep)]
public partial class StepOutputRegressor;
#pragma warning restore NG0026

/// <summary>
/// A network's Dense layers as the tests know them: each activation as a double-precision formula
/// (<see cref="ReferenceActivations"/>), the weights read from the model. Its forward pass checks the
/// generated one; its pre-activations tell gradient checks where the kinks are.
/// </summary>
internal sealed record ReferenceNetwork(ReferenceActivation[] Layers)
{
    /// <summary>z of every Dense layer, <c>[layer][sample · units + unit]</c>, in double from the float parameters.</summary>
    public double[][] PreActivations(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch)
    {
        var z = new double[Layers.Length][];
        double[] x = inputs[..(batch * description.InputSize)].ToArray().Select(value => (double)value).ToArray();
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            ParameterTensor weight = description.Tensors[2 * layer], bias = description.Tensors[2 * layer + 1];
            int units = weight.Shape[0], fanIn = weight.Shape[1];
            z[layer] = new double[batch * units];
            for (int sample = 0; sample < batch; sample++)
            {
                for (int unit = 0; unit < units; unit++)
                {
                    double sum = parameters[bias.Offset + unit];
                    for (int i = 0; i < fanIn; i++)
                    {
                        sum += parameters[weight.Offset + unit * fanIn + i] * x[sample * fanIn + i];
                    }
                    z[layer][sample * units + unit] = sum;
                }
            }
            x = Activate(Layers[layer], z[layer], units);
        }
        return z;
    }

    /// <summary>The network's outputs, <c>[batch, OutputSize]</c>, in double.</summary>
    public double[] Outputs(ModelDescription description, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch) =>
        Activate(Layers[^1], PreActivations(description, parameters, inputs, batch)[^1], description.OutputSize);

    /// <summary>Whether any layer's f or f' jumps somewhere.</summary>
    public bool HasKinks => Layers.Any(layer => layer.Kinks.Length > 0);

    /// <summary>
    /// Whether some unit of a layer with a kink sits on different sides of it in <paramref name="z"/> and
    /// <paramref name="stepped"/>, or so close to it (1e-5) that float and double might disagree on the side.
    /// </summary>
    public bool StraddlesAKink(double[][] z, double[][] stepped)
    {
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            foreach (double kink in Layers[layer].Kinks)
            {
                for (int i = 0; i < z[layer].Length; i++)
                {
                    double before = z[layer][i] - kink, after = stepped[layer][i] - kink;
                    if (Math.Abs(before) < 1e-5 || Math.Abs(after) < 1e-5 || Math.Sign(before) != Math.Sign(after))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static double[] Activate(ReferenceActivation activation, double[] z, int units)
    {
        if (activation != ReferenceActivations.Softmax)
        {
            return z.Select(activation.Function).ToArray();
        }
        var p = new double[z.Length];
        for (int row = 0; row < z.Length; row += units)
        {
            double max = z.Skip(row).Take(units).Max();
            double sum = 0;
            for (int k = row; k < row + units; k++)
            {
                p[k] = Math.Exp(z[k] - max);
                sum += p[k];
            }
            for (int k = row; k < row + units; k++)
            {
                p[k] /= sum;
            }
        }
        return p;
    }
}

/// <summary>
/// The reference of every network above, and of the ReLU networks in TestNetworks.cs (whose
/// gradient checks need the same care at the kink): the activations as declared, written out again.
/// </summary>
internal static class ReferenceNetworks
{
    public static readonly string[] Names =
    [
        nameof(SigmoidalClassifier), nameof(InverseSquareRootRegressor), nameof(RectifierClassifier), nameof(SmoothRegressor),
        nameof(BinaryStepRegressor), nameof(ReluIdentityClassifier), nameof(WideClassifier),
    ];

    public static ReferenceNetwork? For(Model model) => model switch
    {
        SigmoidalClassifier => new([ReferenceActivations.ArcTan, ReferenceActivations.ArSinh, ReferenceActivations.Softsign, ReferenceActivations.Softmax]),
        InverseSquareRootRegressor => new([ReferenceActivations.ISRU(1), ReferenceActivations.ISRLU(0.5), ReferenceActivations.ISRU(3)]),
        RectifierClassifier => new([ReferenceActivations.LeakyReLU(0.01), ReferenceActivations.ELU(0.5), ReferenceActivations.SELU, ReferenceActivations.Softmax]),
        SmoothRegressor => new([ReferenceActivations.GELU, ReferenceActivations.SiLU, ReferenceActivations.Softplus, ReferenceActivations.GELU]),
        BinaryStepRegressor => new([ReferenceActivations.SQNL, ReferenceActivations.BinaryStep, ReferenceActivations.LeakyReLU(0.2), ReferenceActivations.ELU(1)]),
        ReluIdentityClassifier => new([ReferenceActivations.ReLU, ReferenceActivations.Identity, ReferenceActivations.Softmax]),
        WideClassifier => new([ReferenceActivations.ReLU, ReferenceActivations.Softmax]),
        // Only the kink's place matters for choosing data, and randomized ReLU's is leaky ReLU's.
        RandomizedRectifierClassifier => new([ReferenceActivations.LeakyReLU(11.0 / 48), ReferenceActivations.Softmax]),
        _ => null,
    };
}
