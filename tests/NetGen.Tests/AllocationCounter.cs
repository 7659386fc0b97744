using System.Runtime;

namespace NetGen.Tests;

/// <summary>
/// Counts the bytes the calling thread allocates while it runs some code, with no garbage collection in between. A
/// collection during the count, set off by tests allocating on other threads, shows up as a few hundred or thousand
/// bytes "allocated" by this thread even around code that allocates nothing, and never inside a no-GC region. So
/// every count runs inside one (<see cref="GC.TryStartNoGCRegion(long)"/>), one count at a time, and is taken again
/// if a collection broke in all the same.
/// </summary>
internal static class AllocationCounter
{
    /// <summary>What the whole process may allocate during one count: the code counted and the tests running meanwhile.</summary>
    private const long Budget = 64L << 20;

    private const int Attempts = 5;

    private static readonly object s_oneCountAtATime = new();

    /// <summary>The bytes this thread allocates in <paramref name="action"/>.</summary>
    public static long BytesAllocatedBy(Action action) =>
        WithoutCollections(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

    /// <summary>
    /// Runs <paramref name="count"/>, which reads <see cref="GC.GetAllocatedBytesForCurrentThread"/> itself, with no
    /// collection while it runs; again (with everything it sets up) if one happened anyway, up to <see cref="Attempts"/> times.
    /// </summary>
    public static T WithoutCollections<T>(Func<T> count)
    {
        lock (s_oneCountAtATime)
        {
            T result = default!;
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                bool region = GC.TryStartNoGCRegion(Budget);
                int collections = GC.CollectionCount(0);
                try
                {
                    result = count();
                }
                finally
                {
                    if (region && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                    {
                        GC.EndNoGCRegion();
                    }
                }
                if (GC.CollectionCount(0) == collections)
                {
                    return result;
                }
            }
            return result;
        }
    }
}
