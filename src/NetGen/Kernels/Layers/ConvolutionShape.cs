namespace NetGen.Kernels;

/// <summary>
/// The geometry of a 2-D convolution (strictly, a cross-correlation, as in PyTorch and TensorFlow) of one
/// sample: input x [C_in, H, W], weight W [C_out, C_in, kh, kw], output [C_out, H_o, W_o]. Along each axis
/// the input is padded with zeros, <c>before</c> and <c>after</c>, and
/// <code>
/// H_o = (H + pad_top + pad_bottom − kh) / stride_y + 1      (integer division: a window that would run past the padded edge is dropped)
/// W_o = (W + pad_left + pad_right − kw) / stride_x + 1
/// output[o, y, x] = Σ_{i, v, u} W[o, i, v, u] · x[i, y·stride_y + v − pad_top, x·stride_x + u − pad_left]
/// </code>
/// </summary>
/// <remarks>
/// <see cref="Valid"/> pads nothing; <see cref="Same"/> pads as TensorFlow's and PyTorch's "same" do. Sizes in the
/// kernels' comments: K = C_in·kh·kw (<see cref="PatchSize"/>, one output's receptive field) and P = H_o·W_o
/// (<see cref="OutputPixels"/>).
/// </remarks>
public readonly record struct ConvolutionShape
{
    /// <summary>A convolution with explicit zero padding on each side.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride below 1, or a negative padding.</exception>
    /// <exception cref="ArgumentException">The kernel is larger than the padded input along an axis, so there is no output.</exception>
    public ConvolutionShape(
        int inputChannels, int inputHeight, int inputWidth, int outputChannels, int kernelHeight, int kernelWidth,
        int strideY, int strideX, int padTop, int padBottom, int padLeft, int padRight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideY, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideX, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padTop);
        ArgumentOutOfRangeException.ThrowIfNegative(padBottom);
        ArgumentOutOfRangeException.ThrowIfNegative(padLeft);
        ArgumentOutOfRangeException.ThrowIfNegative(padRight);
        InputChannels = inputChannels;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        OutputChannels = outputChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideY = strideY;
        StrideX = strideX;
        PadTop = padTop;
        PadBottom = padBottom;
        PadLeft = padLeft;
        PadRight = padRight;
        OutputHeight = OutputLength(inputHeight, padTop + padBottom, kernelHeight, strideY, "height");
        OutputWidth = OutputLength(inputWidth, padLeft + padRight, kernelWidth, strideX, "width");
    }

    /// <summary>No padding: every window lies inside the input (PyTorch's <c>padding=0</c>, Keras's <c>"valid"</c>).</summary>
    public static ConvolutionShape Valid(
        int inputChannels, int inputHeight, int inputWidth, int outputChannels, int kernelHeight, int kernelWidth, int strideY = 1, int strideX = 1) =>
        new(inputChannels, inputHeight, inputWidth, outputChannels, kernelHeight, kernelWidth, strideY, strideX, 0, 0, 0, 0);

    /// <summary>
    /// "Same" padding, as TensorFlow defines it and PyTorch's <c>padding="same"</c> (stride 1) agrees: the output is
    /// ⌈in / stride⌉ along each axis, and the zeros that takes, pad = max((out − 1)·stride + kernel − in, 0), are split
    /// with ⌊pad / 2⌋ on the top (left) and the rest, one more when pad is odd, on the bottom (right).
    /// </summary>
    /// <example>5×5 kernel, stride 1, 28×28 input: pad = 27 + 5 − 28 = 4, two on each side, output 28×28.
    /// 2×2 kernel, stride 1: pad = 1, none on top, one on the bottom. 3×3 kernel, stride 2, 28×28: output 14×14,
    /// pad = 26 + 3 − 28 = 1, on the bottom and right.</example>
    public static ConvolutionShape Same(
        int inputChannels, int inputHeight, int inputWidth, int outputChannels, int kernelHeight, int kernelWidth, int strideY = 1, int strideX = 1)
    {
        (int top, int bottom) = SamePadding(inputHeight, kernelHeight, strideY);
        (int left, int right) = SamePadding(inputWidth, kernelWidth, strideX);
        return new(inputChannels, inputHeight, inputWidth, outputChannels, kernelHeight, kernelWidth, strideY, strideX, top, bottom, left, right);
    }

    /// <summary>C_in.</summary>
    public int InputChannels { get; }

    /// <summary>H.</summary>
    public int InputHeight { get; }

    /// <summary>W.</summary>
    public int InputWidth { get; }

    /// <summary>C_out: the number of filters.</summary>
    public int OutputChannels { get; }

    /// <summary>kh.</summary>
    public int KernelHeight { get; }

    /// <summary>kw.</summary>
    public int KernelWidth { get; }

    public int StrideY { get; }

    public int StrideX { get; }

    /// <summary>Zero rows above the input.</summary>
    public int PadTop { get; }

    /// <summary>Zero rows below the input.</summary>
    public int PadBottom { get; }

    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Zero columns right of the input.</summary>
    public int PadRight { get; }

    /// <summary>H_o = (H + pad_top + pad_bottom − kh) / stride_y + 1.</summary>
    public int OutputHeight { get; }

    /// <summary>W_o = (W + pad_left + pad_right − kw) / stride_x + 1.</summary>
    public int OutputWidth { get; }

    /// <summary>C_in·H·W: one input sample.</summary>
    public int InputSize => InputChannels * InputHeight * InputWidth;

    /// <summary>C_out·H_o·W_o: one output sample.</summary>
    public int OutputSize => OutputChannels * OutputPixels;

    /// <summary>K = C_in·kh·kw: the inputs one output reads, and one filter's weights.</summary>
    public int PatchSize => InputChannels * KernelHeight * KernelWidth;

    /// <summary>P = H_o·W_o: the positions of one output channel.</summary>
    public int OutputPixels => OutputHeight * OutputWidth;

    /// <summary>C_out·K: the weight [C_out, C_in, kh, kw].</summary>
    public int WeightSize => OutputChannels * PatchSize;

    /// <summary>
    /// A 1×1 kernel with stride 1 and no padding: the lowered input [K, P] is the sample [C_in, H·W] itself, so
    /// the kernels skip the copy.
    /// </summary>
    public bool IsPointwise =>
        KernelHeight == 1 && KernelWidth == 1 && StrideY == 1 && StrideX == 1 && PadTop == 0 && PadBottom == 0 && PadLeft == 0 && PadRight == 0;

    private static int OutputLength(int input, int padding, int kernel, int stride, string axis)
    {
        int span = input + padding - kernel;
        if (span < 0)
        {
            throw new ArgumentException(
                $"A {kernel}-wide kernel does not fit in {input} + {padding} padded input {(axis == "height" ? "rows" : "columns")}: " +
                $"({input} + {padding} − {kernel}) / {stride} + 1 ≤ 0, so the convolution has no output {axis}.", axis == "height" ? "kernelHeight" : "kernelWidth");
        }
        return span / stride + 1;
    }

    private static (int Before, int After) SamePadding(int input, int kernel, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(input, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }
}
