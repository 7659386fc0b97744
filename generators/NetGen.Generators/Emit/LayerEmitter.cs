using System.Collections.Generic;
using NetGen.Generators.Layers;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Emit;

/// <summary>
/// What one layer kind writes into each section of the generated class. <see cref="NetworkEmitter"/> walks the
/// layers section by section and asks each layer's emitter for its part; a kind overrides only what it has.
/// </summary>
/// <remarks>
/// The backward convention: each stage's δ buffer holds dL/dz, the gradient at its pre-activation. The layer above
/// forms it, folding this layer's f' into the pass that forms it where it can (<see cref="FoldedActivation"/>);
/// a layer whose f' cannot be folded there (an activation with a pass of its own, a convolution with batch norm or
/// dropout) is handed dL/da and applies its own f' first thing in its <see cref="WriteBackward"/>.
/// </remarks>
internal abstract class LayerEmitter
{
    protected LayerEmitter(NetworkContext network) => Network = network;

    public NetworkContext Network { get; }

    public abstract PlannedLayer Layer { get; }

    /// <summary>One line of the layer table in the class docs: "Dense", "Conv2D 5×5, stride 1, no padding".</summary>
    public virtual string TableKind => Layer.Kind;

    /// <summary>The parameters the layer table shows on this layer's row.</summary>
    public virtual int TableParameters => 0;

    /// <summary>The last column of the layer table: the activation, or how the layer is run.</summary>
    public virtual string TableNote => "";

    /// <summary>Whether the layer owns output and δ buffers and runs a pass (Flatten is a view; fused layers run in their host).</summary>
    public virtual bool IsStage => false;

    /// <summary>Whether it writes anything into the forward pass: every stage, and Flatten's comment.</summary>
    public virtual bool WritesForward => IsStage;

    /// <summary>Its width in the class summary ("784 → 500 → 10"), or null to leave it out.</summary>
    public virtual string? SummaryWidth => IsStage ? Shape(Layer.OutputShape) : null;

    /// <summary>Whether it learns: the layers above it then send δ down to it.</summary>
    public virtual bool HasParameters => false;

    /// <summary>Whether it behaves differently in training and inference (batch norm, dropout, randomized ReLU).</summary>
    public virtual bool HasModes => false;

    /// <summary>The dropouts it runs, in layer order: the runtime's <c>DropoutLayers</c>, whose rates can be changed.</summary>
    public virtual IEnumerable<PlannedDropout> Dropouts => [];

    /// <summary>Its need of the shared convolution scratch, as a C# expression, or null for none.</summary>
    public virtual string? ConvolutionScratchSize => null;

    /// <summary>
    /// The activation whose f' the layer above folds into the pass that forms this layer's δ, or null where it
    /// cannot (no activation, or one this layer applies itself).
    /// </summary>
    public virtual IActivatedLayer? FoldedActivation => null;

    /// <summary>How comments describe δ formed for this layer by the layer above: "δ · W ⊙ [a > 0], fused into one pass".</summary>
    public virtual string DeltaText(string product) =>
        FoldedActivation is { Activation: not Activation.Identity } activated
            ? $"{product} ⊙ {ActivationTraits.Of(activated.Activation).Derivative}, fused into one pass"
            : $"{product} (identity: no derivative factor)";

    /// <summary>The comment over the pass that forms this layer's δ: "fc1: δ [B, 500] = (δfc2 · Wfc2) ⊙ a (1 − a), fused into one pass".</summary>
    /// <param name="product">What the layer above multiplies: "δfc2 · Wfc2".</param>
    /// <param name="size">This layer's output as the layer above sees it: "1024" flattened, "64×4×4" as an image.</param>
    public virtual string DeltaComment(string product, string size) => $"{Layer.Name}: δ [B, {size}] = {DeltaText(product)}";

    /// <summary>Where the tensors start in the parameter buffer: <c>private const int Fc1WeightOffset = …;</c>.</summary>
    public virtual void WriteOffsets(CodeWriter writer)
    {
    }

    /// <summary>Whether it writes a geometry constant.</summary>
    public virtual bool HasGeometry => false;

    /// <summary>A convolution's or pooling layer's geometry as a constant the kernels take.</summary>
    public virtual void WriteGeometry(CodeWriter writer)
    {
    }

    /// <summary>Types that make declared constants (an activation's α) compile-time constants for the kernels.</summary>
    public virtual void WriteTypes(CodeWriter writer)
    {
    }

    /// <summary>The layer's rows of the tensor table (<c>Architecture.Tensors</c>): PyTorch's names and shapes.</summary>
    public virtual void WriteTensors(CodeWriter writer)
    {
    }

    /// <summary>
    /// Clears, at the start of the backward pass, the gradient slices its kernels add into. A slice its first use
    /// overwrites (a Dense layer's dW and db) needs none, which spares the step a pass over most of the gradients.
    /// </summary>
    public virtual void WriteGradientClears(CodeWriter writer)
    {
    }

    /// <summary>The fields of its buffers, each with its shape.</summary>
    public virtual void WriteBuffers(CodeWriter writer)
    {
    }

    /// <summary>Allocates its buffers for <c>batchCapacity</c> samples.</summary>
    public virtual void WriteAllocation(CodeWriter writer)
    {
    }

    /// <summary>Draws the keys of its random choices for this mini-batch, at the start of the forward pass.</summary>
    public virtual void WriteRandomKeys(CodeWriter writer)
    {
    }

    /// <summary>The forward pass, reading <paramref name="source"/> (the layer below's output, or the input).</summary>
    public virtual void WriteForward(CodeWriter writer, string source)
    {
    }

    /// <summary>
    /// The layer's part of the ONNX inference graph (<c>AddOnnxLayers</c>): calls on <c>graph</c> that turn the value
    /// named by the local <c>x</c> into the layer's output and assign it to <c>x</c>. Nothing for a layer that is the
    /// identity in inference (noise) or whose work its host's nodes include (fused batch norm).
    /// </summary>
    public virtual void WriteOnnx(CodeWriter writer)
    {
    }

    /// <summary>
    /// The backward pass of a stage, labelled once where its parameter gradients are formed: its own f' if the layer
    /// above could not fold it, its parameter gradients, then δ for the stage below.
    /// </summary>
    public virtual void WriteBackward(CodeWriter writer, BackwardStep step)
    {
    }

    /// <summary>
    /// Where this layer's f' entered its δ, for the label over its parameter gradients: "f' folded into fc2's δ pass".
    /// </summary>
    protected string FoldNote(BackwardStep step) =>
        step.Above is null
            ? "δ came from the loss, f' included"
            : FoldedActivation is { Activation: Activation.Identity }
                ? "identity: no f'"
                : FoldedActivation is not null
                    ? $"f' was folded into {step.Above.Layer.Name}'s pass that formed δ"
                    : "f' was applied above, by its own pass";

    /// <summary>
    /// The stage below, when δ must go on down to it; otherwise null, with a comment that says why not.
    /// </summary>
    protected LayerEmitter? SendsDeltaDown(CodeWriter writer, BackwardStep step, bool saysWhenFirst = true)
    {
        if (step.Below is null)
        {
            if (saysWhenFirst)
            {
                writer.Line($"// {Layer.Name} reads the network's input: no δ goes further down.");
            }
            return null;
        }
        if (!step.BelowLearns)
        {
            writer.Line($"// Nothing below {Layer.Name} learns: no δ goes further down.");
            return null;
        }
        return step.Below;
    }

    /// <summary>", inputPreActivation: _fc1PreActivation" where the layer below's folded f' needs its z.</summary>
    protected static string InputPreActivationArgument(LayerEmitter below) =>
        below.FoldedActivation is { } activated && ActivationEmit.KeepsPreActivation(activated)
            ? $", inputPreActivation: {Members.PreActivationBuffer(below.Layer)}"
            : "";

    /// <summary>The runtime activation struct of the layer below's folded f', or the identity.</summary>
    protected static string InputActivationType(LayerEmitter below) =>
        below.FoldedActivation is { } activated ? ActivationEmit.KernelType(activated) : $"{Kernels}.Identity";
}

/// <summary>Where a stage's backward pass stands.</summary>
/// <param name="Below">The stage below, or null where the stage reads the network's input.</param>
/// <param name="Input">The buffer the stage read in forward: the stage below's output, or <c>input</c>.</param>
/// <param name="BelowLearns">Whether any stage below has parameters, so that δ must go on down.</param>
/// <param name="Above">The stage above, which formed this one's δ; null for the output layer, whose δ the loss forms.</param>
internal sealed record BackwardStep(LayerEmitter? Below, string Input, bool BelowLearns, LayerEmitter? Above);
