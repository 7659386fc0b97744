namespace NetGen;

/// <summary>
/// A 2-D convolution (a cross-correlation, as in PyTorch): a [filters, H_o, W_o] = f(conv(x [C, H, W], W) + b), with
/// <c>weight [filters, C, kh, kw]</c> and <c>bias [filters]</c> as PyTorch's <c>Conv2d</c> lays them out. The input
/// must be [channels, height, width]; H_o = (H + padding − kh) / stride + 1, and likewise W_o.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>A square <paramref name="kernel"/> × <paramref name="kernel"/> convolution.</summary>
    public Conv2DAttribute(int filters, int kernel, Activation activation = Activation.Identity)
        : this(filters, kernel, kernel, activation)
    {
    }

    /// <summary>A <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/> convolution.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth, Activation activation = Activation.Identity)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
    }

    /// <summary>Output channels: one filter each.</summary>
    public int Filters { get; }

    /// <summary>kh.</summary>
    public int KernelHeight { get; }

    /// <summary>kw.</summary>
    public int KernelWidth { get; }

    /// <summary>The non-linearity applied to each output (softmax and the unit-wise rectifiers are for Dense layers only).</summary>
    public Activation Activation { get; }

    /// <summary>How far the window moves, along both axes. 1 unless set.</summary>
    public int Stride { get; set; } = 1;

    /// <summary><see cref="NetGen.Padding.Valid"/> (no padding) unless set.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>
    /// The input channels the layer expects, if you want the build to check it (PyTorch's <c>in_channels</c>);
    /// 0, the default, takes whatever the layer below gives.
    /// </summary>
    public int InputChannels { get; set; }

    /// <summary>The activation's parameter, as for <see cref="DenseAttribute.Alpha"/>.</summary>
    public double Alpha { get; set; } = double.NaN;

    /// <summary>How the filters start: <see cref="NetGen.Initializer.GlorotUniform"/> unless set, with fan-in C·kh·kw and fan-out filters·kh·kw.</summary>
    public Initializer Initializer { get; set; } = Initializer.GlorotUniform;
}

/// <summary>
/// A 2-D transposed convolution, as PyTorch's <c>ConvTranspose2d</c>: each input spreads its kernel over the output at
/// <see cref="Stride"/>, a [channels, H_o, W_o] = f(convᵀ(x [C, H, W], W) + b), with <c>weight [C, channels, kh, kw]</c>
/// (input channels first) and <c>bias [channels]</c> as PyTorch lays them out. The input must be
/// [channels, height, width];
/// H_o = (H − 1)·stride − 2·padding + kh + output padding, and likewise W_o. A decoder's way to grow an image:
/// kernel 3, <c>Stride = 2, Padding = 1, OutputPadding = 1</c> doubles 7×7 to 14×14.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConvTranspose2DAttribute : LayerAttribute
{
    /// <summary>A square <paramref name="kernel"/> × <paramref name="kernel"/> transposed convolution.</summary>
    public ConvTranspose2DAttribute(int channels, int kernel, Activation activation = Activation.Identity)
        : this(channels, kernel, kernel, activation)
    {
    }

    /// <summary>A <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/> transposed convolution.</summary>
    public ConvTranspose2DAttribute(int channels, int kernelHeight, int kernelWidth, Activation activation = Activation.Identity)
    {
        Channels = channels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
    }

    /// <summary>Output channels (PyTorch's <c>out_channels</c>).</summary>
    public int Channels { get; }

    /// <summary>kh.</summary>
    public int KernelHeight { get; }

    /// <summary>kw.</summary>
    public int KernelWidth { get; }

    /// <summary>The non-linearity applied to each output (softmax and the unit-wise rectifiers are for Dense layers only).</summary>
    public Activation Activation { get; }

    /// <summary>How far apart, in the output, the kernels of neighbouring inputs are placed, along both axes. 1 unless set.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>
    /// Rows and columns cropped from each side of the full output, as PyTorch's <c>padding</c> (it undoes a
    /// convolution's padding of the same number). 0 unless set.
    /// </summary>
    public int Padding { get; set; }

    /// <summary>
    /// Rows and columns added at the bottom and right, as PyTorch's <c>output_padding</c>: it picks among the output
    /// sizes a strided convolution maps to one input size. Less than <see cref="Stride"/>; 0 unless set.
    /// </summary>
    public int OutputPadding { get; set; }

    /// <summary>
    /// The input channels the layer expects, if you want the build to check it (PyTorch's <c>in_channels</c>);
    /// 0, the default, takes whatever the layer below gives.
    /// </summary>
    public int InputChannels { get; set; }

    /// <summary>The activation's parameter, as for <see cref="DenseAttribute.Alpha"/>.</summary>
    public double Alpha { get; set; } = double.NaN;

    /// <summary>
    /// How the weights start: <see cref="NetGen.Initializer.GlorotUniform"/> unless set. The fans are PyTorch's for
    /// <c>ConvTranspose2d</c>, read off the weight [C, channels, kh, kw] as for any tensor: fan-in channels·kh·kw
    /// (<c>weight.size(1)</c>·kh·kw) and fan-out C·kh·kw. Glorot uses their sum, so only He's initializers see the
    /// difference from a convolution's.
    /// </summary>
    public Initializer Initializer { get; set; } = Initializer.GlorotUniform;
}

/// <summary>
/// Max pooling: each channel's <c>size</c> × <c>size</c> windows, moved by <see cref="Stride"/>, become their largest
/// value. No padding; windows that would run past the edge are left out, as PyTorch's <c>MaxPool2d</c> does.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    public MaxPool2DAttribute(int size) => Size = size;

    /// <summary>The window's height and width.</summary>
    public int Size { get; }

    /// <summary>How far the window moves; 0, the default, means the window's size (non-overlapping windows, as in PyTorch).</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling: each channel's <c>size</c> × <c>size</c> windows become their mean; otherwise as <see cref="MaxPool2DAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : LayerAttribute
{
    public AvgPool2DAttribute(int size) => Size = size;

    /// <summary>The window's height and width.</summary>
    public int Size { get; }

    /// <summary>How far the window moves; 0, the default, means the window's size.</summary>
    public int Stride { get; set; }
}

/// <summary>
/// Nearest-neighbour upsampling: each channel [H, W] becomes [H·scale, W·scale], every input repeated over a
/// scale × scale block, as PyTorch's <c>nn.Upsample(scale_factor=scale, mode='nearest')</c>. The input must be
/// [channels, height, width]. No parameters; in a decoder it undoes a pooling layer's or a stride's shrinking.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Upsample2DAttribute : LayerAttribute
{
    /// <param name="scale">The factor along both axes, at least 1.</param>
    public Upsample2DAttribute(int scale) => Scale = scale;

    /// <summary>The factor along both axes.</summary>
    public int Scale { get; }
}
