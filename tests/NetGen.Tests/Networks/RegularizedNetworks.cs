using NetGen;

// Networks with batch norm and dropout, for gradient checks and learning tests.

namespace NetGen.Tests.Networks;

/// <summary>Batch norm + ReLU + dropout on both hidden layers, the fused combination the issue asks for.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(3, 7)]
[Flatten]
[Dense(19, Activation.ReLU, Name = "fc1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.3, Name = "drop1")]
[Dense(13, Activation.Tanh, Name = "fc2")]
[BatchNorm(Name = "bn2")]
[Dropout(0.2, Name = "drop2")]
[Dense(4, Activation.Softmax, Name = "fc3")]
public partial class BatchNormDropoutClassifier;

/// <summary>Batch norm alone, with an activation whose derivative needs z, and mean squared error.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(9, Activation.SiLU)]
[BatchNorm(Momentum = 0.2, Epsilon = 1e-3)]
[Dense(5, Activation.Sigmoid)]
[BatchNorm]
[Dense(2)]
public partial class BatchNormRegressor;

/// <summary>Dropout alone, on sigmoid and identity layers.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8)]
[Dense(21, Activation.Sigmoid)]
[Dropout(0.5)]
[Dense(6)]
[Dropout(0.25)]
[Dense(1, Activation.Sigmoid)]
public partial class DropoutBinaryClassifier;
