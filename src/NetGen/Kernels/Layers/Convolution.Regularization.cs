using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

// Batch normalisation per channel and dropout after a convolution (PyTorch's Conv2d(bias=False) + BatchNorm2d, then
// the activation, then Dropout). Shapes: values [B, C, P], P = H_o·W_o, so channel c of sample b is the line of P
// values at (b·C + c)·P; batch norm's statistics are over the B·P values of a channel.
public static unsafe partial class Convolution
{
    /// <summary>
    /// The pass after a convolution whose output is batch-normalised or dropped out, over z [B, C, P] as
    /// <see cref="Forward{TActivation}"/> left it (under the identity; without bias when normalised):
    /// <code>
    /// ẑ = (z − μ_c) / √(σ²_c + ε)    (batch norm; μ, σ² of the mini-batch's channel in training, the running ones in inference)
    /// y = γ_c ẑ + β_c                (batch norm; else y = z)
    /// a = f(y) ⊙ mask / (1 − p)      (dropout in training; else a = f(y))
    /// </code>
    /// <paramref name="preActivation"/> ends holding ẑ with batch norm (which backward rebuilds y from), else y:
    /// the backward pass recomputes f(y) and the mask from them rather than read the dropped a.
    /// </summary>
    /// <param name="preActivation">z [B, C, P] in; ẑ (batch norm) or y out.</param>
    /// <param name="output">a [B, C, P].</param>
    /// <param name="batch">B.</param>
    /// <param name="channels">C.</param>
    /// <param name="pixels">P.</param>
    /// <param name="training">Mini-batch statistics and dropout, or running statistics and none.</param>
    /// <param name="batchNorm">γ, β and the running statistics [C] (and in training μ and 1/√(σ² + ε) [C] kept); <c>default</c> for none.</param>
    /// <param name="dropout">The rate and this mini-batch's key, or <see cref="DropoutParameters.None"/>.</param>
    public static void ForwardEpilogue<TActivation>(
        Span<float> preActivation, Span<float> output, int batch, int channels, int pixels, bool training,
        BatchNormBuffers batchNorm, DropoutParameters dropout)
        where TActivation : IActivation
    {
        bool normalized = RequireEpilogue(
            preActivation.Length, nameof(preActivation), output.Length, nameof(output), batch, channels, pixels, batchNorm, forward: true);
        fixed (float* z = preActivation, a = output, gamma = batchNorm.Gamma, beta = batchNorm.Beta)
        fixed (float* runningMean = batchNorm.RunningMean, runningVariance = batchNorm.RunningVariance)
        fixed (float* mean = batchNorm.BatchMean, inverse = batchNorm.InverseStandardDeviation)
        {
            var arguments = new ChannelArguments
            {
                Values = z, Output = a, Batch = batch, Channels = channels, Pixels = pixels, Normalized = normalized, Training = training,
                Gamma = gamma, Beta = beta, RunningMean = runningMean, RunningVariance = runningVariance, BatchMean = mean, InverseDeviation = inverse,
                Momentum = batchNorm.Momentum, Epsilon = batchNorm.Epsilon,
                Dropout = training ? new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key } : default,
            };
            RunOverChannels(KernelSelection.Current switch
            {
                InstructionSet.Avx512 => &ChannelPasses.Forward<Avx512, Vector512<float>, TActivation>,
                InstructionSet.Avx2 => &ChannelPasses.Forward<Avx2, Vector256<float>, TActivation>,
                _ => &ChannelPasses.Forward<PortableSimd, Vector<float>, TActivation>,
            }, &arguments);
        }
    }

    /// <summary>
    /// In place, δa [B, C, P] (at the layer's output, as the layer above formed it under the identity) becomes δz at
    /// the convolution's output: δy = δa ⊙ mask / (1 − p) ⊙ f'(y), then with batch norm
    /// dβ_c += Σ δy, dγ_c += Σ δy ẑ (added into the gradients) and δz = γ_c / √(σ²_c + ε) · (δy − (dβ_c + ẑ dγ_c) / (B·P)), sums over channel c.
    /// </summary>
    /// <param name="delta">δa in, δz out [B, C, P].</param>
    /// <param name="preActivation">What <see cref="ForwardEpilogue{TActivation}"/> left: ẑ (batch norm) or y.</param>
    /// <param name="batch">B.</param>
    /// <param name="channels">C.</param>
    /// <param name="pixels">P.</param>
    /// <param name="batchNorm">γ, β, 1/√(σ² + ε) [C] of the forward pass, and dγ, dβ [C] to add into; <c>default</c> for none.</param>
    /// <param name="dropout">The forward pass's rate and key, or <see cref="DropoutParameters.None"/>.</param>
    public static void BackwardEpilogue<TActivation>(
        Span<float> delta, ReadOnlySpan<float> preActivation, int batch, int channels, int pixels, BatchNormBuffers batchNorm, DropoutParameters dropout)
        where TActivation : IActivation
    {
        bool normalized = RequireEpilogue(
            delta.Length, nameof(delta), preActivation.Length, nameof(preActivation), batch, channels, pixels, batchNorm, forward: false);
        fixed (float* d = delta, z = preActivation, gamma = batchNorm.Gamma, beta = batchNorm.Beta, inverse = batchNorm.InverseStandardDeviation)
        fixed (float* gammaGradient = batchNorm.GammaGradient, betaGradient = batchNorm.BetaGradient)
        {
            var arguments = new ChannelArguments
            {
                Values = z, Output = d, Batch = batch, Channels = channels, Pixels = pixels, Normalized = normalized, Training = true,
                Gamma = gamma, Beta = beta, InverseDeviation = inverse, GammaGradient = gammaGradient, BetaGradient = betaGradient,
                Dropout = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key },
            };
            RunOverChannels(KernelSelection.Current switch
            {
                InstructionSet.Avx512 => &ChannelPasses.Backward<Avx512, Vector512<float>, TActivation>,
                InstructionSet.Avx2 => &ChannelPasses.Backward<Avx2, Vector256<float>, TActivation>,
                _ => &ChannelPasses.Backward<PortableSimd, Vector<float>, TActivation>,
            }, &arguments);
        }
    }

    /// <summary>Channels are independent, and each is computed by one thread in one order: the same bits with one thread or two.</summary>
    private static void RunOverChannels(delegate*<ref ProductArguments, int, int, void> body, ChannelArguments* arguments)
    {
        // Weighed as Pooling.Run weighs its inputs: a few passes over each value, ~32 product multiply-adds' worth each.
        long work = 32L * arguments->Batch * arguments->Channels * arguments->Pixels;
        var carrier = new ProductArguments { A = (float*)arguments };
        Parallelism.Run(body, ref carrier, arguments->Channels, alignment: 1, work);
    }

    /// <summary>Checks the two [B, C, P] spans and, with batch norm, its [C] vectors; returns whether batch norm is on (γ given).</summary>
    private static bool RequireEpilogue(
        int firstLength, string firstName, int secondLength, string secondName, int batch, int channels, int pixels, BatchNormBuffers batchNorm, bool forward)
    {
        long size = (long)batch * channels * pixels;
        RequireLength(firstLength, size, firstName, "[B, C, P]");
        RequireLength(secondLength, size, secondName, "[B, C, P]");
        if (batchNorm.Gamma.IsEmpty)
        {
            return false;
        }
        RequireChannels(batchNorm, channels, forward);
        return true;
    }

    private static void RequireChannels(BatchNormBuffers batchNorm, int channels, bool forward)
    {
        RequireLength(batchNorm.Gamma.Length, channels, "Gamma", "[C]");
        RequireLength(batchNorm.Beta.Length, channels, "Beta", "[C]");
        RequireLength(batchNorm.InverseStandardDeviation.Length, channels, "InverseStandardDeviation", "[C]");
        if (forward)
        {
            RequireLength(batchNorm.RunningMean.Length, channels, "RunningMean", "[C]");
            RequireLength(batchNorm.RunningVariance.Length, channels, "RunningVariance", "[C]");
            RequireLength(batchNorm.BatchMean.Length, channels, "BatchMean", "[C]");
        }
        else
        {
            RequireLength(batchNorm.GammaGradient.Length, channels, "GammaGradient", "[C]");
            RequireLength(batchNorm.BetaGradient.Length, channels, "BetaGradient", "[C]");
        }
    }
}

/// <summary>What the channel passes read and write; pointers to [C] vectors unless noted.</summary>
internal unsafe struct ChannelArguments
{
    public float* Values;   // [B, C, P]: z → ẑ or y forward; ẑ or y backward
    public float* Output;   // [B, C, P]: a forward; δa → δz backward
    public int Batch, Channels, Pixels;
    public bool Normalized, Training;
    public float* Gamma, Beta, RunningMean, RunningVariance, BatchMean, InverseDeviation, GammaGradient, BetaGradient;
    public float Momentum, Epsilon;
    public DropoutArguments Dropout;
}

/// <summary>The per-channel loops, over channels [first, end): each reads its channel's B lines of P values.</summary>
internal static unsafe class ChannelPasses
{
    public static void Forward<TSimd, TVector, TActivation>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        ref ChannelArguments c = ref *(ChannelArguments*)carrier.A;
        int pixels = c.Pixels;
        long count = (long)c.Batch * pixels;
        for (int channel = first; channel < end; channel++)
        {
            float scale = 1f, shift = 0f;
            if (c.Normalized)
            {
                float mean, inverse;
                if (c.Training)
                {
                    // Two passes, as the dense kernels do: the mean, then the (biased) variance about it.
                    double sum = 0;
                    for (int b = 0; b < c.Batch; b++)
                    {
                        sum += LineSum<TSimd, TVector>(Line(ref c, c.Values, b, channel), pixels);
                    }
                    mean = (float)(sum / count);
                    double squares = 0;
                    for (int b = 0; b < c.Batch; b++)
                    {
                        squares += LineSquaredDeviations<TSimd, TVector>(Line(ref c, c.Values, b, channel), pixels, mean);
                    }
                    float variance = (float)(squares / count);
                    inverse = 1f / MathF.Sqrt(variance + c.Epsilon);
                    c.BatchMean[channel] = mean;
                    c.InverseDeviation[channel] = inverse;
                    // PyTorch moves the running variance toward the unbiased one.
                    float unbiased = count > 1 ? (float)(squares / (count - 1)) : variance;
                    c.RunningMean[channel] += c.Momentum * (mean - c.RunningMean[channel]);
                    c.RunningVariance[channel] += c.Momentum * (unbiased - c.RunningVariance[channel]);
                }
                else
                {
                    mean = c.RunningMean[channel];
                    inverse = 1f / MathF.Sqrt(c.RunningVariance[channel] + c.Epsilon);
                }
                // ẑ = (z − μ)·inverse, stored; y = γ ẑ + β.
                scale = inverse;
                shift = -mean * inverse;
            }
            float gamma = c.Normalized ? c.Gamma[channel] : 1f, beta = c.Normalized ? c.Beta[channel] : 0f;
            for (int b = 0; b < c.Batch; b++)
            {
                float* values = Line(ref c, c.Values, b, channel);
                float* output = Line(ref c, c.Output, b, channel);
                uint firstIndex = (uint)((b * (long)c.Channels + channel) * pixels);
                int p = 0;
                for (; p + TSimd.Width <= pixels; p += TSimd.Width)
                {
                    TVector y = TSimd.Load(ref values[p], 0);
                    if (c.Normalized)
                    {
                        TVector normalized = TSimd.MultiplyAdd(y, TSimd.Broadcast(scale), TSimd.Broadcast(shift));
                        TSimd.Store(normalized, ref values[p], 0);
                        y = TSimd.MultiplyAdd(normalized, TSimd.Broadcast(gamma), TSimd.Broadcast(beta));
                    }
                    TVector a = TActivation.Forward<TSimd, TVector>(y);
                    if (c.Dropout.IsActive)
                    {
                        a = TSimd.Multiply(a, DropoutMask.Scale<TSimd, TVector>(c.Dropout, firstIndex + (uint)p));
                    }
                    TSimd.Store(a, ref output[p], 0);
                }
                for (; p < pixels; p++)
                {
                    float y = values[p];
                    if (c.Normalized)
                    {
                        float normalized = y * scale + shift;
                        values[p] = normalized;
                        y = normalized * gamma + beta;
                    }
                    float a = TActivation.Forward(y);
                    output[p] = c.Dropout.IsActive ? a * DropoutMask.Scale(c.Dropout, firstIndex + (uint)p) : a;
                }
            }
        }
    }

    public static void Backward<TSimd, TVector, TActivation>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        ref ChannelArguments c = ref *(ChannelArguments*)carrier.A;
        int pixels = c.Pixels;
        long count = (long)c.Batch * pixels;
        for (int channel = first; channel < end; channel++)
        {
            float gamma = c.Normalized ? c.Gamma[channel] : 1f, beta = c.Normalized ? c.Beta[channel] : 0f;
            // δy = δa ⊙ mask ⊙ f'(y), in place; with batch norm, also Σ δy and Σ δy ẑ.
            double betaSum = 0, gammaSum = 0;
            for (int b = 0; b < c.Batch; b++)
            {
                float* stored = Line(ref c, c.Values, b, channel);
                float* delta = Line(ref c, c.Output, b, channel);
                uint firstIndex = (uint)((b * (long)c.Channels + channel) * pixels);
                TVector betaLine = TSimd.Zero, gammaLine = TSimd.Zero;
                int p = 0;
                for (; p + TSimd.Width <= pixels; p += TSimd.Width)
                {
                    TVector normalized = TSimd.Load(ref stored[p], 0);
                    TVector y = c.Normalized ? TSimd.MultiplyAdd(normalized, TSimd.Broadcast(gamma), TSimd.Broadcast(beta)) : normalized;
                    TVector d = TSimd.Multiply(TSimd.Load(ref delta[p], 0), TActivation.Derivative<TSimd, TVector>(y, TActivation.Forward<TSimd, TVector>(y)));
                    if (c.Dropout.IsActive)
                    {
                        d = TSimd.Multiply(d, DropoutMask.Scale<TSimd, TVector>(c.Dropout, firstIndex + (uint)p));
                    }
                    TSimd.Store(d, ref delta[p], 0);
                    betaLine = TSimd.Add(betaLine, d);
                    gammaLine = TSimd.MultiplyAdd(d, normalized, gammaLine);
                }
                float betaTail = 0f, gammaTail = 0f;
                for (; p < pixels; p++)
                {
                    float normalized = stored[p];
                    float y = c.Normalized ? normalized * gamma + beta : normalized;
                    float d = delta[p] * TActivation.Derivative(y, TActivation.Forward(y));
                    if (c.Dropout.IsActive)
                    {
                        d *= DropoutMask.Scale(c.Dropout, firstIndex + (uint)p);
                    }
                    delta[p] = d;
                    betaTail += d;
                    gammaTail += d * normalized;
                }
                betaSum += TSimd.Sum(betaLine) + betaTail;
                gammaSum += TSimd.Sum(gammaLine) + gammaTail;
            }
            if (!c.Normalized)
            {
                continue;
            }
            c.BetaGradient[channel] += (float)betaSum;
            c.GammaGradient[channel] += (float)gammaSum;
            // δz = γ·inverse·(δy − (Σ δy + ẑ Σ δy ẑ) / N).
            float factor = gamma * c.InverseDeviation[channel];
            float meanDelta = (float)(betaSum / count), meanDeltaNormalized = (float)(gammaSum / count);
            for (int b = 0; b < c.Batch; b++)
            {
                float* stored = Line(ref c, c.Values, b, channel);
                float* delta = Line(ref c, c.Output, b, channel);
                int p = 0;
                for (; p + TSimd.Width <= pixels; p += TSimd.Width)
                {
                    TVector centred = TSimd.Subtract(
                        TSimd.Load(ref delta[p], 0),
                        TSimd.MultiplyAdd(TSimd.Load(ref stored[p], 0), TSimd.Broadcast(meanDeltaNormalized), TSimd.Broadcast(meanDelta)));
                    TSimd.Store(TSimd.Multiply(centred, TSimd.Broadcast(factor)), ref delta[p], 0);
                }
                for (; p < pixels; p++)
                {
                    delta[p] = factor * (delta[p] - (meanDelta + stored[p] * meanDeltaNormalized));
                }
            }
        }
    }

    private static float* Line(ref ChannelArguments c, float* values, int sample, int channel) =>
        values + ((long)sample * c.Channels + channel) * c.Pixels;

    private static float LineSum<TSimd, TVector>(float* line, int pixels)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector sum = TSimd.Zero;
        int p = 0;
        for (; p + TSimd.Width <= pixels; p += TSimd.Width)
        {
            sum = TSimd.Add(sum, TSimd.Load(ref line[p], 0));
        }
        float total = TSimd.Sum(sum);
        for (; p < pixels; p++)
        {
            total += line[p];
        }
        return total;
    }

    private static float LineSquaredDeviations<TSimd, TVector>(float* line, int pixels, float mean)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector sum = TSimd.Zero, centre = TSimd.Broadcast(mean);
        int p = 0;
        for (; p + TSimd.Width <= pixels; p += TSimd.Width)
        {
            TVector deviation = TSimd.Subtract(TSimd.Load(ref line[p], 0), centre);
            sum = TSimd.MultiplyAdd(deviation, deviation, sum);
        }
        float total = TSimd.Sum(sum);
        for (; p < pixels; p++)
        {
            float deviation = line[p] - mean;
            total += deviation * deviation;
        }
        return total;
    }
}
