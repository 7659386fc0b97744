using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic NetGen reports. IDs are permanent: add new ones at the end, never renumber
/// (AnalyzerReleases.*.md tracks them). Each message names the layer and the shapes involved.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "NetGen";

    /// <summary>
    /// docs/diagnostics.md on the repository's main branch: each descriptor's help link is this plus <c>#ng00xx</c>, the
    /// anchor of its <c>## NG00xx</c> heading (a test checks every anchor exists).
    /// </summary>
    public const string HelpLinkBase = "https://github.com/netgen/netgen/blob/main/docs/diagnostics.md";

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "NG0001", "Network class must be partial",
        "'{0}' must be declared 'partial' so that NetGen can add the generated forward and backward passes to it");

    public static readonly DiagnosticDescriptor MissingInput = Error(
        "NG0002", "Network has no [Input]",
        "Network '{0}' has no [Input(...)]: add one with the shape of a sample, e.g. [Input(28, 28)] for 28×28 images");

    public static readonly DiagnosticDescriptor LayersInSeveralDeclarations = Error(
        "NG0003", "Layers are spread over several partial declarations",
        "Layer {0} ({1}) is on a different partial declaration of '{2}' than the layers before it; layers run in the order written, which is only defined within one declaration, so put all layer attributes on one");

    public static readonly DiagnosticDescriptor NonPositiveSize = Error(
        "NG0004", "Sizes must be positive",
        "{0}: {1} is {2}, but it must be at least 1");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
        "NG0005", "Softmax is only for the last layer",
        "Dense '{0}' uses softmax but is not the last layer; softmax turns the outputs into class probabilities, so use it only on the output layer and pick ReLU, tanh or sigmoid here");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsProbabilities = Error(
        "NG0006", "Cross-entropy needs a softmax or sigmoid output",
        "Cross-entropy loss needs probabilities, but the last layer, Dense '{0}' with {1} unit{2}, uses {3}; use Activation.Softmax{4} (one class per sample), Activation.Sigmoid (a probability per unit), or Loss.MeanSquaredError for regression");

    public static readonly DiagnosticDescriptor MeanSquaredErrorOnSoftmax = Warning(
        "NG0007", "Mean squared error after a softmax learns slowly",
        "Dense '{0}' ends in softmax but the loss is mean squared error; the softmax Jacobian shrinks its gradient when predictions are confidently wrong: use Loss.CrossEntropy with softmax");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        "NG0008", "Two layers have the same name",
        "Layer {0} is named '{1}', like layer {2}; names key the saved weights ('{1}.weight') and the generated members, so each must be unique (ignoring case)");

    public static readonly DiagnosticDescriptor NestedClass = Error(
        "NG0009", "Nested network classes are not supported",
        "'{0}' is nested inside '{1}'; declare the network as a top-level class");

    public static readonly DiagnosticDescriptor GenericClass = Error(
        "NG0010", "Generic network classes are not supported",
        "'{0}' has type parameters; a network's shapes are fixed at build time, so declare it without them");

    public static readonly DiagnosticDescriptor InputRank = Error(
        "NG0011", "[Input] takes 1 to 3 dimensions",
        "[Input] has {0} dimension{1}; give 1 (features), 2 (height, width) or 3 (channels, height, width)");

    public static readonly DiagnosticDescriptor SeveralInputs = Error(
        "NG0012", "More than one [Input]",
        "Network '{0}' has more than one [Input]; a network takes one input");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NG0013", "Network has no layer that can give its output",
        "Network '{0}' has no {1} layer, so it has nothing to learn and no output; add one to end the network");

    public static readonly DiagnosticDescriptor DenseNeedsFlatInput = Error(
        "NG0014", "Dense layer on a multi-dimensional input",
        "Dense '{0}' gets samples of shape {1}, but a dense layer takes a flat vector: add [Flatten] before it to turn {1} into {2}");

    public static readonly DiagnosticDescriptor HasBaseClass = Error(
        "NG0015", "Network class has a base class",
        "'{0}' derives from '{1}', but the generated part derives from NetGen.Model; remove the base class (use composition instead)");

    public static readonly DiagnosticDescriptor UnknownEnumValue = Error(
        "NG0016", "Unknown enum value",
        "{0} is ({1}){2}, which is not a defined {1}");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "NG0017", "Layer name is not an identifier",
        "Layer name '{0}' must start with a letter or '_' and hold only letters, digits and '_', since it keys the saved weights and names generated members");

    public static readonly DiagnosticDescriptor LastLayerNotDense = Error(
        "NG0018", "Network must end with a Dense or convolution layer",
        "The last layer of '{0}' is {1} '{2}'; the outputs come from the last layer, which must be {3}, so end the network with one");

    public static readonly DiagnosticDescriptor TooLarge = Error(
        "NG0019", "Network is too large",
        "{0} would need {1} numbers, more than one array can hold ({2})");

    public static readonly DiagnosticDescriptor NotAClass = Error(
        "NG0020", "Network must be a class",
        "'{0}' is a record; declare the network as a 'partial class'");

    public static readonly DiagnosticDescriptor StaticClass = Error(
        "NG0021", "Network class cannot be static",
        "'{0}' is static, but a network is created with 'new' and holds its weights; remove 'static'");

    public static readonly DiagnosticDescriptor FileLocalClass = Error(
        "NG0022", "File-local network classes are not supported",
        "'{0}' is a 'file' class; the generated part lives in another file and could not see it, so declare it without 'file'");

    public static readonly DiagnosticDescriptor SoftmaxOverOneUnit = Error(
        "NG0023", "Softmax over one unit",
        "Dense '{0}' applies softmax to a single unit, which always outputs 1 and cannot learn; use 2 units with softmax, or 1 unit with Activation.Sigmoid");

    public static readonly DiagnosticDescriptor ActivationParameterOutOfRange = Error(
        "NG0024", "Activation parameter out of range",
        "{0} sets Alpha = {1}, but the {2} of {3} must be {4}");

    public static readonly DiagnosticDescriptor ActivationTakesNoParameter = Error(
        "NG0025", "Activation takes no parameter",
        "{0} sets Alpha = {1}, but {2} takes no parameter, so the value would be ignored; remove Alpha, or use an activation that takes one: LeakyReLU (slope), ELU, ISRU or ISRLU (α)");

    public static readonly DiagnosticDescriptor BinaryStepStopsGradient = Warning(
        "NG0026", "Binary step passes no gradient",
        "{0} uses binary step, whose derivative is 0: no gradient reaches it or any layer below it, so training leaves the weights of {1} as initialised; use sigmoid or tanh for a step that learns");

    public static readonly DiagnosticDescriptor RegularizerMisplaced = Error(
        "NG0027", "Dropout, BatchNorm or noise after the output layer",
        "{0} '{1}' {2}; put it before the output layer");

    public static readonly DiagnosticDescriptor RegularizerValueOutOfRange = Error(
        "NG0028", "Dropout, BatchNorm or noise setting out of range",
        "{0} '{1}': {2} is {3}, but it must be {4}");

    public static readonly DiagnosticDescriptor WindowLargerThanInput = Error(
        "NG0029", "Kernel or window larger than the input",
        "{0} '{1}' ({2}) on {3} gives no output: a {4}-{5} window does not fit in {6} {5}s, {7} < 1; use a smaller {8}");

    public static readonly DiagnosticDescriptor StrideLeavesInputUnused = Warning(
        "NG0030", "Stride leaves part of the input unused",
        "{0} '{1}' ({2}) on {3} never reads {4}: {5}; {6}");

    public static readonly DiagnosticDescriptor SpatialLayerNeedsImage = Error(
        "NG0031", "Convolution or pooling on an input that is not an image",
        "{0} '{1}' takes samples of shape [channels, height, width], but gets {2}{3}");

    public static readonly DiagnosticDescriptor InputChannelsMismatch = Error(
        "NG0032", "Convolution expects other input channels",
        "{6} '{0}' declares InputChannels = {1}, but its input {2} has {3} channel{4}{5}");

    public static readonly DiagnosticDescriptor ActivationNotForConvolution = Error(
        "NG0033", "Activation not available on a convolution",
        "{3} '{0}' uses {1}, which {2}; use it on a Dense layer, or pick another activation such as ReLU");

    public static readonly DiagnosticDescriptor GeneratedNameClash = Error(
        "NG0034", "A generated member's name clashes",
        "The generated member '{0}' clashes with {1}; rename {2}");

    public static readonly DiagnosticDescriptor ConstructorConflict = Error(
        "NG0035", "The class declares a constructor the generated one conflicts with",
        "'{0}' declares {1}, but NetGen generates the constructor {0}(int seed = 0); remove it, and keep your own state in another class that holds the network");

    public static readonly DiagnosticDescriptor CodeLayerNotFound = Error(
        "NG0036", "The autoencoder's code layer does not exist",
        "[Autoencoder] on '{0}' names the code layer '{1}', but no layer is called that; the layers are {2}");

    public static readonly DiagnosticDescriptor ReconstructionSizeMismatch = Error(
        "NG0037", "The autoencoder's output differs in size from its input",
        "Autoencoder '{0}' must reproduce its input at its output, but its input is {1} and its output layer '{2}' gives {3}; make the output {4} numbers");

    public static readonly DiagnosticDescriptor TiedToNoEarlierDense = Error(
        "NG0038", "A tied layer must name an earlier Dense layer",
        "Dense '{0}' is tied to '{1}', {2}; tie it to an earlier Dense layer, whose weight it uses transposed");

    public static readonly DiagnosticDescriptor TiedShapesDoNotTranspose = Error(
        "NG0039", "A tied layer's shape is not its partner's transposed",
        "Dense '{0}' takes {1} inputs to {2} units, so its weight is [{2}, {1}]; tied to '{3}', whose weight is [{4}, {5}], it would be the transpose [{5}, {4}]: give '{0}' {5} units and {4} inputs, or tie it to a layer of the transposed shape");

    public static readonly DiagnosticDescriptor TiedToTiedLayer = Error(
        "NG0040", "A tied layer's partner is tied itself",
        "Dense '{0}' is tied to '{1}', which is itself tied to '{2}' and has no weight of its own; tie '{0}' to a layer with a weight of its own, or untie '{1}'");

    public static readonly DiagnosticDescriptor NetworkAttributeOnBoltzmannMachine = Error(
        "NG0041", "A restricted Boltzmann machine takes no network attributes",
        "'{0}' is declared a restricted Boltzmann machine, which takes only [Input]; [{1}] belongs to a [Network]: declare the network in a class of its own (Pretrain can start its Dense layers from RBMs)");

    public static readonly DiagnosticDescriptor CrossEntropyOnSpatialOutput = Error(
        "NG0042", "Cross-entropy on a convolution's output needs a sigmoid",
        "Cross-entropy loss reads each output as a probability, but the last layer, {0} '{1}', uses {2}; use Activation.Sigmoid (binary cross-entropy per output, averaged), or Loss.MeanSquaredError");

    public static readonly DiagnosticDescriptor ReshapeSizeMismatch = Error(
        "NG0043", "Reshape to a shape of another size",
        "Reshape '{0}' gets samples of shape {1}, {2} numbers, but [{3}] holds {4}; a reshape keeps every number, so give dimensions whose product is {2}{5}");

    public static readonly DiagnosticDescriptor TransposedPaddingOutOfRange = Error(
        "NG0044", "Transposed convolution's padding out of range",
        "ConvTranspose2D '{0}': {1} is {2}, but it must be {3}");

    public static readonly DiagnosticDescriptor TransposedConvolutionHasNoOutput = Error(
        "NG0045", "Transposed convolution gives no output",
        "ConvTranspose2D '{0}' ({1}) on {2} gives no output {3}s: {4} < 1, since Padding crops {5} {3}s from each side of the {6} its kernels cover; use less Padding");

    public static readonly DiagnosticDescriptor RecurrentNeedsSequence = Error(
        "NG0046", "Recurrent layer on an input that is not a sequence",
        "{0} '{1}' reads a sequence [steps, features], but gets {2}{3}");

    public static readonly DiagnosticDescriptor DenseOnSequence = Error(
        "NG0047", "Dense layer on a whole sequence",
        "Dense '{0}' gets a whole sequence of {1} steps × {2} features from {3}, but a dense layer takes one vector per sample: {4}");

    public static readonly DiagnosticDescriptor SequenceInputRank = Error(
        "NG0048", "A sequence input takes 2 dimensions",
        "[Input({0}, Sequence = true)] has {1} dimension{2}, but a sequence is [steps, features]{3}");

    public static readonly DiagnosticDescriptor SequenceOutputNeedsVector = Error(
        "NG0049", "A sequence output where the loss needs a vector",
        "Dense '{0}' gives the network's output per step, {1} steps × {2} units, but softmax with Loss.CrossEntropy takes one vector of class probabilities and one label per sample: {3}");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "NG0999", "NetGen generator failed",
        "NetGen could not generate '{0}' because of a bug in the generator; please report it with this text: {1}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    /// <summary>The entry of <paramref name="id"/> in docs/diagnostics.md: GitHub's anchor of "## NG0001" is "#ng0001".</summary>
    private static string HelpLink(string id) => HelpLinkBase + "#" + id.ToLowerInvariant();
}
