using NetGen;

// Tied decoders and the denoising autoencoder's noise layers. Smooth activations keep central differences away from
// kinks; the noise layers draw from the fixed key a gradient check sets, so every evaluation sees the same corruption.

namespace NetGen.Tests.Networks;

/// <summary>8-5-3-5-8 with both decoder layers tied: dec1 = codeᵀ, dec2 = enc1ᵀ, each with a bias of its own.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
[Dense(5, Activation.Tanh, Name = "enc1")]
[Dense(3, Activation.Tanh, Name = "code")]
[Dense(5, Activation.Tanh, TiedTo = "code", Name = "dec1")]
[Dense(8, Activation.Sigmoid, TiedTo = "enc1", Name = "dec2")]
public partial class TiedDenseAutoencoder;

/// <summary>
/// A tied layer that hosts batch norm and dropout (fused into its product, taken back by the tied layer above), a
/// weight used three times (enc1 by dec1 and again by dec3), and an encoder whose f' needs z (SiLU).
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(4, Activation.SiLU, Name = "enc1")]
[Dense(6, Activation.Tanh, TiedTo = "enc1", Name = "dec1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.25, Name = "drop1")]
[Dense(4, Activation.Tanh, Name = "enc2")]
[Dense(6, Activation.Identity, TiedTo = "enc2", Name = "dec2")]
[Dense(4, Activation.Tanh, Name = "mid")]
[Dense(6, Activation.Sigmoid, TiedTo = "enc1", Name = "dec3")]
public partial class TiedWithRegularizersAutoencoder;

/// <summary>A denoising autoencoder: masking noise on the input, which it must learn to undo.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(10)]
[MaskingNoise(0.3, Name = "mask")]
[Dense(6, Activation.Tanh, Name = "enc1")]
[Dense(10, Activation.Sigmoid, Name = "dec1")]
public partial class MaskedInputAutoencoder;

/// <summary>Noise between layers: δ goes back through both kinds, folding SiLU's and tanh's f' (SiLU's needs z).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(6)]
[Dense(7, Activation.SiLU, Name = "fc1")]
[GaussianNoise(0.5, Name = "jitter")]
[Dense(5, Activation.Tanh, Name = "fc2")]
[MaskingNoise(0.2, Name = "mask")]
[Dense(3, Activation.Softmax, Name = "out")]
public partial class NoiseBetweenLayersClassifier;

/// <summary>Gaussian noise on an image input, before a convolution.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 5, 5)]
[GaussianNoise(0.1, Name = "jitter")]
[Conv2D(2, 3, Activation.Tanh, Name = "c1")]
[Flatten]
[Dense(4, Activation.Sigmoid, Name = "out")]
public partial class NoisyImageRegressor;

/// <summary><see cref="TiedDenseAutoencoder"/> with weights of its own: its files have dec1.weight and dec2.weight.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
[Dense(5, Activation.Tanh, Name = "enc1")]
[Dense(3, Activation.Tanh, Name = "code")]
[Dense(5, Activation.Tanh, Name = "dec1")]
[Dense(8, Activation.Sigmoid, Name = "dec2")]
public partial class UntiedTwinAutoencoder;

/// <summary>A tied autoencoder trained with binary cross-entropy per output, its fused backward δ = (p − x) / (B·O).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8)]
[Dense(5, Activation.Tanh, Name = "enc1")]
[Dense(8, Activation.Sigmoid, TiedTo = "enc1", Name = "dec1")]
public partial class CrossEntropyTiedAutoencoder;
