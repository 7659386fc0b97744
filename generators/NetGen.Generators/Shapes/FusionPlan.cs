using System.Linq;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;

namespace NetGen.Generators.Shapes;

/// <summary>
/// Where each [BatchNorm] and [Dropout] runs, decided before any shape is inferred: fused into the epilogue of the
/// Dense or Conv2D right above it where that layer can take it, otherwise as a pass of its own. Fusion is an
/// optimisation, never a restriction: every placement runs one way or the other.
/// </summary>
/// <remarks>
/// A host takes a [BatchNorm] right under it and a [Dropout] right under that (or under the host), as PyTorch's
/// Linear(bias=False) + BatchNorm1d, activation, Dropout. A Dense host's regularizers are taken back by the pass
/// that forms its δ, which only a Dense layer above has (<c>Dense.InputDeltaRegularized</c>); so a Dense host fuses
/// only where the next layer that computes is a Dense. A convolution takes its own back in a pass of its own, so it
/// fuses whatever is above. The output layer fuses nothing: a regularizer after it is an error (NG0027). Nothing
/// fuses across an autoencoder's code layer: a regularizer above it runs as a pass of its own, so that the code
/// layer's buffer holds the code, what <c>Encode</c> returns and <c>Decode</c> starts from.
/// </remarks>
internal sealed class FusionPlan
{
    private readonly int[] _hosts;
    private readonly (int BatchNorm, int Dropout)[] _fused;

    private FusionPlan(int[] hosts, (int, int)[] fused)
    {
        _hosts = hosts;
        _fused = fused;
    }

    /// <summary>The layer that layer <paramref name="index"/> is fused into, or −1 where it runs on its own (or is not a regularizer).</summary>
    public int HostOf(int index) => _hosts[index];

    /// <summary>The [BatchNorm] and [Dropout] fused into layer <paramref name="host"/>, or −1 for none.</summary>
    public (int BatchNorm, int Dropout) FusedInto(int host) => _fused[host];

    /// <param name="layers">The layers as declared.</param>
    /// <param name="outputIndex">The output layer.</param>
    /// <param name="code">An autoencoder's code layer, or −1.</param>
    public static FusionPlan For(EquatableArray<LayerSpec> layers, int outputIndex, int code = -1)
    {
        int count = layers.Count;
        int[] hosts = Enumerable.Repeat(-1, count).ToArray();
        (int, int)[] fused = Enumerable.Repeat((-1, -1), count).ToArray();
        for (int host = 0; host < count; host++)
        {
            // A per-step Dense fuses nothing: batch norm on a sequence normalises per step, not per unit over B·T rows.
            if (layers[host] is not (DenseSpec { PerStep: false } or Conv2DSpec) || host == outputIndex)
            {
                continue;
            }
            // A layer above the code layer stays out of a host at or below it (host ≤ code < next).
            int end = code >= host ? code + 1 : count;
            int next = host + 1;
            int batchNorm = next < end && layers[next] is BatchNormSpec ? next++ : -1;
            int dropout = next < end && layers[next] is DropoutSpec ? next++ : -1;
            if (layers[host] is DenseSpec && NextComputingLayer(layers, next) is not DenseSpec)
            {
                continue;
            }
            fused[host] = (batchNorm, dropout);
            if (batchNorm >= 0)
            {
                hosts[batchNorm] = host;
            }
            if (dropout >= 0)
            {
                hosts[dropout] = host;
            }
        }
        return new FusionPlan(hosts, fused);
    }

    /// <summary>The first layer from <paramref name="index"/> on that is not a Flatten or Reshape (views), or null.</summary>
    private static LayerSpec? NextComputingLayer(EquatableArray<LayerSpec> layers, int index)
    {
        while (index < layers.Count && layers[index] is FlattenSpec or ReshapeSpec)
        {
            index++;
        }
        return index < layers.Count ? layers[index] : null;
    }
}
