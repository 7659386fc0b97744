namespace NetGen;

// What generated networks with dropout need from the base class.
public abstract partial class Model
{
    /// <summary>
    /// A fresh key for one mini-batch's dropout masks, drawn from the model's seeded generator, so
    /// the same seed drops the same units and a resumed checkpoint continues the same sequence
    /// (a gradient check fixes it instead). Generated code calls it once per training forward pass of
    /// a network with dropout.
    /// </summary>
    protected ulong NextDropoutKey() => _fixedDropoutKey ?? _random.NextUInt64();
}
