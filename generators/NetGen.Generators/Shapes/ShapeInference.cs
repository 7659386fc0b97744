using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Shapes;

/// <summary>
/// Pure shape inference: walks the layers from the input, giving each its input and output
/// shape and its slice of the parameter buffer, and reports every mistake it can find in one go.
/// No Roslyn types beyond the descriptors: this is plain, testable arithmetic.
/// </summary>
internal static class ShapeInference
{
    public static Result<NetworkPlan> Plan(Result<NetworkSpec> parsed)
    {
        if (parsed.Value is not { } spec)
        {
            return new Result<NetworkPlan>(null, parsed.Diagnostics);
        }
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        NetworkPlan? plan = Plan(spec, diagnostics);
        return new Result<NetworkPlan>(
            diagnostics.Any(diagnostic => diagnostic.IsError) ? null : plan,
            diagnostics.ToEquatableArray());
    }

    private static NetworkPlan? Plan(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        string[] names = AssignNames(spec.Layers, diagnostics);

        if (spec.Input is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, spec.Location, spec.ClassName));
        }
        else if (spec.Input.Dimensions.Count is < 1 or > 3)
        {
            int rank = spec.Input.Dimensions.Count;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputRank, spec.Input.Location, rank, rank == 1 ? "" : "s"));
        }
        else
        {
            for (int i = 0; i < spec.Input.Dimensions.Count; i++)
            {
                if (spec.Input.Dimensions[i] <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NonPositiveSize, spec.Input.Location, "[Input]", $"dimension {i + 1}", spec.Input.Dimensions[i]));
                }
            }
            long inputSize = spec.Input.Dimensions.Aggregate(1L, (product, dimension) => product * dimension);
            if (inputSize > MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TooLarge, spec.Input.Location, $"[Input] {FormatShape(spec.Input.Dimensions)}",
                    inputSize.ToString("N0", CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
            }
        }

        int lastDense = LastIndexOfDense(spec.Layers);
        if (lastDense < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, spec.Location, spec.ClassName));
        }

        bool endsInDense = lastDense >= 0 && spec.Layers.Skip(lastDense + 1).All(layer => layer is DropoutSpec or BatchNormSpec);
        if (lastDense >= 0 && !endsInDense)
        {
            // Dropout or batch norm after the output layer is reported by CheckRegularizers, in its own words.
            LayerSpec last = spec.Layers[spec.Layers.Count - 1];
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LastLayerNotDense, last.Location, spec.ClassName, last.Kind, names[spec.Layers.Count - 1]));
        }
        CheckRegularizers(spec.Layers, names, lastDense, diagnostics);

        // Rules about the layer list itself hold whatever the shapes, so check them before inferring any.
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i] is not WeightedLayerSpec weighted)
            {
                continue;
            }
            CheckActivationParameter(weighted, names[i], diagnostics);
            if (weighted.Activation == ActivationKind.BinaryStep)
            {
                IEnumerable<string> frozen = Enumerable.Range(0, i + 1).Where(j => spec.Layers[j] is WeightedLayerSpec).Select(j => $"'{names[j]}'");
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.BinaryStepStopsGradient, weighted.Location, $"{weighted.Kind} '{names[i]}'", JoinWithAnd(frozen.ToArray())));
            }
            if (weighted is Conv2DSpec convolution)
            {
                CheckConvolutionActivation(convolution, names[i], diagnostics);
                continue;
            }
            var dense = (DenseSpec)weighted;
            if (dense.Activation == ActivationKind.Softmax)
            {
                if (i != lastDense)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxNotLast, dense.Location, names[i]));
                }
                else if (dense.Units == 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOverOneUnit, dense.Location, names[i]));
                }
            }
        }
        if (endsInDense)
        {
            CheckLoss(spec.Loss, (DenseSpec)spec.Layers[lastDense], names[lastDense], diagnostics);
        }

        if (spec.Input is null || diagnostics.Any(diagnostic => diagnostic.IsError))
        {
            return null;
        }

        // Walk the layers with the shape of one sample; stop at the first layer whose shape is wrong,
        // since every shape after it would be a guess.
        EquatableArray<int> shape = spec.Input.Dimensions;
        var planned = new List<PlannedLayer>();
        long offset = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            string name = names[i];
            string member = MemberName(name);
            switch (spec.Layers[i])
            {
                case FlattenSpec:
                    var flat = new[] { Product(shape) }.ToEquatableArray();
                    planned.Add(new PlannedFlatten(name, member, shape, flat));
                    shape = flat;
                    break;

                case DenseSpec dense:
                    if (dense.Units <= 0)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, dense.Location, $"Dense '{name}'", "units", dense.Units));
                        return null;
                    }
                    if (shape.Count != 1)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.DenseNeedsFlatInput, dense.Location, name, FormatShape(shape), Product(shape).ToString(CultureInfo.InvariantCulture)));
                        return null;
                    }
                    int inputs = shape[0];
                    // Batch norm and dropout written under this layer are fused into it. Its tensors follow
                    // the weights as PyTorch's Linear(bias=False) + BatchNorm1d lay them out; β replaces the bias.
                    (int batchNormIndex, int dropoutIndex) = FusedRegularizers(spec.Layers, i);
                    long weightOffset = offset;
                    long biasOffset = batchNormIndex >= 0 ? -1 : weightOffset + (long)dense.Units * inputs;
                    offset = weightOffset + (long)dense.Units * inputs + (batchNormIndex >= 0 ? 4L : 1L) * dense.Units;
                    // Parametric ReLU's slopes come last, as a PyTorch PReLU module after the layer would.
                    long slopeOffset = dense.Activation == ActivationKind.PReLU ? offset : -1;
                    offset += slopeOffset >= 0 ? dense.Units : 0;
                    if (offset > MaxArrayLength)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.TooLarge, dense.Location, $"The parameters up to Dense '{name}'",
                            offset.ToString("N0", CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
                        return null;
                    }
                    var outputShape = new[] { dense.Units }.ToEquatableArray();
                    float? alpha = dense.Alpha is { } given ? (float)given : null;
                    PlannedBatchNorm? batchNorm = null;
                    PlannedDropout? dropout = null;
                    if (batchNormIndex >= 0)
                    {
                        batchNorm = PlanBatchNorm(spec.Layers, names, batchNormIndex, (int)(weightOffset + (long)dense.Units * inputs), dense.Units);
                    }
                    if (dropoutIndex >= 0)
                    {
                        dropout = new PlannedDropout(names[dropoutIndex], (float)((DropoutSpec)spec.Layers[dropoutIndex]).Rate);
                    }
                    planned.Add(new PlannedDense(
                        name, member, shape, outputShape, inputs, dense.Units, dense.Activation, alpha, (int)weightOffset, (int)biasOffset, batchNorm, dropout,
                        (int)slopeOffset, dense.Initializer));
                    shape = outputShape;
                    break;

                case Conv2DSpec convolution:
                    if (PlanConvolution(spec.Layers, names, i, shape, ref offset, diagnostics) is not { } plannedConvolution)
                    {
                        return null;
                    }
                    planned.Add(plannedConvolution);
                    shape = plannedConvolution.OutputShape;
                    break;

                case PoolingSpec pooling:
                    if (PlanPooling(pooling, name, shape, diagnostics) is not { } plannedPooling)
                    {
                        return null;
                    }
                    planned.Add(plannedPooling);
                    shape = plannedPooling.OutputShape;
                    break;

                case BatchNormSpec:
                    planned.Add(new PlannedModifier(name, member, shape, shape, "BatchNorm", 4 * shape[0]));
                    break;

                case DropoutSpec:
                    planned.Add(new PlannedModifier(name, member, shape, shape, "Dropout", 0));
                    break;
            }
        }
        return new NetworkPlan(spec.Namespace, spec.ClassName, spec.Loss, spec.Input.Dimensions, planned.ToEquatableArray(), (int)offset);
    }

    private static int LastIndexOfDense(EquatableArray<LayerSpec> layers)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i] is DenseSpec)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// [BatchNorm] must come right after a hidden Dense layer or a Conv2D, [Dropout] right after one of those
    /// or its [BatchNorm]: both are fused into that layer, and neither belongs on the output
    /// (dropping outputs, or normalising logits, would change what the network predicts).
    /// </summary>
    private static void CheckRegularizers(EquatableArray<LayerSpec> layers, string[] names, int lastDense, List<DiagnosticInfo> diagnostics)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not (DropoutSpec or BatchNormSpec))
            {
                continue;
            }
            LayerSpec layer = layers[i];
            LayerSpec? previous = i > 0 ? layers[i - 1] : null;
            int host = previous switch
            {
                DenseSpec or Conv2DSpec => i - 1,
                BatchNormSpec when layer is DropoutSpec && i >= 2 && layers[i - 2] is DenseSpec or Conv2DSpec => i - 2,
                _ => -1,
            };
            string? problem = host >= 0
                ? (host == lastDense ? $"is on the output layer '{names[host]}'" : null)
                : previous switch
                {
                    null => "comes before any layer",
                    DropoutSpec when layer is BatchNormSpec => $"follows Dropout '{names[i - 1]}'; batch norm belongs between the Dense layer and its dropout",
                    _ => $"follows {previous.Kind} '{names[i - 1]}', not a hidden Dense layer or a Conv2D",
                };
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RegularizerMisplaced, layer.Location, layer.Kind, names[i], problem));
            }
            switch (layer)
            {
                case DropoutSpec dropout when !(dropout.Rate >= 0 && dropout.Rate < 1):
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.RegularizerValueOutOfRange, layer.Location, "Dropout", names[i], "the rate", Format(dropout.Rate), "in [0, 1)"));
                    break;
                case BatchNormSpec batchNorm:
                    if (!(batchNorm.Momentum > 0 && batchNorm.Momentum <= 1))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.RegularizerValueOutOfRange, layer.Location, "BatchNorm", names[i], "Momentum", Format(batchNorm.Momentum), "in (0, 1]"));
                    }
                    if (!(batchNorm.Epsilon > 0 && !double.IsInfinity(batchNorm.Epsilon)))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.RegularizerValueOutOfRange, layer.Location, "BatchNorm", names[i], "Epsilon", Format(batchNorm.Epsilon), "positive"));
                    }
                    break;
            }
        }

        static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The longest .NET float array: the parameter buffer and each sample are one array or slice.</summary>
    private const long MaxArrayLength = 0x7FFFFFC7;

    /// <summary>
    /// <c>Alpha =</c> must be in the activation's range (checked in float, the precision the kernels use),
    /// and only for activations that take a parameter: one that would be ignored is an error, since the
    /// network trained would not be the one the declaration seems to describe.
    /// </summary>
    private static void CheckActivationParameter(WeightedLayerSpec layer, string name, List<DiagnosticInfo> diagnostics)
    {
        if (layer.Alpha is not { } alpha)
        {
            return;
        }
        string who = $"{layer.Kind} '{name}'";
        ActivationTraits activation = ActivationTraits.Of(layer.Activation);
        string written = alpha.ToString("R", CultureInfo.InvariantCulture);
        if (activation.Parameter is not { } parameter)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationTakesNoParameter, layer.AlphaLocation, who, written, activation.Name));
        }
        else if (!parameter.IsValid((float)alpha))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ActivationParameterOutOfRange, layer.AlphaLocation, who, written, parameter.Symbol, activation.Name, parameter.ValidRange));
        }
    }

    /// <summary>
    /// Softmax normalises over a sample's outputs, which a convolution's are not; the unit-wise rectifiers run as a
    /// pass of their own that only the dense kernels have.
    /// </summary>
    private static void CheckConvolutionActivation(Conv2DSpec convolution, string name, List<DiagnosticInfo> diagnostics)
    {
        ActivationTraits activation = ActivationTraits.Of(convolution.Activation);
        string? reason = convolution.Activation == ActivationKind.Softmax
            ? "normalises over a layer's outputs as class probabilities, and belongs on the last Dense layer"
            : activation.OwnPass is not null
                ? "has a slope per unit or per element that only Dense layers implement"
                : null;
        if (reason is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationNotForConvolution, convolution.Location, name, activation.Name, reason));
        }
    }

    /// <summary>
    /// Conv2D on [C, H, W]: padding resolved to rows and columns, the output shape, and the weights' place in the
    /// buffer (weight [filters, C, kh, kw], then bias [filters], as PyTorch's <c>Conv2d</c> lists them).
    /// </summary>
    private static PlannedConvolution? PlanConvolution(
        EquatableArray<LayerSpec> layers, string[] names, int index, EquatableArray<int> shape, ref long offset, List<DiagnosticInfo> diagnostics)
    {
        var convolution = (Conv2DSpec)layers[index];
        string name = names[index];
        string who = $"Conv2D '{name}'";
        foreach ((string what, int value) in new[]
        {
            ("filters", convolution.Filters), ("the kernel height", convolution.KernelHeight), ("the kernel width", convolution.KernelWidth), ("Stride", convolution.Stride),
        })
        {
            if (value <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, convolution.Location, who, what, value));
                return null;
            }
        }
        if (!RequireImage("Conv2D", name, shape, convolution.Location, diagnostics))
        {
            return null;
        }
        int channels = shape[0], height = shape[1], width = shape[2];
        if (convolution.InputChannels != 0 && convolution.InputChannels != channels)
        {
            string hint = convolution.InputChannels > 0 && convolution.InputChannels == shape[shape.Count - 1]
                ? $"; samples are [channels, height, width], so {convolution.InputChannels}-channel images of {shape[0]}×{shape[1]} are [Input({convolution.InputChannels}, {shape[0]}, {shape[1]})]"
                : "";
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InputChannelsMismatch, convolution.Location, name, convolution.InputChannels, FormatShape(shape), channels, channels == 1 ? "" : "s", hint));
        }

        int stride = convolution.Stride;
        (int top, int bottom) = convolution.Padding == PaddingKind.Same ? SamePadding(height, convolution.KernelHeight, stride) : (0, 0);
        (int left, int right) = convolution.Padding == PaddingKind.Same ? SamePadding(width, convolution.KernelWidth, stride) : (0, 0);
        string geometry = $"{convolution.KernelHeight}×{convolution.KernelWidth}, stride {stride}{(convolution.Padding == PaddingKind.Same ? ", same padding" : "")}";
        var rows = new Axis("row", height, top + bottom, convolution.KernelHeight, stride);
        var columns = new Axis("column", width, left + right, convolution.KernelWidth, stride);
        if (!CheckWindows("Conv2D", name, geometry, shape, rows, columns, "kernel, Padding = Padding.Same, or fewer pooling layers before it", convolution.Location, diagnostics))
        {
            return null;
        }

        var planned = new ConvolutionGeometry(
            channels, height, width, convolution.Filters, convolution.KernelHeight, convolution.KernelWidth,
            stride, stride, top, bottom, left, right, rows.Outputs, columns.Outputs);
        // With batch norm, as PyTorch's Conv2d(bias=False) + BatchNorm2d: the filters, then γ, β and the running statistics.
        (int batchNormIndex, int dropoutIndex) = FusedRegularizers(layers, index);
        long weightOffset = offset;
        long afterWeights = weightOffset + (long)convolution.Filters * channels * convolution.KernelHeight * convolution.KernelWidth;
        long biasOffset = batchNormIndex >= 0 ? -1 : afterWeights;
        offset = afterWeights + (batchNormIndex >= 0 ? 4L : 1L) * convolution.Filters;
        long outputSize = (long)convolution.Filters * rows.Outputs * columns.Outputs;
        if (offset > MaxArrayLength || outputSize > MaxArrayLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.TooLarge, convolution.Location, offset > MaxArrayLength ? $"The parameters up to {who}" : $"The output of {who}",
                Math.Max(offset, outputSize).ToString("N0", CultureInfo.InvariantCulture), MaxArrayLength.ToString("N0", CultureInfo.InvariantCulture)));
            return null;
        }
        return new PlannedConvolution(
            name, MemberName(name), shape, new[] { convolution.Filters, rows.Outputs, columns.Outputs }.ToEquatableArray(), planned,
            convolution.Activation, convolution.Alpha is { } alpha ? (float)alpha : null, (int)weightOffset, (int)biasOffset, convolution.Initializer,
            batchNormIndex >= 0 ? PlanBatchNorm(layers, names, batchNormIndex, (int)afterWeights, convolution.Filters) : null,
            dropoutIndex >= 0 ? new PlannedDropout(names[dropoutIndex], (float)((DropoutSpec)layers[dropoutIndex]).Rate) : null);
    }

    /// <summary>The [BatchNorm] and [Dropout] right under layer <paramref name="index"/>, fused into it, or −1 for none.</summary>
    private static (int BatchNorm, int Dropout) FusedRegularizers(EquatableArray<LayerSpec> layers, int index)
    {
        int batchNorm = index + 1 < layers.Count && layers[index + 1] is BatchNormSpec ? index + 1 : -1;
        int dropout = batchNorm >= 0 ? batchNorm + 1 : index + 1;
        return (batchNorm, dropout < layers.Count && layers[dropout] is DropoutSpec ? dropout : -1);
    }

    /// <summary>γ, β, the running mean and variance, [features] each from <paramref name="gammaOffset"/>.</summary>
    private static PlannedBatchNorm PlanBatchNorm(EquatableArray<LayerSpec> layers, string[] names, int index, int gammaOffset, int features)
    {
        var normalization = (BatchNormSpec)layers[index];
        return new PlannedBatchNorm(names[index], MemberName(names[index]), gammaOffset, features, (float)normalization.Momentum, (float)normalization.Epsilon);
    }

    /// <summary>Pooling on [C, H, W]: each channel's windows, no padding, as PyTorch's <c>ceil_mode=False</c>.</summary>
    private static PlannedPooling? PlanPooling(PoolingSpec pooling, string name, EquatableArray<int> shape, List<DiagnosticInfo> diagnostics)
    {
        string who = $"{pooling.Kind} '{name}'";
        if (pooling.Size <= 0 || pooling.Stride < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.NonPositiveSize, pooling.Location, who, pooling.Size <= 0 ? "the window size" : "Stride", pooling.Size <= 0 ? pooling.Size : pooling.Stride));
            return null;
        }
        if (!RequireImage(pooling.Kind, name, shape, pooling.Location, diagnostics))
        {
            return null;
        }
        int stride = pooling.EffectiveStride;
        var rows = new Axis("row", shape[1], 0, pooling.Size, stride);
        var columns = new Axis("column", shape[2], 0, pooling.Size, stride);
        if (!CheckWindows(pooling.Kind, name, $"{pooling.Size}×{pooling.Size}, stride {stride}", shape, rows, columns, "window, or pool less before it", pooling.Location, diagnostics))
        {
            return null;
        }
        return new PlannedPooling(
            name, MemberName(name), shape, new[] { shape[0], rows.Outputs, columns.Outputs }.ToEquatableArray(), pooling.IsMax, pooling.Size, stride);
    }

    /// <summary>Convolution and pooling read [C, H, W]; anything else is reported with a way to get there.</summary>
    private static bool RequireImage(string kind, string name, EquatableArray<int> shape, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (shape.Count == 3)
        {
            return true;
        }
        string hint = shape.Count == 2
            ? $"; for one-channel images write [Input(1, {shape[0]}, {shape[1]})]"
            : ", a flat vector: convolution and pooling go before [Flatten] and the Dense layers";
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SpatialLayerNeedsImage, location, kind, name, FormatShape(shape), hint));
        return false;
    }

    /// <summary>
    /// One axis of a sliding window: <c>Input</c> rows (or columns) plus <c>Padding</c> zeros, a window of
    /// <c>Window</c>, moved by <c>Stride</c>. There are (Input + Padding − Window) / Stride + 1 windows, and the last
    /// (Input + Padding − Window) mod Stride rows are under none of them.
    /// </summary>
    private readonly struct Axis(string name, int input, int padding, int window, int stride)
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
    private static bool CheckWindows(
        string kind, string name, string geometry, EquatableArray<int> shape, Axis rows, Axis columns, string remedy, LocationInfo? location,
        List<DiagnosticInfo> diagnostics)
    {
        foreach (Axis axis in new[] { rows, columns })
        {
            if (axis.Span < 0)
            {
                // Only unpadded axes can be too small: same padding always leaves room for one window.
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.WindowLargerThanInput, location, kind, name, geometry, FormatShape(shape), axis.Window, axis.Name, axis.Input,
                    axis.Arithmetic, remedy));
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
                DiagnosticDescriptors.StrideLeavesInputUnused, location, kind, name, geometry, FormatShape(shape), string.Join(" or ", unused), string.Join("; ", arithmetic),
                string.Join("; and ", remedies)));
        }
        return true;
    }

    /// <summary>"Same" padding as TensorFlow defines it (and the runtime's ConvolutionShape.Same): ⌈in / stride⌉ outputs, the odd zero after.</summary>
    private static (int Before, int After) SamePadding(int input, int kernel, int stride)
    {
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>'a', 'b' and 'c'.</summary>
    private static string JoinWithAnd(string[] items) =>
        items.Length == 1 ? items[0] : string.Join(", ", items, 0, items.Length - 1) + " and " + items[items.Length - 1];

    private static void CheckLoss(LossKind loss, DenseSpec output, string name, List<DiagnosticInfo> diagnostics)
    {
        bool softmax = output.Activation == ActivationKind.Softmax;
        bool binarySigmoid = output.Activation == ActivationKind.Sigmoid && output.Units == 1;
        if (loss == LossKind.CrossEntropy && !softmax && !binarySigmoid && output.Units > 0)
        {
            string plural = output.Units == 1 ? "" : "s";
            string alternative = output.Units == 1 ? " with 2 units, or Activation.Sigmoid" : "";
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.CrossEntropyNeedsProbabilities, output.Location, name, output.Units, plural, ActivationTraits.Of(output.Activation).Name, alternative));
        }
        if (loss == LossKind.MeanSquaredError && softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MeanSquaredErrorOnSoftmax, output.Location, name));
        }
    }

    /// <summary>
    /// Each layer's name: the one given, or the kind in lower case and its position among layers of
    /// that kind (dense1, dense2, flatten1). Invalid and duplicate names are reported here.
    /// </summary>
    private static string[] AssignNames(EquatableArray<LayerSpec> layers, List<DiagnosticInfo> diagnostics)
    {
        var names = new string[layers.Count];
        var countByKind = new Dictionary<string, int>();
        var firstByName = new Dictionary<string, int>(System.StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec layer = layers[i];
            countByKind[layer.Kind] = countByKind.TryGetValue(layer.Kind, out int count) ? count + 1 : 1;
            string name = layer.Name ?? layer.NameStem + countByKind[layer.Kind].ToString(CultureInfo.InvariantCulture);
            names[i] = name;
            if (!IsIdentifier(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, layer.Location, name));
            }
            else if (firstByName.TryGetValue(name, out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, layer.Location, i + 1, name, first + 1));
            }
            else
            {
                firstByName[name] = i;
            }
        }
        return names;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsLetter(name[0]) || name[0] == '_')
        && name.All(character => char.IsLetterOrDigit(character) || character == '_');

    /// <summary>fc1 → Fc1: the stem of a layer's generated members.</summary>
    public static string MemberName(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    public static int Product(EquatableArray<int> shape)
    {
        int product = 1;
        foreach (int dimension in shape)
        {
            product *= dimension;
        }
        return product;
    }

    /// <summary>28×28, as messages and generated comments show shapes.</summary>
    public static string FormatShape(EquatableArray<int> shape) =>
        string.Join("×", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)));
}
