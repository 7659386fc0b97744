using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// The three passes of a 2-D convolution layer, with the element-wise work fused in. Shapes (B = batch, and those of
/// <see cref="ConvolutionShape"/>: K = C_in·kh·kw, P = H_o·W_o), all row-major, samples contiguous:
/// <code>
/// forward          a  [B, C_out, H_o, W_o] = f(conv(x [B, C_in, H, W], W [C_out, C_in, kh, kw]) + b [C_out])
/// parameter grads  dW [C_out, C_in, kh, kw] += Σ_b δ_b [C_out, P] · col(x_b) [K, P]ᵀ     db [C_out] += Σ_b Σ_p δ_b
/// input delta      δx [B, C_in, H, W] = col2im(Wᵀ [K, C_out] · δ_b [C_out, P]) ⊙ f'(x)   f' of the layer that produced x
/// </code>
/// δ = dL/dz is the gradient at this layer's pre-activation. Weights are laid out as PyTorch's <c>Conv2d.weight</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each sample is lowered to col [K, P] (im2col: <see cref="ConvolutionLowering"/>) and multiplied by the dense
/// product kernels, so every kernel size and stride shares their register tiling. Lowering costs little beside the
/// product (docs/performance.md, convolution).
/// Each thread takes half of the batch (<see cref="ConvolutionKernel"/>), so a sample's lowered input, product and
/// epilogue stay in that core's L2.
/// </para>
/// <para>
/// The kernels keep their lowered matrices in a scratch buffer the caller supplies and reuses, so no call allocates:
/// <see cref="ScratchSize"/> floats serve all three passes of a layer (and any smaller layer: passes never overlap).
/// </para>
/// </remarks>
public static unsafe partial class Convolution
{
    /// <summary>
    /// The scratch floats that <see cref="Forward{TActivation}"/>, <see cref="ParameterGradients"/> and
    /// <see cref="InputDelta{TInputActivation}"/> need for <paramref name="shape"/>, whatever the batch: the largest is
    /// the parameter gradients', 2·(C_out·K + C_out + K·P + X), X being C_out·K when P ≥ 128 (the dot-product form's
    /// per-sample term) and P·C_out below (δᵀ for the outer-product form), less K·P for a 1×1 stride-1 unpadded
    /// convolution; the forward pass and the input delta need 2·K·P (none when 1×1 stride 1 unpadded).
    /// </summary>
    public static int ScratchSize(in ConvolutionShape shape)
    {
        long floats = Math.Max(ConvolutionScratch.Weights(shape), ConvolutionScratch.InputDelta(shape));
        if (floats > Array.MaxLength)
        {
            throw new ArgumentException($"A convolution of {shape} needs {floats} scratch floats, more than an array holds.", nameof(shape));
        }
        return (int)floats;
    }

    /// <summary>
    /// a [B, C_out, H_o, W_o] = f(z), z = conv(x, W) + b; z is kept in <paramref name="preActivation"/> when the
    /// activation's derivative needs it (see <see cref="IActivation.DerivativeNeedsInput"/>).
    /// </summary>
    /// <param name="input">x [B, C_in, H, W].</param>
    /// <param name="weight">W [C_out, C_in, kh, kw].</param>
    /// <param name="bias">b [C_out], or empty for none (a batch-normalised layer, whose β takes its place).</param>
    /// <param name="output">a [B, C_out, H_o, W_o].</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The layer's geometry.</param>
    /// <param name="scratch">At least 2·K·P floats (<see cref="ScratchSize"/> is enough); contents ignored and overwritten.</param>
    /// <param name="preActivation">z [B, C_out, H_o, W_o], when the activation's derivative needs it.</param>
    public static void Forward<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output,
        int batch, in ConvolutionShape shape, Span<float> scratch, Span<float> preActivation = default)
        where TActivation : IActivation
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        RequireLength(input.Length, (long)batch * shape.InputSize, nameof(input), "[B, C_in, H, W]");
        RequireLength(weight.Length, shape.WeightSize, nameof(weight), "[C_out, C_in, kh, kw]");
        if (!bias.IsEmpty)
        {
            RequireLength(bias.Length, shape.OutputChannels, nameof(bias), "[C_out]");
        }
        RequireLength(output.Length, (long)batch * shape.OutputSize, nameof(output), "[B, C_out, H_o, W_o]");
        if (TActivation.DerivativeNeedsInput)
        {
            RequireLength(preActivation.Length, (long)batch * shape.OutputSize, nameof(preActivation), "[B, C_out, H_o, W_o]");
        }
        RequireLength(scratch.Length, ConvolutionScratch.Forward(shape), nameof(scratch), "(2·K·P)");
        if (batch == 0)
        {
            return;
        }

        fixed (float* x = input, w = weight, b = bias, a = output, z = preActivation, work = scratch)
        {
            var arguments = new ConvolutionArguments
            {
                Shape = shape, Batch = batch, Input = x, Weight = w, Bias = b, Output = a, PreActivation = z, Scratch = work,
            };
            InstructionSet instructionSet = KernelSelection.Current;
            ConvolutionKernel.ReserveForwardPanel(instructionSet, shape);
            delegate*<ref ProductArguments, int, int, void> body = instructionSet switch
            {
                InstructionSet.Avx512 => &ConvolutionKernel.Forward<Avx512, Vector512<float>, TActivation>,
                InstructionSet.Avx2 => &ConvolutionKernel.Forward<Avx2, Vector256<float>, TActivation>,
                _ => &ConvolutionKernel.Forward<PortableSimd, Vector<float>, TActivation>,
            };
            ConvolutionKernel.Run(body, &arguments, Work(batch, shape));
        }
    }

    /// <summary>
    /// Adds into dW [C_out, C_in, kh, kw] the sum over the batch and output positions of δ · x (the input each weight
    /// met), and into db [C_out] the sum over the batch and positions of δ, so a filter used more than once gets the sum
    /// of its uses; the caller clears the gradients once per backward pass. An empty <paramref name="biasGradient"/>
    /// means the layer has no bias.
    /// </summary>
    /// <param name="delta">δ = dL/dz [B, C_out, H_o, W_o].</param>
    /// <param name="input">x [B, C_in, H, W], the layer's input in the forward pass.</param>
    /// <param name="weightGradient">dW [C_out, C_in, kh, kw], added into.</param>
    /// <param name="biasGradient">db [C_out], added into, or empty.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The layer's geometry.</param>
    /// <param name="scratch">
    /// At least 2·(C_out·K + C_out + K·P + X) floats, X = C_out·K when P ≥ 128 and P·C_out below, less K·P when 1×1
    /// stride 1 unpadded (<see cref="ScratchSize"/> is enough); contents ignored and overwritten.
    /// </param>
    public static void ParameterGradients(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> weightGradient, Span<float> biasGradient,
        int batch, in ConvolutionShape shape, Span<float> scratch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        RequireLength(delta.Length, (long)batch * shape.OutputSize, nameof(delta), "[B, C_out, H_o, W_o]");
        RequireLength(input.Length, (long)batch * shape.InputSize, nameof(input), "[B, C_in, H, W]");
        RequireLength(weightGradient.Length, shape.WeightSize, nameof(weightGradient), "[C_out, C_in, kh, kw]");
        if (!biasGradient.IsEmpty)
        {
            RequireLength(biasGradient.Length, shape.OutputChannels, nameof(biasGradient), "[C_out]");
        }
        RequireLength(scratch.Length, ConvolutionScratch.Weights(shape), nameof(scratch), "(2·(C_out·K + C_out + K·P + C_out·K or P·C_out))");
        if (batch == 0)
        {
            return;
        }

        fixed (float* d = delta, x = input, work = scratch)
        {
            var arguments = new ConvolutionArguments { Shape = shape, Batch = batch, Input = x, Delta = d, Scratch = work };
            delegate*<ref ProductArguments, int, int, void> body = KernelSelection.Current switch
            {
                InstructionSet.Avx512 => &ConvolutionKernel.WeightGradients<Avx512, Vector512<float>>,
                InstructionSet.Avx2 => &ConvolutionKernel.WeightGradients<Avx2, Vector256<float>>,
                _ => &ConvolutionKernel.WeightGradients<PortableSimd, Vector<float>>,
            };
            ConvolutionKernel.Run(body, &arguments, Work(batch, shape));
        }
        AddHalves(scratch, weightGradient, biasGradient, batch, shape);
    }

    /// <summary>
    /// δx [B, C_in, H, W] = col2im(Wᵀ · δ) ⊙ f'(z): the gradient for the layer below, with that layer's activation
    /// derivative (from its outputs <paramref name="input"/> = f(z), and its pre-activations
    /// <paramref name="inputPreActivation"/> when f' needs them) applied before it is returned. Not needed when the
    /// layer reads the network's input.
    /// </summary>
    /// <param name="delta">δ = dL/dz [B, C_out, H_o, W_o].</param>
    /// <param name="weight">W [C_out, C_in, kh, kw].</param>
    /// <param name="input">The layer below's outputs a [B, C_in, H, W] (this layer's input).</param>
    /// <param name="inputDelta">δx [B, C_in, H, W], overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The layer's geometry.</param>
    /// <param name="scratch">At least 2·K·P floats (<see cref="ScratchSize"/> is enough); contents ignored and overwritten.</param>
    /// <param name="inputPreActivation">The layer below's z [B, C_in, H, W], when its activation's derivative needs it.</param>
    public static void InputDelta<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> weight, ReadOnlySpan<float> input, Span<float> inputDelta,
        int batch, in ConvolutionShape shape, Span<float> scratch, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        RequireLength(delta.Length, (long)batch * shape.OutputSize, nameof(delta), "[B, C_out, H_o, W_o]");
        RequireLength(weight.Length, shape.WeightSize, nameof(weight), "[C_out, C_in, kh, kw]");
        RequireLength(input.Length, (long)batch * shape.InputSize, nameof(input), "[B, C_in, H, W]");
        RequireLength(inputDelta.Length, (long)batch * shape.InputSize, nameof(inputDelta), "[B, C_in, H, W]");
        if (TInputActivation.DerivativeNeedsInput)
        {
            RequireLength(inputPreActivation.Length, (long)batch * shape.InputSize, nameof(inputPreActivation), "[B, C_in, H, W]");
        }
        RequireLength(scratch.Length, ConvolutionScratch.InputDelta(shape), nameof(scratch), "(2·K·P)");
        if (batch == 0)
        {
            return;
        }

        fixed (float* d = delta, w = weight, a = input, dx = inputDelta, z = inputPreActivation, work = scratch)
        {
            var arguments = new ConvolutionArguments
            {
                Shape = shape, Batch = batch, Input = a, Weight = w, Delta = d, InputDelta = dx, PreActivation = z, Scratch = work,
            };
            InstructionSet instructionSet = KernelSelection.Current;
            ConvolutionKernel.ReserveInputDeltaPanel(instructionSet, shape);
            delegate*<ref ProductArguments, int, int, void> body = instructionSet switch
            {
                InstructionSet.Avx512 => &ConvolutionKernel.InputDelta<Avx512, Vector512<float>, TInputActivation>,
                InstructionSet.Avx2 => &ConvolutionKernel.InputDelta<Avx2, Vector256<float>, TInputActivation>,
                _ => &ConvolutionKernel.InputDelta<PortableSimd, Vector<float>, TInputActivation>,
            };
            ConvolutionKernel.Run(body, &arguments, Work(batch, shape));
        }
    }

    /// <summary>
    /// dW += the first half's sum + the second's (the halves added first, always in that order, so one thread and two
    /// agree), from the layout the kernel used: dW [C_out, K] for the dot-product form, dWᵀ [K, C_out] for the
    /// outer-product form; db likewise.
    /// </summary>
    private static void AddHalves(Span<float> scratch, Span<float> weightGradient, Span<float> biasGradient, int batch, in ConvolutionShape shape)
    {
        int channels = shape.OutputChannels, patch = shape.PatchSize, weights = shape.WeightSize;
        bool second = batch > 1; // B = 1 leaves the second half empty
        ReadOnlySpan<float> first = scratch.Slice((int)ConvolutionScratch.WeightSum(shape, 0), weights);
        ReadOnlySpan<float> last = scratch.Slice((int)ConvolutionScratch.WeightSum(shape, 1), weights);
        if (ConvolutionScratch.WeightsByDotProduct(shape))
        {
            for (int i = 0; i < weights; i++)
            {
                weightGradient[i] += second ? first[i] + last[i] : first[i];
            }
        }
        else
        {
            // dW[o, k] = Σ_h dWᵀ_h[k, o].
            for (int k = 0; k < patch; k++)
            {
                for (int o = 0; o < channels; o++)
                {
                    int at = k * channels + o;
                    weightGradient[o * patch + k] += second ? first[at] + last[at] : first[at];
                }
            }
        }
        if (!biasGradient.IsEmpty)
        {
            ReadOnlySpan<float> firstBias = scratch.Slice((int)ConvolutionScratch.BiasSum(shape, 0), channels);
            ReadOnlySpan<float> lastBias = scratch.Slice((int)ConvolutionScratch.BiasSum(shape, 1), channels);
            for (int o = 0; o < channels; o++)
            {
                biasGradient[o] += second ? firstBias[o] + lastBias[o] : firstBias[o];
            }
        }
    }

    /// <summary>Multiply-adds in a pass: B·C_out·K·P.</summary>
    private static long Work(int batch, in ConvolutionShape shape) => (long)batch * shape.WeightSize * shape.OutputPixels;

    /// <summary>Throws, naming the argument and its shape, when it holds fewer than <paramref name="expected"/> numbers.</summary>
    internal static void RequireLength(int length, long expected, string name, string shape)
    {
        if (length < expected)
        {
            throw new ArgumentException($"{name} {shape} needs {expected} numbers but has {length}.", name);
        }
    }
}
