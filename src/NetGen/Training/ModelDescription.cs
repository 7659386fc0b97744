namespace NetGen;

/// <summary>What a parameter tensor is for; decides its initialisation (and, later, weight decay).</summary>
public enum ParameterRole
{
    /// <summary>A weight matrix: Glorot-initialised, subject to weight decay.</summary>
    Weight,

    /// <summary>A bias vector: zero-initialised.</summary>
    Bias,

    /// <summary>Batch norm's scale γ: initialised to one.</summary>
    BatchNormScale,

    /// <summary>Batch norm's shift β: initialised to zero.</summary>
    BatchNormShift,

    /// <summary>Batch norm's running mean: zero at first, moved by the forward pass, never by an optimizer (its gradient is always zero).</summary>
    RunningMean,

    /// <summary>Batch norm's running variance: one at first, moved by the forward pass, never by an optimizer.</summary>
    RunningVariance,

    /// <summary>Parametric ReLU's learned slopes below zero: 0.25 at first, as PyTorch's; never weight-decayed.</summary>
    ActivationSlope,
}

/// <summary>
/// One named slice of a network's contiguous parameter buffer, in PyTorch's naming and layout
/// (<c>fc1.weight</c> is <c>[out, in]</c> row-major, <c>fc1.bias</c> is <c>[out]</c>).
/// </summary>
/// <param name="Name">The PyTorch-style key, e.g. <c>fc1.weight</c>.</param>
/// <param name="Offset">Index of the first element in <see cref="Model.Parameters"/> and <see cref="Model.Gradients"/>.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Role">What the tensor is for.</param>
/// <param name="FanIn">Inputs feeding each unit (for initialisation).</param>
/// <param name="FanOut">Units each input feeds (for initialisation).</param>
/// <param name="Initializer">How a weight tensor starts (other roles have fixed starting values).</param>
public sealed record ParameterTensor(
    string Name, int Offset, int[] Shape, ParameterRole Role, int FanIn, int FanOut, Initializer Initializer = Initializer.GlorotUniform)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length => ModelDescription.Product(Shape);

    /// <summary>The shape as PyTorch prints it, e.g. <c>[500, 784]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>Everything the runtime needs to know about a generated network, fixed at build time.</summary>
/// <param name="Name">The network's class name.</param>
/// <param name="InputShape">One sample's dimensions, e.g. <c>[28, 28]</c>.</param>
/// <param name="OutputSize">Outputs per sample.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="OutputActivation">The last layer's activation (decides how accuracy is read).</param>
/// <param name="Tensors">The parameter tensors, in buffer order.</param>
/// <param name="DropoutLayers">The [Dropout] layers with their declared rates, in order.</param>
/// <param name="Layers">Every layer as declared, with its shapes: what <see cref="Model.Summary"/> prints.</param>
/// <param name="Code">An autoencoder's code layer (<c>[Autoencoder]</c>); null for any other network.</param>
public sealed record ModelDescription(
    string Name,
    int[] InputShape,
    int OutputSize,
    Loss Loss,
    Activation OutputActivation,
    IReadOnlyList<ParameterTensor> Tensors,
    IReadOnlyList<DropoutLayer>? DropoutLayers = null,
    IReadOnlyList<LayerSummary>? Layers = null,
    CodeLayer? Code = null)
{
    /// <summary>The network's [Dropout] layers with their declared rates, in order (none if it has no dropout).</summary>
    public IReadOnlyList<DropoutLayer> DropoutLayers { get; init; } = DropoutLayers ?? [];

    /// <summary>Every layer in the order declared, with its shapes and parameters.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; init; } = Layers ?? [];

    /// <summary>The layer table with shapes and parameter counts, as <see cref="Model.Summary"/> prints it.</summary>
    public override string ToString() => Training.ModelSummary.Format(this);

    /// <summary>Numbers per sample: the product of <see cref="InputShape"/>.</summary>
    public int InputSize => Product(InputShape);

    /// <summary>
    /// Whether the network is an autoencoder (<c>[Autoencoder]</c>): trained to reproduce its input, which is then its
    /// target, through the <see cref="Code"/> layer.
    /// </summary>
    public bool IsAutoencoder => Code is not null;

    /// <summary>
    /// Whether the outputs are class probabilities: a softmax output (whatever the loss), or one sigmoid unit under
    /// cross-entropy (a yes/no answer). A classifier is scored by accuracy, precision, recall and a confusion
    /// matrix; every other network is a regressor, scored by mean absolute error, RMSE and R² — several sigmoid
    /// units under cross-entropy too (a probability per output, as multi-label classes are). An autoencoder is
    /// never a classifier: its outputs reconstruct its input, scored as a regressor's are.
    /// </summary>
    public bool IsClassifier => !IsAutoencoder && (OutputActivation == Activation.Softmax || (Loss == Loss.CrossEntropy && OutputSize == 1));

    /// <summary>Whether this is a classifier with one sigmoid output: the probability of class 1 against class 0.</summary>
    public bool IsBinaryClassifier => IsClassifier && OutputSize == 1;

    /// <summary>The classes a classifier tells apart: its outputs, or 2 for one sigmoid unit; 0 for a regressor.</summary>
    public int ClassCount => !IsClassifier ? 0 : OutputSize == 1 ? 2 : OutputSize;

    /// <summary>What the network is, in words, for messages: "a classifier of 10 classes (softmax, cross-entropy)".</summary>
    internal string Kind => IsAutoencoder
        ? $"an autoencoder (code '{Code!.Name}' of {Code.Size}, {OutputActivation} output, {LossName})"
        : IsBinaryClassifier
        ? "a binary classifier (one sigmoid unit, cross-entropy)"
        : IsClassifier
            ? $"a classifier of {OutputSize} classes (softmax, {LossName})"
            : Loss == Loss.CrossEntropy
                ? $"a network of {OutputSize} sigmoid outputs (binary cross-entropy per output)"
                : $"a regressor ({OutputActivation} output, {LossName})";

    private string LossName => Loss == Loss.CrossEntropy ? "cross-entropy" : "mean squared error";

    /// <summary>Total parameters: the sum of the tensors' lengths.</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            for (int i = 0; i < Tensors.Count; i++)
            {
                count += Tensors[i].Length;
            }
            return count;
        }
    }

    /// <summary>
    /// The product of the dimensions. A plain loop rather than LINQ: the training loop reads sizes per
    /// mini-batch, and <c>Aggregate</c> would allocate an enumerator each time.
    /// </summary>
    internal static int Product(int[] dimensions)
    {
        int product = 1;
        foreach (int dimension in dimensions)
        {
            product *= dimension;
        }
        return product;
    }
}

/// <summary>One layer as <see cref="Model.Summary"/> shows it.</summary>
/// <param name="Name">Its name: the <c>Name =</c> given, or the default (<c>dense1</c>).</param>
/// <param name="Kind">Its kind with its geometry, e.g. <c>Conv2D 5×5, stride 1, no padding</c>.</param>
/// <param name="InputShape">One sample's shape coming in.</param>
/// <param name="OutputShape">One sample's shape going out.</param>
/// <param name="ParameterCount">The numbers it holds in <see cref="Model.Parameters"/>.</param>
/// <param name="Notes">Its activation, or how it runs (fused into the layer above, a pass of its own).</param>
public sealed record LayerSummary(string Name, string Kind, int[] InputShape, int[] OutputShape, int ParameterCount, string Notes);

/// <summary>An autoencoder's code layer (the bottleneck): the layer whose output <c>Encode</c> returns and <c>Decode</c> starts from.</summary>
/// <param name="Name">The layer's name, as <c>[Autoencoder(…)]</c> gives it.</param>
/// <param name="Shape">One code's dimensions: the layer's output shape.</param>
public sealed record CodeLayer(string Name, int[] Shape)
{
    /// <summary>Numbers per code: the product of <see cref="Shape"/>.</summary>
    public int Size => ModelDescription.Product(Shape);
}

/// <summary>A [Dropout] layer as declared: its name and rate.</summary>
public sealed record DropoutLayer(string Name, float Rate);
