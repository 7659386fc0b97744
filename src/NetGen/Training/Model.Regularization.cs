namespace NetGen;

// What generated networks with dropout need from the base class, and the dropout rates users may change.
public abstract partial class Model
{
    private float[]? _dropoutRates;

    /// <summary>
    /// A fresh key for one mini-batch's random choices in the forward pass — dropout masks, randomized
    /// ReLU slopes — drawn from the model's seeded generator, so the same seed makes the same choices and
    /// a resumed checkpoint continues the same sequence (a gradient check fixes it instead). Generated
    /// code calls it once per layer that needs one, per training forward pass.
    /// </summary>
    protected ulong NextRandomKey() => _fixedDropoutKey ?? _random.NextUInt64();

    /// <summary>The rate dropout layer <paramref name="index"/> uses now: as declared unless <see cref="SetDropoutRate"/> changed it.</summary>
    protected float DropoutRate(int index) => _dropoutRates is { } rates ? rates[index] : Description.DropoutLayers[index].Rate;

    /// <summary>The rate the named [Dropout] layer uses in training.</summary>
    public float GetDropoutRate(string layer) => DropoutRate(DropoutIndex(layer));

    /// <summary>
    /// Changes the named [Dropout] layer's rate, e.g. to search over it or to turn it off (0) without
    /// declaring another network. Inference never drops, whatever the rate.
    /// </summary>
    public void SetDropoutRate(string layer, float rate)
    {
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"A dropout rate must be in [0, 1); '{layer}' was given {rate}.");
        }
        int index = DropoutIndex(layer);
        _dropoutRates ??= Description.DropoutLayers.Select(dropout => dropout.Rate).ToArray();
        _dropoutRates[index] = rate;
    }

    private int DropoutIndex(string layer)
    {
        for (int i = 0; i < Description.DropoutLayers.Count; i++)
        {
            if (Description.DropoutLayers[i].Name == layer)
            {
                return i;
            }
        }
        string known = Description.DropoutLayers.Count == 0 ? "none" : string.Join(", ", Description.DropoutLayers.Select(dropout => dropout.Name));
        throw new KeyNotFoundException($"{Description.Name} has no dropout layer '{layer}'; its dropout layers: {known}.");
    }
}
