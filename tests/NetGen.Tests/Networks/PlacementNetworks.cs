using NetGen;

// Batch norm and dropout where Keras users write them but no host layer can fuse them: each runs as a pass of its
// own. Smooth activations and average pooling keep central differences away from kinks.

namespace NetGen.Tests.Networks;

/// <summary>Dropout on the input (Srivastava et al. use 0.2 there).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(10)]
[Dropout(0.2, Name = "inputDrop")]
[Dense(8, Activation.Tanh, Name = "fc1")]
[Dense(3, Activation.Softmax, Name = "fc2")]
public partial class InputDropoutClassifier;

/// <summary>Keras's MNIST convnet shape: convolution, pooling, Flatten, then dropout before the classifier.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 6, 6)]
[Conv2D(3, 3, Activation.Tanh, Name = "c1")]
[AvgPool2D(2, Name = "pool1")]
[Flatten]
[Dropout(0.25, Name = "flatDrop")]
[Dense(4, Activation.Softmax, Name = "out")]
public partial class DropoutAfterFlattenClassifier;

/// <summary>Batch norm on the input image, and dropout after pooling.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 6, 6)]
[BatchNorm(Name = "inputNorm")]
[Conv2D(3, 3, Activation.Tanh, Name = "c1")]
[AvgPool2D(2, Name = "pool1")]
[Dropout(0.2, Name = "poolDrop")]
[Flatten]
[Dense(3, Activation.Softmax, Name = "out")]
public partial class PoolDropoutClassifier;

/// <summary>Batch norm after Flatten (per feature, BatchNorm1d), folding the convolution's sigmoid derivative into its backward.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 4, 4)]
[Conv2D(3, 3, Activation.Sigmoid, Name = "c1")]
[Flatten]
[BatchNorm(Name = "flatNorm")]
[Dense(5, Activation.Tanh, Name = "fc1")]
[Dense(3, Activation.Softmax, Name = "out")]
public partial class BatchNormAfterFlattenClassifier;

/// <summary>Two dropouts in a row, and batch norm after a dropout, between Dense layers (one whose f' needs z).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(9, Activation.Tanh, Name = "fc1")]
[Dropout(0.3, Name = "drop1")]
[Dropout(0.2, Name = "drop2")]
[Dense(7, Activation.SiLU, Name = "fc2")]
[Dropout(0.1, Name = "drop3")]
[BatchNorm(Name = "bn3")]
[Dense(2, Name = "fc3")]
public partial class StackedRegularizersRegressor;
