using NetGen;

// Recurrent networks for the gradient checks through time: each cell alone, stacked with a whole sequence passed up,
// through dropout, flattened, and SimpleRnn under an activation whose f' needs z. All smooth, so central differences
// never straddle a kink.

namespace NetGen.Tests.Networks;

/// <summary>An LSTM's last step read by a softmax classifier: the LSTM reads the input and sends no δ down.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(5, 3, Sequence = true)]
[Lstm(6)]
[Dense(3, Activation.Softmax)]
public partial class LstmClassifier;

/// <summary>Two GRUs stacked: the first's whole sequence goes up, and δ comes back down through the second's W_ih.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4, 3, Sequence = true)]
[Gru(5, ReturnSequences = true)]
[Gru(4)]
[Dense(2, Activation.Tanh)]
public partial class StackedGruRegressor;

/// <summary>SimpleRnn (tanh) over a sequence, then a dropout pass and an LSTM above it, and a flattened whole sequence.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4, 2, Sequence = true)]
[SimpleRnn(5, ReturnSequences = true)]
[Dropout(0.0)]
[Lstm(3, ReturnSequences = true)]
[Flatten]
[Dense(2, Activation.Sigmoid)]
public partial class RnnLstmSequenceRegressor;

/// <summary>A Dense layer below nothing: SimpleRnn with SiLU, whose f' needs z, on a sequence, then a GRU reading its sequence.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(3, 4, Sequence = true)]
[SimpleRnn(4, Activation.SiLU, ReturnSequences = true)]
[Gru(3)]
[Dense(2, Activation.Softmax)]
public partial class SiluRnnGruClassifier;

/// <summary>An LSTM that must remember its first input over 8 steps of noise to classify the sequence.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8, 1, Sequence = true)]
[Lstm(8)]
[Dense(2, Activation.Softmax)]
public partial class FirstSignLstm;

/// <summary>The same task for a GRU.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8, 1, Sequence = true)]
[Gru(8)]
[Dense(2, Activation.Softmax)]
public partial class FirstSignGru;

/// <summary>The networks of <c>RecurrentTorchParityTests</c>: one per PyTorch module, each read by a Dense layer.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5, 3, Sequence = true)]
[Lstm(4, Name = "rnn")]
[Dense(2, Name = "fc")]
public partial class TorchLstmRegressor;

/// <inheritdoc cref="TorchLstmRegressor"/>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5, 3, Sequence = true)]
[Gru(4, Name = "rnn")]
[Dense(2, Name = "fc")]
public partial class TorchGruRegressor;

/// <inheritdoc cref="TorchLstmRegressor"/>
[Network(Loss = Loss.MeanSquaredError)]
[Input(5, 3, Sequence = true)]
[SimpleRnn(4, Name = "rnn")]
[Dense(2, Name = "fc")]
public partial class TorchRnnRegressor;

/// <summary>A per-step Dense on a GRU's whole sequence: a sequence-to-sequence regression, [4, 2] out per sample.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(4, 3, Sequence = true)]
[Gru(5, ReturnSequences = true)]
[Dense(2, Activation.Tanh, PerStep = true)]
public partial class PerStepGruRegressor;

/// <summary>
/// Two per-step Dense layers stacked on an LSTM's sequence, the lower under SiLU (its f' needs z), the upper a sigmoid per
/// output (binary cross-entropy over every step's every unit): a multi-label tagger.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(5, 2, Sequence = true)]
[Lstm(4, ReturnSequences = true)]
[Dense(3, Activation.SiLU, PerStep = true)]
[Dense(2, Activation.Sigmoid, PerStep = true)]
public partial class PerStepLstmTagger;

/// <summary>A per-step Dense under an LSTM: features per step, and the LSTM's δ sent down through W_ih into it.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(5, 2, Sequence = true)]
[Dense(4, Activation.Tanh, PerStep = true)]
[Lstm(3)]
[Dense(2, Activation.Softmax)]
public partial class PerStepFeaturesLstm;
