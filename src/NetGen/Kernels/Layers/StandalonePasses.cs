namespace NetGen.Kernels;

// Batch norm and dropout where no host layer can fuse them (on the input, after Flatten or pooling, after another
// dropout): a pass of their own over x [B, C, P], P = the positions per channel (1 for a flat vector). Forward and
// backward sit side by side; each backward also applies the f' of the layer below, so δ reaches that layer in one pass.

/// <summary>Inverted dropout as a pass of its own: a = x ⊙ mask / (1 − p) in training, a = x in inference.</summary>
public static class DropoutPass
{
    /// <summary>a [B, N] = x ⊙ mask / (1 − p) in training; a copy of x in inference.</summary>
    /// <param name="input">x [B, N].</param>
    /// <param name="output">a [B, N].</param>
    /// <param name="batch">B.</param>
    /// <param name="size">N, the numbers in one sample.</param>
    /// <param name="training">Drop (training) or pass through (inference).</param>
    /// <param name="dropout">The rate and this mini-batch's key.</param>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int size, bool training, DropoutParameters dropout)
    {
        int count = Require(input.Length, nameof(input), output.Length, nameof(output), batch, size);
        if (!training || dropout.Rate == 0f)
        {
            input[..count].CopyTo(output);
            return;
        }
        var arguments = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < count; i++)
        {
            output[i] = input[i] * DropoutMask.Scale(arguments, (uint)i);
        }
    }

    /// <summary>
    /// δx [B, N] = δa ⊙ mask / (1 − p) ⊙ f'(z) of the layer below, whose outputs x = f(z) are <paramref name="input"/>
    /// (and z <paramref name="inputPreActivation"/> where its f' needs it).
    /// </summary>
    public static void Backward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, int size, DropoutParameters dropout,
        ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        int count = Require(delta.Length, nameof(delta), inputDelta.Length, nameof(inputDelta), batch, size);
        Require(input.Length, nameof(input), count, nameof(input), batch, size);
        bool needsZ = TInputActivation.DerivativeNeedsInput;
        if (needsZ)
        {
            Require(inputPreActivation.Length, nameof(inputPreActivation), count, nameof(inputPreActivation), batch, size);
        }
        var arguments = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < count; i++)
        {
            float scale = dropout.Rate == 0f ? 1f : DropoutMask.Scale(arguments, (uint)i);
            inputDelta[i] = delta[i] * scale * TInputActivation.Derivative(needsZ ? inputPreActivation[i] : 0f, input[i]);
        }
    }

    internal static int Require(int firstLength, string firstName, int secondLength, string secondName, int batch, int size)
    {
        long count = (long)batch * size;
        if (batch <= 0 || size <= 0 || firstLength < count || secondLength < count)
        {
            throw new ArgumentException(
                $"A batch of {batch} samples of {size} numbers needs {count} numbers; {firstName} has {firstLength} and {secondName} {secondLength}.");
        }
        return (int)count;
    }
}

/// <summary>
/// Batch normalisation as a pass of its own, per channel over the batch and positions (PyTorch's BatchNorm1d on
/// [B, C] or [B, C, L], BatchNorm2d on [B, C, H, W]): y = γ ẑ + β, ẑ = (x − μ) / √(σ² + ε).
/// </summary>
public static class BatchNormPass
{
    /// <summary>
    /// y [B, C, P] from x [B, C, P]: μ and σ² of the mini-batch in training (moving the running statistics), the
    /// running ones in inference. <paramref name="normalized"/> keeps ẑ for the backward pass.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> input, Span<float> normalized, Span<float> output, int batch, int channels, int pixels, bool training,
        BatchNormBuffers batchNorm)
    {
        int count = DropoutPass.Require(input.Length, nameof(input), normalized.Length, nameof(normalized), batch, channels * pixels);
        input[..count].CopyTo(normalized);
        Convolution.ForwardEpilogue<Identity>(normalized[..count], output[..count], batch, channels, pixels, training, batchNorm, DropoutParameters.None);
    }

    /// <summary>
    /// δy [B, C, P] in <paramref name="delta"/> becomes δ at x in place (forming dγ and dβ), then
    /// δx ⊙ f'(z) of the layer below goes to <paramref name="inputDelta"/>, unless that is empty (nothing below learns).
    /// </summary>
    public static void Backward<TInputActivation>(
        Span<float> delta, ReadOnlySpan<float> normalized, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, int channels, int pixels,
        BatchNormBuffers batchNorm, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        int count = DropoutPass.Require(delta.Length, nameof(delta), normalized.Length, nameof(normalized), batch, channels * pixels);
        Convolution.BackwardEpilogue<Identity>(delta[..count], normalized[..count], batch, channels, pixels, batchNorm, DropoutParameters.None);
        if (inputDelta.IsEmpty)
        {
            return;
        }
        DropoutPass.Backward<TInputActivation>(delta, input, inputDelta, batch, channels * pixels, DropoutParameters.None, inputPreActivation);
    }
}
