using BenchmarkDotNet.Attributes;
using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Benchmarks;

/// <summary>
/// The three products of the MLP's first layer at batch 100, per instruction set and thread count;
/// the portable single-thread kernel is the baseline, so the ratio column reads as speed-up.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int Batch = 100, Inputs = 784, Outputs = 500;
    private float[] _x = [], _w = [], _b = [], _a = [], _delta = [], _dW = [], _db = [], _dx = [];

    [Params(InstructionSet.Portable, InstructionSet.Avx2, InstructionSet.Avx512)]
    public InstructionSet InstructionSet { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Rng(3);
        float[] Random(int count) => Enumerable.Range(0, count).Select(_ => random.NextSingle()).ToArray();
        _x = Random(Batch * Inputs);
        _w = Random(Outputs * Inputs);
        _b = Random(Outputs);
        _a = new float[Batch * Outputs];
        _delta = Random(Batch * Outputs);
        _dW = new float[Outputs * Inputs];
        _db = new float[Outputs];
        _dx = new float[Batch * Inputs];
    }

    [Benchmark(Baseline = true)]
    public void Forward()
    {
        using IDisposable kernels = KernelSelection.Use(InstructionSet);
        using IDisposable threads = KernelSelection.UseThreads(Threads);
        Dense.Forward<Sigmoid>(_x, _w, _b, _a, Batch, Inputs, Outputs);
    }

    [Benchmark]
    public void ParameterGradients()
    {
        using IDisposable kernels = KernelSelection.Use(InstructionSet);
        using IDisposable threads = KernelSelection.UseThreads(Threads);
        Dense.ParameterGradients(_delta, _x, _dW, _db, Batch, Inputs, Outputs);
    }

    [Benchmark]
    public void InputDelta()
    {
        using IDisposable kernels = KernelSelection.Use(InstructionSet);
        using IDisposable threads = KernelSelection.UseThreads(Threads);
        Dense.InputDelta<Sigmoid>(_delta, _w, _x, _dx, Batch, Inputs, Outputs);
    }
}
