using NetGen;

namespace Mnist;

// The course's "hello world": 28×28 images, two hidden layers of 500, ten classes.
// The layers are named like the attributes of a PyTorch module (fc1, fc2, fc3), so saved weights
// carry the same keys: fc1.weight [500, 784], fc1.bias [500], and so on.

[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.Sigmoid, Name = "fc1")]
[Dense(500, Activation.Sigmoid, Name = "fc2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class MnistMlp;

/// <summary>The same network with ReLU hidden units, which train faster from Glorot initialisation.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.ReLU, Name = "fc1")]
[Dense(500, Activation.ReLU, Name = "fc2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class MnistReluMlp;

// The same networks with the course's regularisers, for --dropout P and --batchnorm. The declared
// rate is a default: the sample sets each dropout layer's rate from --dropout (0 turns it off).

[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.Sigmoid, Name = "fc1")]
[Dropout(0.2, Name = "drop1")]
[Dense(500, Activation.Sigmoid, Name = "fc2")]
[Dropout(0.2, Name = "drop2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class MnistDropoutMlp;

[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.ReLU, Name = "fc1")]
[Dropout(0.2, Name = "drop1")]
[Dense(500, Activation.ReLU, Name = "fc2")]
[Dropout(0.2, Name = "drop2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class MnistReluDropoutMlp;

/// <summary>Batch norm on every hidden layer (bn1, bn2, as PyTorch's BatchNorm1d), then dropout.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.Sigmoid, Name = "fc1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.2, Name = "drop1")]
[Dense(500, Activation.Sigmoid, Name = "fc2")]
[BatchNorm(Name = "bn2")]
[Dropout(0.2, Name = "drop2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class MnistBatchNormMlp;

[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.ReLU, Name = "fc1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.2, Name = "drop1")]
[Dense(500, Activation.ReLU, Name = "fc2")]
[BatchNorm(Name = "bn2")]
[Dropout(0.2, Name = "drop2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class MnistReluBatchNormMlp;
