using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>6 binary visible units × 4 hidden: small enough to enumerate all 2¹⁰ joint states.</summary>
[RestrictedBoltzmannMachine(4)]
[Input(6)]
public partial class TinyBoltzmannMachine;

/// <summary>The same machine trained by persistent CD-3.</summary>
[RestrictedBoltzmannMachine(4, GibbsSteps = 3, Persistent = true)]
[Input(6)]
public partial class TinyPersistentBoltzmannMachine;

/// <summary>Gaussian visible units, for real-valued inputs.</summary>
[RestrictedBoltzmannMachine(3, VisibleUnits = VisibleUnits.Gaussian)]
[Input(2, 2)]
public partial class GaussianBoltzmannMachine;

/// <summary>The course's deep sigmoid network in miniature: two hidden layers to pre-train, a softmax to fine-tune.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(12)]
[Dense(8, Activation.Sigmoid, Name = "fc1")]
[Dropout(0.1)]
[Dense(6, Activation.Sigmoid, Name = "fc2")]
[Dense(3, Activation.Softmax, Name = "out")]
public partial class PretrainableClassifier;
