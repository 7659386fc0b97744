using NetGen;

// Small generated convolutional networks. The gradient-check ones use smooth activations (tanh, softplus, sigmoid,
// GELU), so the central differences never straddle a ReLU kink; max pooling's own kink (the argmax changing) is
// what the max-pooling ones exercise, on random data where no two window entries lie within a step of each other.

namespace NetGen.Tests.Networks;

/// <summary>Valid 3×3 stride 1 → max pool 2 → valid 2×2 stride 1 → dense: both convolutions and max pooling's backward.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 10, 10)]
[Conv2D(3, 3, Activation.Tanh, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(4, 2, Activation.Softplus, Name = "conv2")]
[Flatten]
[Dense(3, Activation.Softmax, Name = "fc1")]
public partial class SmallConvClassifier;

/// <summary>Same padding and stride 2, a rectangular kernel, average pooling, and GELU, which keeps z.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 8, 7)]
[Conv2D(3, 3, 2, Activation.GELU, Padding = Padding.Same, Stride = 2, Name = "conv1")]
[AvgPool2D(2, Stride = 1, Name = "pool1")]
[Conv2D(2, 3, Activation.Sigmoid, Padding = Padding.Same, Name = "conv2")]
[Flatten]
[Dense(5, Activation.Tanh, Name = "fc1")]
[Dense(2, Name = "fc2")]
public partial class StridedSameConvRegressor;

/// <summary>Valid 3×3 stride 2 straight into a dense layer: the input delta through a strided convolution to the layer below.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 7, 7)]
[Conv2D(3, 3, Activation.Tanh, Name = "conv1")]
[Conv2D(4, 3, Activation.ELU, Stride = 2, Name = "conv2")]
[Flatten]
[Dense(4, Activation.Softmax, Name = "fc1")]
public partial class StridedValidConvClassifier;

/// <summary>Pooling first: nothing below it learns, so no δ is formed for it.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 6, 6)]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(2, 2, Activation.Tanh, Name = "conv1")]
[Flatten]
[Dense(2, Activation.Softmax, Name = "fc1")]
public partial class PoolFirstClassifier;

/// <summary>For forward values by hand: one 2×2 filter on a 3×3 image, read back through an identity dense layer.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 3, 3)]
[Conv2D(1, 2, Name = "conv1")]
[Flatten]
[Dense(4, Name = "readout")]
public partial class HandConvolution;

/// <summary>For forward values by hand: 2×2 max pooling of a 4×4 image (or, below, average pooling), read back as they are.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 4, 4)]
[MaxPool2D(2, Name = "pool1")]
[Flatten]
[Dense(4, Name = "readout")]
public partial class HandMaxPooling;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 4, 4)]
[AvgPool2D(2, Name = "pool1")]
[Flatten]
[Dense(4, Name = "readout")]
public partial class HandAveragePooling;

/// <summary>Same padding, stride 2, by hand: 3×3 kernel on a 4×4 image gives 2×2, one zero row and column on the bottom and right.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 4, 4)]
[Conv2D(1, 3, Padding = Padding.Same, Stride = 2, Name = "conv1")]
[Flatten]
[Dense(4, Name = "readout")]
public partial class HandStridedSameConvolution;

/// <summary>A small LeNet for learning tests: it must tell horizontal bars from vertical ones.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 14, 14)]
[Conv2D(8, 3, Activation.ReLU, Name = "conv1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(16, 3, Activation.ReLU, Name = "conv2")]
[MaxPool2D(2, Name = "pool2")]
[Flatten]
[Dense(32, Activation.ReLU, Name = "fc1")]
[Dense(2, Activation.Softmax, Name = "fc2")]
public partial class BarOrientationCnn;

/// <summary>Batch norm per channel and dropout after a convolution, dropout alone after another, then average pooling.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 8, 8)]
[Conv2D(3, 3, Activation.Tanh, Name = "conv1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.3, Name = "drop1")]
[AvgPool2D(2, Name = "pool1")]
[Conv2D(4, 2, Activation.Softplus, Name = "conv2")]
[Dropout(0.2, Name = "drop2")]
[Flatten]
[Dense(3, Activation.Softmax, Name = "fc1")]
public partial class RegularizedConvClassifier;

/// <summary>Batch norm after a same-padded convolution whose activation (GELU) needs y itself, under mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 6, 6)]
[Conv2D(3, 3, Activation.GELU, Padding = Padding.Same, Name = "conv1")]
[BatchNorm(Name = "bn1")]
[Flatten]
[Dense(2, Name = "fc1")]
public partial class BatchNormConvRegressor;

/// <summary>The bar-orientation LeNet with batch norm and dropout on its convolutions, for learning and allocation tests.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 14, 14)]
[Conv2D(8, 3, Activation.ReLU, Name = "conv1")]
[BatchNorm(Name = "bn1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(16, 3, Activation.ReLU, Name = "conv2")]
[BatchNorm(Name = "bn2")]
[Dropout(0.25, Name = "drop2")]
[MaxPool2D(2, Name = "pool2")]
[Flatten]
[Dense(32, Activation.ReLU, Name = "fc1")]
[Dense(2, Activation.Softmax, Name = "fc2")]
public partial class RegularizedBarCnn;
