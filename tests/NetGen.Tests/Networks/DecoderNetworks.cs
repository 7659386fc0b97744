using NetGen;

// Networks whose output is an image: a convolution as the last layer, and the decoder layers of a convolutional
// autoencoder. Smooth activations throughout, so central differences never straddle a kink.

namespace NetGen.Tests.Networks;

/// <summary>A convolution as the output layer, under mean squared error: δ from the loss with the sigmoid's f'.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same, Name = "conv1")]
[Conv2D(1, 3, Activation.Sigmoid, Name = "conv2")]
public partial class ConvOutputRegressor;

/// <summary>
/// A convolution as the output layer under cross-entropy: a sigmoid per pixel, binary cross-entropy averaged over
/// all B·O outputs; it is also the only layer, so it reads the input and sends no δ down.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 5, 5)]
[Conv2D(2, 2, Activation.Sigmoid, Name = "conv1")]
public partial class ConvOutputBinaryCrossEntropy;

/// <summary>Reshape first: a flat input read as an image by a convolution; nothing below the view learns.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(18)]
[Reshape(2, 3, 3, Name = "unflatten")]
[Conv2D(2, 2, Activation.Tanh, Name = "conv1")]
[Flatten]
[Dense(3, Activation.Tanh, Name = "fc1")]
public partial class ReshapeFirstRegressor;

/// <summary>Reshape in the middle: the convolution's δ goes through the view to the Dense layer, tanh' folded in.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(16, Activation.Tanh, Name = "fc1")]
[Reshape(1, 4, 4, Name = "unflatten")]
[Conv2D(2, 3, Activation.Sigmoid, Padding = Padding.Same, Name = "conv1")]
public partial class DenseReshapeConvRegressor;

/// <summary>For forward values by hand: 8 numbers read as 2 channels of 2×2 by a 1×1 convolution that mixes them.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(8)]
[Reshape(2, 2, 2)]
[Conv2D(1, 1, Name = "mix")]
public partial class HandReshape;

/// <summary>Upsampling first: nothing below it learns, so it forms no δ.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 3, 3)]
[Upsample2D(2, Name = "up1")]
[Conv2D(2, 3, Activation.Tanh, Name = "conv1")]
[Flatten]
[Dense(3, Activation.Tanh, Name = "fc1")]
public partial class UpsampleFirstRegressor;

/// <summary>Upsampling in the middle: δ summed over each block, with the GELU' (from z) of the strided convolution below.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 6, 6)]
[Conv2D(2, 3, Activation.GELU, Stride = 2, Padding = Padding.Same, Name = "conv1")]
[Upsample2D(2, Name = "up1")]
[Conv2D(1, 3, Activation.Sigmoid, Padding = Padding.Same, Name = "conv2")]
public partial class ConvUpsampleConvRegressor;

/// <summary>A transposed convolution first (stride 1, no padding): nothing below it learns.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2, 3, 3)]
[ConvTranspose2D(2, 3, Activation.Tanh, Name = "deconv1")]
[Flatten]
[Dense(3, Activation.Tanh, Name = "fc1")]
public partial class DeconvFirstRegressor;

/// <summary>A strided transposed convolution first, with output padding, read by a strided convolution: 3 → 7 → 3.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 3, 3)]
[ConvTranspose2D(2, 2, Activation.Tanh, Stride = 2, OutputPadding = 1, Name = "deconv1")]
[Conv2D(1, 3, Activation.Sigmoid, Stride = 2, Name = "conv1")]
public partial class OutputPaddedDeconvRegressor;

/// <summary>
/// Transposed convolutions in the middle and at the output: stride 2 with padding 1 on a convolution's softplus, then
/// stride 1 with padding 1 on the first one's GELU (whose f' reads z), ending the network: 6 → 3 → 5 → 4.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 6, 6)]
[Conv2D(2, 3, Activation.Softplus, Stride = 2, Padding = Padding.Same, Name = "conv1")]
[ConvTranspose2D(3, 3, Activation.GELU, Stride = 2, Padding = 1, Name = "deconv1")]
[ConvTranspose2D(1, 2, Activation.Sigmoid, Padding = 1, Name = "deconv2")]
public partial class StackedDeconvRegressor;

/// <summary>
/// A small convolutional autoencoder: 8×8 → 4×4×4 → a code of 6 → 4×4×4 → 8×8, the decoder a Reshape and a stride-2
/// transposed convolution with output padding, reconstructing its input under mean squared error.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 8, 8)]
[Conv2D(4, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same, Name = "conv1")]
[Flatten]
[Dense(6, Activation.Tanh, Name = "code")]
[Dense(64, Activation.Tanh, Name = "fc2")]
[Reshape(4, 4, 4)]
[ConvTranspose2D(1, 3, Activation.Sigmoid, Stride = 2, Padding = 1, OutputPadding = 1, Name = "deconv1")]
public partial class SmallConvAutoencoder;

/// <summary>The decoder grown by upsampling and a same-size transposed convolution instead: 4×4×4 → 4×8×8 → 8×8.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 8, 8)]
[Conv2D(4, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same, Name = "conv1")]
[Flatten]
[Dense(6, Activation.Tanh, Name = "code")]
[Dense(64, Activation.Tanh, Name = "fc2")]
[Reshape(4, 4, 4)]
[Upsample2D(2)]
[ConvTranspose2D(1, 3, Activation.Sigmoid, Padding = 1, Name = "deconv1")]
public partial class UpsamplingConvAutoencoder;

/// <summary>A wider autoencoder for the learning test: tanh inside, a code of 8, a stride-2 transposed convolution out.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 8, 8)]
[Conv2D(8, 3, Activation.Tanh, Stride = 2, Padding = Padding.Same)]
[Flatten]
[Dense(8, Activation.Tanh, Name = "code")]
[Dense(128, Activation.Tanh)]
[Reshape(8, 4, 4)]
[ConvTranspose2D(1, 3, Activation.Sigmoid, Stride = 2, Padding = 1, OutputPadding = 1)]
public partial class BarAutoencoder;
