using NetGen.IO;

namespace NetGen.Tool.Import.Importers;

/// <summary><c>[BatchNorm(Momentum = …, Epsilon = …)]</c>: weight (γ), bias (β), running_mean, running_var, each [features].</summary>
internal sealed class ImportedBatchNorm(int features) : ImportedLayer
{
    public override string Kind => "BatchNorm";

    public override string NameStem => "batchnorm";

    public int Features { get; } = features;

    public float[] Gamma { get; set; } = [];

    public float[] Beta { get; set; } = [];

    public float[] Mean { get; set; } = [];

    public float[] Variance { get; set; } = [];

    public float Epsilon { get; set; } = 1e-5f;

    /// <summary>PyTorch's momentum (ONNX's is 1 − it), rounded to 6 digits: it only matters to training.</summary>
    public double Momentum { get; set; } = 0.1;

    protected override IEnumerable<string> Arguments() => [];

    protected override IEnumerable<(string, string)> Options()
    {
        if (Math.Abs(Momentum - 0.1) > 1e-9)
        {
            yield return ("Momentum", Momentum.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (Epsilon != 1e-5f)
        {
            yield return ("Epsilon", Real(Epsilon));
        }
    }

    public override IEnumerable<SafeTensor> Tensors() =>
    [
        Tensor(".weight", [Features], Gamma), Tensor(".bias", [Features], Beta),
        Tensor(".running_mean", [Features], Mean), Tensor(".running_var", [Features], Variance),
    ];
}

/// <summary><c>BatchNormalization</c> in inference mode, per feature of a vector or per channel of an image.</summary>
internal sealed class BatchNormImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.Next("BatchNormalization") is not { } node || node.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(node);
        if (context.IsSequence || context.Shape.Length is not (1 or 3))
        {
            context.Problem(node, $"BatchNormalization on samples of shape {ImportContext.Format(context.Shape)}; NetGen's BatchNorm takes vectors or [channels, height, width]");
            return context.Stop();
        }
        if (node.Int("training_mode", 0) != 0 || Enumerable.Range(1, 2).Any(i => node.Output(i) is { } statistic && context.ConsumersOf(statistic).Count > 0))
        {
            context.Problem(node, "BatchNormalization in training mode; export the model in eval mode");
            return context.Stop();
        }
        int features = context.Shape[0];
        OnnxConstant?[] tensors = [.. new[] { "scale", "bias", "mean", "variance" }.Select((role, i) => context.FloatConstant(node, i + 1, role))];
        if (tensors.Any(tensor => tensor is null))
        {
            return context.Stop();
        }
        if (tensors.FirstOrDefault(tensor => tensor!.Count != features) is { } wrong)
        {
            context.Problem(node, $"'{wrong.Name}' {ImportContext.Format(wrong.Shape)} for {features} features");
            return context.Stop();
        }
        var layer = new ImportedBatchNorm(features)
        {
            Gamma = tensors[0]!.Floats!, Beta = tensors[1]!.Floats!, Mean = tensors[2]!.Floats!, Variance = tensors[3]!.Floats!,
            Epsilon = node.Float("epsilon", 1e-5f),
            Momentum = Math.Round(1 - (double)node.Float("momentum", 0.9f), 6),
            SourceName = tensors.Select(tensor => LayerNames.FromTensor(tensor!.Name)).FirstOrDefault(name => name is not null) ?? node.Scope(),
        };
        context.Layers.Add(layer);
        context.Advance(node.Output(0)!, context.Shape);
        return true;
    }
}
