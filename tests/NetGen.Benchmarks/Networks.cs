using NetGen;

namespace NetGen.Benchmarks;

// The reference workloads' networks, exactly as ../shared/bench/torch_reference.py builds them.

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(500, Activation.Sigmoid, Name = "fc1")]
[Dense(500, Activation.Sigmoid, Name = "fc2")]
[Dense(10, Activation.Softmax, Name = "fc3")]
public partial class SigmoidMlp;

[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "fc1")]
[Dense(10, Activation.Softmax, Name = "fc2")]
public partial class SmallReluMlp;

// torch_reference.py's CNN: conv 5×5×32 → ReLU → max-pool 2 → conv 5×5×64 → ReLU → max-pool 2 → 1024-128-10.
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(32, 5, Activation.ReLU, Name = "c1")]
[MaxPool2D(2)]
[Conv2D(64, 5, Activation.ReLU, Name = "c2")]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation.ReLU, Name = "f1")]
[Dense(10, Activation.Softmax, Name = "f2")]
public partial class ReferenceCnn;

// Hinton & Salakhutdinov's 784-1000-500-250-30 autoencoder with its mirrored decoder, as pytorch_reference.py's
// autoencoder section builds it: logistic units, a linear code, logistic outputs, binary cross-entropy per pixel.
[Network(Loss = Loss.CrossEntropy)]
[Autoencoder("code")]
[Input(784)]
[Dense(1000, Activation.Sigmoid, Name = "enc1")]
[Dense(500, Activation.Sigmoid, Name = "enc2")]
[Dense(250, Activation.Sigmoid, Name = "enc3")]
[Dense(30, Name = "code")]
[Dense(250, Activation.Sigmoid, Name = "dec1")]
[Dense(500, Activation.Sigmoid, Name = "dec2")]
[Dense(1000, Activation.Sigmoid, Name = "dec3")]
[Dense(784, Activation.Sigmoid, Name = "out")]
public partial class ReferenceAutoencoder;

// compare's rbm row: scikit-learn's BernoulliRBM set-up (sklearn_rbm.py), 256 hidden units, persistent CD-1.
[RestrictedBoltzmannMachine(256, Persistent = true)]
[Input(784)]
public partial class ReferenceRbm;

// A softmax layer on the RBM's features, against scikit-learn's LogisticRegression on its own.
[Network(Loss = Loss.CrossEntropy)]
[Input(256)]
[Dense(10, Activation.Softmax)]
public partial class ReferenceRbmClassifier;

// compare's lstm row: Fashion-MNIST read row by row (28 steps of 28 pixels), samples/SequenceClassifier's network,
// and pytorch_reference.py's nn.LSTM(28, 128, batch_first=True) + nn.Linear(128, 10) under the same names.
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28, Sequence = true)]
[Lstm(128, Name = "lstm")]
[Dense(10, Activation.Softmax, Name = "fc")]
public partial class ReferenceRowLstm;

// compare's lstm_step rows: one LSTM layer on one feature per step (an audio sample, a sensor reading) and a linear
// read-out of its h [H] (a network must end in a learned layer, and a forecaster has one: samples/Streaming), stepped one
// sample at a time with the generated Step; PyTorch's twin is nn.LSTMCell(1, H) then nn.Linear(H, 1) at batch 1. The
// read-out is H multiply-adds against the cell's 4H·(H + 1).
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 1, Sequence = true)]
[Lstm(16)]
[Dense(1)]
public partial class StepLstm16;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 1, Sequence = true)]
[Lstm(32)]
[Dense(1)]
public partial class StepLstm32;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 1, Sequence = true)]
[Lstm(64)]
[Dense(1)]
public partial class StepLstm64;

[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 1, Sequence = true)]
[Lstm(128)]
[Dense(1)]
public partial class StepLstm128;
