using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Max and average pooling, forward and backward. Shapes (B = batch, and those of <see cref="PoolingShape"/>), all
/// row-major, samples contiguous; each of the B·C planes [H, W] is pooled on its own:
/// <code>
/// max forward       y [B, C, H_o, W_o] = max of each window of x [B, C, H, W];  indices [B, C, H_o, W_o] = where it was
/// max backward      δx [B, C, H, W] = δy sent to its window's argmax (summed where windows overlap) ⊙ f'(x)
/// average forward   y = mean of each window of x
/// average backward  δx = δy / (kh·kw) sent to every input of its window (summed where windows overlap) ⊙ f'(x)
/// </code>
/// f' is the activation derivative of the layer that produced x (a convolution's ReLU, typically), folded in as
/// the dense and convolution kernels do, so the layer below receives δ at its pre-activation.
/// </summary>
/// <remarks>
/// The argmax is recorded as the input's position in its plane, row·W + column, as PyTorch's
/// <c>max_pool2d(return_indices=True)</c> does. Ties go to the first in the window in row-major order (a later
/// input must be strictly greater to win), as in PyTorch; a NaN wins over any number, so it propagates.
/// Planes are split over two threads when there are enough; each plane is computed by one thread in one order,
/// so results are bit-identical with one thread or two.
/// </remarks>
public static unsafe class Pooling
{
    /// <summary>
    /// y [B, C, H_o, W_o] = the largest input of each window of x [B, C, H, W], and
    /// <paramref name="indices"/> [B, C, H_o, W_o] = its position in its plane, row·W + column.
    /// </summary>
    /// <param name="input">x [B, C, H, W].</param>
    /// <param name="output">y [B, C, H_o, W_o].</param>
    /// <param name="indices">[B, C, H_o, W_o]: what <see cref="MaxBackward{TInputActivation}"/> routes the gradient by.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The pooling geometry.</param>
    public static void MaxForward(ReadOnlySpan<float> input, Span<float> output, Span<int> indices, int batch, in PoolingShape shape)
    {
        RequireForward(input, output, batch, shape);
        Convolution.RequireLength(indices.Length, (long)batch * shape.OutputSize, nameof(indices), "[B, C, H_o, W_o]");
        fixed (float* x = input, y = output)
        fixed (int* argmax = indices)
        {
            var arguments = new PoolingArguments { Shape = shape, Planes = batch * shape.Channels, Input = x, Output = y, Indices = argmax };
            Run(IsTwoByTwoStrideTwo(shape) ? SelectForward<MaxWindow2x2>(shape) : SelectForward<MaxWindow>(shape), &arguments);
        }
    }

    /// <summary>
    /// δx [B, C, H, W] = δy [B, C, H_o, W_o] sent to the input each window took its maximum from (the sum of them
    /// where windows overlap, 0 elsewhere), ⊙ f'(z) of the layer that produced x: that is, from its outputs
    /// <paramref name="input"/> = f(z), and from <paramref name="inputPreActivation"/> when f' needs z.
    /// </summary>
    /// <param name="delta">δy = dL/dy [B, C, H_o, W_o].</param>
    /// <param name="indices">The argmax positions <see cref="MaxForward"/> recorded [B, C, H_o, W_o].</param>
    /// <param name="input">x [B, C, H, W]: the layer below's outputs a.</param>
    /// <param name="inputDelta">δx [B, C, H, W], overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The pooling geometry.</param>
    /// <param name="inputPreActivation">The layer below's z [B, C, H, W], when its activation's derivative needs it.</param>
    public static void MaxBackward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<int> indices, ReadOnlySpan<float> input, Span<float> inputDelta,
        int batch, in PoolingShape shape, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        RequireBackward<TInputActivation>(delta, input, inputDelta, inputPreActivation, batch, shape);
        Convolution.RequireLength(indices.Length, (long)batch * shape.OutputSize, nameof(indices), "[B, C, H_o, W_o]");
        fixed (float* dy = delta, a = input, dx = inputDelta, z = inputPreActivation)
        fixed (int* argmax = indices)
        {
            var arguments = new PoolingArguments
            {
                Shape = shape, Planes = batch * shape.Channels, Input = a, PreActivation = z, Delta = dy, InputDelta = dx, Indices = argmax,
            };
            Run(SelectBackward<TInputActivation>(max: true), &arguments);
        }
    }

    /// <summary>y [B, C, H_o, W_o] = the mean of each window of x [B, C, H, W], summed row by row, then scaled by 1 / (kh·kw).</summary>
    /// <param name="input">x [B, C, H, W].</param>
    /// <param name="output">y [B, C, H_o, W_o].</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The pooling geometry.</param>
    public static void AverageForward(ReadOnlySpan<float> input, Span<float> output, int batch, in PoolingShape shape)
    {
        RequireForward(input, output, batch, shape);
        fixed (float* x = input, y = output)
        {
            var arguments = new PoolingArguments { Shape = shape, Planes = batch * shape.Channels, Input = x, Output = y };
            Run(SelectForward<AverageWindow>(shape), &arguments);
        }
    }

    /// <summary>
    /// δx [B, C, H, W] = δy / (kh·kw) added to every input of its window (0 for inputs under no window), ⊙ f'(z) of
    /// the layer that produced x, from its outputs <paramref name="input"/> (and <paramref name="inputPreActivation"/>
    /// when f' needs z).
    /// </summary>
    /// <param name="delta">δy = dL/dy [B, C, H_o, W_o].</param>
    /// <param name="input">x [B, C, H, W]: the layer below's outputs a.</param>
    /// <param name="inputDelta">δx [B, C, H, W], overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="shape">The pooling geometry.</param>
    /// <param name="inputPreActivation">The layer below's z [B, C, H, W], when its activation's derivative needs it.</param>
    public static void AverageBackward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, int batch, in PoolingShape shape,
        ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation
    {
        RequireBackward<TInputActivation>(delta, input, inputDelta, inputPreActivation, batch, shape);
        fixed (float* dy = delta, a = input, dx = inputDelta, z = inputPreActivation)
        {
            var arguments = new PoolingArguments
            {
                Shape = shape, Planes = batch * shape.Channels, Input = a, PreActivation = z, Delta = dy, InputDelta = dx,
            };
            Run(SelectBackward<TInputActivation>(max: false), &arguments);
        }
    }

    /// <summary>
    /// The forward kernel for this instruction set, except that rows of outputs narrower than an AVX-512 register take
    /// AVX2 registers: the kernel computes a register of a row's outputs at once, so a wider register mostly computes
    /// lanes it throws away (the reference CNN's second pooling layer, rows of 4, was faster on AVX2).
    /// </summary>
    private static delegate*<ref ProductArguments, int, int, void> SelectForward<TWindow>(in PoolingShape shape)
        where TWindow : struct, IWindowReduction => KernelSelection.Current switch
        {
            InstructionSet.Avx512 when shape.OutputWidth >= Avx512.Width || !Avx2.IsSupported => &PoolingKernel.Forward<Avx512, Vector512<float>, TWindow>,
            InstructionSet.Avx512 or InstructionSet.Avx2 => &PoolingKernel.Forward<Avx2, Vector256<float>, TWindow>,
            _ => &PoolingKernel.Forward<PortableSimd, Vector<float>, TWindow>,
        };

    private static bool IsTwoByTwoStrideTwo(in PoolingShape shape) =>
        shape is { WindowHeight: 2, WindowWidth: 2, StrideY: 2, StrideX: 2 };

    private static delegate*<ref ProductArguments, int, int, void> SelectBackward<TInputActivation>(bool max)
        where TInputActivation : IActivation => (KernelSelection.Current, max) switch
        {
            (InstructionSet.Avx512, true) => &PoolingKernel.MaxBackward<Avx512, Vector512<float>, TInputActivation>,
            (InstructionSet.Avx2, true) => &PoolingKernel.MaxBackward<Avx2, Vector256<float>, TInputActivation>,
            (_, true) => &PoolingKernel.MaxBackward<PortableSimd, Vector<float>, TInputActivation>,
            (InstructionSet.Avx512, false) => &PoolingKernel.AverageBackward<Avx512, Vector512<float>, TInputActivation>,
            (InstructionSet.Avx2, false) => &PoolingKernel.AverageBackward<Avx2, Vector256<float>, TInputActivation>,
            (_, false) => &PoolingKernel.AverageBackward<PortableSimd, Vector<float>, TInputActivation>,
        };

    /// <summary>Runs <paramref name="body"/> over the planes, split over two threads when they hold enough inputs.</summary>
    private static void Run(delegate*<ref ProductArguments, int, int, void> body, PoolingArguments* arguments)
    {
        // Parallelism weighs work in multiply-adds of a product tile; a pooled input costs about what 32 of those do
        // (docs/performance.md, threads). Carried as in ConvolutionKernel.Run.
        long work = 32L * arguments->Planes * arguments->Shape.InputHeight * arguments->Shape.InputWidth;
        var carrier = new ProductArguments { A = (float*)arguments };
        Parallelism.Run(body, ref carrier, arguments->Planes, alignment: 1, work);
    }

    private static void RequireForward(ReadOnlySpan<float> input, Span<float> output, int batch, in PoolingShape shape)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Convolution.RequireLength(input.Length, (long)batch * shape.InputSize, nameof(input), "[B, C, H, W]");
        Convolution.RequireLength(output.Length, (long)batch * shape.OutputSize, nameof(output), "[B, C, H_o, W_o]");
    }

    private static void RequireBackward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, Span<float> inputDelta, ReadOnlySpan<float> inputPreActivation,
        int batch, in PoolingShape shape)
        where TInputActivation : IActivation
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        Convolution.RequireLength(delta.Length, (long)batch * shape.OutputSize, nameof(delta), "[B, C, H_o, W_o]");
        Convolution.RequireLength(input.Length, (long)batch * shape.InputSize, nameof(input), "[B, C, H, W]");
        Convolution.RequireLength(inputDelta.Length, (long)batch * shape.InputSize, nameof(inputDelta), "[B, C, H, W]");
        if (TInputActivation.DerivativeNeedsInput)
        {
            Convolution.RequireLength(inputPreActivation.Length, (long)batch * shape.InputSize, nameof(inputPreActivation), "[B, C, H, W]");
        }
    }
}
