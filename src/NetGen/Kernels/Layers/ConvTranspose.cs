using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// The three passes of a 2-D transposed convolution layer (PyTorch's <c>ConvTranspose2d</c>), each one pass of the plain
/// convolution <see cref="ConvTransposeShape.Convolution"/> [C_out, H_o, W_o] → [C_in, H, W] that reads the same
/// weight tensor as its <c>Conv2d.weight</c>. Shapes (B = batch), row-major, samples contiguous:
/// <code>
/// forward          a [B, C_out, H_o, W_o] = f(z),  z = convᵀ(x [B, C_in, H, W], W [C_in, C_out, kh, kw]) + b [C_out]
///                    convᵀ(x) is that convolution's input delta for δ = x: col2im(Wᵀ · x_b) per sample
/// parameter grads  dW [C_in, C_out, kh, kw] += that convolution's weight gradient with x as its δ and δ as its input
///                  db [C_out] += Σ_b Σ_p δ
/// input delta      δx [B, C_in, H, W] = conv(δ, W) ⊙ f'(x): that convolution's forward of δ, no bias;  f' of the layer that produced x
/// </code>
/// δ = dL/dz is the gradient at this layer's pre-activation.
/// </summary>
/// <remarks>
/// Every product runs in <see cref="Convolution"/>'s engine (lowering, packed tiles, the batch split over threads), so
/// no pass allocates and the caller's scratch (<see cref="ScratchSize"/>) serves all three. Bias and activation, the
/// f' of the layer below and the bias gradient are element-wise passes after the product.
/// </remarks>
public static unsafe class ConvTranspose
{
    /// <summary>The scratch floats the three passes need for <paramref name="shape"/>, whatever the batch: its convolution's.</summary>
    public static int ScratchSize(in ConvTransposeShape shape) => Convolution.ScratchSize(shape.Convolution);

    /// <summary>
    /// a [B, C_out, H_o, W_o] = f(convᵀ(x, W) + b); z is kept in <paramref name="preActivation"/> when the activation's
    /// derivative needs it.
    /// </summary>
    /// <param name="input">x [B, C_in, H, W].</param>
    /// <param name="weight">W [C_in, C_out, kh, kw].</param>
    /// <param name="bias">b [C_out].</param>
    /// <param name="output">a [B, C_out, H_o, W_o].</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The layer's geometry.</param>
    /// <param name="scratch">At least <see cref="ScratchSize"/> floats; contents ignored and overwritten.</param>
    /// <param name="preActivation">z [B, C_out, H_o, W_o], when the activation's derivative needs it.</param>
    public static void Forward<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output,
        int batch, in ConvTransposeShape shape, Span<float> scratch, Span<float> preActivation = default)
        where TActivation : IActivation
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Convolution.RequireLength(bias.Length, shape.OutputChannels, nameof(bias), "[C_out]");
        Convolution.RequireLength(output.Length, (long)batch * shape.OutputSize, nameof(output), "[B, C_out, H_o, W_o]");
        bool keepsZ = TActivation.DerivativeNeedsInput;
        if (keepsZ)
        {
            Convolution.RequireLength(preActivation.Length, (long)batch * shape.OutputSize, nameof(preActivation), "[B, C_out, H_o, W_o]");
        }
        int count = batch * shape.OutputSize;
        Span<float> z = keepsZ ? preActivation[..count] : output[..count];
        // The convolution's input delta under the identity reads its "layer below's outputs" only for an f' it does not
        // apply, so z itself stands in for them.
        Convolution.InputDelta<Identity>(input, weight, z, z, batch, shape.Convolution, scratch);
        fixed (float* values = z, a = output, b = bias)
        {
            var arguments = new EpilogueArguments { Values = values, Output = a, Bias = b, Batch = batch, Channels = shape.OutputChannels, Pixels = shape.OutputPixels };
            switch (KernelSelection.Current)
            {
                case InstructionSet.Avx512:
                    BiasActivation<Avx512, Vector512<float>, TActivation>(ref arguments);
                    break;
                case InstructionSet.Avx2:
                    BiasActivation<Avx2, Vector256<float>, TActivation>(ref arguments);
                    break;
                default:
                    BiasActivation<PortableSimd, Vector<float>, TActivation>(ref arguments);
                    break;
            }
        }
    }

    /// <summary>
    /// Adds into dW [C_in, C_out, kh, kw] Σ_b Σ δ · x over every place each weight joined an input to an output, and into
    /// db [C_out] Σ_b Σ_p δ; the caller clears the gradients once per backward pass, so a tensor used twice gets the sum.
    /// </summary>
    /// <param name="delta">δ = dL/dz [B, C_out, H_o, W_o].</param>
    /// <param name="input">x [B, C_in, H, W], the layer's input in the forward pass.</param>
    /// <param name="weightGradient">dW [C_in, C_out, kh, kw], added into.</param>
    /// <param name="biasGradient">db [C_out], added into.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The layer's geometry.</param>
    /// <param name="scratch">At least <see cref="ScratchSize"/> floats; contents ignored and overwritten.</param>
    public static void ParameterGradients(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> weightGradient, Span<float> biasGradient,
        int batch, in ConvTransposeShape shape, Span<float> scratch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Convolution.RequireLength(biasGradient.Length, shape.OutputChannels, nameof(biasGradient), "[C_out]");
        // The convolution [C_out, H_o, W_o] → [C_in, H, W] met δ at its output's place, x, and our δ at its input's.
        Convolution.ParameterGradients(input, delta, weightGradient, biasGradient: default, batch, shape.Convolution, scratch);
        int channels = shape.OutputChannels, pixels = shape.OutputPixels;
        for (int o = 0; o < channels; o++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++)
            {
                foreach (float value in delta.Slice((b * channels + o) * pixels, pixels))
                {
                    sum += value;
                }
            }
            biasGradient[o] += (float)sum;
        }
    }

    /// <summary>
    /// δx [B, C_in, H, W] = conv(δ, W) ⊙ f'(z): the gradient for the layer below, with that layer's activation derivative
    /// (from its outputs <paramref name="input"/> = f(z), and <paramref name="inputPreActivation"/> when f' needs z).
    /// </summary>
    /// <param name="delta">δ = dL/dz [B, C_out, H_o, W_o].</param>
    /// <param name="weight">W [C_in, C_out, kh, kw].</param>
    /// <param name="input">The layer below's outputs a [B, C_in, H, W] (this layer's input).</param>
    /// <param name="inputDelta">δx [B, C_in, H, W], overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The layer's geometry.</param>
    /// <param name="scratch">At least <see cref="ScratchSize"/> floats; contents ignored and overwritten.</param>
    /// <param name="inputPreActivation">The layer below's z [B, C_in, H, W], when its activation's derivative needs it.</param>
    public static void InputDelta<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> weight, ReadOnlySpan<float> input, Span<float> inputDelta,
        int batch, in ConvTransposeShape shape, Span<float> scratch, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        long count = (long)batch * shape.InputSize;
        Convolution.RequireLength(input.Length, count, nameof(input), "[B, C_in, H, W]");
        bool needsZ = TInputActivation.DerivativeNeedsInput;
        if (needsZ)
        {
            Convolution.RequireLength(inputPreActivation.Length, count, nameof(inputPreActivation), "[B, C_in, H, W]");
        }
        Convolution.Forward<Identity>(delta, weight, bias: default, inputDelta, batch, shape.Convolution, scratch);
        if (typeof(TInputActivation) == typeof(Identity))
        {
            return;
        }
        for (int i = 0; i < count; i++)
        {
            inputDelta[i] *= TInputActivation.Derivative(needsZ ? inputPreActivation[i] : 0f, input[i]);
        }
    }

    private struct EpilogueArguments
    {
        public float* Values;
        public float* Output;
        public float* Bias;
        public int Batch;
        public int Channels;
        public int Pixels;
    }

    /// <summary>
    /// Per channel plane [P]: z += b_c, kept where <c>Values</c> is not <c>Output</c> (z is kept for f'), and a = f(z)
    /// into <c>Output</c>, a register at a time, the tail one by one.
    /// </summary>
    private static void BiasActivation<TSimd, TVector, TActivation>(ref EpilogueArguments e)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        bool keepsZ = e.Values != e.Output;
        for (int plane = 0; plane < e.Batch * e.Channels; plane++)
        {
            float bias = e.Bias[plane % e.Channels];
            float* z = e.Values + (long)plane * e.Pixels, a = e.Output + (long)plane * e.Pixels;
            TVector shift = TSimd.Broadcast(bias);
            int p = 0;
            for (; p + TSimd.Width <= e.Pixels; p += TSimd.Width)
            {
                TVector value = TSimd.Add(TSimd.Load(ref z[p], 0), shift);
                if (keepsZ)
                {
                    TSimd.Store(value, ref z[p], 0);
                }
                TSimd.Store(TActivation.Forward<TSimd, TVector>(value), ref a[p], 0);
            }
            for (; p < e.Pixels; p++)
            {
                float value = z[p] + bias;
                z[p] = value;
                a[p] = TActivation.Forward(value);
            }
        }
    }
}
