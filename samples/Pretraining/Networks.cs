using NetGen;

namespace Pretraining;

/// <summary>The course's deep sigmoid network: three hidden layers of 500, a softmax over the 10 classes.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(500, Activation.Sigmoid, Name = "fc1")]
[Dense(500, Activation.Sigmoid, Name = "fc2")]
[Dense(500, Activation.Sigmoid, Name = "fc3")]
[Dense(10, Activation.Softmax, Name = "out")]
public partial class DeepSigmoidNetwork;

/// <summary>An RBM over the pixels, for the features-plus-softmax classifier (persistent CD-1, as scikit-learn's BernoulliRBM).</summary>
[RestrictedBoltzmannMachine(256, Persistent = true)]
[Input(28, 28)]
public partial class PixelFeatures;

/// <summary>A softmax layer on the RBM's 256 features.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(256)]
[Dense(10, Activation.Softmax, Name = "out")]
public partial class FeatureClassifier;
