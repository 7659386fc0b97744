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
