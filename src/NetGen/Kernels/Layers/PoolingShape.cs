namespace NetGen.Kernels;

/// <summary>
/// The geometry of 2-D max or average pooling of one sample [C, H, W] into [C, H_o, W_o], each channel on its own.
/// Windows start at multiples of the stride and must lie inside the input (no padding, PyTorch's default
/// <c>ceil_mode=False</c>): H_o = (H − kh) / stride_y + 1 and W_o = (W − kw) / stride_x + 1, rounded down, so
/// the last rows or columns are left out when the stride does not divide the rest.
/// </summary>
public readonly record struct PoolingShape
{
    /// <summary>A <paramref name="windowHeight"/> × <paramref name="windowWidth"/> window moved by the given strides.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride below 1.</exception>
    /// <exception cref="ArgumentException">The window is larger than the input along an axis, so there is no output.</exception>
    public PoolingShape(int channels, int inputHeight, int inputWidth, int windowHeight, int windowWidth, int strideY, int strideX)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideY, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideX, 1);
        if (windowHeight > inputHeight || windowWidth > inputWidth)
        {
            throw new ArgumentException(
                $"A {windowHeight}×{windowWidth} window does not fit in a {inputHeight}×{inputWidth} input: pooling takes windows " +
                "inside the input only, so the input needs at least as many rows and columns as the window.",
                windowHeight > inputHeight ? nameof(windowHeight) : nameof(windowWidth));
        }
        Channels = channels;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        WindowHeight = windowHeight;
        WindowWidth = windowWidth;
        StrideY = strideY;
        StrideX = strideX;
        OutputHeight = (inputHeight - windowHeight) / strideY + 1;
        OutputWidth = (inputWidth - windowWidth) / strideX + 1;
    }

    /// <summary>A square <paramref name="size"/> × <paramref name="size"/> window, moved by <paramref name="stride"/> (the window's size unless given, as in PyTorch).</summary>
    public PoolingShape(int channels, int inputHeight, int inputWidth, int size, int stride = 0)
        : this(channels, inputHeight, inputWidth, size, size, stride == 0 ? size : stride, stride == 0 ? size : stride)
    {
    }

    /// <summary>C: channels, pooled independently.</summary>
    public int Channels { get; }

    /// <summary>H.</summary>
    public int InputHeight { get; }

    /// <summary>W.</summary>
    public int InputWidth { get; }

    /// <summary>kh.</summary>
    public int WindowHeight { get; }

    /// <summary>kw.</summary>
    public int WindowWidth { get; }

    public int StrideY { get; }

    public int StrideX { get; }

    /// <summary>H_o = (H − kh) / stride_y + 1.</summary>
    public int OutputHeight { get; }

    /// <summary>W_o = (W − kw) / stride_x + 1.</summary>
    public int OutputWidth { get; }

    /// <summary>C·H·W: one input sample.</summary>
    public int InputSize => Channels * InputHeight * InputWidth;

    /// <summary>C·H_o·W_o: one output sample.</summary>
    public int OutputSize => Channels * OutputHeight * OutputWidth;
}
