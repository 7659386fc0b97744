using System.Globalization;
using System.Text;

namespace NetGen.Training;

/// <summary>The layer table Keras's <c>model.summary()</c> prints: each layer's kind, shapes and parameters, then the totals.</summary>
internal static class ModelSummary
{
    public static string Format(ModelDescription description)
    {
        var rows = new List<string[]> { new[] { "#", "layer", "kind", "input", "output", "parameters", "" } };
        for (int i = 0; i < description.Layers.Count; i++)
        {
            LayerSummary layer = description.Layers[i];
            rows.Add([
                (i + 1).ToString(CultureInfo.InvariantCulture), layer.Name, layer.Kind, Shape(layer.InputShape), Shape(layer.OutputShape),
                layer.ParameterCount.ToString("N0", CultureInfo.InvariantCulture), layer.Notes,
            ]);
        }
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        string loss = description.Loss == Loss.CrossEntropy ? "cross-entropy" : "mean squared error";
        text.Append(CultureInfo.InvariantCulture, $"{description.Name}: input {Shape(description.InputShape)}, {description.OutputSize} outputs, {loss} loss").AppendLine();
        foreach (string[] row in rows)
        {
            // Parameter counts align right, as numbers do; the rest align left.
            text.AppendLine(string.Join("  ", row.Select((cell, column) => column == 5 ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]))).TrimEnd());
        }
        int trainable = description.Tensors
            .Where(tensor => tensor.Role is not (ParameterRole.RunningMean or ParameterRole.RunningVariance))
            .Sum(tensor => tensor.Length);
        text.Append(CultureInfo.InvariantCulture, $"Parameters: {description.ParameterCount:N0} ({trainable:N0} trainable, {description.ParameterCount - trainable:N0} running statistics)");
        return text.ToString();
    }

    private static string Shape(int[] shape) => string.Join("×", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)));
}
