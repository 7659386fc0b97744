using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>A pooling pass's operands, shared by the threads that run it; the caller keeps the arrays pinned until it returns.</summary>
internal unsafe struct PoolingArguments
{
    public PoolingShape Shape;

    /// <summary>B·C: the planes pooled one by one.</summary>
    public int Planes;

    /// <summary>x [B, C, H, W]: the input (forward), or the layer below's outputs a (backward).</summary>
    public float* Input;

    /// <summary>y [B, C, H_o, W_o].</summary>
    public float* Output;

    /// <summary>The argmax of each window [B, C, H_o, W_o], as row·W + column within its plane.</summary>
    public int* Indices;

    /// <summary>δy [B, C, H_o, W_o].</summary>
    public float* Delta;

    /// <summary>δx [B, C, H, W].</summary>
    public float* InputDelta;

    /// <summary>The layer below's z [B, C, H, W], for activations whose derivative needs it.</summary>
    public float* PreActivation;
}

/// <summary>
/// The pooling passes over planes [first, end) of the batch's B·C planes [H, W]: each plane is independent, so
/// <see cref="Parallelism"/> may split them anywhere. Carried in a <see cref="ProductArguments"/> as
/// <see cref="ConvolutionKernel"/> explains.
/// </summary>
/// <remarks>
/// The forward passes take a register of consecutive outputs of a row at once: each tap (v, u) of their windows is
/// one strided load (<see cref="ISimd{TSelf, TVector}.LoadStrided"/>: a contiguous load for stride 1, two loads and a
/// permute for stride 2). A scalar scan of each window was several times slower: its comparison goes either way on
/// real data, and mispredicting it dominated. The backward passes scatter δy, then apply f' in one vectorised pass
/// over the plane.
/// </remarks>
internal static unsafe class PoolingKernel
{
    /// <summary>Lanes' window positions are floats, exact below 2²⁴: larger planes take the scalar path.</summary>
    private const int LargestVectorPlane = 1 << 24;

    /// <summary>
    /// y[o] = the reduction of window o, and for max pooling indices[o] = its argmax, for every output of planes
    /// [first, end): a register of outputs at a time, one at a time where a register's loads would pass the end of
    /// the input.
    /// </summary>
    public static void Forward<TSimd, TVector, TWindow>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TWindow : struct, IWindowReduction
    {
        ref PoolingArguments p = ref *(PoolingArguments*)carrier.A;
        PoolingShape s = p.Shape;
        int width = s.InputWidth, plane = s.InputHeight * width, outputs = s.OutputHeight * s.OutputWidth, lanes = TSimd.Width;
        // A register's loads reach kh − 1 rows below its first window's corner, and lanes·sx + kw − 1 columns right of it
        // (LoadStrided reads lanes·sx floats).
        nint reach = (nint)(s.WindowHeight - 1) * width + (nint)lanes * s.StrideX + s.WindowWidth - 1;
        float* inputEnd = p.Input + (nint)p.Planes * plane;
        // A short register's values, then its argmax (as integers), on their way out; then lane·sx, the lanes' corner columns.
        float* staging = stackalloc float[3 * lanes];
        for (int lane = 0; lane < lanes; lane++)
        {
            staging[2 * lanes + lane] = lane * s.StrideX;
        }
        TVector laneOffsets = TSimd.Load(ref staging[2 * lanes], 0);
        for (int c = first; c < end; c++)
        {
            float* x = p.Input + (nint)c * plane;                                   // x_c [H, W]
            float* y = p.Output + (nint)c * outputs;                                // y_c [H_o, W_o]
            int* argmax = p.Indices == null ? null : p.Indices + (nint)c * outputs; // [H_o, W_o], max pooling only
            for (int oy = 0; oy < s.OutputHeight; oy++)
            {
                int top = oy * s.StrideY * width, row = oy * s.OutputWidth; // the windows' first input row; the output row
                for (int block = 0; block < s.OutputWidth; block += lanes)
                {
                    // The last register of a row is moved back to end with it, overlapping the one before. A row narrower than
                    // a register takes one whose extra lanes compute windows further on (reading into the next rows), not stored.
                    int ox = Math.Max(Math.Min(block, s.OutputWidth - lanes), 0), count = Math.Min(lanes, s.OutputWidth - ox);
                    int corner = top + ox * s.StrideX; // the first window's top-left input
                    if (plane > LargestVectorPlane || x + corner + reach > inputEnd)
                    {
                        for (int o = ox; o < ox + count; o++)
                        {
                            y[row + o] = TWindow.Window(x, top + o * s.StrideX, s, out int at);
                            if (argmax != null)
                            {
                                argmax[row + o] = at;
                            }
                        }
                        continue;
                    }
                    TWindow.Register<TSimd, TVector>(x + corner, corner, laneOffsets, s, out TVector result, out TVector position);
                    StoreOutputs<TSimd, TVector>(result, position, y + row + ox, argmax == null ? null : argmax + row + ox, count, staging);
                }
            }
        }
    }

    /// <summary>
    /// The first <paramref name="count"/> lanes of a register of outputs to <paramref name="y"/>, and their argmax positions
    /// (floats holding whole numbers) as integers to <paramref name="argmax"/> unless it is null; a short register goes
    /// through <paramref name="staging"/> (2 registers' worth), so nothing past the row's end is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOutputs<TSimd, TVector>(TVector values, TVector positions, float* y, int* argmax, int count, float* staging)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int lanes = TSimd.Width;
        if (count == lanes)
        {
            TSimd.Store(values, ref *y, 0);
            if (argmax != null)
            {
                TSimd.StoreAsInt32(positions, ref *argmax);
            }
            return;
        }
        TSimd.Store(values, ref staging[0], 0);
        ConvolutionLowering.Copy(staging, y, count);
        if (argmax != null)
        {
            TSimd.StoreAsInt32(positions, ref *(int*)(staging + lanes));
            ConvolutionLowering.Copy(staging + lanes, (float*)argmax, count); // moves the integers' bits
        }
    }

    /// <summary>δx = 0, then δx[indices[o]] += δy[o] for every output o of the plane, then δx ⊙= f'(z, a).</summary>
    public static void MaxBackward<TSimd, TVector, TInputActivation>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TInputActivation : IActivation
    {
        ref PoolingArguments p = ref *(PoolingArguments*)carrier.A;
        PoolingShape s = p.Shape;
        int plane = s.InputHeight * s.InputWidth, outputs = s.OutputHeight * s.OutputWidth;
        for (int c = first; c < end; c++)
        {
            float* dx = p.InputDelta + (nint)c * plane; // δx_c [H, W]
            float* dy = p.Delta + (nint)c * outputs;    // δy_c [H_o, W_o]
            int* argmax = p.Indices + (nint)c * outputs;
            new Span<float>(dx, plane).Clear();
            for (int o = 0; o < outputs; o++)
            {
                dx[argmax[o]] += dy[o];
            }
            ApplyDerivative<TSimd, TVector, TInputActivation>(ref p, c, plane);
        }
    }

    /// <summary>δx = 0, then δx[i] += δy[o] / (kh·kw) for every input i of every window o of the plane, then δx ⊙= f'(z, a).</summary>
    public static void AverageBackward<TSimd, TVector, TInputActivation>(ref ProductArguments carrier, int first, int end)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TInputActivation : IActivation
    {
        ref PoolingArguments p = ref *(PoolingArguments*)carrier.A;
        PoolingShape s = p.Shape;
        int width = s.InputWidth, plane = s.InputHeight * width, outputs = s.OutputHeight * s.OutputWidth;
        float scale = 1f / (s.WindowHeight * s.WindowWidth);
        for (int c = first; c < end; c++)
        {
            float* dx = p.InputDelta + (nint)c * plane; // δx_c [H, W]
            float* dy = p.Delta + (nint)c * outputs;    // δy_c [H_o, W_o]
            new Span<float>(dx, plane).Clear();
            for (int oy = 0; oy < s.OutputHeight; oy++)
            {
                for (int ox = 0; ox < s.OutputWidth; ox++)
                {
                    float share = dy[oy * s.OutputWidth + ox] * scale;
                    float* corner = dx + oy * s.StrideY * width + ox * s.StrideX;
                    for (int v = 0; v < s.WindowHeight; v++)
                    {
                        for (int u = 0; u < s.WindowWidth; u++)
                        {
                            corner[v * width + u] += share;
                        }
                    }
                }
            }
            ApplyDerivative<TSimd, TVector, TInputActivation>(ref p, c, plane);
        }
    }

    /// <summary>
    /// δx_c ⊙= f'(z_c, a_c) over plane c, in one vectorised pass after the scatter rather than at each scattered input:
    /// f' of random-signed data (ReLU's a &gt; 0) is a branch the scalar code mispredicts half the time.
    /// </summary>
    private static void ApplyDerivative<TSimd, TVector, TInputActivation>(ref PoolingArguments p, int c, int plane)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TInputActivation : IActivation
    {
        if (typeof(TInputActivation) != typeof(Identity))
        {
            float* z = TInputActivation.DerivativeNeedsInput ? p.PreActivation + (nint)c * plane : null;
            Epilogue.MultiplyByDerivative<TSimd, TVector, TInputActivation>(p.InputDelta + (nint)c * plane, p.Input + (nint)c * plane, z, plane);
        }
    }
}

/// <summary>How a kind of pooling reduces a window: a register of windows side by side, or one window.</summary>
internal unsafe interface IWindowReduction
{
    /// <summary>
    /// Reduces the windows whose top-left inputs are <paramref name="corner"/>[lane·sx] for each lane, at position
    /// <paramref name="cornerIndex"/> + lane·sx in the plane (<paramref name="laneOffsets"/> holds lane·sx): their results,
    /// and for max pooling their argmax positions (as floats).
    /// </summary>
    static abstract void Register<TSimd, TVector>(float* corner, int cornerIndex, TVector laneOffsets, in PoolingShape s, out TVector result, out TVector argmax)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct;

    /// <summary>The window whose top-left input is plane[<paramref name="corner"/>]; its argmax for max pooling.</summary>
    static abstract float Window(float* plane, int corner, in PoolingShape s, out int argmax);
}

/// <summary>The largest input of the window and where it is: the first in row-major order, or a NaN (<see cref="ISimd{TSelf, TVector}.KeepLarger"/>).</summary>
internal readonly unsafe struct MaxWindow : IWindowReduction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Register<TSimd, TVector>(float* corner, int cornerIndex, TVector laneOffsets, in PoolingShape s, out TVector result, out TVector argmax)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector corners = TSimd.Add(TSimd.Broadcast(cornerIndex), laneOffsets); // each lane's top-left position
        result = TSimd.LoadStrided(ref corner[0], s.StrideX);
        argmax = corners;
        for (int v = 0; v < s.WindowHeight; v++)
        {
            for (int u = v == 0 ? 1 : 0; u < s.WindowWidth; u++)
            {
                int offset = v * s.InputWidth + u; // tap (v, u), relative to the corner
                TSimd.KeepLarger(TSimd.LoadStrided(ref corner[offset], s.StrideX), TSimd.Add(corners, TSimd.Broadcast(offset)), ref result, ref argmax);
            }
        }
    }

    public static float Window(float* plane, int corner, in PoolingShape s, out int argmax)
    {
        argmax = corner;
        float max = plane[corner];
        for (int v = 0; v < s.WindowHeight; v++)
        {
            for (int u = v == 0 ? 1 : 0; u < s.WindowWidth; u++)
            {
                int at = corner + v * s.InputWidth + u;
                if (plane[at] > max || float.IsNaN(plane[at]))
                {
                    max = plane[at];
                    argmax = at;
                }
            }
        }
        return max;
    }
}

/// <summary>
/// <see cref="MaxWindow"/> for 2 × 2 windows with stride 2 (LeNet's, and most networks'), the geometry constant: four
/// strided loads, the taps in the same row-major order through the same <see cref="ISimd{TSelf, TVector}.KeepLarger"/>,
/// so ties and NaNs come out exactly as <see cref="MaxWindow"/>'s. <see cref="MaxWindow"/> reads the window and stride
/// from the shape at every tap, which made the reference CNN's first pooling layer several times slower
/// (docs/performance.md, convolution).
/// </summary>
internal readonly unsafe struct MaxWindow2x2 : IWindowReduction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Register<TSimd, TVector>(float* corner, int cornerIndex, TVector laneOffsets, in PoolingShape s, out TVector result, out TVector argmax)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        int width = s.InputWidth;
        TVector corners = TSimd.Add(TSimd.Broadcast(cornerIndex), laneOffsets); // each lane's top-left position
        result = TSimd.LoadStrided(ref corner[0], 2);
        argmax = corners;
        TSimd.KeepLarger(TSimd.LoadStrided(ref corner[1], 2), TSimd.Add(corners, TSimd.Broadcast(1f)), ref result, ref argmax);
        TSimd.KeepLarger(TSimd.LoadStrided(ref corner[width], 2), TSimd.Add(corners, TSimd.Broadcast(width)), ref result, ref argmax);
        TSimd.KeepLarger(TSimd.LoadStrided(ref corner[width + 1], 2), TSimd.Add(corners, TSimd.Broadcast(width + 1)), ref result, ref argmax);
    }

    public static float Window(float* plane, int corner, in PoolingShape s, out int argmax) => MaxWindow.Window(plane, corner, s, out argmax);
}

/// <summary>The mean of the window: its inputs summed row by row, then scaled by 1 / (kh·kw); the same order in both forms.</summary>
internal readonly unsafe struct AverageWindow : IWindowReduction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Register<TSimd, TVector>(float* corner, int cornerIndex, TVector laneOffsets, in PoolingShape s, out TVector result, out TVector argmax)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        TVector sum = TSimd.LoadStrided(ref corner[0], s.StrideX);
        for (int v = 0; v < s.WindowHeight; v++)
        {
            for (int u = v == 0 ? 1 : 0; u < s.WindowWidth; u++)
            {
                sum = TSimd.Add(sum, TSimd.LoadStrided(ref corner[v * s.InputWidth + u], s.StrideX));
            }
        }
        result = TSimd.Multiply(sum, TSimd.Broadcast(1f / (s.WindowHeight * s.WindowWidth)));
        argmax = TSimd.Zero;
    }

    public static float Window(float* plane, int corner, in PoolingShape s, out int argmax)
    {
        argmax = 0;
        float sum = plane[corner];
        for (int v = 0; v < s.WindowHeight; v++)
        {
            for (int u = v == 0 ? 1 : 0; u < s.WindowWidth; u++)
            {
                sum += plane[corner + v * s.InputWidth + u];
            }
        }
        return sum * (1f / (s.WindowHeight * s.WindowWidth));
    }
}
