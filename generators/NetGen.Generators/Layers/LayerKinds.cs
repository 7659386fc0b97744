using System;
using System.Collections.Generic;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;

namespace NetGen.Generators.Layers;

/// <summary>
/// The layer kinds the generator knows, by attribute: the parser's one table. A kind's reading, checks and shape rule
/// live with its records in <c>Layers/&lt;Kind&gt;/</c>; its code, in its <see cref="Emit.LayerEmitter"/>, is reached
/// from <see cref="Emit.NetworkContext"/>'s one dispatch.
/// </summary>
internal static class LayerKinds
{
    /// <summary>Attribute class name → the reader that turns its arguments into the kind's spec.</summary>
    public static readonly IReadOnlyDictionary<string, Func<LayerAttribute, LayerSpec>> Readers = new Dictionary<string, Func<LayerAttribute, LayerSpec>>
    {
        ["FlattenAttribute"] = FlattenSpec.Read,
        ["ReshapeAttribute"] = ReshapeSpec.Read,
        ["DenseAttribute"] = DenseSpec.Read,
        ["DropoutAttribute"] = DropoutSpec.Read,
        ["BatchNormAttribute"] = BatchNormSpec.Read,
        ["Conv2DAttribute"] = Conv2DSpec.Read,
        ["ConvTranspose2DAttribute"] = ConvTransposeSpec.Read,
        ["MaxPool2DAttribute"] = PoolingSpec.ReadMax,
        ["AvgPool2DAttribute"] = PoolingSpec.ReadAverage,
        ["MaskingNoiseAttribute"] = NoiseSpec.ReadMasking,
        ["GaussianNoiseAttribute"] = NoiseSpec.ReadGaussian,
        ["Upsample2DAttribute"] = UpsampleSpec.Read,
        ["SimpleRnnAttribute"] = RecurrentSpec.ReadSimpleRnn,
        ["LstmAttribute"] = RecurrentSpec.ReadLstm,
        ["GruAttribute"] = RecurrentSpec.ReadGru,
    };
}
