using NetGen;

namespace Autoencoder;

/// <summary>The reconstruction loss of both networks, chosen in this one place.</summary>
internal static class Reconstruction
{
    /// <summary>
    /// Hinton &amp; Salakhutdinov train with binary cross-entropy over the 784 sigmoid outputs. NetGen's cross-entropy
    /// takes a softmax or one sigmoid unit for now, so the sample uses mean squared error, which the reported measure
    /// (squared error summed over the pixels) also is.
    /// </summary>
    public const Loss Loss = NetGen.Loss.MeanSquaredError;
}

/// <summary>
/// Hinton &amp; Salakhutdinov's (Science, 2006) deep autoencoder: 784-1000-500-250-30, logistic hidden units, a linear
/// 30-number code, the mirrored decoder and logistic outputs (pixels in [0, 1]).
/// </summary>
[Network(Loss = Reconstruction.Loss)]
[Autoencoder("code")]
[Input(28, 28)]
[Flatten]
[Dense(1000, Activation.Sigmoid, Name = "enc1")]
[Dense(500, Activation.Sigmoid, Name = "enc2")]
[Dense(250, Activation.Sigmoid, Name = "enc3")]
[Dense(30, Name = "code")]
[Dense(250, Activation.Sigmoid, Name = "dec1")]
[Dense(500, Activation.Sigmoid, Name = "dec2")]
[Dense(1000, Activation.Sigmoid, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class DeepAutoencoder30;

/// <summary>The same network with a code of 2 numbers, whose codes can be drawn: the paper's figure 3.</summary>
[Network(Loss = Reconstruction.Loss)]
[Autoencoder("code")]
[Input(28, 28)]
[Flatten]
[Dense(1000, Activation.Sigmoid, Name = "enc1")]
[Dense(500, Activation.Sigmoid, Name = "enc2")]
[Dense(250, Activation.Sigmoid, Name = "enc3")]
[Dense(2, Name = "code")]
[Dense(250, Activation.Sigmoid, Name = "dec1")]
[Dense(500, Activation.Sigmoid, Name = "dec2")]
[Dense(1000, Activation.Sigmoid, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class DeepAutoencoder2;
