using System.Globalization;
using NetGen.IO;

namespace NetGen.Tool.Import;

/// <summary>
/// One NetGen layer recognised in the graph: its attribute's text and its tensors under NetGen's (PyTorch's) names.
/// The importer fills it while walking the graph; <see cref="DeclarationWriter"/> names and renders it.
/// </summary>
internal abstract class ImportedLayer
{
    /// <summary>The attribute's name without the suffix: <c>Dense</c>, <c>Conv2D</c>, …</summary>
    public abstract string Kind { get; }

    /// <summary>The default name's stem, as the generator numbers them: <c>dense</c> gives dense1, dense2, ….</summary>
    public abstract string NameStem { get; }

    /// <summary>The name the source gave the layer (a PyTorch module path, or an exported NetGen layer's name), or null.</summary>
    public string? SourceName { get; set; }

    /// <summary>The layer's name in the declaration, set when the declaration is written.</summary>
    public string Name { get; set; } = "";

    /// <summary>Whether the declaration spells the name out (<c>Name = "…"</c>): only where it differs from the default.</summary>
    public bool WritesName { get; set; }

    /// <summary>The constructor arguments, as C# source.</summary>
    protected abstract IEnumerable<string> Arguments();

    /// <summary>The named options that differ from their defaults, as (property, C# source).</summary>
    protected virtual IEnumerable<(string Property, string Value)> Options() => [];

    /// <summary>The tensors saved for this layer, under <see cref="Name"/>.</summary>
    public virtual IEnumerable<SafeTensor> Tensors() => [];

    /// <summary>The attribute as written in the declaration, e.g. <c>[Dense(16, Activation.ReLU, Name = "fc1")]</c>.</summary>
    public string Render()
    {
        var parts = new List<string>(Arguments());
        parts.AddRange(Options().Select(option => $"{option.Property} = {option.Value}"));
        if (WritesName)
        {
            parts.Add($"Name = \"{Name}\"");
        }
        return parts.Count == 0 ? $"[{Kind}]" : $"[{Kind}({string.Join(", ", parts)})]";
    }

    protected static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float's shortest round-trip text as a C# double literal (NetGen rounds such options to float once).</summary>
    public static string Real(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    protected SafeTensor Tensor(string suffix, int[] shape, float[] values) => SafeTensor.FromSingles(Name + suffix, shape, values);
}

/// <summary>A layer with weights and an activation folded into it: Dense, Conv2D, ConvTranspose2D.</summary>
internal abstract class WeightedLayer : ImportedLayer
{
    public Activation Activation { get; set; } = Activation.Identity;

    /// <summary>The activation's parameter where the graph gives one (LeakyReLU's slope, ELU's α), else null.</summary>
    public float? Alpha { get; set; }

    /// <summary>[units], or null where the graph has no bias (zeros are saved unless batch norm takes its place).</summary>
    public float[]? Bias { get; set; }

    /// <summary>The output units or channels: the bias's length.</summary>
    public abstract int Units { get; }

    /// <summary>Whether the activation node came after a BatchNormalization that followed this layer (z → BN → f).</summary>
    public bool ActivationAfterBatchNorm { get; set; }

    /// <summary>Whether a [BatchNorm] right after this layer is fused into it, so that NetGen stores no bias for it.</summary>
    public bool BatchNormFused { get; set; }

    /// <summary>The activation as a constructor argument, or nothing for the identity.</summary>
    protected IEnumerable<string> ActivationArgument() =>
        Activation == Activation.Identity ? [] : [$"Activation.{Activation}"];

    /// <summary><c>Alpha = …</c> where it differs from the activation's default.</summary>
    protected IEnumerable<(string, string)> AlphaOption()
    {
        if (Alpha is { } alpha && Activations.DefaultAlpha(Activation) is { } fallback && alpha != fallback)
        {
            yield return ("Alpha", Real(alpha));
        }
    }

    /// <summary>The bias as NetGen stores it: none when fused batch norm's β takes its place, zeros when the graph had none.</summary>
    protected IEnumerable<SafeTensor> BiasTensor()
    {
        if (!BatchNormFused)
        {
            yield return Tensor(".bias", [Units], Bias ?? new float[Units]);
        }
    }
}
