using System.Collections.Generic;
using System.Linq;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.ActivationEmit;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// A 2-D convolution, each sample lowered (im2col) into the product kernels with bias and activation in the product's
/// epilogue. With batch norm or dropout it runs under the identity into z, and a pass per channel of its own
/// normalises, activates and drops (forward) and takes δ back through them (backward): batch norm needs the whole
/// batch's statistics before any output.
/// </summary>
internal sealed class Conv2DEmitter(NetworkContext network, PlannedConvolution convolution) : LayerEmitter(network)
{
    private ConvolutionGeometry G => convolution.Geometry;

    public override PlannedLayer Layer => convolution;

    public override string TableKind => $"Conv2D {GeometryText(G)}";

    public override int TableParameters => convolution.ParameterCount;

    public override string TableNote => Text(convolution);

    public override bool IsStage => true;

    public override bool HasParameters => true;

    public override bool HasModes => convolution.IsRegularized;

    public override IEnumerable<PlannedDropout> Dropouts => convolution.Dropout is { } dropout ? [dropout] : [];

    public override string? ConvolutionScratchSize => $"{Kernels}.Convolution.ScratchSize({ShapeField(convolution)})";

    public override IActivatedLayer? FoldedActivation => convolution.IsRegularized ? null : convolution;

    public override string DeltaText(string product) =>
        convolution.IsRegularized ? $"{product}, at its output: its own epilogue takes it back through {RegularizerText()}" : base.DeltaText(product);

    /// <summary>5×5, stride 1, no padding — or "padding 2/2 rows, 2/2 columns" with the zeros on top, bottom, left and right.</summary>
    public static string GeometryText(ConvolutionGeometry g) =>
        $"{g.KernelHeight}×{g.KernelWidth}, stride {g.StrideY}, " +
        (g.IsPadded ? $"padding {g.PadTop}/{g.PadBottom} rows, {g.PadLeft}/{g.PadRight} columns" : "no padding");

    /// <summary>" + 4" when an axis is padded, for the output-size arithmetic in comments.</summary>
    private static string Padded(int padding) => padding > 0 ? $" + {padding}" : "";

    private string WeightShape => $"[{G.Filters}, {G.InputChannels}, {G.KernelHeight}, {G.KernelWidth}]";

    public override void WriteOffsets(CodeWriter writer)
    {
        writer.Line($"private const int {convolution.MemberName}WeightOffset = {convolution.WeightOffset}; // {convolution.Name}.weight {WeightShape}");
        if (convolution.HasBias)
        {
            writer.Line($"private const int {convolution.MemberName}BiasOffset = {convolution.BiasOffset}; // {convolution.Name}.bias [{G.Filters}]");
        }
        if (convolution.BatchNorm is { } normalization)
        {
            BatchNormEmit.WriteOffsets(writer, normalization, convolution.Name);
        }
    }

    public override bool HasGeometry => true;

    public override void WriteGeometry(CodeWriter writer)
    {
        ConvolutionGeometry g = G;
        writer.Line($"// {convolution.Name}: {Shape(convolution.InputShape)} → {Shape(convolution.OutputShape)}, {GeometryText(g)}: {g.OutputHeight} = ({g.InputHeight}{Padded(g.PadTop + g.PadBottom)} − {g.KernelHeight}) / {g.StrideY} + 1");
        writer.Line($"private static readonly {Kernels}.ConvolutionShape {ShapeField(convolution)} = new(");
        writer.Line($"    inputChannels: {g.InputChannels}, inputHeight: {g.InputHeight}, inputWidth: {g.InputWidth}, outputChannels: {g.Filters}, kernelHeight: {g.KernelHeight}, kernelWidth: {g.KernelWidth},");
        writer.Line($"    strideY: {g.StrideY}, strideX: {g.StrideX}, padTop: {g.PadTop}, padBottom: {g.PadBottom}, padLeft: {g.PadLeft}, padRight: {g.PadRight});");
    }

    public override void WriteTypes(CodeWriter writer) => WriteParameterType(writer, convolution);

    /// <summary>Every tensor of a convolution is added into: its filters and bias, and its batch norm's.</summary>
    public override void WriteGradientClears(CodeWriter writer)
    {
        writer.Line($"gradients.Slice({convolution.MemberName}WeightOffset, {convolution.ParameterCount}).Clear(); // {convolution.Name}: dW{(convolution.HasBias ? ", db" : "")}");
        if (convolution.BatchNorm is { } bn)
        {
            writer.Line($"gradients.Slice({bn.MemberName}GammaOffset, 4 * {bn.Units}).Clear(); // {bn.Name}: dγ, dβ (and the running statistics', always 0)");
        }
    }

    public override void WriteTensors(CodeWriter writer)
    {
        // Glorot's and He's fans for a convolution, as PyTorch and Keras count them: C_in·kh·kw in, filters·kh·kw out.
        ConvolutionGeometry g = G;
        string fans = $"FanIn: {g.PatchSize}, FanOut: {g.Filters * g.KernelHeight * g.KernelWidth}";
        string filterInitializer = convolution.Initializer == Initializer.GlorotUniform ? "" : $", global::NetGen.Initializer.{convolution.Initializer}";
        writer.Line($"        new(\"{convolution.Name}.weight\", {convolution.MemberName}WeightOffset, new[] {{ {g.Filters}, {g.InputChannels}, {g.KernelHeight}, {g.KernelWidth} }}, global::NetGen.ParameterRole.Weight, {fans}{filterInitializer}),");
        if (convolution.HasBias)
        {
            writer.Line($"        new(\"{convolution.Name}.bias\", {convolution.MemberName}BiasOffset, new[] {{ {g.Filters} }}, global::NetGen.ParameterRole.Bias, {fans}),");
        }
        if (convolution.BatchNorm is { } normalization)
        {
            BatchNormEmit.WriteTensors(writer, normalization);
        }
    }

    public override void WriteBuffers(CodeWriter writer)
    {
        string size = Shape(convolution.OutputShape);
        writer.Line($"private float[] {OutputBuffer(convolution)} = global::System.Array.Empty<float>(); // a [B, {size}]");
        writer.Line($"private float[] {DeltaBuffer(convolution)} = global::System.Array.Empty<float>();  // δ [B, {size}]");
        if (convolution.IsRegularized)
        {
            writer.Line(convolution.BatchNorm is { } normalization
                ? $"private float[] {PreActivationBuffer(convolution)} = global::System.Array.Empty<float>(); // z, then ẑ [B, {size}], kept by {normalization.Name} for backward"
                : $"private float[] {PreActivationBuffer(convolution)} = global::System.Array.Empty<float>(); // z [B, {size}], for f' and the mask in backward");
            if (convolution.BatchNorm is { } bn)
            {
                BatchNormEmit.WriteBuffers(writer, bn, normalizedSize: null);
            }
            if (convolution.Dropout is { } channelDropout)
            {
                writer.Line($"private ulong {DropoutKey(channelDropout)}; // picks {channelDropout.Name}'s mask for the current mini-batch");
            }
        }
        else if (KeepsPreActivation(convolution))
        {
            writer.Line($"private float[] {PreActivationBuffer(convolution)} = global::System.Array.Empty<float>(); // z [B, {size}], for {ActivationTraits.Of(convolution.Activation).Name}'");
        }
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        string size = Code(Shapes.ShapeInference.Product(convolution.OutputShape));
        writer.Line($"{OutputBuffer(convolution)} = new float[batchCapacity * {size}];");
        writer.Line($"{DeltaBuffer(convolution)} = new float[batchCapacity * {size}];");
        if (convolution.IsRegularized || KeepsPreActivation(convolution))
        {
            writer.Line($"{PreActivationBuffer(convolution)} = new float[batchCapacity * {size}];");
        }
        if (convolution.BatchNorm is { } bn)
        {
            BatchNormEmit.WriteAllocation(writer, bn, normalizedSize: null);
        }
    }

    public override void WriteRandomKeys(CodeWriter writer)
    {
        if (convolution.Dropout is { } dropout)
        {
            writer.Line($"{DropoutKey(dropout)} = training ? base.NextRandomKey() : 0;");
        }
    }

    /// <summary>Conv with its stride and padding, its batch norm, its activation.</summary>
    public override void WriteOnnx(CodeWriter writer)
    {
        ConvolutionGeometry g = convolution.Geometry;
        string bias = convolution.HasBias ? String($"{convolution.Name}.bias") : "null";
        writer.Line($"// {convolution.Name}: Conv2D {Shape(convolution.InputShape)} → {Shape(convolution.OutputShape)}");
        writer.Line($"x = graph.Conv({String(convolution.Name)}, x, {String($"{convolution.Name}.weight")}, {bias}, kernelHeight: {Code(g.KernelHeight)}, kernelWidth: {Code(g.KernelWidth)}, strideY: {Code(g.StrideY)}, strideX: {Code(g.StrideX)}, padTop: {Code(g.PadTop)}, padLeft: {Code(g.PadLeft)}, padBottom: {Code(g.PadBottom)}, padRight: {Code(g.PadRight)});");
        OnnxEmit.WriteBatchNorm(writer, convolution.BatchNorm);
        OnnxEmit.WriteActivation(writer, convolution, g.Filters);
    }

    public override void WriteForward(CodeWriter writer, string source)
    {
        ConvolutionGeometry g = G;
        ActivationTraits activation = ActivationTraits.Of(convolution.Activation);
        string parameter = ParameterText(convolution);
        if (convolution.IsRegularized)
        {
            WriteRegularizedForward(writer, source, parameter);
            return;
        }
        bool keepsZ = KeepsPreActivation(convolution);
        writer.Line($"// {convolution.Name}: a [B, {Shape(convolution.OutputShape)}] = {activation.Name}(conv(x [B, {Shape(convolution.InputShape)}], W {WeightShape}) + b){parameter},");
        writer.Line($"//   {GeometryText(g)}: each sample lowered to [{g.PatchSize}, {g.OutputHeight * g.OutputWidth}] and multiplied, bias and {activation.Name} applied as the product is stored{(keepsZ ? $"; z kept for {activation.Name}'" : "")}");
        writer.Call(
            $"{Kernels}.Convolution.Forward<{KernelType(convolution)}>",
            source,
            $"parameters.Slice({convolution.MemberName}WeightOffset, {g.WeightSize})",
            $"parameters.Slice({convolution.MemberName}BiasOffset, {g.Filters})",
            $"{OutputBuffer(convolution)}",
            $"batchSize, {ShapeField(convolution)}, {ConvolutionScratch}{(keepsZ ? $", preActivation: {PreActivationBuffer(convolution)}" : "")}");
    }

    /// <summary>The convolution under the identity into z, then one pass per channel: batch norm, the activation and dropout.</summary>
    private void WriteRegularizedForward(CodeWriter writer, string source, string parameter)
    {
        ConvolutionGeometry g = G;
        ActivationTraits activation = ActivationTraits.Of(convolution.Activation);
        int pixels = g.OutputHeight * g.OutputWidth;
        string names = string.Join(" + ", new[] { convolution.Name, convolution.BatchNorm?.Name, convolution.Dropout?.Name }.Where(name => name is not null));
        writer.Line($"// {names}: z [B, {Shape(convolution.OutputShape)}] = conv(x [B, {Shape(convolution.InputShape)}], W {WeightShape}){(convolution.HasBias ? " + b" : " (no bias: β shifts)")}, {GeometryText(g)}");
        writer.Call(
            $"{Kernels}.Convolution.Forward<{Kernels}.Identity>",
            source,
            $"parameters.Slice({convolution.MemberName}WeightOffset, {g.WeightSize})",
            convolution.HasBias ? $"parameters.Slice({convolution.MemberName}BiasOffset, {g.Filters})" : "bias: default",
            $"{PreActivationBuffer(convolution)}",
            $"batchSize, {ShapeField(convolution)}, {ConvolutionScratch}");
        string normalize = convolution.BatchNorm is { } bn
            ? $"ẑ = (z − μ) / √(σ² + {Number(bn.Epsilon)}) per channel over the batch and positions (running averages in inference), "
            : "";
        string y = convolution.BatchNorm is null ? "z" : "γ ẑ + β";
        string drop = convolution.Dropout is { } dropout ? $" ⊙ mask / (1 − p), {dropout.Name}: a fresh mask per mini-batch in training, none in inference" : "";
        writer.Line($"// {normalize}a = {activation.Name}({y}){parameter}{drop}");
        writer.Line($"{Kernels}.Convolution.ForwardEpilogue<{KernelType(convolution)}>(");
        writer.Line($"    {PreActivationBuffer(convolution)},");
        writer.Line($"    {OutputBuffer(convolution)},");
        writer.Line($"    batchSize, channels: {g.Filters}, pixels: {pixels},");
        writer.Line("    training,");
        WriteBatchNormArgument(writer, forward: true);
        writer.Line(convolution.Dropout is not { } d
            ? $"    {Kernels}.DropoutParameters.None);"
            : $"    training ? new {Kernels}.DropoutParameters({Network.DropoutRateCall(d)}, {DropoutKey(d)}) : {Kernels}.DropoutParameters.None);");
    }

    private void WriteBatchNormArgument(CodeWriter writer, bool forward)
    {
        if (convolution.BatchNorm is { } normalization)
        {
            writer.Line($"    new {Kernels}.BatchNormBuffers");
            writer.Line("    {");
            BatchNormEmit.WriteFields(writer, "        ", normalization, forward, keepsNormalized: false, backwardNeedsBeta: true);
            writer.Line("    },");
        }
        else
        {
            writer.Line("    batchNorm: default,");
        }
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        ConvolutionGeometry g = G;
        if (convolution.IsRegularized)
        {
            WriteRegularizedBackward(writer);
        }
        writer.Line();
        writer.Line(convolution.HasBias
            ? $"// {convolution.Name}: dW {WeightShape} += Σ_B δ [{g.Filters}, {g.OutputHeight * g.OutputWidth}] · col(x)ᵀ, db [{g.Filters}] += Σ_B Σ_positions δ; {FoldNote(step)}"
            : $"// {convolution.Name}: dW {WeightShape} += Σ_B δ [{g.Filters}, {g.OutputHeight * g.OutputWidth}] · col(x)ᵀ (no bias: {convolution.BatchNorm!.Name}'s dβ was formed with δ); {FoldNote(step)}");
        writer.Call(
            $"{Kernels}.Convolution.ParameterGradients",
            $"{DeltaBuffer(convolution)}",
            step.Input,
            $"gradients.Slice({convolution.MemberName}WeightOffset, {g.WeightSize})",
            convolution.HasBias ? $"gradients.Slice({convolution.MemberName}BiasOffset, {g.Filters})" : "biasGradient: default",
            $"batchSize, {ShapeField(convolution)}, {ConvolutionScratch}");
        if (SendsDeltaDown(writer, step) is not { } below)
        {
            return;
        }
        // δ for the layer below: Wᵀ · δ per sample, scattered back over the windows (col2im), with that layer's f'.
        writer.Line($"// {below.DeltaComment($"col2im(W{convolution.Name}ᵀ · δ{convolution.Name})", Shape(below.Layer.OutputShape))}");
        writer.Call(
            $"{Kernels}.Convolution.InputDelta<{InputActivationType(below)}>",
            $"{DeltaBuffer(convolution)}",
            $"parameters.Slice({convolution.MemberName}WeightOffset, {g.WeightSize})",
            step.Input,
            $"{DeltaBuffer(below.Layer)}",
            $"batchSize, {ShapeField(convolution)}, {ConvolutionScratch}{InputPreActivationArgument(below)}");
    }

    /// <summary>δ at the convolution's output becomes δ at z: back through its dropout, activation and batch norm.</summary>
    private void WriteRegularizedBackward(CodeWriter writer)
    {
        ConvolutionGeometry g = G;
        string statistics = convolution.BatchNorm is { } bn ? $", which also forms {bn.Name}'s dγ and dβ" : "";
        writer.Line();
        writer.Line($"// {convolution.Name}: δ at its output becomes δ at z, back through {RegularizerText()}{statistics}");
        writer.Line($"{Kernels}.Convolution.BackwardEpilogue<{KernelType(convolution)}>(");
        writer.Line($"    {DeltaBuffer(convolution)},");
        writer.Line($"    {PreActivationBuffer(convolution)},");
        writer.Line($"    batchSize, channels: {g.Filters}, pixels: {g.OutputHeight * g.OutputWidth},");
        WriteBatchNormArgument(writer, forward: false);
        writer.Line(convolution.Dropout is not { } d
            ? $"    {Kernels}.DropoutParameters.None);"
            : $"    new {Kernels}.DropoutParameters({Network.DropoutRateCall(d)}, {DropoutKey(d)}));");
    }

    /// <summary>"its dropout, ReLU and bn1", in the order backward meets them.</summary>
    private string RegularizerText()
    {
        var parts = new List<string>();
        if (convolution.Dropout is { } dropout)
        {
            parts.Add(dropout.Name);
        }
        parts.Add(ActivationTraits.Of(convolution.Activation).Name);
        if (convolution.BatchNorm is { } bn)
        {
            parts.Add(bn.Name);
        }
        return parts.Count == 2 ? $"{parts[0]} and {parts[1]}" : $"{parts[0]}, {parts[1]} and {parts[2]}";
    }
}
