namespace NetGen;

/// <summary>
/// Base of the recurrent layers. Each reads one sample as a sequence <c>[steps, features]</c>, as PyTorch's
/// <c>batch_first=True</c> and Keras do, so it follows a sequence input (<c>[Input(steps, features, Sequence = true)]</c>)
/// or a recurrent layer with <see cref="ReturnSequences"/>. Its tensors are PyTorch's <c>{Name}.weight_ih_l0</c>
/// <c>[G·units, features]</c>, <c>weight_hh_l0</c> <c>[G·units, units]</c>, <c>bias_ih_l0</c> and <c>bias_hh_l0</c>
/// <c>[G·units]</c>, G the gates (1, 4 for LSTM, 3 for GRU), so a safetensors file interchanges with the PyTorch module.
/// </summary>
public abstract class RecurrentAttribute : LayerAttribute
{
    private protected RecurrentAttribute(int units) => Units = units;

    /// <summary>H: the hidden units, the numbers each step gives.</summary>
    public int Units { get; }

    /// <summary>
    /// Whether the layer gives every step's output, <c>[steps, units]</c>, for a recurrent layer stacked above it or a
    /// per-step Dense layer, rather than the last step's, <c>[units]</c> (Keras's <c>return_sequences</c>). Default false.
    /// </summary>
    public bool ReturnSequences { get; set; }

    /// <summary>How the four tensors start; PyTorch's U(−1/√units, 1/√units) for all of them unless set.</summary>
    public Initializer Initializer { get; set; } = Initializer.RecurrentUniform;
}

/// <summary>
/// Elman's recurrent layer (Keras's <c>SimpleRNN</c>, PyTorch's <c>nn.RNN</c>): h_t = f(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),
/// h_{−1} = 0. Default name <c>rnn1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SimpleRnnAttribute : RecurrentAttribute
{
    /// <param name="units">H, the hidden units.</param>
    /// <param name="activation">f; tanh as in Keras and PyTorch (whose <c>nonlinearity='relu'</c> is <see cref="Activation.ReLU"/>).</param>
    public SimpleRnnAttribute(int units, Activation activation = Activation.Tanh)
        : base(units) => Activation = activation;

    /// <summary>f, applied to each step's pre-activation.</summary>
    public Activation Activation { get; }
}

/// <summary>
/// Long short-term memory (Keras's <c>LSTM</c>, PyTorch's <c>nn.LSTM</c>), gates in PyTorch's order i, f, g, o:
/// c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t). Default name <c>lstm1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : RecurrentAttribute
{
    /// <param name="units">H, the hidden units.</param>
    public LstmAttribute(int units)
        : base(units)
    {
    }
}

/// <summary>
/// Gated recurrent unit (Keras's <c>GRU</c> with <c>reset_after=True</c>, PyTorch's <c>nn.GRU</c>), gates in PyTorch's
/// order r, z, n: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}. Default name <c>gru1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : RecurrentAttribute
{
    /// <param name="units">H, the hidden units.</param>
    public GruAttribute(int units)
        : base(units)
    {
    }
}
