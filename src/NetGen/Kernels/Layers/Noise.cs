namespace NetGen.Kernels;

/// <summary>
/// The denoising autoencoder's corruptions, as passes of their own over x [B, N]: in training they corrupt, in inference
/// they copy. The draws are hashes of (the mini-batch's key, the element's index), as dropout's mask is, so backward
/// recomputes them instead of storing them, and any thread split gives the same bits.
/// </summary>
public static class Noise
{
    /// <summary>a [B, N] = x ⊙ keep in training, with keep ∈ {0, 1} and P(keep = 0) = <paramref name="rate"/>; a copy of x in inference.</summary>
    /// <param name="input">x [B, N].</param>
    /// <param name="output">a [B, N].</param>
    /// <param name="batch">B.</param>
    /// <param name="size">N, the numbers in one sample.</param>
    /// <param name="training">Corrupt (training) or pass through (inference).</param>
    /// <param name="rate">The probability of zeroing a number, in [0, 1).</param>
    /// <param name="key">This mini-batch's draw.</param>
    public static void MaskingForward(ReadOnlySpan<float> input, Span<float> output, int batch, int size, bool training, float rate, ulong key)
    {
        int count = DropoutPass.Require(input.Length, nameof(input), output.Length, nameof(output), batch, size);
        if (!training || rate == 0f)
        {
            input[..count].CopyTo(output);
            return;
        }
        uint threshold = DropoutMask.Threshold(rate);
        for (int i = 0; i < count; i++)
        {
            output[i] = Kept(key, (uint)i, threshold) ? input[i] : 0f;
        }
    }

    /// <summary>
    /// δx [B, N] = δa ⊙ keep ⊙ f'(z) of the layer below, whose outputs x = f(z) are <paramref name="input"/> (and z
    /// <paramref name="inputPreActivation"/> where its f' needs it): the masked numbers pass no gradient.
    /// </summary>
    public static void MaskingBackward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, int size, float rate, ulong key,
        ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        int count = RequireBackward<TInputActivation>(delta, input, inputDelta, batch, size, inputPreActivation);
        uint threshold = DropoutMask.Threshold(rate);
        for (int i = 0; i < count; i++)
        {
            float kept = rate == 0f || Kept(key, (uint)i, threshold) ? 1f : 0f;
            inputDelta[i] = delta[i] * kept * Derivative<TInputActivation>(input, inputPreActivation, i);
        }
    }

    /// <summary>a [B, N] = x + σ·n in training, n ~ N(0, 1) afresh for every number; a copy of x in inference.</summary>
    /// <param name="input">x [B, N].</param>
    /// <param name="output">a [B, N].</param>
    /// <param name="batch">B.</param>
    /// <param name="size">N, the numbers in one sample.</param>
    /// <param name="training">Corrupt (training) or pass through (inference).</param>
    /// <param name="standardDeviation">σ ≥ 0.</param>
    /// <param name="key">This mini-batch's draw.</param>
    public static void GaussianForward(ReadOnlySpan<float> input, Span<float> output, int batch, int size, bool training, float standardDeviation, ulong key)
    {
        int count = DropoutPass.Require(input.Length, nameof(input), output.Length, nameof(output), batch, size);
        if (!training || standardDeviation == 0f)
        {
            input[..count].CopyTo(output);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            output[i] = input[i] + standardDeviation * StandardNormal(key, (uint)i);
        }
    }

    /// <summary>δx [B, N] = δa ⊙ f'(z) of the layer below: additive noise has derivative 1.</summary>
    public static void GaussianBackward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, int size, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        int count = RequireBackward<TInputActivation>(delta, input, inputDelta, batch, size, inputPreActivation);
        for (int i = 0; i < count; i++)
        {
            inputDelta[i] = delta[i] * Derivative<TInputActivation>(input, inputPreActivation, i);
        }
    }

    /// <summary>
    /// n ~ N(0, 1) for element <paramref name="index"/>: Box–Muller over two 24-bit uniform hashes of the element, u₁ in
    /// (0, 1] so that log u₁ is finite.
    /// </summary>
    internal static float StandardNormal(ulong key, uint index)
    {
        const double scale = 1.0 / (1 << 24);
        double u1 = ((DropoutMask.Hash(key, 2 * index) >> 8) + 1) * scale;
        double u2 = (DropoutMask.Hash(key, 2 * index + 1) >> 8) * scale;
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    private static bool Kept(ulong key, uint index, uint threshold) => DropoutMask.Hash(key, index) >> 8 >= threshold;

    private static float Derivative<TInputActivation>(ReadOnlySpan<float> input, ReadOnlySpan<float> inputPreActivation, int i)
        where TInputActivation : IActivation =>
        TInputActivation.Derivative(TInputActivation.DerivativeNeedsInput ? inputPreActivation[i] : 0f, input[i]);

    private static int RequireBackward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, int size, ReadOnlySpan<float> inputPreActivation)
        where TInputActivation : IActivation
    {
        int count = DropoutPass.Require(delta.Length, nameof(delta), inputDelta.Length, nameof(inputDelta), batch, size);
        DropoutPass.Require(input.Length, nameof(input), count, nameof(input), batch, size);
        if (TInputActivation.DerivativeNeedsInput)
        {
            DropoutPass.Require(inputPreActivation.Length, nameof(inputPreActivation), count, nameof(inputPreActivation), batch, size);
        }
        return count;
    }
}
