using System.Collections.Generic;
using System.Linq;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>The plan and every layer's emitter, built once per network; what a layer's emitter needs to know of the others.</summary>
internal sealed class NetworkContext
{
    public NetworkContext(NetworkPlan plan)
    {
        Plan = plan;
        Layers = plan.Layers.Select(layer => EmitterFor(layer)).ToArray();
        Stages = Layers.Where(layer => layer.IsStage).ToArray();
        Dropouts = Layers.SelectMany(layer => layer.Dropouts).ToArray();
    }

    public NetworkPlan Plan { get; }

    /// <summary>Every layer's emitter, in the order declared.</summary>
    public IReadOnlyList<LayerEmitter> Layers { get; }

    /// <summary>The layers that own buffers and run a pass, in order.</summary>
    public IReadOnlyList<LayerEmitter> Stages { get; }

    /// <summary>Every dropout, in layer order: the runtime's <c>DropoutLayers</c>, indexed by <c>DropoutRate(i)</c>.</summary>
    public IReadOnlyList<PlannedDropout> Dropouts { get; }

    public LayerEmitter Output => Stages[Stages.Count - 1];

    /// <summary>Whether the network behaves differently in training and inference.</summary>
    public bool HasModes => Layers.Any(layer => layer.HasModes);

    /// <summary>The rate in effect (declared, unless changed with SetDropoutRate), with the declared one as a comment.</summary>
    public string DropoutRateCall(PlannedDropout dropout)
    {
        int index = 0;
        while (!Equals(Dropouts[index], dropout))
        {
            index++;
        }
        return $"base.DropoutRate({index}) /* {dropout.Name}, declared p = {Literals.Number(dropout.Rate)} */";
    }

    /// <summary>The one place that maps a planned layer to its kind's code.</summary>
    private LayerEmitter EmitterFor(PlannedLayer layer) => layer switch
    {
        PlannedDense dense => new DenseEmitter(this, dense),
        PlannedConvolution convolution => new Conv2DEmitter(this, convolution),
        PlannedConvTranspose deconv => new ConvTranspose2DEmitter(this, deconv),
        PlannedPooling pooling => new PoolingEmitter(this, pooling),
        PlannedUpsample upsample => new UpsampleEmitter(this, upsample),
        PlannedFlatten flatten => new FlattenEmitter(this, flatten),
        PlannedReshape reshape => new ReshapeEmitter(this, reshape),
        PlannedBatchNormLayer batchNorm => new BatchNormEmitter(this, batchNorm),
        PlannedDropoutLayer dropout => new DropoutEmitter(this, dropout),
        PlannedNoise noise => new NoiseEmitter(this, noise),
        PlannedRecurrent recurrent => new RecurrentEmitter(this, recurrent),
        _ => throw new System.ArgumentOutOfRangeException(nameof(layer), layer.Kind, "A planned layer kind with no emitter."),
    };
}
