using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.ActivationEmit;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// A 2-D transposed convolution, run as the plain convolution it is the transpose of (<c>ConvTranspose.cs</c>): forward
/// is that convolution's col2im, then bias and activation in a pass of their own; backward its weight gradient and its
/// forward. Its f' is folded by the layer above into the pass that forms its δ, or comes from the loss when it is the
/// output layer.
/// </summary>
internal sealed class ConvTranspose2DEmitter(NetworkContext network, PlannedConvTranspose deconv) : LayerEmitter(network)
{
    private TransposedGeometry G => deconv.Geometry;

    public override PlannedLayer Layer => deconv;

    public override string TableKind => $"ConvTranspose2D {ConvTransposeSpec.Geometry(G.KernelHeight, G.KernelWidth, G.Stride, G.Padding, G.OutputPadding)}";

    public override int TableParameters => deconv.ParameterCount;

    public override string TableNote => Text(deconv);

    public override bool IsStage => true;

    public override bool HasParameters => true;

    public override string? ConvolutionScratchSize => $"{Kernels}.ConvTranspose.ScratchSize({ShapeField(deconv)})";

    public override IActivatedLayer? FoldedActivation => deconv;

    private string WeightShape => $"[{G.InputChannels}, {G.OutputChannels}, {G.KernelHeight}, {G.KernelWidth}]";

    private string Weight(string buffer) => $"{buffer}.Slice({deconv.MemberName}WeightOffset, {G.WeightSize})";

    public override void WriteOffsets(CodeWriter writer)
    {
        writer.Line($"private const int {deconv.MemberName}WeightOffset = {deconv.WeightOffset}; // {deconv.Name}.weight {WeightShape}");
        writer.Line($"private const int {deconv.MemberName}BiasOffset = {deconv.BiasOffset}; // {deconv.Name}.bias [{G.OutputChannels}]");
    }

    public override bool HasGeometry => true;

    public override void WriteGeometry(CodeWriter writer)
    {
        TransposedGeometry g = G;
        string outputPadding = g.OutputPadding > 0 ? $" + {g.OutputPadding}" : "";
        writer.Line($"// {deconv.Name}: {Shape(deconv.InputShape)} → {Shape(deconv.OutputShape)}, transposed {ConvTransposeSpec.Geometry(g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, g.OutputPadding)}: {g.OutputHeight} = ({g.InputHeight} − 1)·{g.Stride} − 2·{g.Padding} + {g.KernelHeight}{outputPadding}");
        writer.Line($"private static readonly {Kernels}.ConvTransposeShape {ShapeField(deconv)} = new(");
        writer.Line($"    inputChannels: {g.InputChannels}, inputHeight: {g.InputHeight}, inputWidth: {g.InputWidth}, outputChannels: {g.OutputChannels}, kernelHeight: {g.KernelHeight}, kernelWidth: {g.KernelWidth},");
        writer.Line($"    strideY: {g.Stride}, strideX: {g.Stride}, padY: {g.Padding}, padX: {g.Padding}, outputPadY: {g.OutputPadding}, outputPadX: {g.OutputPadding});");
    }

    public override void WriteTypes(CodeWriter writer) => WriteParameterType(writer, deconv);

    /// <summary>Both tensors are added into by their kernels.</summary>
    public override void WriteGradientClears(CodeWriter writer) =>
        writer.Line($"gradients.Slice({deconv.MemberName}WeightOffset, {deconv.ParameterCount}).Clear(); // {deconv.Name}: dW, db");

    public override void WriteTensors(CodeWriter writer)
    {
        // PyTorch's fans for ConvTranspose2d, read off weight [C_in, C_out, kh, kw] as for any tensor: in C_out·kh·kw
        // (weight.size(1)), out C_in·kh·kw.
        TransposedGeometry g = G;
        int kernel = g.KernelHeight * g.KernelWidth;
        string fans = $"FanIn: {g.OutputChannels * kernel}, FanOut: {g.InputChannels * kernel}";
        string initializer = deconv.Initializer == Initializer.GlorotUniform ? "" : $", global::NetGen.Initializer.{deconv.Initializer}";
        writer.Line($"        new(\"{deconv.Name}.weight\", {deconv.MemberName}WeightOffset, new[] {{ {g.InputChannels}, {g.OutputChannels}, {g.KernelHeight}, {g.KernelWidth} }}, global::NetGen.ParameterRole.Weight, {fans}{initializer}),");
        writer.Line($"        new(\"{deconv.Name}.bias\", {deconv.MemberName}BiasOffset, new[] {{ {g.OutputChannels} }}, global::NetGen.ParameterRole.Bias, {fans}),");
    }

    public override void WriteBuffers(CodeWriter writer)
    {
        string size = Shape(deconv.OutputShape);
        writer.Line($"private float[] {OutputBuffer(deconv)} = global::System.Array.Empty<float>(); // a [B, {size}]");
        writer.Line($"private float[] {DeltaBuffer(deconv)} = global::System.Array.Empty<float>();  // δ [B, {size}]");
        if (KeepsPreActivation(deconv))
        {
            writer.Line($"private float[] {PreActivationBuffer(deconv)} = global::System.Array.Empty<float>(); // z [B, {size}], for {ActivationTraits.Of(deconv.Activation).Name}'");
        }
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        string size = Code(deconv.OutputSize);
        writer.Line($"{OutputBuffer(deconv)} = new float[batchCapacity * {size}];");
        writer.Line($"{DeltaBuffer(deconv)} = new float[batchCapacity * {size}];");
        if (KeepsPreActivation(deconv))
        {
            writer.Line($"{PreActivationBuffer(deconv)} = new float[batchCapacity * {size}];");
        }
    }

    /// <summary>ConvTranspose with its stride, padding and output padding, then its activation.</summary>
    public override void WriteOnnx(CodeWriter writer)
    {
        TransposedGeometry g = deconv.Geometry;
        writer.Line($"// {deconv.Name}: ConvTranspose2D {Shape(deconv.InputShape)} → {Shape(deconv.OutputShape)}");
        writer.Line($"x = graph.ConvTranspose({String(deconv.Name)}, x, {String($"{deconv.Name}.weight")}, {String($"{deconv.Name}.bias")}, kernelHeight: {Code(g.KernelHeight)}, kernelWidth: {Code(g.KernelWidth)}, stride: {Code(g.Stride)}, padding: {Code(g.Padding)}, outputPadding: {Code(g.OutputPadding)});");
        OnnxEmit.WriteActivation(writer, deconv, g.OutputChannels);
    }

    public override void WriteForward(CodeWriter writer, string source)
    {
        TransposedGeometry g = G;
        ActivationTraits activation = ActivationTraits.Of(deconv.Activation);
        bool keepsZ = KeepsPreActivation(deconv);
        writer.Line($"// {deconv.Name}: a [B, {Shape(deconv.OutputShape)}] = {activation.Name}(convᵀ(x [B, {Shape(deconv.InputShape)}], W {WeightShape}) + b){ParameterText(deconv)},");
        writer.Line($"//   each input's kernel spread over the output at stride {g.Stride}: col2im(Wᵀ [{g.OutputChannels * g.KernelHeight * g.KernelWidth}, {g.InputChannels}] · x [{g.InputChannels}, {g.InputHeight * g.InputWidth}]) per sample, then bias and {activation.Name}{(keepsZ ? $"; z kept for {activation.Name}'" : "")}");
        writer.Call(
            $"{Kernels}.ConvTranspose.Forward<{KernelType(deconv)}>",
            source,
            Weight("parameters"),
            $"parameters.Slice({deconv.MemberName}BiasOffset, {g.OutputChannels})",
            OutputBuffer(deconv),
            $"batchSize, {ShapeField(deconv)}, {ConvolutionScratch}{(keepsZ ? $", preActivation: {PreActivationBuffer(deconv)}" : "")}");
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        TransposedGeometry g = G;
        writer.Line();
        writer.Line($"// {deconv.Name}: dW {WeightShape} += Σ_B x [{g.InputChannels}, {g.InputHeight * g.InputWidth}] · col(δ)ᵀ, db [{g.OutputChannels}] += Σ_B Σ_positions δ; {FoldNote(step)}");
        writer.Call(
            $"{Kernels}.ConvTranspose.ParameterGradients",
            DeltaBuffer(deconv),
            step.Input,
            Weight("gradients"),
            $"gradients.Slice({deconv.MemberName}BiasOffset, {g.OutputChannels})",
            $"batchSize, {ShapeField(deconv)}, {ConvolutionScratch}");
        if (SendsDeltaDown(writer, step) is not { } below)
        {
            return;
        }
        // δ for the layer below: the plain convolution of δ with the same weights, with that layer's f'.
        writer.Line($"// {below.DeltaComment($"conv(δ{deconv.Name}, W{deconv.Name})", Shape(below.Layer.OutputShape))}");
        writer.Call(
            $"{Kernels}.ConvTranspose.InputDelta<{InputActivationType(below)}>",
            DeltaBuffer(deconv),
            Weight("parameters"),
            step.Input,
            DeltaBuffer(below.Layer),
            $"batchSize, {ShapeField(deconv)}, {ConvolutionScratch}{InputPreActivationArgument(below)}");
    }
}
