// Networks that between them use every layer kind and every activation, each exported and run by ONNX Runtime.
namespace NetGen.Onnx.Tests;

[Network(Loss = Loss.CrossEntropy)]
[Input(6)]
[Dense(10, Activation.Sigmoid)]
[Dense(10, Activation.Tanh)]
[Dense(10, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
public partial class ClassicActivations;

[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(10, Activation.ArcTan)]
[Dense(10, Activation.ArSinh)]
[Dense(10, Activation.Softsign)]
[Dense(10, Activation.Softplus)]
[Dense(3)]
public partial class SmoothActivations;

[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(10, Activation.ISRU, Alpha = 0.5)]
[Dense(10, Activation.ISRLU)]
[Dense(10, Activation.SQNL)]
[Dense(10, Activation.LeakyReLU, Alpha = 0.2)]
[Dense(3)]
public partial class SquareRootActivations;

[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(10, Activation.ELU, Alpha = 0.7)]
[Dense(10, Activation.SELU)]
[Dense(10, Activation.GELU)]
[Dense(10, Activation.SiLU)]
[Dense(3)]
public partial class ExponentialActivations;

[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(10, Activation.PReLU)]
[Dense(10, Activation.RReLU)]
[Dense(10, Activation.BipolarReLU)]
[Dense(3)]
public partial class UnitActivations;

[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(10, Activation.BinaryStep)]
[Dense(3)]
public partial class StepActivation;

/// <summary>Batch norm fused into Dense hosts (before the activation), dropout as the identity, and input normalisation.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(6)]
[Dense(12, Activation.ReLU)]
[BatchNorm]
[Dropout(0.3)]
[Dense(8, Activation.Tanh)]
[BatchNorm(Epsilon = 0.001)]
[Dense(3, Activation.Softmax)]
public partial class NormalizedMlp;

[Network(Loss = Loss.CrossEntropy)]
[Input(2, 12, 12)]
[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(6, 2, 3, Activation.ELU, Stride = 2)]
[Dropout(0.25)]
[AvgPool2D(2, Stride = 1)]
[Flatten]
[Dense(5, Activation.Softmax)]
public partial class SmallCnn;

/// <summary>A convolutional decoder: reshape, upsampling, a transposed convolution with its batch norm as a pass of its own.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(12)]
[Dense(32, Activation.ReLU)]
[Reshape(2, 4, 4)]
[Upsample2D(2)]
[ConvTranspose2D(3, 3, Activation.Tanh, Stride = 2, Padding = 1, OutputPadding = 1)]
[BatchNorm]
[Conv2D(1, 4, Activation.Sigmoid, Padding = Padding.Same)]
public partial class ConvDecoder;

/// <summary>A tied, denoising autoencoder: the noise is left out, the decoder reuses the encoder's weight.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("enc1")]
[Input(10)]
[GaussianNoise(0.1)]
[MaskingNoise(0.2)]
[Dense(6, Activation.Sigmoid, Name = "enc1")]
[Dense(10, Activation.Sigmoid, TiedTo = "enc1")]
public partial class TiedAutoencoder;

[Network(Loss = Loss.CrossEntropy)]
[Input(5, 3, Sequence = true)]
[Dense(4, Activation.Tanh, PerStep = true)]
[Lstm(6, ReturnSequences = true)]
[Gru(5, ReturnSequences = true)]
[SimpleRnn(4)]
[Dense(3, Activation.Softmax)]
public partial class RecurrentStack;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5, 3, Sequence = true)]
[SimpleRnn(4, Activation.ReLU, ReturnSequences = true)]
[Lstm(3)]
[Dense(2)]
public partial class ReluRnn;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5, 3, Sequence = true)]
[Gru(4, ReturnSequences = true)]
[Dense(2, Activation.Sigmoid, PerStep = true)]
public partial class PerStepOutput;

[RestrictedBoltzmannMachine(5)]
[Input(8)]
public partial class BinaryMachine;

[RestrictedBoltzmannMachine(3, VisibleUnits = VisibleUnits.Gaussian)]
[Input(2, 3)]
public partial class GaussianMachine;
