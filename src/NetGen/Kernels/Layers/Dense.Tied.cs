namespace NetGen.Kernels;

// A decoder layer tied to an encoder layer: W = Wₑᵀ. Its forward pass and the δ it sends down run the ordinary Dense
// kernels on a transposed copy of Wₑ, made once per forward pass; its weight gradient goes straight into Wₑ's slice.
public static unsafe partial class Dense
{
    /// <summary>
    /// destination [C, R] = sourceᵀ, for source [R, C]: a tied decoder's weight from its encoder's. Blocked, so both
    /// sides are read and written a cache line at a time; about R·C copies, against the B·R·C multiply-adds of the
    /// product that uses it.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        RequireLength(source, rows * columns, nameof(source), "[R, C]");
        RequireLength(destination, rows * columns, nameof(destination), "[C, R]");
        const int block = 16;
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int r1 = Math.Min(r0 + block, rows);
            for (int c0 = 0; c0 < columns; c0 += block)
            {
                int c1 = Math.Min(c0 + block, columns);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        destination[c * rows + r] = source[r * columns + c];
                    }
                }
            }
        }
    }

    /// <summary>
    /// A tied decoder's dWₑ [I, O] = xᵀ [I, B] · δ [B, O]: the gradient of W = Wₑᵀ, transposed into Wₑ's own layout,
    /// for its input x [B, I] and δ [B, O]. Added into <paramref name="tiedWeightGradient"/>, or overwriting it with
    /// <paramref name="accumulate"/> false (the first use of Wₑ in the backward pass).
    /// </summary>
    public static void TiedWeightGradient(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> tiedWeightGradient, int batch, int inputs, int outputs, bool accumulate = true) =>
        // The same product as an ordinary layer's dW = δᵀ · x with δ and x exchanged: rows of dWₑ are this layer's inputs.
        ParameterGradients(input, delta, tiedWeightGradient, biasGradient: default, batch, inputs: outputs, outputs: inputs, accumulate);

    /// <summary>db [O] = Σ_b δ [b, :], added into <paramref name="biasGradient"/>, or overwriting it with <paramref name="accumulate"/> false.</summary>
    public static void BiasGradient(ReadOnlySpan<float> delta, Span<float> biasGradient, int batch, int outputs, bool accumulate = true)
    {
        RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        RequireLength(biasGradient, outputs, nameof(biasGradient), "[O]");
        if (!accumulate)
        {
            biasGradient[..outputs].Clear();
        }
        for (int b = 0; b < batch; b++)
        {
            Add(delta.Slice(b * outputs, outputs), biasGradient);
        }
    }
}
