using NetGen;

namespace FashionCnn;

// The classic two-convolution network (and the PyTorch reference's, in shared/bench): each 5×5 convolution
// is followed by ReLU and 2×2 max pooling, 28 → 24 → 12 → 8 → 4, then two dense layers. The layers are named
// as the reference module's attributes, so its state_dict and these weights files carry the same keys:
// c1.weight [32, 1, 5, 5], c1.bias [32], c2.weight [64, 32, 5, 5], …, f1.weight [128, 1024], f2.weight [10, 128].

[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(32, 5, Activation.ReLU, Name = "c1", InputChannels = 1)]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(64, 5, Activation.ReLU, Name = "c2")]
[MaxPool2D(2, Name = "pool2")]
[Flatten]
[Dense(128, Activation.ReLU, Name = "f1")]
[Dense(10, Activation.Softmax, Name = "f2")]
public partial class FashionCnnNetwork;

/// <summary>
/// The same network with batch norm per channel after each convolution (bn1, bn2, as PyTorch's BatchNorm2d: the
/// convolutions then have no bias) and dropout after the convolutions and the hidden dense layer, for --batchnorm
/// and --dropout P. The declared rates are defaults: the sample sets each from --dropout.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(32, 5, Activation.ReLU, Name = "c1", InputChannels = 1)]
[BatchNorm(Name = "bn1")]
[Dropout(0.1, Name = "drop1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(64, 5, Activation.ReLU, Name = "c2")]
[BatchNorm(Name = "bn2")]
[Dropout(0.1, Name = "drop2")]
[MaxPool2D(2, Name = "pool2")]
[Flatten]
[Dense(128, Activation.ReLU, Name = "f1")]
[Dropout(0.1, Name = "drop3")]
[Dense(10, Activation.Softmax, Name = "f2")]
public partial class FashionCnnRegularizedNetwork;
