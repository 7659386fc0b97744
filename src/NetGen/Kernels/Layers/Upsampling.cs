namespace NetGen.Kernels;

/// <summary>
/// Nearest-neighbour upsampling by an integer factor s, as PyTorch's <c>nn.Upsample(scale_factor=s, mode='nearest')</c>.
/// Shapes (B = batch), row-major, samples contiguous; each of the B·C planes is scaled on its own:
/// <code>
/// forward   y [B, C, H·s, W·s],  y[c, i, j] = x[c, ⌊i / s⌋, ⌊j / s⌋]: each input repeated over an s×s block
/// backward  δx [B, C, H, W] = the sum of δy over each input's s×s block ⊙ f'(z) of the layer that produced x
/// </code>
/// Upsampling has no activation of its own; δ at its output is δ at its input's copies.
/// </summary>
public static class Upsampling
{
    /// <summary>y [B, C, H·s, W·s]: every input copied into its s×s block.</summary>
    /// <param name="input">x [B, C, H, W].</param>
    /// <param name="output">y [B, C, H·s, W·s].</param>
    /// <param name="batch">B.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="scale">s.</param>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int height, int width, int scale)
    {
        int rows = Require(input.Length, nameof(input), output.Length, nameof(output), batch, channels, height, width, scale);
        int outputWidth = width * scale;
        for (int row = 0; row < rows; row++)
        {
            // One input row [W] becomes s output rows [W·s]: widen it once, then copy the widened row below itself.
            ReadOnlySpan<float> x = input.Slice(row * width, width);
            Span<float> block = output.Slice(row * scale * outputWidth, scale * outputWidth);
            Span<float> first = block[..outputWidth];
            for (int j = 0; j < width; j++)
            {
                first.Slice(j * scale, scale).Fill(x[j]);
            }
            for (int copy = 1; copy < scale; copy++)
            {
                first.CopyTo(block.Slice(copy * outputWidth, outputWidth));
            }
        }
    }

    /// <summary>
    /// δx [B, C, H, W] = Σ δy over each input's s×s block (rows in order, then columns), ⊙ f'(z) of the layer that
    /// produced x: from its outputs <paramref name="input"/> = f(z), and <paramref name="inputPreActivation"/> when f'
    /// needs z.
    /// </summary>
    /// <param name="delta">δy = dL/dy [B, C, H·s, W·s].</param>
    /// <param name="input">x [B, C, H, W]: the layer below's outputs a.</param>
    /// <param name="inputDelta">δx [B, C, H, W], overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="scale">s.</param>
    /// <param name="inputPreActivation">The layer below's z [B, C, H, W], when its activation's derivative needs it.</param>
    public static void Backward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, int channels, int height, int width, int scale,
        ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        int rows = Require(inputDelta.Length, nameof(inputDelta), delta.Length, nameof(delta), batch, channels, height, width, scale);
        long count = (long)rows * width;
        Convolution.RequireLength(input.Length, count, nameof(input), "[B, C, H, W]");
        bool needsZ = TInputActivation.DerivativeNeedsInput;
        if (needsZ)
        {
            Convolution.RequireLength(inputPreActivation.Length, count, nameof(inputPreActivation), "[B, C, H, W]");
        }
        int outputWidth = width * scale;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> block = delta.Slice(row * scale * outputWidth, scale * outputWidth); // δy rows i·s … i·s + s − 1
            for (int j = 0; j < width; j++)
            {
                float sum = 0f;
                for (int v = 0; v < scale; v++)
                {
                    ReadOnlySpan<float> cells = block.Slice(v * outputWidth + j * scale, scale);
                    for (int u = 0; u < scale; u++)
                    {
                        sum += cells[u];
                    }
                }
                int at = row * width + j;
                inputDelta[at] = sum * TInputActivation.Derivative(needsZ ? inputPreActivation[at] : 0f, input[at]);
            }
        }
    }

    /// <summary>
    /// Checks the sizes and that the input side holds [B, C, H, W] and the output side [B, C, H·s, W·s]; returns the
    /// input rows, B·C·H.
    /// </summary>
    private static int Require(int inputLength, string inputName, int outputLength, string outputName, int batch, int channels, int height, int width, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        long rows = (long)batch * channels * height;
        Convolution.RequireLength(inputLength, rows * width, inputName, "[B, C, H, W]");
        Convolution.RequireLength(outputLength, rows * width * scale * scale, outputName, "[B, C, H·s, W·s]");
        return (int)rows;
    }
}
