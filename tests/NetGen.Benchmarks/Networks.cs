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
