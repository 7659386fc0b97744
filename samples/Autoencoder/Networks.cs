using NetGen;

namespace Autoencoder;

// Hinton & Salakhutdinov (Science, 2006) train 784-1000-500-250-30 with logistic hidden units, after RBM pre-training,
// under binary cross-entropy over the 784 sigmoid outputs. Trained here from random weights with Adam, the same layers
// learn far faster with rectified hidden units, so these use ReLU; the code stays linear and the outputs logistic.

/// <summary>Hinton &amp; Salakhutdinov's deep autoencoder: 784-1000-500-250-30, the mirrored decoder, pixels out in [0, 1].</summary>
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("code")]
[Input(28, 28)]
[Flatten]
[Dense(1000, Activation.ReLU, Name = "enc1")]
[Dense(500, Activation.ReLU, Name = "enc2")]
[Dense(250, Activation.ReLU, Name = "enc3")]
[Dense(30, Name = "code")]
[Dense(250, Activation.ReLU, Name = "dec1")]
[Dense(500, Activation.ReLU, Name = "dec2")]
[Dense(1000, Activation.ReLU, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class DeepAutoencoder30;

/// <summary>The same network with a code of 2 numbers, whose codes can be drawn: the paper's figure 3.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("code")]
[Input(28, 28)]
[Flatten]
[Dense(1000, Activation.ReLU, Name = "enc1")]
[Dense(500, Activation.ReLU, Name = "enc2")]
[Dense(250, Activation.ReLU, Name = "enc3")]
[Dense(2, Name = "code")]
[Dense(250, Activation.ReLU, Name = "dec1")]
[Dense(500, Activation.ReLU, Name = "dec2")]
[Dense(1000, Activation.ReLU, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class DeepAutoencoder2;

/// <summary>The 30-D autoencoder as a denoising one (Vincent et al., 2008): 30 % of each training image's pixels masked to 0.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("code")]
[Input(28, 28)]
[MaskingNoise(0.3)]
[Flatten]
[Dense(1000, Activation.ReLU, Name = "enc1")]
[Dense(500, Activation.ReLU, Name = "enc2")]
[Dense(250, Activation.ReLU, Name = "enc3")]
[Dense(30, Name = "code")]
[Dense(250, Activation.ReLU, Name = "dec1")]
[Dense(500, Activation.ReLU, Name = "dec2")]
[Dense(1000, Activation.ReLU, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class MaskingDenoiser30;

/// <summary>The 30-D autoencoder with Gaussian noise (σ = 0.1) added to each training image.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("code")]
[Input(28, 28)]
[GaussianNoise(0.1)]
[Flatten]
[Dense(1000, Activation.ReLU, Name = "enc1")]
[Dense(500, Activation.ReLU, Name = "enc2")]
[Dense(250, Activation.ReLU, Name = "enc3")]
[Dense(30, Name = "code")]
[Dense(250, Activation.ReLU, Name = "dec1")]
[Dense(500, Activation.ReLU, Name = "dec2")]
[Dense(1000, Activation.ReLU, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class GaussianDenoiser30;

/// <summary>
/// A convolutional autoencoder in the manner of Turchenko &amp; Luczak (2017): two strided convolutions down to
/// 32×7×7, a 30-number code, and two transposed convolutions back up to the image.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("code")]
[Input(1, 28, 28)]
[Conv2D(16, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same, Name = "conv1")]
[Conv2D(32, 3, Activation.ReLU, Stride = 2, Padding = Padding.Same, Name = "conv2")]
[Flatten]
[Dense(30, Name = "code")]
[Dense(1568, Activation.ReLU, Name = "expand")]
[Reshape(32, 7, 7)]
[ConvTranspose2D(16, 3, Activation.ReLU, Stride = 2, Padding = 1, OutputPadding = 1, Name = "deconv1")]
[ConvTranspose2D(1, 3, Activation.Sigmoid, Stride = 2, Padding = 1, OutputPadding = 1, Name = "deconv2")]
public partial class ConvolutionalAutoencoder30;
