using NetGen;

// Networks for the concurrent-inference tests: large enough that the kernels share their products with the worker
// thread even for one sample, which is where two callers meet.

namespace NetGen.Tests.Networks;

/// <summary>The reference MLP, 784-500-500-10: a one-sample prediction's first two products are shared with the worker.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(500, Activation.Sigmoid, Name = "fc1")]
[Dense(500, Activation.Sigmoid, Name = "fc2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class ServingMlp;

/// <summary>Two convolutions, each followed by max pooling, on 28×28 images: the second convolution is shared with the worker.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(8, 5, Activation.ReLU, Name = "c1")]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(16, 5, Activation.ReLU, Name = "c2")]
[MaxPool2D(2, Name = "pool2")]
[Flatten]
[Dense(10, Activation.Softmax, Name = "fc1")]
public partial class ServingCnn;
