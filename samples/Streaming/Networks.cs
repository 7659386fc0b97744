using NetGen;

namespace Streaming;

/// <summary>
/// A one-step-ahead forecaster: a window of <see cref="Window"/> samples of a signal, one feature per step, read by an
/// LSTM of 32 units whose last hidden state a linear unit turns into the next sample. Trained on windows with Fit; run
/// on a stream with the generated <c>Step</c>, which carries h and c [32] from one sample to the next. Named as
/// PyTorch's nn.LSTM(1, 32, batch_first=True) and nn.Linear(32, 1) would be: lstm.weight_ih_l0 [128, 1], …, fc.weight [1, 32].
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(Forecaster.Window, 1, Sequence = true)]
[Lstm(32, Name = "lstm")]
[Dense(1, Name = "fc")]
public partial class Forecaster
{
    /// <summary>Samples per training window: longer than the signal's slowest period (40), so a window sees a whole cycle.</summary>
    public const int Window = 48;
}
