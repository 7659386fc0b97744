namespace NetGen.Tool.Import.Importers;

/// <summary><c>[Upsample2D(scale)]</c>.</summary>
internal sealed class ImportedUpsample(int scale) : ImportedLayer
{
    public override string Kind => "Upsample2D";

    public override string NameStem => "upsample";

    protected override IEnumerable<string> Arguments() => [Int(scale)];
}

/// <summary>
/// <c>Resize</c>, nearest, by one integer scale along height and width (PyTorch's <c>nn.Upsample(scale_factor=s)</c>):
/// with asymmetric coordinates and floor rounding, or half-pixel ones, each input is repeated over an s × s block.
/// </summary>
internal sealed class ResizeImporter : INodeImporter
{
    public bool TryImport(ImportContext context)
    {
        if (context.Next("Resize") is not { } node || node.Input(0) != context.Current)
        {
            return false;
        }
        context.Consume(node);
        if (context.Shape is not [int channels, int height, int width])
        {
            context.Problem(node, $"Resize of samples of shape {ImportContext.Format(context.Shape)}; Upsample2D takes [channels, height, width]");
            return context.Stop();
        }
        string mode = node.String("mode") ?? "nearest";
        string coordinates = node.String("coordinate_transformation_mode") ?? "half_pixel";
        string rounding = node.String("nearest_mode") ?? "round_prefer_floor";
        float[]? scales = context.Graph.Constant(node.Input(2))?.Floats;
        if (scales is null or { Length: 0 } && context.Graph.Constant(node.Input(3))?.Longs is [_, _, long h, long w])
        {
            scales = [1, 1, (float)h / height, (float)w / width];
        }
        bool repeats = coordinates is "half_pixel" or "pytorch_half_pixel" || (coordinates == "asymmetric" && rounding == "floor");
        if (mode != "nearest" || !repeats || scales is not [1f, 1f, float sh, float sw] || sh != sw || sh < 1 || sh != MathF.Floor(sh))
        {
            context.Problem(node, $"Resize mode {mode}, coordinates {coordinates}, rounding {rounding}, scales [{string.Join(", ", scales ?? [])}]; NetGen's Upsample2D repeats each pixel by one integer scale along height and width (nearest)");
            return context.Stop();
        }
        int scale = (int)sh;
        context.Layers.Add(new ImportedUpsample(scale));
        context.Advance(node.Output(0)!, [channels, height * scale, width * scale]);
        return true;
    }
}
