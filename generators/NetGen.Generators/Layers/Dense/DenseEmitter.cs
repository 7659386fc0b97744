using System.Collections.Generic;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.ActivationEmit;
using static NetGen.Generators.Emit.Literals;
using static NetGen.Generators.Emit.Members;

namespace NetGen.Generators.Layers;

/// <summary>
/// A fully connected layer, a = f(x · Wᵀ + b), with the batch norm and dropout fused into it: the product's epilogue
/// normalises, activates and drops; the pass that forms δ for it (in the Dense layer above) applies the mask, f' and
/// batch norm's backward.
/// </summary>
internal sealed class DenseEmitter(NetworkContext network, PlannedDense dense) : LayerEmitter(network)
{
    public override PlannedLayer Layer => dense;

    public override string TableKind => "Dense";

    public override int TableParameters => dense.ParameterCount;

    public override string TableNote => dense.Tie is { } tie ? $"{Text(dense)}, W = {tie.Name}ᵀ".TrimStart(',', ' ') : Text(dense);

    public override bool IsStage => true;

    public override string? SummaryWidth => Number(dense.Units);

    public override bool HasParameters => true;

    public override bool HasModes => dense.BatchNorm is not null || dense.Dropout is not null || dense.Activation == Activation.RReLU;

    public override IEnumerable<PlannedDropout> Dropouts => dense.Dropout is { } dropout ? [dropout] : [];

    /// <summary>An activation with a pass of its own (PReLU, RReLU, bipolar ReLU) applies its own f', with its dropout and batch norm.</summary>
    private bool HasOwnPass => ActivationTraits.Of(dense.Activation).OwnPass is not null;

    public override IActivatedLayer? FoldedActivation => HasOwnPass ? null : dense;

    /// <summary>Batch norm or dropout fused in: only the Dense layer above can fold them into the δ it forms (the plan sees to that).</summary>
    public bool IsRegularized => !HasOwnPass && (dense.BatchNorm is not null || dense.Dropout is not null);

    public override string DeltaComment(string product, string size) =>
        HasOwnPass
            ? $"{dense.Name}: δ at its activation's output [{B}, {dense.Units}] = {product}"
            : dense.Activation == Activation.Identity
                ? $"{dense.Name}: δ [{B}, {dense.Units}] = {product} (identity: no derivative factor)"
                : $"{dense.Name}: δ [{B}, {dense.Units}] = ({product}) ⊙ {ActivationTraits.Of(dense.Activation).Derivative}, fused into one pass";

    /// <summary>W [units, inputs]: the layer's slice of <paramref name="buffer"/>, or, tied, the transposed copy its forward pass makes.</summary>
    private string Weight(string buffer) =>
        dense.Tie is null ? $"{buffer}.Slice({dense.MemberName}WeightOffset, {dense.Units} * {dense.Inputs})" : TiedWeightBuffer;

    /// <summary>A tied layer's W = Wₑᵀ [units, inputs], transposed from its partner's slice at the start of each forward pass.</summary>
    private string TiedWeightBuffer => $"_{Camel(dense.MemberName)}TiedWeight";

    /// <summary>The rows the layer's products run over: B, or B·steps for a per-step layer on a sequence [B, T, F].</summary>
    private string Rows => dense.IsPerStep ? $"batchSize * {dense.Steps}" : "batchSize";

    /// <summary>The rows as comments write them.</summary>
    private string B => dense.IsPerStep ? $"B·{dense.Steps}" : "B";

    private string Sizes => $"{Rows}, inputs: {dense.Inputs}, outputs: {dense.Units}";

    private string SlopeKey => $"_{Camel(dense.MemberName)}SlopeKey";

    /// <summary>PReLU's slopes, named as a PyTorch <c>PReLU</c> module stored beside the layer as <c>{layer}_prelu</c>.</summary>
    private string SlopeTensor => $"{dense.Name}_prelu.weight";

    public override void WriteOffsets(CodeWriter writer)
    {
        if (dense.Tie is { } tie)
        {
            writer.Line($"// {dense.Name}.weight [{dense.Units}, {dense.Inputs}] is {tie.Name}.weightᵀ (tied): no tensor of its own");
        }
        else
        {
            writer.Line($"private const int {dense.MemberName}WeightOffset = {dense.WeightOffset}; // {dense.Name}.weight [{dense.Units}, {dense.Inputs}]");
        }
        if (dense.HasBias)
        {
            writer.Line($"private const int {dense.MemberName}BiasOffset = {dense.BiasOffset}; // {dense.Name}.bias [{dense.Units}]");
        }
        if (dense.HasSlopes)
        {
            writer.Line($"private const int {dense.MemberName}SlopeOffset = {dense.SlopeOffset}; // {SlopeTensor} [{dense.Units}], PReLU's αⱼ");
        }
        if (dense.BatchNorm is { } bn)
        {
            BatchNormEmit.WriteOffsets(writer, bn, dense.Name);
        }
    }

    public override void WriteTypes(CodeWriter writer) => WriteParameterType(writer, dense);

    /// <summary>dW and db are overwritten by their one use (<c>accumulate: false</c>); batch norm's four tensors and PReLU's slopes are added into.</summary>
    public override void WriteGradientClears(CodeWriter writer)
    {
        if (dense.BatchNorm is { } bn)
        {
            writer.Line($"gradients.Slice({bn.MemberName}GammaOffset, 4 * {bn.Units}).Clear(); // {bn.Name}: dγ, dβ (and the running statistics', always 0)");
        }
        if (dense.HasSlopes)
        {
            writer.Line($"gradients.Slice({dense.MemberName}SlopeOffset, {dense.Units}).Clear(); // {SlopeTensor}: dα");
        }
    }

    public override void WriteTensors(CodeWriter writer)
    {
        string initializer = dense.Initializer == Initializer.GlorotUniform ? "" : $", global::NetGen.Initializer.{dense.Initializer}";
        if (dense.Tie is null)
        {
            writer.Line($"        new(\"{dense.Name}.weight\", {dense.MemberName}WeightOffset, new[] {{ {dense.Units}, {dense.Inputs} }}, global::NetGen.ParameterRole.Weight, FanIn: {dense.Inputs}, FanOut: {dense.Units}{initializer}),");
        }
        if (dense.HasBias)
        {
            writer.Line($"        new(\"{dense.Name}.bias\", {dense.MemberName}BiasOffset, new[] {{ {dense.Units} }}, global::NetGen.ParameterRole.Bias, FanIn: {dense.Inputs}, FanOut: {dense.Units}),");
        }
        if (dense.BatchNorm is { } bn)
        {
            BatchNormEmit.WriteTensors(writer, bn);
        }
        if (dense.HasSlopes)
        {
            writer.Line($"        new(\"{SlopeTensor}\", {dense.MemberName}SlopeOffset, new[] {{ {dense.Units} }}, global::NetGen.ParameterRole.ActivationSlope, FanIn: {dense.Units}, FanOut: {dense.Units}),");
        }
    }

    public override void WriteBuffers(CodeWriter writer)
    {
        string size = dense.IsPerStep ? $"{Number(dense.Steps)}, {Number(dense.Units)}" : Number(dense.Units);
        writer.Line($"private float[] {OutputBuffer(dense)} = global::System.Array.Empty<float>(); // a [B, {size}]");
        writer.Line($"private float[] {DeltaBuffer(dense)} = global::System.Array.Empty<float>();  // δ [B, {size}]");
        if (KeepsPreActivation(dense))
        {
            writer.Line($"private float[] {PreActivationBuffer(dense)} = global::System.Array.Empty<float>(); // z [B, {size}], for {ActivationTraits.Of(dense.Activation).Name}'");
        }
        if (dense.BatchNorm is { } bn)
        {
            BatchNormEmit.WriteBuffers(writer, bn, Code(dense.Units));
        }
        if (dense.Dropout is { } dropout)
        {
            writer.Line($"private ulong {DropoutKey(dropout)}; // picks {dropout.Name}'s mask for the current mini-batch");
        }
        if (dense.Tie is { } tie)
        {
            writer.Line($"private float[] {TiedWeightBuffer} = global::System.Array.Empty<float>(); // W = {tie.Name}.weightᵀ [{size}, {Number(dense.Inputs)}]");
        }
        if (dense.Activation == Activation.RReLU)
        {
            writer.Line($"private ulong {SlopeKey}; // picks {dense.Name}'s random slopes for the current mini-batch");
        }
    }

    public override void WriteAllocation(CodeWriter writer)
    {
        writer.Line($"{OutputBuffer(dense)} = new float[batchCapacity * {dense.OutputSize}];");
        writer.Line($"{DeltaBuffer(dense)} = new float[batchCapacity * {dense.OutputSize}];");
        if (KeepsPreActivation(dense))
        {
            writer.Line($"{PreActivationBuffer(dense)} = new float[batchCapacity * {dense.OutputSize}];");
        }
        if (dense.BatchNorm is { } bn)
        {
            BatchNormEmit.WriteAllocation(writer, bn, Code(dense.Units));
        }
        if (dense.Tie is not null)
        {
            // Its size does not depend on the batch: one allocation, the first time.
            writer.Line($"{TiedWeightBuffer} = {TiedWeightBuffer}.Length > 0 ? {TiedWeightBuffer} : new float[{dense.Units} * {dense.Inputs}];");
        }
    }

    public override void WriteRandomKeys(CodeWriter writer)
    {
        if (dense.Dropout is { } dropout)
        {
            writer.Line($"{DropoutKey(dropout)} = training ? base.NextRandomKey() : 0;");
        }
        if (dense.Activation == Activation.RReLU)
        {
            writer.Line($"{SlopeKey} = training ? base.NextRandomKey() : 0;");
        }
    }

    /// <summary>Gemm (x · Wᵀ + b, or x · W with the partner's weight when tied), its batch norm, its activation; per step on a sequence.</summary>
    public override void WriteOnnx(CodeWriter writer)
    {
        string weight = String(dense.Tie is { } tie ? $"{tie.Name}.weight" : $"{dense.Name}.weight");
        string bias = dense.HasBias ? String($"{dense.Name}.bias") : "null";
        writer.Line($"// {dense.Name}: Dense {Shape(dense.InputShape)} → {Shape(dense.OutputShape)}");
        if (dense.IsPerStep)
        {
            writer.Line($"x = graph.PerStepGemm({String(dense.Name)}, x, steps: {Code(dense.Steps)}, inputs: {Code(dense.Inputs)}, units: {Code(dense.Units)}, {weight}, {bias});");
        }
        else
        {
            writer.Line($"x = graph.Gemm({String(dense.Name)}, x, {weight}, {bias}{(dense.Tie is null ? "" : ", transposeWeight: false")});");
            OnnxEmit.WriteBatchNorm(writer, dense.BatchNorm);
        }
        OnnxEmit.WriteActivation(writer, dense, dense.Units);
    }

    public override void WriteForward(CodeWriter writer, string source)
    {
        if (dense.Tie is { } tie)
        {
            writer.Line($"// {dense.Name}: W [{dense.Units}, {dense.Inputs}] = {tie.Name}.weightᵀ, transposed once per pass so the product below reads it as any Dense weight");
            writer.Line($"{Kernels}.Dense.Transpose(parameters.Slice({tie.MemberName}WeightOffset, {dense.Inputs} * {dense.Units}), {TiedWeightBuffer}, rows: {dense.Inputs}, columns: {dense.Units});");
        }
        if (HasOwnPass)
        {
            WriteOwnPassForward(writer, source);
            return;
        }
        string output = OutputBuffer(dense);
        ActivationTraits activation = ActivationTraits.Of(dense.Activation);
        string parameter = ParameterText(dense);
        string kept = KeepsPreActivation(dense) ? $"; z kept for {activation.Name}'" : "";
        string preActivation = KeepsPreActivation(dense) ? $", preActivation: {PreActivationBuffer(dense)}" : "";
        string weight = Weight("parameters");
        string dropout = dense.Dropout is { } d ? $"new {Kernels}.DropoutParameters({Network.DropoutRateCall(d)}, {DropoutKey(d)})" : "";

        if (dense.BatchNorm is { } bn)
        {
            string dropped = dense.Dropout is { } dropoutLayer ? $", then {dropoutLayer.Name} (p = {Number(dropoutLayer.Rate)})" : "";
            writer.Line($"// {dense.Name} + {bn.Name}: z [{B}, {dense.Units}] = x [{B}, {dense.Inputs}] · Wᵀ (no bias: β shifts), ẑ = (z − μ) / √(σ² + {Number(bn.Epsilon)}),");
            writer.Line($"//   a = {activation.Name}(γ ẑ + β){parameter}{dropped}; μ, σ² of the mini-batch in training, running averages in inference{kept}");
            writer.Line($"{Kernels}.Dense.ForwardBatchNorm<{KernelType(dense)}>(");
            writer.Line($"    {source},");
            writer.Line($"    {weight},");
            writer.Line($"    {output},");
            writer.Line($"    {Sizes},");
            writer.Line("    training,");
            WriteBatchNormForwardBuffers(writer, bn);
            if (dense.Dropout is null)
            {
                writer.Line($"    }}{preActivation});");
            }
            else
            {
                writer.Line("    },");
                writer.Line($"    {dropout}{preActivation});");
            }
            return;
        }

        string bias = $"parameters.Slice({dense.MemberName}BiasOffset, {dense.Units})";
        if (dense.Dropout is { } dropoutOnly)
        {
            writer.Line($"// {dense.Name}: a [{B}, {dense.Units}] = {activation.Name}(x [{B}, {dense.Inputs}] · Wᵀ + b) ⊙ mask / (1 − p), W [{dense.Units}, {dense.Inputs}]{parameter},");
            writer.Line($"//   {dropoutOnly.Name}: p = {Number(dropoutOnly.Rate)}, a fresh mask per mini-batch in training, none in inference{kept}");
            writer.Call(
                $"{Kernels}.Dense.ForwardDropout<{KernelType(dense)}>",
                source,
                weight,
                bias,
                output,
                Sizes,
                "training",
                $"{dropout}{preActivation}");
            return;
        }

        writer.Line($"// {dense.Name}: a [{B}, {dense.Units}] = {activation.Name}(x [{B}, {dense.Inputs}] · Wᵀ + b), W [{dense.Units}, {dense.Inputs}]{parameter}{kept}");
        writer.Call(
            $"{Kernels}.Dense.Forward<{KernelType(dense)}>",
            source,
            weight,
            bias,
            output,
            $"{Sizes}{preActivation}");
        if (dense.Activation == Activation.Softmax)
        {
            writer.Line($"{Kernels}.Softmax.Rows({output}, {Rows}, {dense.Units});");
        }
    }

    /// <summary>The opening of the <c>BatchNormBuffers</c> argument of a forward call, up to (not including) its closing brace.</summary>
    private static void WriteBatchNormForwardBuffers(CodeWriter writer, PlannedBatchNorm bn)
    {
        writer.Line($"    new {Kernels}.BatchNormBuffers");
        writer.Line("    {");
        BatchNormEmit.WriteFields(writer, "        ", bn, forward: true, keepsNormalized: true, backwardNeedsBeta: false);
    }

    /// <summary>
    /// An activation that runs as its own pass (<see cref="ActivationTraits.OwnPass"/>): the product (with batch norm,
    /// if any) under the identity, then the activation and the dropout over its output.
    /// </summary>
    private void WriteOwnPassForward(CodeWriter writer, string source)
    {
        ActivationTraits activation = ActivationTraits.Of(dense.Activation);
        string output = OutputBuffer(dense);
        string weight = Weight("parameters");
        if (dense.BatchNorm is { } bn)
        {
            writer.Line($"// {dense.Name} + {bn.Name}: y [{B}, {dense.Units}] = γ ẑ + β, ẑ = (x · Wᵀ − μ) / √(σ² + {Number(bn.Epsilon)}); {activation.Name} follows as its own pass");
            writer.Line($"{Kernels}.Dense.ForwardBatchNorm<{Kernels}.Identity>(");
            writer.Line($"    {source},");
            writer.Line($"    {weight},");
            writer.Line($"    {output},");
            writer.Line($"    {Sizes},");
            writer.Line("    training,");
            WriteBatchNormForwardBuffers(writer, bn);
            writer.Line("    });");
        }
        else
        {
            writer.Line($"// {dense.Name}: z [{B}, {dense.Units}] = x [{B}, {dense.Inputs}] · Wᵀ + b; {activation.Name} follows as its own pass");
            writer.Call(
                $"{Kernels}.Dense.Forward<{Kernels}.Identity>",
                source,
                weight,
                $"parameters.Slice({dense.MemberName}BiasOffset, {dense.Units})",
                output,
                Sizes);
        }
        string dropout = dense.Dropout is not { } d
            ? $"{Kernels}.DropoutParameters.None"
            : $"training ? new {Kernels}.DropoutParameters({Network.DropoutRateCall(d)}, {DropoutKey(d)}) : {Kernels}.DropoutParameters.None";
        string units = $"{Rows}, {dense.Units}";
        writer.Line($"// a = {activation.Name}(z){(dense.Dropout is { } dropped ? $", then {dropped.Name}" : "")}; z is kept for the backward pass");
        writer.Line(dense.Activation switch
        {
            Activation.PReLU => $"{Kernels}.UnitActivations.PReLUForward({output}, {PreActivationBuffer(dense)}, parameters.Slice({dense.MemberName}SlopeOffset, {dense.Units}), {units}, {dropout});",
            Activation.RReLU => $"{Kernels}.UnitActivations.RReLUForward({output}, {PreActivationBuffer(dense)}, {units}, training, {SlopeKey}, {dropout});",
            _ => $"{Kernels}.UnitActivations.BipolarReLUForward({output}, {PreActivationBuffer(dense)}, {units}, {dropout});",
        });
    }

    public override void WriteBackward(CodeWriter writer, BackwardStep step)
    {
        string delta = DeltaBuffer(dense);
        if (HasOwnPass)
        {
            WriteOwnPassBackward(writer);
        }
        writer.Line();
        if (dense.Tie is not null || dense.WeightGradientAddsUp)
        {
            WriteSharedWeightGradients(writer, step);
        }
        else
        {
            writer.Line(dense.HasBias
                ? $"// {dense.Name}: dW [{dense.Units}, {dense.Inputs}] = δᵀ · x, db [{dense.Units}] = Σ_B δ (its one use: overwritten); {FoldNote(step)}"
                : $"// {dense.Name}: dW [{dense.Units}, {dense.Inputs}] = δᵀ · x, overwritten (no bias: {dense.BatchNorm!.Name}'s dβ was formed with δ); {FoldNote(step)}");
            writer.Call(
                $"{Kernels}.Dense.ParameterGradients",
                delta,
                step.Input,
                $"gradients.Slice({dense.MemberName}WeightOffset, {dense.Units} * {dense.Inputs})",
                dense.HasBias ? $"gradients.Slice({dense.MemberName}BiasOffset, {dense.Units})" : "biasGradient: default",
                $"{Rows}, inputs: {dense.Inputs}, outputs: {dense.Units}, accumulate: false");
        }
        if (SendsDeltaDown(writer, step) is { } below)
        {
            WriteInputDelta(writer, below, step.Input);
        }
    }

    /// <summary>
    /// The gradients of a weight two layers share, a tied pair's: the later layer runs backward first and overwrites the
    /// shared slice, the earlier one adds into it; a tied layer forms it in its partner's layout, [inputs, units]. The
    /// bias is always the layer's own, overwritten.
    /// </summary>
    private void WriteSharedWeightGradients(CodeWriter writer, BackwardStep step)
    {
        string delta = DeltaBuffer(dense);
        string mode = dense.WeightGradientAddsUp ? "+=" : "=";
        string use = dense.WeightGradientAddsUp ? $"added to {LaterUser()}'s, formed before" : "its last use, so the first in backward: overwritten";
        if (dense.Tie is { } tie)
        {
            writer.Line($"// {dense.Name}: d({tie.Name}.weight) [{dense.Inputs}, {dense.Units}] {mode} xᵀ · δ, the gradient of W = {tie.Name}.weightᵀ in {tie.Name}'s layout ({use}); {FoldNote(step)}");
            writer.Call(
                $"{Kernels}.Dense.TiedWeightGradient",
                delta,
                step.Input,
                $"gradients.Slice({tie.MemberName}WeightOffset, {dense.Inputs} * {dense.Units})",
                $"{Rows}, inputs: {dense.Inputs}, outputs: {dense.Units}, accumulate: {(dense.WeightGradientAddsUp ? "true" : "false")}");
        }
        else
        {
            writer.Line($"// {dense.Name}: dW [{dense.Units}, {dense.Inputs}] {mode} δᵀ · x ({use}); {FoldNote(step)}");
            writer.Call(
                $"{Kernels}.Dense.ParameterGradients",
                delta,
                step.Input,
                $"gradients.Slice({dense.MemberName}WeightOffset, {dense.Units} * {dense.Inputs})",
                "biasGradient: default",
                $"{Rows}, inputs: {dense.Inputs}, outputs: {dense.Units}, accumulate: true");
        }
        if (dense.HasBias)
        {
            writer.Line($"// {dense.Name}: db [{dense.Units}] = Σ_B δ (its one use: overwritten)");
            writer.Line($"{Kernels}.Dense.BiasGradient({delta}, gradients.Slice({dense.MemberName}BiasOffset, {dense.Units}), {Rows}, {dense.Units}, accumulate: false);");
        }
    }

    /// <summary>The next layer above this one that uses the same weight, whose backward runs first.</summary>
    private string LaterUser()
    {
        string owner = dense.Tie?.Name ?? dense.Name;
        bool above = false;
        foreach (PlannedLayer layer in Network.Plan.Layers)
        {
            if (above && layer is PlannedDense { Tie: { } tie } && tie.Name == owner)
            {
                return layer.Name;
            }
            above |= ReferenceEquals(layer, dense);
        }
        return owner;
    }

    /// <summary>δ at the layer's output [B, units] becomes δ at z: back through its own-pass activation and dropout, then its batch norm.</summary>
    private void WriteOwnPassBackward(CodeWriter writer)
    {
        string delta = DeltaBuffer(dense);
        string dropout = dense.Dropout is not { } d
            ? $"{Kernels}.DropoutParameters.None"
            : $"new {Kernels}.DropoutParameters({Network.DropoutRateCall(d)}, {DropoutKey(d)})";
        string units = $"{Rows}, {dense.Units}";
        writer.Line($"// {dense.Name}: δ ⊙= {ActivationTraits.Of(dense.Activation).Derivative}{(dense.Dropout is null ? "" : " ⊙ mask / (1 − p)")}{(dense.HasSlopes ? ", and dαⱼ = Σ_B δ min(z, 0)" : "")}");
        writer.Line(dense.Activation switch
        {
            Activation.PReLU => $"{Kernels}.UnitActivations.PReLUBackward({delta}, {PreActivationBuffer(dense)}, parameters.Slice({dense.MemberName}SlopeOffset, {dense.Units}), gradients.Slice({dense.MemberName}SlopeOffset, {dense.Units}), {units}, {dropout});",
            Activation.RReLU => $"{Kernels}.UnitActivations.RReLUBackward({delta}, {PreActivationBuffer(dense)}, {units}, {SlopeKey}, {dropout});",
            _ => $"{Kernels}.UnitActivations.BipolarReLUBackward({delta}, {PreActivationBuffer(dense)}, {units}, {dropout});",
        });
        if (dense.BatchNorm is { } bn)
        {
            writer.Line($"// {bn.Name}: δ at γ ẑ + β becomes δ at z, with dγ and dβ");
            writer.Line($"{Kernels}.Dense.BatchNormBackward({delta}, new {Kernels}.BatchNormBuffers");
            writer.Line("{");
            BatchNormEmit.WriteFields(writer, "    ", bn, forward: false, keepsNormalized: true, backwardNeedsBeta: false);
            writer.Line($"}}, {units});");
        }
    }

    /// <summary>δ for the stage below: back through this layer's weights, then that layer's dropout, activation and batch norm, in one pass.</summary>
    private void WriteInputDelta(CodeWriter writer, LayerEmitter belowLayer, string layerInput)
    {
        string delta = DeltaBuffer(dense);
        if (belowLayer is not DenseEmitter { Layer: PlannedDense below } belowDense || !belowDense.IsRegularized)
        {
            // Any other stage, a flattened one included: its folded f' (if any), nothing else fused.
            PlannedLayer target = belowLayer.Layer;
            writer.Line($"// {belowLayer.DeltaComment($"δ{dense.Name} · W{dense.Name}", Shape(target.OutputShape))}");
            writer.Call(
                $"{Kernels}.Dense.InputDelta<{InputActivationType(belowLayer)}>",
                delta,
                $"{Weight("parameters")}",
                layerInput,
                $"{DeltaBuffer(target)}",
                $"{Sizes}{InputPreActivationArgument(belowLayer)}");
            return;
        }

        string preActivation = KeepsPreActivation(below) ? $", inputPreActivation: {PreActivationBuffer(below)}" : "";
        string product = below.Activation == Activation.Identity
            ? $"δ{dense.Name} · W{dense.Name}"
            : $"(δ{dense.Name} · W{dense.Name}) ⊙ {ActivationTraits.Of(below.Activation).Derivative}";
        string masked = below.Dropout is not null ? " ⊙ mask / (1 − p)" : "";
        writer.Line($"// {below.Name}: δ [B, {below.Units}] = {product}{masked}{(below.BatchNorm is { } norm ? $", then back through {norm.Name}, which also forms dγ and dβ" : "")}, in one pass");
        writer.Line($"{Kernels}.Dense.InputDeltaRegularized<{KernelType(below)}>(");
        writer.Line($"    {delta},");
        writer.Line($"    {Weight("parameters")},");
        writer.Line($"    {layerInput},");
        writer.Line($"    {DeltaBuffer(below)},");
        writer.Line($"    {Sizes},");
        writer.Line(below.Dropout is { } d
            ? $"    new {Kernels}.DropoutParameters({Network.DropoutRateCall(d)}, {DropoutKey(d)}){(below.BatchNorm is null ? preActivation + ");" : ",")}"
            : $"    {Kernels}.DropoutParameters.None,");
        if (below.BatchNorm is { } bn)
        {
            writer.Line($"    new {Kernels}.BatchNormBuffers");
            writer.Line("    {");
            BatchNormEmit.WriteFields(writer, "        ", bn, forward: false, keepsNormalized: true, backwardNeedsBeta: false);
            writer.Line($"    }}{preActivation});");
        }
    }
}
