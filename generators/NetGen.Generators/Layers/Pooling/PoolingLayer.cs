using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using NetGen.Generators.Shapes;

namespace NetGen.Generators.Layers;

/// <summary><c>[MaxPool2D(size, Stride = …)]</c> or <c>[AvgPool2D(size, Stride = …)]</c>.</summary>
/// <param name="Stride">As written; 0 means the window's size.</param>
public sealed record PoolingSpec(bool IsMax, int Size, int Stride, string? Name, LocationInfo? Location) : LayerSpec(Name, Location)
{
    public override string Kind => IsMax ? "MaxPool2D" : "AvgPool2D";

    public override string NameStem => IsMax ? "maxpool" : "avgpool";

    /// <summary>The stride in effect: the window's size unless written.</summary>
    public int EffectiveStride => Stride == 0 ? Size : Stride;

    internal static PoolingSpec ReadMax(LayerAttribute attribute) => Read(attribute, isMax: true);

    internal static PoolingSpec ReadAverage(LayerAttribute attribute) => Read(attribute, isMax: false);

    private static PoolingSpec Read(LayerAttribute attribute, bool isMax) =>
        new(isMax, attribute.Int(0), attribute.Named("Stride") is int stride ? stride : 0, attribute.Name, attribute.Location);

    /// <summary>[C, H, W] → [C, H_o, W_o]: each channel's windows, no padding, as PyTorch's <c>ceil_mode=False</c>.</summary>
    internal override PlannedLayer? Plan(PlanningContext context)
    {
        string name = context.Name;
        EquatableArray<int> shape = context.Shape;
        if (Size <= 0 || Stride < 0)
        {
            context.Report(DiagnosticDescriptors.NonPositiveSize, Location, $"{Kind} '{name}'", Size <= 0 ? "the window size" : "Stride", Size <= 0 ? Size : Stride);
            return null;
        }
        if (!Windows.RequireImage(Kind, name, shape, Location, context.Diagnostics))
        {
            return null;
        }
        int stride = EffectiveStride;
        var rows = new Windows.Axis("row", shape[1], 0, Size, stride);
        var columns = new Windows.Axis("column", shape[2], 0, Size, stride);
        if (!Windows.CheckWindows(Kind, name, $"{Size}×{Size}, stride {stride}", shape, rows, columns, "window, or pool less before it", Location, context.Diagnostics))
        {
            return null;
        }
        return new PlannedPooling(name, context.MemberName, shape, new[] { shape[0], rows.Outputs, columns.Outputs }.ToEquatableArray(), IsMax, Size, stride);
    }
}

/// <summary>Max or average pooling of each channel [C, H, W] → [C, H_o, W_o] by square windows, no padding.</summary>
public sealed record PlannedPooling(string Name, string MemberName, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, bool IsMax, int Window, int Stride)
    : PlannedLayer(Name, MemberName, InputShape, OutputShape)
{
    public override string Kind => IsMax ? "MaxPool2D" : "AvgPool2D";
}
