namespace NetGen;

/// <summary>What a parameter tensor is for; decides its initialisation (and, later, weight decay).</summary>
public enum ParameterRole
{
    /// <summary>A weight matrix: Glorot-initialised.</summary>
    Weight,

    /// <summary>A bias vector: zero-initialised.</summary>
    Bias,
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
public sealed record ParameterTensor(string Name, int Offset, int[] Shape, ParameterRole Role, int FanIn, int FanOut)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public int Length => Shape.Aggregate(1, (product, dimension) => product * dimension);

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
public sealed record ModelDescription(
    string Name,
    int[] InputShape,
    int OutputSize,
    Loss Loss,
    Activation OutputActivation,
    IReadOnlyList<ParameterTensor> Tensors)
{
    /// <summary>Numbers per sample: the product of <see cref="InputShape"/>.</summary>
    public int InputSize => InputShape.Aggregate(1, (product, dimension) => product * dimension);

    /// <summary>Total parameters: the sum of the tensors' lengths.</summary>
    public int ParameterCount => Tensors.Sum(tensor => tensor.Length);
}
