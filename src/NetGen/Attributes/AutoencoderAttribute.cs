namespace NetGen;

/// <summary>
/// Makes a <c>[Network]</c> an autoencoder: a network trained to reproduce its input at its output, through a code
/// layer (the bottleneck) named here, e.g. <c>[Autoencoder("code")]</c> beside <c>[Dense(30, Name = "code")]</c>.
/// </summary>
/// <remarks>
/// <para>
/// The generated class then has <c>Encode</c> (input → code: the layers up to and including the code layer),
/// <c>Decode</c> (code → reconstruction: the layers after it), each for one sample or a batch, and the constant
/// <c>CodeSize</c>. <c>Fit</c> and <c>Evaluate</c> take the inputs as their own targets: data with class labels
/// trains the same (the labels are ignored), and <see cref="Data.Dataset.Unlabelled"/> holds data without any.
/// Evaluation reports the reconstruction loss and the regressor's error measures, never an accuracy.
/// </para>
/// <para>
/// The output must hold as many numbers as the input (NG0037), and the named layer must exist (NG0036). Batch norm
/// or dropout declared right after the code layer runs as a pass of its own, never fused into it, so that the code
/// layer's output is the code.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AutoencoderAttribute : Attribute
{
    /// <param name="code">The name of the code layer: its <c>Name =</c>, or its default name (<c>dense3</c>).</param>
    public AutoencoderAttribute(string code) => Code = code;

    /// <summary>The name of the code layer, whose output is the code.</summary>
    public string Code { get; }
}
