using NetGen;

// Networks with the rectifiers that run as passes of their own, for gradient checks.

namespace NetGen.Tests.Networks;

/// <summary>Parametric ReLU (learned slopes) hidden, with batch norm and dropout on it, and as the regression output.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(6)]
[Dense(11, Activation.PReLU, Name = "fc1")]
[BatchNorm(Name = "bn1")]
[Dropout(0.25, Name = "drop1")]
[Dense(7, Activation.BipolarReLU, Name = "fc2")]
[Dense(3, Activation.PReLU, Name = "fc3")]
public partial class ParametricRectifierRegressor;

/// <summary>Randomized leaky ReLU, whose slopes the check's fixed key holds still.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(5)]
[Dense(9, Activation.RReLU)]
[Dense(3, Activation.Softmax)]
public partial class RandomizedRectifierClassifier;
