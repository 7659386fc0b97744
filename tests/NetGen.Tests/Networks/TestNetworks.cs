using NetGen;

// Small networks compiled by the real generator, so the tests exercise generated code
// exactly as users get it. Sizes are odd on purpose: they hit every kernel's tail paths.

namespace NetGen.Tests.Networks;

[Network(Loss = Loss.CrossEntropy)]
[Input(3, 5)]
[Flatten]
[Dense(7, Activation.Sigmoid)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.Softmax)]
public partial class SigmoidTanhClassifier;

[Network(Loss = Loss.CrossEntropy)]
[Input(9)]
[Dense(11, Activation.ReLU)]
[Dense(5, Activation.Identity)]
[Dense(3, Activation.Softmax)]
public partial class ReluIdentityClassifier;

[Network(Loss = Loss.CrossEntropy)]
[Input(6)]
[Dense(5, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class BinaryClassifier;

[Network(Loss = Loss.MeanSquaredError)]
[Input(4)]
[Dense(19, Activation.Sigmoid)]
[Dense(2, Activation.Identity)]
public partial class LinearRegressor;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(6, Activation.ReLU)]
[Dense(3, Activation.Tanh)]
public partial class TanhRegressor;

[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(4, Activation.Sigmoid)]
[Dense(3, Activation.Sigmoid)]
public partial class SigmoidRegressor;

// Mean squared error after softmax is legal (warning NG0007, silenced in the project), only slow; its gradient must still be right.
[Network(Loss = Loss.MeanSquaredError)]
[Input(5)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.Softmax)]
public partial class SoftmaxRegressor;

/// <summary>Wide enough that the kernels' 4-row × 2-vector tiles are used, with tails on every side.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2, 3, 7)]
[Flatten]
[Dense(37, Activation.ReLU, Name = "hidden")]
[Dense(10, Activation.Softmax, Name = "output")]
public partial class WideClassifier;

/// <summary>Large enough (batch 32: 32 × 300 × 256 multiply-adds) that the kernels split products over two threads.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(300)]
[Dense(256, Activation.Sigmoid)]
[Dense(10, Activation.Softmax)]
public partial class ThreadedClassifier;

/// <summary>A different initializer on each layer.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(400)]
[Dense(300, Activation.ReLU, Initializer = Initializer.HeNormal)]
[Dense(200, Activation.ReLU, Initializer = Initializer.HeUniform)]
[Dense(100, Activation.Tanh, Initializer = Initializer.GlorotNormal)]
[Dense(10, Activation.Softmax, Initializer = Initializer.Zeros)]
public partial class InitializerShowcase;
