namespace NetGen;

/// <summary>
/// Declares a restricted Boltzmann machine: the class's <c>[Input(…)]</c> gives its visible units (V numbers per
/// sample, of any shape), <c>hidden</c> its hidden units. The generator makes the class a
/// <see cref="BoltzmannMachine"/> with <c>weight [hidden, V]</c>, <c>hidden_bias [hidden]</c> and
/// <c>visible_bias [V]</c>, trained by contrastive divergence through <c>Fit</c>. The class takes no layer attributes.
/// </summary>
/// <example>
/// <code>
/// [RestrictedBoltzmannMachine(500)]
/// [Input(28, 28)]
/// public partial class DigitFeatures;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RestrictedBoltzmannMachineAttribute : Attribute
{
    /// <param name="hidden">The hidden units, ≥ 1.</param>
    public RestrictedBoltzmannMachineAttribute(int hidden) => Hidden = hidden;

    /// <summary>The hidden units.</summary>
    public int Hidden { get; }

    /// <summary>Binary visible units (the default; inputs in [0, 1]) or Gaussian ones of unit variance.</summary>
    public VisibleUnits VisibleUnits { get; set; } = VisibleUnits.Binary;

    /// <summary>k of CD-k: the Gibbs steps of each update's negative phase, ≥ 1. 1 unless set, Hinton's usual choice.</summary>
    public int GibbsSteps { get; set; } = 1;

    /// <summary>Persistent contrastive divergence (Tieleman, 2008): the negative chain carries on across updates.</summary>
    public bool Persistent { get; set; }
}
