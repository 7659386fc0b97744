namespace NetGen.Kernels;

/// <summary>
/// The geometry of a 2-D transposed convolution of one sample, as PyTorch's <c>ConvTranspose2d</c>: input
/// x [C_in, H, W], weight W [C_in, C_out, kh, kw], output [C_out, H_o, W_o], each input spreading its kernel over the
/// output at stride s, the first and last p rows and columns cropped, and output padding op extra rows and columns at
/// the bottom and right:
/// <code>
/// H_o = (H − 1)·stride_y − 2·pad_y + kh + outputPad_y      W_o likewise
/// output[o, i·stride_y + v − pad_y, j·stride_x + u − pad_x] += Σ_c W[c, o, v, u] · x[c, i, j]   (only where inside the output)
/// </code>
/// </summary>
/// <remarks>
/// It is the input gradient of the plain convolution that maps [C_out, H_o, W_o] back to [C_in, H, W] with the same
/// weight tensor read as <c>Conv2d.weight</c> [C_in, C_out, kh, kw], the same stride, pad_y zero rows on top and
/// max(pad_y − outputPad_y, 0) below (the rows output padding adds are read by no window: the integer division of
/// the convolution's output size drops them), and likewise for columns: <see cref="Convolution"/>. The kernels run
/// on that convolution, so both share the convolution's product engine.
/// </remarks>
public readonly record struct ConvTransposeShape
{
    /// <summary>A transposed convolution; padding and output padding as PyTorch's <c>padding</c> and <c>output_padding</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A size or stride below 1, a negative padding, or an output padding not below its stride (PyTorch's rule: more
    /// would add rows no input reaches).
    /// </exception>
    /// <exception cref="ArgumentException">The padding crops the whole output along an axis.</exception>
    public ConvTransposeShape(
        int inputChannels, int inputHeight, int inputWidth, int outputChannels, int kernelHeight, int kernelWidth,
        int strideY, int strideX, int padY, int padX, int outputPadY, int outputPadX)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideY, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideX, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padY);
        ArgumentOutOfRangeException.ThrowIfNegative(padX);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPadY);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPadX);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outputPadY, strideY);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outputPadX, strideX);
        InputChannels = inputChannels;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        OutputChannels = outputChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideY = strideY;
        StrideX = strideX;
        PadY = padY;
        PadX = padX;
        OutputPadY = outputPadY;
        OutputPadX = outputPadX;
        OutputHeight = OutputLength(inputHeight, strideY, padY, kernelHeight, outputPadY, "height");
        OutputWidth = OutputLength(inputWidth, strideX, padX, kernelWidth, outputPadX, "width");
        Convolution = new ConvolutionShape(
            outputChannels, OutputHeight, OutputWidth, inputChannels, kernelHeight, kernelWidth, strideY, strideX,
            padY, Math.Max(padY - outputPadY, 0), padX, Math.Max(padX - outputPadX, 0));
    }

    /// <summary>C_in.</summary>
    public int InputChannels { get; }

    /// <summary>H.</summary>
    public int InputHeight { get; }

    /// <summary>W.</summary>
    public int InputWidth { get; }

    /// <summary>C_out.</summary>
    public int OutputChannels { get; }

    /// <summary>kh.</summary>
    public int KernelHeight { get; }

    /// <summary>kw.</summary>
    public int KernelWidth { get; }

    public int StrideY { get; }

    public int StrideX { get; }

    /// <summary>Rows cropped from the top and the bottom of the full output (PyTorch's <c>padding</c>).</summary>
    public int PadY { get; }

    /// <summary>Columns cropped from the left and the right of the full output.</summary>
    public int PadX { get; }

    /// <summary>Rows added at the bottom (PyTorch's <c>output_padding</c>), below the stride.</summary>
    public int OutputPadY { get; }

    /// <summary>Columns added at the right, below the stride.</summary>
    public int OutputPadX { get; }

    /// <summary>H_o = (H − 1)·stride_y − 2·pad_y + kh + outputPad_y.</summary>
    public int OutputHeight { get; }

    /// <summary>W_o = (W − 1)·stride_x − 2·pad_x + kw + outputPad_x.</summary>
    public int OutputWidth { get; }

    /// <summary>The plain convolution [C_out, H_o, W_o] → [C_in, H, W] whose input gradient this is.</summary>
    public ConvolutionShape Convolution { get; }

    /// <summary>C_in·H·W: one input sample.</summary>
    public int InputSize => InputChannels * InputHeight * InputWidth;

    /// <summary>C_out·H_o·W_o: one output sample.</summary>
    public int OutputSize => OutputChannels * OutputPixels;

    /// <summary>H_o·W_o: the positions of one output channel.</summary>
    public int OutputPixels => OutputHeight * OutputWidth;

    /// <summary>C_in·C_out·kh·kw: the weight [C_in, C_out, kh, kw].</summary>
    public int WeightSize => InputChannels * OutputChannels * KernelHeight * KernelWidth;

    private static int OutputLength(int input, int stride, int pad, int kernel, int outputPad, string axis)
    {
        long length = (long)(input - 1) * stride - 2L * pad + kernel + outputPad;
        if (length < 1 || length > Array.MaxLength)
        {
            throw new ArgumentException(
                $"({input} − 1)·{stride} − 2·{pad} + {kernel} + {outputPad} = {length}: the transposed convolution's output {axis} must be between 1 and {Array.MaxLength}.",
                axis == "height" ? "padY" : "padX");
        }
        return (int)length;
    }
}
