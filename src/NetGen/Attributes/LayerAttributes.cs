namespace NetGen;

/// <summary>
/// Marks a <c>partial class</c> as a network: the NetGen generator reads the layer attributes
/// on it, in the order they are written, and emits the forward and backward passes.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The training loss. Defaults to cross-entropy, the classifier's loss.</summary>
    public Loss Loss { get; set; } = Loss.CrossEntropy;
}

/// <summary>
/// The shape of one sample: 1 to 3 positive dimensions, e.g. <c>[Input(28, 28)]</c>; a sequence for recurrent layers is
/// <c>[Input(steps, features, Sequence = true)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    public InputAttribute(params int[] dimensions) => Dimensions = dimensions;

    /// <summary>The sample's dimensions, outermost first.</summary>
    public int[] Dimensions { get; }

    /// <summary>
    /// Whether a sample of two dimensions is a sequence <c>[steps, features]</c>, read step by step by recurrent layers
    /// (<see cref="LstmAttribute"/>, <see cref="GruAttribute"/>, <see cref="SimpleRnnAttribute"/>), rather than an
    /// image. Default false.
    /// </summary>
    public bool Sequence { get; set; }
}

/// <summary>Base of the attributes that add a layer; layers run in the order they are written.</summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: it names the parameter tensors (<c>{Name}.weight</c>, <c>{Name}.bias</c>, as in
    /// PyTorch) and the generated members. Defaults to the kind and its position among layers of that kind:
    /// <c>dense1</c>, <c>conv1</c>, <c>deconv1</c>, <c>maxpool1</c>, <c>avgpool1</c>, <c>upsample1</c>, <c>flatten1</c>,
    /// <c>reshape1</c>, <c>batchnorm1</c>, <c>dropout1</c>, <c>maskingnoise1</c>, <c>gaussiannoise1</c>, <c>rnn1</c>,
    /// <c>lstm1</c>, <c>gru1</c>.
    /// </summary>
    public string? Name { get; set; }
}

/// <summary>Reshapes a sample into one flat vector; no data moves, since samples are contiguous.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>
/// Gives a sample another shape with the same numbers in the same order, as PyTorch's <c>view</c> /
/// <c>unflatten</c>: e.g. a Dense layer's 1568 outputs as <c>[Reshape(32, 7, 7)]</c>, 32 channels of 7×7, for the
/// convolutions of a decoder. No data moves, since samples are contiguous.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReshapeAttribute : LayerAttribute
{
    /// <param name="shape">One sample's new dimensions, outermost first; their product must be the sample's size.</param>
    public ReshapeAttribute(params int[] shape) => Shape = shape;

    /// <summary>One sample's new dimensions, outermost first.</summary>
    public int[] Shape { get; }
}

/// <summary>
/// A fully connected layer: a = f(x·Wᵀ + b) with <c>weight [units, inputs]</c> and <c>bias [units]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    public DenseAttribute(int units, Activation activation = Activation.Identity)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Number of output units.</summary>
    public int Units { get; }

    /// <summary>The non-linearity applied to the pre-activation.</summary>
    public Activation Activation { get; }

    /// <summary>
    /// The activation's parameter: the slope below zero for <see cref="Activation.LeakyReLU"/> (0 ≤ α &lt; 1,
    /// default 0.01), α for <see cref="Activation.ELU"/>, <see cref="Activation.ISRU"/> and
    /// <see cref="Activation.ISRLU"/> (α &gt; 0, default 1). Other activations take none, and setting it
    /// for them is an error, as is a value out of range.
    /// </summary>
    /// <remarks>
    /// Not set, it reads NaN and the activation's default applies. The generator tells a value written
    /// in the attribute from the default by its presence, so <c>Alpha = double.NaN</c> is reported as out
    /// of range, not taken as unset. A double, so that <c>Alpha = 0.2</c> needs no suffix; the kernels
    /// compute in float, and the value is rounded to float once, at build time.
    /// </remarks>
    public double Alpha { get; set; } = double.NaN;

    /// <summary>How the layer's weights start: <see cref="NetGen.Initializer.GlorotUniform"/> unless set.</summary>
    public Initializer Initializer { get; set; } = Initializer.GlorotUniform;

    /// <summary>
    /// Ties this layer's weight to an earlier Dense layer's: W = Wₑᵀ, the transpose of that layer's <c>weight [units,
    /// inputs]</c>, with a bias of its own. The tied autoencoder's decoder: one tensor is stored, trained and saved
    /// (this layer has only <c>{Name}.bias</c>), and its gradient is the sum of both uses. Its units must be the
    /// earlier layer's inputs, and its inputs that layer's units. Null, the default, gives the layer its own weight.
    /// </summary>
    public string? TiedTo { get; set; }

    /// <summary>
    /// Applies the layer to every step of a sequence [steps, features] on its own, with one weight for all steps (Keras's
    /// <c>TimeDistributed(Dense)</c>, PyTorch's <c>nn.Linear</c> on a [B, T, F] tensor): it gives [steps, units], a
    /// sequence, for sequence-to-sequence outputs (per-step regression, tagging) or a recurrent layer above. On a
    /// vector it changes nothing. False, the default, takes one vector per sample, and a whole sequence is an error.
    /// </summary>
    public bool PerStep { get; set; }
}
