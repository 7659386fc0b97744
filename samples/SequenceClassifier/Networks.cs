using NetGen;

namespace SequenceClassifier;

// A Fashion-MNIST image read as a sequence: each of its 28 rows is one time step of 28 features, top to bottom. The
// LSTM's last hidden state [128] goes to a softmax layer. The layers are named as the PyTorch module a reference would
// write (self.lstm = nn.LSTM(28, 128, batch_first=True); self.fc = nn.Linear(128, 10)), so the weights files carry
// its state_dict's keys: lstm.weight_ih_l0 [512, 28], lstm.weight_hh_l0 [512, 128], lstm.bias_ih_l0 [512],
// lstm.bias_hh_l0 [512], fc.weight [10, 128], fc.bias [10].

/// <summary>An LSTM of 128 units over the image's 28 rows, then 10 classes.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28, Sequence = true)]
[Lstm(128, Name = "lstm")]
[Dense(10, Activation.Softmax, Name = "fc")]
public partial class RowLstmNetwork;
