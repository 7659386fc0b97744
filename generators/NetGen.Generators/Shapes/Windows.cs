using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Shapes;

/// <summary>The sliding-window arithmetic and its diagnostics, shared by convolution and pooling.</summary>
internal static class Windows
{
    /// <summary>Convolution, pooling and upsampling read [C, H, W]; anything else is reported with a way to get there.</summary>
    public static bool RequireImage(string kind, string name, EquatableArray<int> shape, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (shape.Count == 3)
        {
            return true;
        }
        string hint = shape.Count == 2
            ? $"; for one-channel images write [Input(1, {shape[0]}, {shape[1]})]"
            : $", a flat vector: convolution and pooling go before [Flatten] and the Dense layers, or after a [Reshape(channels, height, width)] of {ShapeInference.FormatShape(shape)} numbers";
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SpatialLayerNeedsImage, location, kind, name, ShapeInference.FormatShape(shape), hint));
        return false;
    }

    /// <summary>
    /// One axis of a sliding window: <c>Input</c> rows (or columns) plus <c>Padding</c> zeros, a window of
    /// <c>Window</c>, moved by <c>Stride</c>. There are (Input + Padding − Window) / Stride + 1 windows, and the last
    /// (Input + Padding − Window) mod Stride rows are under none of them.
    /// </summary>
    public readonly struct Axis(string name, int input, int padding, int window, int stride)
    {
        public string Name => name;

        public int Span => input + padding - window;

        public int Outputs => Span < 0 ? 0 : Span / stride + 1;

        public int Unused => Span < 0 ? 0 : Span % stride;

        /// <summary>(28 + 4 − 5) / 2 + 1, the count as the messages show it.</summary>
        public string Arithmetic => $"({input}{(padding > 0 ? $" + {padding}" : "")} − {window}) / {stride} + 1";

        public int Input => input;

        public int Window => window;

        public int Stride => stride;

        public int Covered => (Outputs - 1) * stride + window;
    }

    /// <summary>NG0029 when an axis has no window (false: nothing after this layer has a shape); NG0030 when a stride leaves inputs out.</summary>
    public static bool CheckWindows(
        string kind, string name, string geometry, EquatableArray<int> shape, Axis rows, Axis columns, string remedy, LocationInfo? location,
        List<DiagnosticInfo> diagnostics)
    {
        foreach (Axis axis in new[] { rows, columns })
        {
            if (axis.Span < 0)
            {
                // Only unpadded axes can be too small: same padding always leaves room for one window. The input's
                // size goes along for the code fix that picks the largest window that fits.
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.WindowLargerThanInput, location, kind, name, geometry, ShapeInference.FormatShape(shape), axis.Window, axis.Name, axis.Input,
                    axis.Arithmetic, remedy).WithProperties(
                    (DiagnosticProperties.InputHeight, rows.Input.ToString(CultureInfo.InvariantCulture)),
                    (DiagnosticProperties.InputWidth, columns.Input.ToString(CultureInfo.InvariantCulture))));
                return false;
            }
        }
        var unused = new List<string>();
        var arithmetic = new List<string>();
        bool tail = false, gaps = false;
        foreach (Axis axis in new[] { rows, columns })
        {
            if (axis.Stride > axis.Window && axis.Outputs > 1)
            {
                // Windows further apart than they are wide: the inputs between them are read by none.
                gaps = true;
                unused.Add($"{axis.Stride - axis.Window} of every {axis.Stride} input {axis.Name}s, between its windows");
                arithmetic.Add($"stride {axis.Stride} > the window's {axis.Window} {axis.Name}{(axis.Window == 1 ? "" : "s")}");
            }
            if (axis.Unused > 0)
            {
                tail = true;
                int last = axis.Unused;
                unused.Add(last == 1 ? $"its last input {axis.Name}" : $"its last {last} input {axis.Name}s");
                // Unused inputs imply no padding on that axis (same padding pads only where windows run over), so 0 is the first row.
                arithmetic.Add($"{axis.Arithmetic} = {axis.Outputs} window{(axis.Outputs == 1 ? "" : "s")} reach{(axis.Outputs == 1 ? "es" : "")} {axis.Name}s 0–{axis.Covered - 1} of {axis.Input}");
            }
        }
        if (unused.Count > 0)
        {
            var remedies = new List<string>();
            if (gaps)
            {
                remedies.Add("a stride no larger than the window would read every input");
            }
            if (tail)
            {
                remedies.Add("a stride that divides the rest, or a different input size, would use every input");
            }
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.StrideLeavesInputUnused, location, kind, name, geometry, ShapeInference.FormatShape(shape), string.Join(" or ", unused), string.Join("; ", arithmetic),
                string.Join("; and ", remedies)));
        }
        return true;
    }

    /// <summary>"Same" padding as TensorFlow defines it (and the runtime's ConvolutionShape.Same): ⌈in / stride⌉ outputs, the odd zero after.</summary>
    public static (int Before, int After) SamePadding(int input, int kernel, int stride)
    {
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }

}
