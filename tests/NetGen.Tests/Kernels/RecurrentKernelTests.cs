using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>
/// SimpleRnn, LSTM and GRU against their definitions unrolled in double: forward on every instruction set, backward
/// through time against central differences of the double definition, one step at a time, and without allocating.
/// </summary>
public sealed class RecurrentKernelTests
{
    public enum Cell
    {
        Rnn,
        Lstm,
        Gru,
    }

    /// <summary>cell, B, T, F, H, return sequences: small and large enough for the packed products.</summary>
    private static readonly string[] Cases =
    [
        "Rnn,3,5,4,6,False", "Rnn,2,4,3,5,True", "Lstm,3,5,4,6,False", "Lstm,2,4,3,5,True", "Gru,3,5,4,6,False", "Gru,2,4,3,5,True",
        "Lstm,5,7,9,24,True", "Gru,5,6,9,24,False", "Rnn,11,3,17,70,True",
    ];

    public static TheoryData<InstructionSet, int, string> Shapes() => KernelPaths.Cross(Cases);

    public static TheoryData<string> EachCase() => new(Cases);

    private static (Cell Cell, int Batch, RecurrentShape Shape) Parse(string text)
    {
        string[] parts = text.Split(',');
        return (Enum.Parse<Cell>(parts[0]), int.Parse(parts[1]), new RecurrentShape(int.Parse(parts[2]), int.Parse(parts[3]), int.Parse(parts[4]), bool.Parse(parts[5])));
    }

    private static int Gates(Cell cell) => cell switch { Cell.Rnn => 1, Cell.Lstm => 4, _ => 3 };

    private static int ParameterCount(Cell cell, RecurrentShape shape) => cell switch
    {
        Cell.Rnn => SimpleRnn.ParameterCount(shape),
        Cell.Lstm => Lstm.ParameterCount(shape),
        _ => Gru.ParameterCount(shape),
    };

    private static int WorkspaceSize(Cell cell, int batch, RecurrentShape shape) => cell switch
    {
        Cell.Rnn => SimpleRnn.WorkspaceSize(batch, shape),
        Cell.Lstm => Lstm.WorkspaceSize(batch, shape),
        _ => Gru.WorkspaceSize(batch, shape),
    };

    private static void Forward(Cell cell, float[] x, float[] p, float[] y, float[] workspace, int batch, RecurrentShape shape)
    {
        switch (cell)
        {
            case Cell.Rnn:
                SimpleRnn.Forward<Tanh>(x, p, y, workspace, batch, shape);
                break;
            case Cell.Lstm:
                Lstm.Forward(x, p, y, workspace, batch, shape);
                break;
            default:
                Gru.Forward(x, p, y, workspace, batch, shape);
                break;
        }
    }

    private static void Backward(Cell cell, float[] delta, float[] x, float[] p, float[] g, float[] dx, float[] workspace, int batch, RecurrentShape shape)
    {
        switch (cell)
        {
            case Cell.Rnn:
                SimpleRnn.Backward<Tanh, Identity>(delta, x, p, g, dx, workspace, batch, shape);
                break;
            case Cell.Lstm:
                Lstm.Backward<Identity>(delta, x, p, g, dx, workspace, batch, shape);
                break;
            default:
                Gru.Backward<Identity>(delta, x, p, g, dx, workspace, batch, shape);
                break;
        }
    }

    /// <summary>The definition, in double: every step's h [B, T, H] (or the last step's [B, H]).</summary>
    private static double[] Reference(Cell cell, double[] x, double[] p, int batch, RecurrentShape shape)
    {
        int t = shape.Steps, f = shape.Features, n = shape.Hidden, gates = Gates(cell) * n;
        int whh = gates * f, bih = whh + gates * n, bhh = bih + gates;
        var output = new double[batch * shape.OutputSize];
        static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
        for (int b = 0; b < batch; b++)
        {
            var h = new double[n];
            var c = new double[n];
            for (int step = 0; step < t; step++)
            {
                var gx = new double[gates];
                var hh = new double[gates];
                for (int k = 0; k < gates; k++)
                {
                    gx[k] = p[bih + k];
                    hh[k] = p[bhh + k];
                    for (int i = 0; i < f; i++)
                    {
                        gx[k] += p[k * f + i] * x[(b * t + step) * f + i];
                    }
                    for (int i = 0; i < n; i++)
                    {
                        hh[k] += p[whh + k * n + i] * h[i];
                    }
                }
                var next = new double[n];
                for (int j = 0; j < n; j++)
                {
                    switch (cell)
                    {
                        case Cell.Rnn:
                            next[j] = Math.Tanh(gx[j] + hh[j]);
                            break;
                        case Cell.Lstm:
                            double i = Sigmoid(gx[j] + hh[j]), fg = Sigmoid(gx[n + j] + hh[n + j]);
                            double g = Math.Tanh(gx[2 * n + j] + hh[2 * n + j]), o = Sigmoid(gx[3 * n + j] + hh[3 * n + j]);
                            c[j] = fg * c[j] + i * g;
                            next[j] = o * Math.Tanh(c[j]);
                            break;
                        default:
                            double r = Sigmoid(gx[j] + hh[j]), u = Sigmoid(gx[n + j] + hh[n + j]);
                            double candidate = Math.Tanh(gx[2 * n + j] + r * hh[2 * n + j]);
                            next[j] = (1 - u) * candidate + u * h[j];
                            break;
                    }
                }
                h = next;
                if (shape.ReturnSequences)
                {
                    Array.Copy(h, 0, output, (b * t + step) * n, n);
                }
            }
            if (!shape.ReturnSequences)
            {
                Array.Copy(h, 0, output, b * n, n);
            }
        }
        return output;
    }

    private static (float[] X, float[] P) Data(Cell cell, int batch, RecurrentShape shape, ulong seed)
    {
        var random = new Rng(seed);
        float[] x = TestData.Uniform(random, batch * shape.InputSize);
        float[] p = TestData.Uniform(random, ParameterCount(cell, shape));
        return (x, p);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_the_definition_unrolled_in_double(InstructionSet instructionSet, int threads, string text)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (Cell cell, int batch, RecurrentShape shape) = Parse(text);
        (float[] x, float[] p) = Data(cell, batch, shape, 5);
        float[] y = Enumerable.Repeat(float.NaN, batch * shape.OutputSize).ToArray();
        var workspace = new float[WorkspaceSize(cell, batch, shape)];

        Forward(cell, x, p, y, workspace, batch, shape);

        double[] expected = Reference(cell, x.Select(v => (double)v).ToArray(), p.Select(v => (double)v).ToArray(), batch, shape);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - y[i]) <= 2e-6 + 2e-5 * Math.Abs(expected[i]), $"{text} y[{i}]: {y[i]}, definition {expected[i]}");
        }
    }

    /// <summary>
    /// L = Σ c ⊙ y for random c, so δy = c: every parameter's gradient and δx against central differences of L under
    /// the double definition. Backward runs twice into the same gradients, which must then hold twice the sum.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_through_time_matches_central_differences(InstructionSet instructionSet, int threads, string text)
    {
        using IDisposable kernels = KernelSelection.Use(instructionSet);
        using IDisposable threading = KernelSelection.UseThreads(threads);
        (Cell cell, int batch, RecurrentShape shape) = Parse(text);
        (float[] x, float[] p) = Data(cell, batch, shape, 6);
        float[] delta = TestData.Uniform(new Rng(7), batch * shape.OutputSize);
        var y = new float[delta.Length];
        var workspace = new float[WorkspaceSize(cell, batch, shape)];
        var gradients = new float[p.Length];
        var inputDelta = new float[x.Length];

        Forward(cell, x, p, y, workspace, batch, shape);
        Backward(cell, delta, x, p, gradients, inputDelta, workspace, batch, shape);
        float[] once = (float[])gradients.Clone();
        Backward(cell, delta, x, p, gradients, inputDelta, workspace, batch, shape);

        double[] xd = x.Select(v => (double)v).ToArray(), pd = p.Select(v => (double)v).ToArray();
        double Loss() => Reference(cell, xd, pd, batch, shape).Zip(delta, (value, weight) => value * weight).Sum();
        double Central(double[] values, int i)
        {
            const double epsilon = 1e-5;
            double original = values[i];
            values[i] = original + epsilon;
            double up = Loss();
            values[i] = original - epsilon;
            double down = Loss();
            values[i] = original;
            return (up - down) / (2 * epsilon);
        }
        for (int i = 0; i < p.Length; i++)
        {
            double expected = Central(pd, i);
            Assert.True(Math.Abs(expected - once[i]) <= 1e-4 + 1e-4 * Math.Abs(expected), $"{text} parameter {i}: backprop {once[i]}, central difference {expected}");
            Assert.True(Math.Abs(2 * once[i] - gradients[i]) <= 1e-5 + 1e-5 * Math.Abs(gradients[i]), $"{text} parameter {i}: a second backward did not add its sum");
        }
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Central(xd, i);
            Assert.True(Math.Abs(expected - inputDelta[i]) <= 1e-4 + 1e-4 * Math.Abs(expected), $"{text} δx[{i}]: backprop {inputDelta[i]}, central difference {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(EachCase))]
    public void Steps_one_sample_at_a_time_as_forward_unrolls_it(string text)
    {
        (Cell cell, int batch, RecurrentShape shape) = Parse(text);
        var sequences = new RecurrentShape(shape.Steps, shape.Features, shape.Hidden, returnSequences: true);
        (float[] x, float[] p) = Data(cell, batch, shape, 8);
        var y = new float[batch * sequences.OutputSize];
        Forward(cell, x, p, y, new float[WorkspaceSize(cell, batch, sequences)], batch, sequences);

        var hidden = new float[shape.Hidden];
        var state = new float[shape.Hidden];
        var scratch = new float[Lstm.StepScratchSize(shape)];
        for (int b = 0; b < batch; b++)
        {
            Array.Clear(hidden);
            Array.Clear(state);
            for (int t = 0; t < shape.Steps; t++)
            {
                ReadOnlySpan<float> xt = x.AsSpan((b * shape.Steps + t) * shape.Features, shape.Features);
                switch (cell)
                {
                    case Cell.Rnn:
                        SimpleRnn.Step<Tanh>(xt, p, hidden, scratch, shape);
                        break;
                    case Cell.Lstm:
                        Lstm.Step(xt, p, hidden, state, scratch, shape);
                        break;
                    default:
                        Gru.Step(xt, p, hidden, scratch, shape);
                        break;
                }
                float[] expected = y.AsSpan((b * shape.Steps + t) * shape.Hidden, shape.Hidden).ToArray();
                for (int j = 0; j < shape.Hidden; j++)
                {
                    Assert.True(Math.Abs(expected[j] - hidden[j]) <= 1e-5, $"{text} sample {b} step {t} h[{j}]: step {hidden[j]}, forward {expected[j]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(EachCase))]
    public void Forward_backward_and_step_allocate_nothing_after_warm_up(string text)
    {
        (Cell cell, int batch, RecurrentShape shape) = Parse(text);
        (float[] x, float[] p) = Data(cell, batch, shape, 9);
        var y = new float[batch * shape.OutputSize];
        var workspace = new float[WorkspaceSize(cell, batch, shape)];
        var gradients = new float[p.Length];
        var inputDelta = new float[x.Length];
        var hidden = new float[shape.Hidden];
        var state = new float[shape.Hidden];
        var scratch = new float[Lstm.StepScratchSize(shape)];
        void Step()
        {
            ReadOnlySpan<float> xt = x.AsSpan(0, shape.Features);
            switch (cell)
            {
                case Cell.Rnn:
                    SimpleRnn.Step<Tanh>(xt, p, hidden, scratch, shape);
                    break;
                case Cell.Lstm:
                    Lstm.Step(xt, p, hidden, state, scratch, shape);
                    break;
                default:
                    Gru.Step(xt, p, hidden, scratch, shape);
                    break;
            }
        }
        Forward(cell, x, p, y, workspace, batch, shape);
        Backward(cell, y, x, p, gradients, inputDelta, workspace, batch, shape);
        Step();

        Assert.Equal(0, AllocationCounter.BytesAllocatedBy(() =>
        {
            Forward(cell, x, p, y, workspace, batch, shape);
            Backward(cell, y, x, p, gradients, inputDelta, workspace, batch, shape);
            Step();
        }));
    }
}
