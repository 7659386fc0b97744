using System.Runtime.Intrinsics.X86;
using NetGen.Kernels;

namespace NetGen.Data;

/// <summary>
/// Copies a mini-batch's samples and targets, named by their indices, into contiguous buffers. A shuffled training set
/// larger than the caches gives rows at random places in memory (Fashion-MNIST's 60,000 × 784 floats are 188 MB), so
/// the copy waits on memory rather than moves bytes. Two things shorten the wait: the rows are shared with the
/// kernels' worker thread, whose core has its own line-fill buffers, and each thread asks for the lines of the row it
/// will copy two rows later while it copies this one (docs/performance.md, threads). A copy is a copy, so the batch
/// is the same whichever thread moved which row.
/// </summary>
internal static unsafe class BatchGather
{
    /// <summary>
    /// A float copied from memory, weighed in <see cref="Parallelism"/>'s multiply-adds of a product tile (a 784-float
    /// row costs about what 30,000 of those do): batches of a few thousand floats stay on the calling thread.
    /// </summary>
    private const int WorkPerFloat = 16;

    /// <summary>Rows ahead whose lines are requested: one row's copy is about as long as a line takes to arrive.</summary>
    private const int PrefetchDistance = 2;

    private struct Job
    {
        public float* Features, Targets, Inputs, BatchTargets;
        public int* Indices;
        public int SampleSize, TargetSize;
    }

    /// <summary>
    /// inputs [n, SampleSize] and targets [n, TargetSize] = the samples and targets of <paramref name="data"/> at
    /// <paramref name="indices"/> (n of them), in that order.
    /// </summary>
    public static void Run(Dataset data, ReadOnlySpan<int> indices, Span<float> inputs, Span<float> targets)
    {
        int count = indices.Length, sampleSize = data.SampleSize, targetSize = data.TargetSize;
        if (inputs.Length < count * sampleSize || targets.Length < count * targetSize)
        {
            throw new ArgumentException($"A batch of {count} samples needs {count * sampleSize} inputs and {count * targetSize} targets; the buffers hold {inputs.Length} and {targets.Length}.");
        }
        foreach (int index in indices)
        {
            if ((uint)index >= (uint)data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Sample index {index} is outside the {data.Count} samples.");
            }
        }
        fixed (float* features = data.Features, allTargets = data.Targets, batchInputs = inputs, batchTargets = targets)
        fixed (int* order = indices)
        {
            var job = new Job
            {
                Features = features, Targets = allTargets, Inputs = batchInputs, BatchTargets = batchTargets, Indices = order,
                SampleSize = sampleSize, TargetSize = targetSize,
            };
            var carrier = new ProductArguments { A = (float*)&job };
            Parallelism.Run(&CopyRows, ref carrier, count, alignment: 1, (long)count * (sampleSize + targetSize) * WorkPerFloat);
        }
    }

    /// <summary>Rows [first, end) of the batch.</summary>
    private static void CopyRows(ref ProductArguments carrier, int first, int end)
    {
        ref Job job = ref *(Job*)carrier.A;
        int sampleSize = job.SampleSize, targetSize = job.TargetSize;
        for (int row = first; row < end; row++)
        {
            if (Sse.IsSupported && row + PrefetchDistance < end)
            {
                RequestLines((byte*)(job.Features + (nint)job.Indices[row + PrefetchDistance] * sampleSize), sampleSize * sizeof(float));
            }
            nint sample = job.Indices[row];
            new ReadOnlySpan<float>(job.Features + sample * sampleSize, sampleSize).CopyTo(new Span<float>(job.Inputs + (nint)row * sampleSize, sampleSize));
            new ReadOnlySpan<float>(job.Targets + sample * targetSize, targetSize).CopyTo(new Span<float>(job.BatchTargets + (nint)row * targetSize, targetSize));
        }
    }

    private static void RequestLines(byte* start, int bytes)
    {
        const int LineBytes = 64;
        for (int offset = 0; offset < bytes; offset += LineBytes)
        {
            Sse.Prefetch0(start + offset);
        }
    }
}
