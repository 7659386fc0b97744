using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// Elman's recurrent layer, PyTorch's <c>nn.RNN(batch_first=True)</c> with its <c>nonlinearity</c> as any activation:
/// <code>
/// h_t = f(x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh)      W_ih [H, F], W_hh [H, H], b_ih [H], b_hh [H], h_{−1} = 0
/// </code>
/// The layer's parameters are one slice in PyTorch's order: <c>weight_ih_l0</c>, <c>weight_hh_l0</c>,
/// <c>bias_ih_l0</c>, <c>bias_hh_l0</c>. Backward is backpropagation through time, each weight's gradient the sum over
/// the steps (see <see cref="Recurrent{TCell}"/>).
/// </summary>
public static class SimpleRnn
{
    /// <summary>The layer's parameters: H·F + H·H + 2H.</summary>
    public static int ParameterCount(RecurrentShape shape) => Recurrent<RnnCell<Identity>>.ParameterCount(shape);

    /// <summary>The workspace <see cref="Forward{TActivation}"/> fills and <see cref="Backward{TActivation, TInputActivation}"/> reads, for <paramref name="batch"/> samples.</summary>
    public static int WorkspaceSize(int batch, RecurrentShape shape) => Recurrent<RnnCell<Identity>>.WorkspaceSize(batch, shape);

    /// <summary>The scratch <see cref="Step{TActivation}"/> takes.</summary>
    public static int StepScratchSize(RecurrentShape shape) => Recurrent<RnnCell<Identity>>.StepScratchSize(shape);

    /// <summary>a [B, T, H] or [B, H] from x [B, T, F]; keeps in <paramref name="workspace"/> what backward needs.</summary>
    public static void Forward<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> output, Span<float> workspace, int batch, RecurrentShape shape)
        where TActivation : IActivation =>
        Recurrent<RnnCell<TActivation>>.Forward(input, parameters, output, workspace, batch, shape);

    /// <summary>
    /// Adds the parameter gradients into <paramref name="gradients"/> (the layer's slice) and, unless
    /// <paramref name="inputDelta"/> is empty, writes δx [B, T, F] with the f' of the layer below folded in.
    /// </summary>
    public static void Backward<TActivation, TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> inputDelta,
        Span<float> workspace, int batch, RecurrentShape shape, ReadOnlySpan<float> inputPreActivation = default)
        where TActivation : IActivation
        where TInputActivation : IActivation =>
        Recurrent<RnnCell<TActivation>>.Backward<TInputActivation>(delta, input, parameters, gradients, inputDelta, workspace, batch, shape, inputPreActivation);

    /// <summary>One step of one sample: h [H] ← f(x_t · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh).</summary>
    public static void Step<TActivation>(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> hidden, Span<float> scratch, RecurrentShape shape)
        where TActivation : IActivation =>
        Recurrent<RnnCell<TActivation>>.Step(input, parameters, hidden, default, scratch, shape);
}

/// <summary>
/// Long short-term memory, PyTorch's <c>nn.LSTM(batch_first=True)</c>, gates in its order i, f, g, o:
/// <code>
/// z_t = x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh           W_ih [4H, F], W_hh [4H, H], b_ih [4H], b_hh [4H]
/// i, f, g, o = σ(z_t[i]), σ(z_t[f]), tanh(z_t[g]), σ(z_t[o])
/// c_t = f ⊙ c_{t−1} + i ⊙ g;   h_t = o ⊙ tanh(c_t)             h_{−1} = c_{−1} = 0
/// </code>
/// </summary>
public static class Lstm
{
    /// <inheritdoc cref="SimpleRnn.ParameterCount"/>
    public static int ParameterCount(RecurrentShape shape) => Recurrent<LstmCell>.ParameterCount(shape);

    /// <inheritdoc cref="SimpleRnn.WorkspaceSize"/>
    public static int WorkspaceSize(int batch, RecurrentShape shape) => Recurrent<LstmCell>.WorkspaceSize(batch, shape);

    /// <summary>The scratch <see cref="Step"/> takes.</summary>
    public static int StepScratchSize(RecurrentShape shape) => Recurrent<LstmCell>.StepScratchSize(shape);

    /// <summary>h [B, T, H] or [B, H] from x [B, T, F]; keeps in <paramref name="workspace"/> what backward needs.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> output, Span<float> workspace, int batch, RecurrentShape shape) =>
        Recurrent<LstmCell>.Forward(input, parameters, output, workspace, batch, shape);

    /// <inheritdoc cref="SimpleRnn.Backward{TActivation, TInputActivation}"/>
    public static void Backward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> inputDelta,
        Span<float> workspace, int batch, RecurrentShape shape, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation =>
        Recurrent<LstmCell>.Backward<TInputActivation>(delta, input, parameters, gradients, inputDelta, workspace, batch, shape, inputPreActivation);

    /// <summary>One step of one sample: h [H] and c [H] carried from the last call to this one.</summary>
    public static void Step(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> hidden, Span<float> cell, Span<float> scratch, RecurrentShape shape) =>
        Recurrent<LstmCell>.Step(input, parameters, hidden, cell, scratch, shape);
}

/// <summary>
/// Gated recurrent unit, PyTorch's <c>nn.GRU(batch_first=True)</c>, gates in its order r, z, n, with the reset gate
/// applied to the hidden side's product as PyTorch applies it:
/// <code>
/// r = σ(W_ir x + b_ir + W_hr h + b_hr);   u = σ(W_iz x + b_iz + W_hz h + b_hz)     W_ih [3H, F], W_hh [3H, H]
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));   h_t = (1 − u) ⊙ n + u ⊙ h_{t−1}
/// </code>
/// </summary>
public static class Gru
{
    /// <inheritdoc cref="SimpleRnn.ParameterCount"/>
    public static int ParameterCount(RecurrentShape shape) => Recurrent<GruCell>.ParameterCount(shape);

    /// <inheritdoc cref="SimpleRnn.WorkspaceSize"/>
    public static int WorkspaceSize(int batch, RecurrentShape shape) => Recurrent<GruCell>.WorkspaceSize(batch, shape);

    /// <summary>The scratch <see cref="Step"/> takes.</summary>
    public static int StepScratchSize(RecurrentShape shape) => Recurrent<GruCell>.StepScratchSize(shape);

    /// <summary>h [B, T, H] or [B, H] from x [B, T, F]; keeps in <paramref name="workspace"/> what backward needs.</summary>
    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> output, Span<float> workspace, int batch, RecurrentShape shape) =>
        Recurrent<GruCell>.Forward(input, parameters, output, workspace, batch, shape);

    /// <inheritdoc cref="SimpleRnn.Backward{TActivation, TInputActivation}"/>
    public static void Backward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> inputDelta,
        Span<float> workspace, int batch, RecurrentShape shape, ReadOnlySpan<float> inputPreActivation = default)
        where TInputActivation : IActivation =>
        Recurrent<GruCell>.Backward<TInputActivation>(delta, input, parameters, gradients, inputDelta, workspace, batch, shape, inputPreActivation);

    /// <summary>One step of one sample: h [H] carried from the last call to this one.</summary>
    public static void Step(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> hidden, Span<float> scratch, RecurrentShape shape) =>
        Recurrent<GruCell>.Step(input, parameters, hidden, default, scratch, shape);
}

/// <summary>
/// One step of one cell for one sample, given the two products: gx = x_t · W_ihᵀ + b_ih and hh = h_{t−1} · W_hhᵀ + b_hh,
/// each [G·H]. What the cell keeps per step for its backward is <see cref="Stored"/>·H numbers.
/// </summary>
internal interface IRecurrentCell
{
    /// <summary>G: gate blocks of H rows in W_ih and W_hh (1, 4 or 3).</summary>
    static abstract int Gates { get; }

    /// <summary>Blocks of H numbers kept per step for backward, besides h_t and h_{t−1}.</summary>
    static abstract int Stored { get; }

    /// <summary>Whether the hidden side's δz differs from the input side's (GRU's r scales the n block of hh).</summary>
    static abstract bool SeparateHiddenDelta { get; }

    /// <summary>Whether the cell carries c besides h.</summary>
    static abstract bool HasCell { get; }

    /// <summary>h [H] (and c [H]) become step t's; <paramref name="stored"/> gets what backward needs.</summary>
    static abstract void Forward(ReadOnlySpan<float> gx, ReadOnlySpan<float> hh, Span<float> h, Span<float> c, Span<float> stored);

    /// <summary>
    /// From dh = dL/dh_t (and the carry dc = dL/dc_t): δz of both products at step t; on return dh holds what reaches
    /// h_{t−1} other than through W_hh, and dc is dL/dc_{t−1}.
    /// </summary>
    /// <param name="dh">In: dL/dh_t [H]. Out: the part of dL/dh_{t−1} that does not go through W_hh.</param>
    /// <param name="dc">In: dL/dc_t [H] from step t + 1. Out: dL/dc_{t−1}. Unused without a cell state.</param>
    /// <param name="stored">Step t's stored numbers.</param>
    /// <param name="previousStored">Step t − 1's stored numbers, empty at t = 0.</param>
    /// <param name="h">h_t [H].</param>
    /// <param name="hPrevious">h_{t−1} [H].</param>
    /// <param name="dzInput">δz of the input product, x_t · W_ihᵀ + b_ih [G·H].</param>
    /// <param name="dzHidden">δz of the hidden product, h_{t−1} · W_hhᵀ + b_hh [G·H]; the same span as <paramref name="dzInput"/> where they agree.</param>
    static abstract void Backward(
        Span<float> dh, Span<float> dc, ReadOnlySpan<float> stored, ReadOnlySpan<float> previousStored, ReadOnlySpan<float> h,
        ReadOnlySpan<float> hPrevious, Span<float> dzInput, Span<float> dzHidden);
}

/// <summary>h = f(z), z = gx + hh; keeps z [H], since some f' need it.</summary>
internal readonly struct RnnCell<TActivation> : IRecurrentCell
    where TActivation : IActivation
{
    public static int Gates => 1;

    public static int Stored => 1;

    public static bool SeparateHiddenDelta => false;

    public static bool HasCell => false;

    public static void Forward(ReadOnlySpan<float> gx, ReadOnlySpan<float> hh, Span<float> h, Span<float> c, Span<float> stored)
    {
        for (int j = 0; j < h.Length; j++)
        {
            float z = gx[j] + hh[j];
            stored[j] = z;
            h[j] = TActivation.Forward(z);
        }
    }

    public static void Backward(
        Span<float> dh, Span<float> dc, ReadOnlySpan<float> stored, ReadOnlySpan<float> previousStored, ReadOnlySpan<float> h,
        ReadOnlySpan<float> hPrevious, Span<float> dzInput, Span<float> dzHidden)
    {
        for (int j = 0; j < dh.Length; j++)
        {
            dzInput[j] = dh[j] * TActivation.Derivative(stored[j], h[j]);
            dh[j] = 0f;
        }
    }
}

/// <summary>Keeps i, f, g, o (activated) and c_t: 5 blocks of H.</summary>
internal readonly struct LstmCell : IRecurrentCell
{
    public static int Gates => 4;

    public static int Stored => 5;

    public static bool SeparateHiddenDelta => false;

    public static bool HasCell => true;

    public static void Forward(ReadOnlySpan<float> gx, ReadOnlySpan<float> hh, Span<float> h, Span<float> c, Span<float> stored)
    {
        int n = h.Length;
        int j = 0;
        // A register of units at a time, through the activations' vector forms: at one sample (Step) the gates cost as
        // much as the products, and the scalar sigmoid and tanh were most of it. The units past the last whole register
        // take the scalar forms below; the same units do so in every call, so Step and Forward agree to the bit.
        for (; j + Vector<float>.Count <= n; j += Vector<float>.Count)
        {
            Vector<float> i = Sigmoid.Forward<PortableSimd, Vector<float>>(new Vector<float>(gx.Slice(j)) + new Vector<float>(hh.Slice(j)));
            Vector<float> f = Sigmoid.Forward<PortableSimd, Vector<float>>(new Vector<float>(gx.Slice(n + j)) + new Vector<float>(hh.Slice(n + j)));
            Vector<float> g = Tanh.Forward<PortableSimd, Vector<float>>(new Vector<float>(gx.Slice(2 * n + j)) + new Vector<float>(hh.Slice(2 * n + j)));
            Vector<float> o = Sigmoid.Forward<PortableSimd, Vector<float>>(new Vector<float>(gx.Slice(3 * n + j)) + new Vector<float>(hh.Slice(3 * n + j)));
            Vector<float> cell = f * new Vector<float>(c.Slice(j)) + i * g;
            i.CopyTo(stored.Slice(j));
            f.CopyTo(stored.Slice(n + j));
            g.CopyTo(stored.Slice(2 * n + j));
            o.CopyTo(stored.Slice(3 * n + j));
            cell.CopyTo(stored.Slice(4 * n + j));
            cell.CopyTo(c.Slice(j));
            (o * Tanh.Forward<PortableSimd, Vector<float>>(cell)).CopyTo(h.Slice(j));
        }
        for (; j < n; j++)
        {
            float i = Sigmoid.Forward(gx[j] + hh[j]);
            float f = Sigmoid.Forward(gx[n + j] + hh[n + j]);
            float g = MathF.Tanh(gx[2 * n + j] + hh[2 * n + j]);
            float o = Sigmoid.Forward(gx[3 * n + j] + hh[3 * n + j]);
            float cell = f * c[j] + i * g;
            stored[j] = i;
            stored[n + j] = f;
            stored[2 * n + j] = g;
            stored[3 * n + j] = o;
            stored[4 * n + j] = cell;
            c[j] = cell;
            h[j] = o * MathF.Tanh(cell);
        }
    }

    public static void Backward(
        Span<float> dh, Span<float> dc, ReadOnlySpan<float> stored, ReadOnlySpan<float> previousStored, ReadOnlySpan<float> h,
        ReadOnlySpan<float> hPrevious, Span<float> dzInput, Span<float> dzHidden)
    {
        int n = dh.Length;
        for (int j = 0; j < n; j++)
        {
            float i = stored[j], f = stored[n + j], g = stored[2 * n + j], o = stored[3 * n + j];
            float tanhCell = MathF.Tanh(stored[4 * n + j]);
            float cellPrevious = previousStored.IsEmpty ? 0f : previousStored[4 * n + j];
            // h = o ⊙ tanh c: do = dh ⊙ tanh c, and dc gains dh ⊙ o ⊙ (1 − tanh² c) on top of the carry from step t + 1.
            float dOut = dh[j] * tanhCell;
            float dCell = dc[j] + dh[j] * o * (1f - tanhCell * tanhCell);
            // c = f ⊙ c_{t−1} + i ⊙ g.
            dzInput[j] = dCell * g * i * (1f - i);
            dzInput[n + j] = dCell * cellPrevious * f * (1f - f);
            dzInput[2 * n + j] = dCell * i * (1f - g * g);
            dzInput[3 * n + j] = dOut * o * (1f - o);
            dc[j] = dCell * f;
            dh[j] = 0f;
        }
    }
}

/// <summary>Keeps r, u, n (activated) and hn = W_hn h + b_hn: 4 blocks of H.</summary>
internal readonly struct GruCell : IRecurrentCell
{
    public static int Gates => 3;

    public static int Stored => 4;

    public static bool SeparateHiddenDelta => true;

    public static bool HasCell => false;

    public static void Forward(ReadOnlySpan<float> gx, ReadOnlySpan<float> hh, Span<float> h, Span<float> c, Span<float> stored)
    {
        int n = h.Length;
        for (int j = 0; j < n; j++)
        {
            float r = Sigmoid.Forward(gx[j] + hh[j]);
            float u = Sigmoid.Forward(gx[n + j] + hh[n + j]);
            float hiddenN = hh[2 * n + j];
            float candidate = MathF.Tanh(gx[2 * n + j] + r * hiddenN);
            stored[j] = r;
            stored[n + j] = u;
            stored[2 * n + j] = candidate;
            stored[3 * n + j] = hiddenN;
            h[j] = (1f - u) * candidate + u * h[j];
        }
    }

    public static void Backward(
        Span<float> dh, Span<float> dc, ReadOnlySpan<float> stored, ReadOnlySpan<float> previousStored, ReadOnlySpan<float> h,
        ReadOnlySpan<float> hPrevious, Span<float> dzInput, Span<float> dzHidden)
    {
        int n = dh.Length;
        for (int j = 0; j < n; j++)
        {
            float r = stored[j], u = stored[n + j], candidate = stored[2 * n + j], hiddenN = stored[3 * n + j];
            float d = dh[j];
            // h = (1 − u) ⊙ n + u ⊙ h_{t−1}; n = tanh(gx_n + r ⊙ hh_n).
            float dCandidate = d * (1f - u) * (1f - candidate * candidate);
            float dReset = dCandidate * hiddenN * r * (1f - r);
            float dUpdate = d * (hPrevious[j] - candidate) * u * (1f - u);
            dzInput[j] = dReset;
            dzInput[n + j] = dUpdate;
            dzInput[2 * n + j] = dCandidate;
            dzHidden[j] = dReset;
            dzHidden[n + j] = dUpdate;
            dzHidden[2 * n + j] = dCandidate * r;
            dh[j] = d * u;
        }
    }
}

/// <summary>
/// The unrolled forward and backpropagation through time shared by the recurrent cells. Both products over the input
/// run once over all B·T rows on the product engine; only h_{t−1} · W_hhᵀ runs step by step, over B rows.
/// Buffers are batch-major as the layers around read them: row b·T + t is sample b's step t.
/// <code>
/// forward:   gx [B·T, G·H] = x · W_ihᵀ + b_ih;  per t: hh [B, G·H] = h_{t−1} · W_hhᵀ + b_hh, then the cell
/// backward:  per t, last first: dh += δ_t; the cell gives δz_t; dh = δz_hh,t · W_hh (+ the cell's direct part)
///            then once over B·T rows: dW_ih += δzᵀ · x, dW_hh += δz_hhᵀ · h_prev, db_ih += Σ δz, db_hh += Σ δz_hh,
///            δx = (δz · W_ih) ⊙ f' of the layer below
/// </code>
/// The workspace holds, in order: stored [B, T, S·H], hidden h_t [B, T, H], previous h_{t−1} [B, T, H], δz [B, T, G·H]
/// (gx in forward), δz_hh [B, T, G·H] (GRU only), then per-step rows h, c, dh, dc, dh' [B, H] and hh, δz_t [B, G·H].
/// </summary>
internal static class Recurrent<TCell>
    where TCell : struct, IRecurrentCell
{
    public static int ParameterCount(RecurrentShape shape)
    {
        int gates = TCell.Gates * shape.Hidden;
        return gates * shape.Features + gates * shape.Hidden + 2 * gates;
    }

    public static int WorkspaceSize(int batch, RecurrentShape shape)
    {
        int h = shape.Hidden, gates = TCell.Gates * h;
        long perStep = TCell.Stored * h + 2L * h + gates * (TCell.SeparateHiddenDelta ? 2L : 1L);
        long perSample = shape.Steps * perStep + 5L * h + 2L * gates;
        return checked((int)(batch * perSample));
    }

    public static int StepScratchSize(RecurrentShape shape) => 2 * TCell.Gates * shape.Hidden + TCell.Stored * shape.Hidden;

    private ref struct Workspace
    {
        public Span<float> Stored, Hidden, Previous, DeltaInput, DeltaHidden, H, C, Dh, Dc, DhNext, Hh, DeltaStep;

        public Workspace(Span<float> workspace, int batch, RecurrentShape shape)
        {
            int h = shape.Hidden, gates = TCell.Gates * h, rows = batch * shape.Steps;
            Dense.RequireLength(workspace, WorkspaceSize(batch, shape), nameof(workspace), "[workspace]");
            int at = 0;
            Stored = Take(workspace, ref at, rows * TCell.Stored * h);
            Hidden = Take(workspace, ref at, rows * h);
            Previous = Take(workspace, ref at, rows * h);
            DeltaInput = Take(workspace, ref at, rows * gates);
            DeltaHidden = TCell.SeparateHiddenDelta ? Take(workspace, ref at, rows * gates) : DeltaInput;
            H = Take(workspace, ref at, batch * h);
            C = Take(workspace, ref at, batch * h);
            Dh = Take(workspace, ref at, batch * h);
            Dc = Take(workspace, ref at, batch * h);
            DhNext = Take(workspace, ref at, batch * h);
            Hh = Take(workspace, ref at, batch * gates);
            DeltaStep = Take(workspace, ref at, batch * gates);
        }

        private static Span<float> Take(Span<float> workspace, scoped ref int at, int length)
        {
            Span<float> taken = workspace.Slice(at, length);
            at += length;
            return taken;
        }
    }

    /// <summary>W_ih [G·H, F], W_hh [G·H, H], b_ih [G·H], b_hh [G·H], one after the other.</summary>
    private static void Split(
        ReadOnlySpan<float> parameters, RecurrentShape shape,
        out ReadOnlySpan<float> weightIh, out ReadOnlySpan<float> weightHh, out ReadOnlySpan<float> biasIh, out ReadOnlySpan<float> biasHh)
    {
        int gates = TCell.Gates * shape.Hidden;
        Dense.RequireLength(parameters, ParameterCount(shape), nameof(parameters), "[G·H·F + G·H·H + 2·G·H]");
        weightIh = parameters.Slice(0, gates * shape.Features);
        weightHh = parameters.Slice(gates * shape.Features, gates * shape.Hidden);
        biasIh = parameters.Slice(gates * (shape.Features + shape.Hidden), gates);
        biasHh = parameters.Slice(gates * (shape.Features + shape.Hidden + 1), gates);
    }

    public static void Forward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> output, Span<float> workspace, int batch, RecurrentShape shape)
    {
        int steps = shape.Steps, h = shape.Hidden, gates = TCell.Gates * h, stored = TCell.Stored * h, rows = batch * steps;
        Dense.RequireLength(input, batch * shape.InputSize, nameof(input), "[B, T, F]");
        Dense.RequireLength(output, batch * shape.OutputSize, nameof(output), shape.ReturnSequences ? "[B, T, H]" : "[B, H]");
        Split(parameters, shape, out ReadOnlySpan<float> weightIh, out ReadOnlySpan<float> weightHh, out ReadOnlySpan<float> biasIh, out ReadOnlySpan<float> biasHh);
        var w = new Workspace(workspace, batch, shape);

        // gx [B·T, G·H]: every step's input product at once, in δz's place (backward overwrites it).
        Span<float> gx = w.DeltaInput;
        Dense.Forward<Identity>(input, weightIh, biasIh, gx, rows, shape.Features, gates);
        w.H.Clear();
        w.C.Clear();
        for (int t = 0; t < steps; t++)
        {
            // hh [B, G·H] = h_{t−1} · W_hhᵀ + b_hh; h_{−1} = 0 leaves b_hh.
            if (t == 0)
            {
                for (int b = 0; b < batch; b++)
                {
                    biasHh.CopyTo(w.Hh.Slice(b * gates, gates));
                }
            }
            else
            {
                Dense.Forward<Identity>(w.H, weightHh, biasHh, w.Hh, batch, h, gates);
            }
            for (int b = 0; b < batch; b++)
            {
                int row = b * steps + t;
                Span<float> hRow = w.H.Slice(b * h, h);
                hRow.CopyTo(w.Previous.Slice(row * h, h));
                TCell.Forward(gx.Slice(row * gates, gates), w.Hh.Slice(b * gates, gates), hRow, w.C.Slice(b * h, h), w.Stored.Slice(row * stored, stored));
                hRow.CopyTo(w.Hidden.Slice(row * h, h));
            }
        }
        if (shape.ReturnSequences)
        {
            w.Hidden.CopyTo(output);
        }
        else
        {
            w.H.CopyTo(output);
        }
    }

    public static void Backward<TInputActivation>(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> inputDelta,
        Span<float> workspace, int batch, RecurrentShape shape, ReadOnlySpan<float> inputPreActivation)
        where TInputActivation : IActivation
    {
        int steps = shape.Steps, h = shape.Hidden, gates = TCell.Gates * h, stored = TCell.Stored * h, rows = batch * steps;
        Dense.RequireLength(delta, batch * shape.OutputSize, nameof(delta), shape.ReturnSequences ? "[B, T, H]" : "[B, H]");
        Dense.RequireLength(input, batch * shape.InputSize, nameof(input), "[B, T, F]");
        Dense.RequireLength(gradients, ParameterCount(shape), nameof(gradients), "[parameters]");
        Split(parameters, shape, out ReadOnlySpan<float> weightIh, out ReadOnlySpan<float> weightHh, out _, out _);
        var w = new Workspace(workspace, batch, shape);

        w.Dh.Clear();
        w.Dc.Clear();
        for (int t = steps - 1; t >= 0; t--)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = b * steps + t;
                Span<float> dh = w.Dh.Slice(b * h, h);
                if (shape.ReturnSequences)
                {
                    Add(delta.Slice(row * h, h), dh);
                }
                else if (t == steps - 1)
                {
                    Add(delta.Slice(b * h, h), dh);
                }
                Span<float> deltaHidden = w.DeltaHidden.Slice(row * gates, gates);
                TCell.Backward(
                    dh, w.Dc.Slice(b * h, h), w.Stored.Slice(row * stored, stored),
                    t > 0 ? w.Stored.Slice((row - 1) * stored, stored) : default,
                    w.Hidden.Slice(row * h, h), w.Previous.Slice(row * h, h),
                    w.DeltaInput.Slice(row * gates, gates), deltaHidden);
                deltaHidden.CopyTo(w.DeltaStep.Slice(b * gates, gates));
            }
            if (t > 0)
            {
                // dL/dh_{t−1} [B, H] = δz_hh,t [B, G·H] · W_hh [G·H, H] + the cell's direct part (already in dh).
                Dense.InputDelta<Identity>(w.DeltaStep, weightHh, w.DhNext, w.DhNext, batch, h, gates);
                Add(w.DhNext, w.Dh);
            }
        }

        int weightIhLength = gates * shape.Features, weightHhLength = gates * h;
        Span<float> weightIhGradient = gradients.Slice(0, weightIhLength);
        Span<float> weightHhGradient = gradients.Slice(weightIhLength, weightHhLength);
        Span<float> biasIhGradient = gradients.Slice(weightIhLength + weightHhLength, gates);
        Span<float> biasHhGradient = gradients.Slice(weightIhLength + weightHhLength + gates, gates);
        // Summed over the steps: each product runs over all B·T rows at once.
        Dense.ParameterGradients(w.DeltaInput, input, weightIhGradient, biasIhGradient, rows, shape.Features, gates);
        Dense.ParameterGradients(w.DeltaHidden, w.Previous, weightHhGradient, biasHhGradient, rows, h, gates);
        if (!inputDelta.IsEmpty)
        {
            Dense.InputDelta<TInputActivation>(w.DeltaInput, weightIh, input, inputDelta, rows, shape.Features, gates, inputPreActivation);
        }
    }

    public static void Step(
        ReadOnlySpan<float> input, ReadOnlySpan<float> parameters, Span<float> hidden, Span<float> cell, Span<float> scratch, RecurrentShape shape)
    {
        int h = shape.Hidden, gates = TCell.Gates * h;
        Dense.RequireLength(input, shape.Features, nameof(input), "[F]");
        Dense.RequireLength(hidden, h, nameof(hidden), "[H]");
        if (TCell.HasCell)
        {
            Dense.RequireLength(cell, h, nameof(cell), "[H]");
        }
        Dense.RequireLength(scratch, StepScratchSize(shape), nameof(scratch), "[step scratch]");
        Split(parameters, shape, out ReadOnlySpan<float> weightIh, out ReadOnlySpan<float> weightHh, out ReadOnlySpan<float> biasIh, out ReadOnlySpan<float> biasHh);
        Span<float> gx = scratch[..gates], hh = scratch.Slice(gates, gates), stored = scratch.Slice(2 * gates, TCell.Stored * h);
        Dense.Forward<Identity>(input, weightIh, biasIh, gx, 1, shape.Features, gates);
        Dense.Forward<Identity>(hidden, weightHh, biasHh, hh, 1, h, gates);
        TCell.Forward(gx, hh, hidden[..h], TCell.HasCell ? cell[..h] : default, stored);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ReadOnlySpan<float> source, Span<float> target)
    {
        for (int i = 0; i < source.Length; i++)
        {
            target[i] += source[i];
        }
    }
}
