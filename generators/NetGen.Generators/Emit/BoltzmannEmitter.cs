using NetGen.Generators.Model;
using NetGen.Generators.Parsing;
using static NetGen.Generators.Emit.Literals;

namespace NetGen.Generators.Emit;

/// <summary>
/// Writes a restricted Boltzmann machine's class: its sizes as constants, its three tensors in PyTorch-style names
/// (<c>weight [H, V]</c>, <c>hidden_bias</c>, <c>visible_bias</c>), and the constructors that hand the declared
/// settings to <c>global::NetGen.BoltzmannMachine</c>, which runs the conditionals, Gibbs chains and CD-k updates on the
/// runtime's kernels.
/// </summary>
internal static class BoltzmannEmitter
{
    public static string Emit(BoltzmannPlan plan)
    {
        var writer = new CodeWriter();
        string units = plan.VisibleUnits == VisibleUnits.Gaussian ? "Gaussian" : "binary";
        string training = $"{(plan.Persistent ? "persistent CD" : "CD")}-{plan.GibbsSteps}";
        NetworkEmitter.WriteFileHeader(writer, plan.Namespace, plan.ClassName);
        writer.Line("/// <summary>");
        writer.Line($"/// {plan.ClassName}: a restricted Boltzmann machine of {Number(plan.Visible)} {units} visible units ({Shape(plan.InputShape)}) and {Number(plan.Hidden)} binary hidden units,");
        writer.Line($"/// trained by {training}; {Number(plan.ParameterCount)} parameters.");
        writer.Line("/// </summary>");
        writer.Line("/// <remarks>");
        writer.Line(plan.VisibleUnits == VisibleUnits.Gaussian
            ? "/// E(v, h) = ½‖v − c‖² − hᵀWv − bᵀh; p(h = 1 | v) = σ(b + Wv), v | h ~ N(c + Wᵀh, 1)."
            : "/// E(v, h) = −hᵀWv − cᵀv − bᵀh; p(h = 1 | v) = σ(b + Wv), p(v = 1 | h) = σ(c + Wᵀh).");
        writer.Line("/// W is weight [H, V], b hidden_bias [H], c visible_bias [V].");
        writer.Line("/// </remarks>");
        writer.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"NetGen.Generators\", \"{NetworkEmitter.GeneratorVersion}\")]");
        using (writer.Block($"partial class {Identifier(plan.ClassName)} : global::NetGen.BoltzmannMachine"))
        {
            writer.Line($"/// <summary>Numbers in one input sample ({Shape(plan.InputShape)}): the visible units.</summary>");
            writer.Line($"public const int InputSize = {plan.Visible};");
            writer.Line();
            writer.Line("/// <summary>The hidden units: numbers per feature vector <c>Transform</c> gives.</summary>");
            writer.Line($"public const int HiddenSize = {plan.Hidden};");
            writer.Line();
            writer.Line("/// <summary>Length of <see cref=\"global::NetGen.Model.Parameters\"/>: the weight and both biases.</summary>");
            writer.Line($"public const int ParameterCount = {plan.ParameterCount};");
            writer.Line();
            writer.Line($"private const int WeightOffset = 0; // weight [{plan.Hidden}, {plan.Visible}]");
            writer.Line($"private const int HiddenBiasOffset = {plan.Hidden * plan.Visible}; // hidden_bias [{plan.Hidden}]");
            writer.Line($"private const int VisibleBiasOffset = {plan.Hidden * plan.Visible + plan.Hidden}; // visible_bias [{plan.Visible}]");
            writer.Line();
            writer.Line("/// <summary>The machine's shapes and tensors, fixed at build time: its hidden layer is its code, what Transform gives.</summary>");
            writer.Line("public static global::NetGen.ModelDescription Architecture { get; } = new(");
            writer.Line($"    Name: {String(plan.ClassName)},");
            writer.Line($"    InputShape: new[] {{ {string.Join(", ", plan.InputShape)} }},");
            writer.Line("    OutputSize: InputSize,");
            writer.Line("    Loss: global::NetGen.Loss.MeanSquaredError,");
            writer.Line($"    OutputActivation: global::NetGen.Activation.{(plan.VisibleUnits == VisibleUnits.Gaussian ? "Identity" : "Sigmoid")},");
            writer.Line("    Tensors: new global::NetGen.ParameterTensor[]");
            writer.Line("    {");
            writer.Line($"        new(\"weight\", WeightOffset, new[] {{ {plan.Hidden}, {plan.Visible} }}, global::NetGen.ParameterRole.Weight, FanIn: {plan.Visible}, FanOut: {plan.Hidden}, global::NetGen.Initializer.SmallNormal),");
            writer.Line($"        new(\"hidden_bias\", HiddenBiasOffset, new[] {{ {plan.Hidden} }}, global::NetGen.ParameterRole.Bias, FanIn: {plan.Visible}, FanOut: {plan.Hidden}),");
            writer.Line($"        new(\"visible_bias\", VisibleBiasOffset, new[] {{ {plan.Visible} }}, global::NetGen.ParameterRole.Bias, FanIn: {plan.Hidden}, FanOut: {plan.Visible}),");
            writer.Line("    },");
            writer.Line("    Layers: new global::NetGen.LayerSummary[]");
            writer.Line("    {");
            writer.Line($"        new(\"hidden\", \"RBM\", new[] {{ {string.Join(", ", plan.InputShape)} }}, new[] {{ {plan.Hidden} }}, ParameterCount, {String($"{units} visible, {training}")}),");
            writer.Line("    },");
            writer.Line($"    Code: new global::NetGen.CodeLayer(\"hidden\", new[] {{ {plan.Hidden} }}));");
            writer.Line();
            writer.Line("/// <summary>A new machine: weight ~ N(0, 0.01²), biases zero (Hinton's guide), from <paramref name=\"seed\"/>, which also seeds every Gibbs sample of training.</summary>");
            writer.Line($"public {Identifier(plan.ClassName)}(int seed = 0)");
            writer.Line($"    : base(Architecture, seed, global::NetGen.VisibleUnits.{plan.VisibleUnits}, gibbsSteps: {plan.GibbsSteps}, persistent: {(plan.Persistent ? "true" : "false")})");
            writer.Line("{");
            writer.Line("}");
            writer.Line();
            writer.Line("/// <summary>An inference replica of <paramref name=\"owner\"/>: its parameters, buffers of its own.</summary>");
            writer.Line($"private {Identifier(plan.ClassName)}({Identifier(plan.ClassName)} owner)");
            writer.Line("    : base(owner)");
            writer.Line("{");
            writer.Line("}");
            writer.Line();
            writer.Line("/// <inheritdoc/>");
            writer.Line($"protected override global::NetGen.Model CreateReplica() => new {Identifier(plan.ClassName)}(this);");
        }
        return writer.ToString();
    }
}
