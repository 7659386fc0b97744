using NetGen.Kernels;
using NetGen.Optimizers;

namespace NetGen.Tests.Optimizers;

/// <summary>
/// An update over enough parameters is shared with the kernels' worker thread: it must give the same bits as on one
/// thread, and every element the same bits as in a buffer too small to be split (where it sits must not matter).
/// </summary>
public sealed class ParallelUpdateTests
{
    /// <summary>More than enough parameters to be split (a pass over ~25,000 is), and not a whole number of vectors.</summary>
    private const int Large = 300_005;

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void A_split_update_gives_the_bits_of_one_thread_and_of_an_unsplit_buffer(string name)
    {
        float[] Steps(int threads, int length)
        {
            using IDisposable threading = KernelSelection.UseThreads(threads);
            return OptimizerCases.Run(OptimizerCases.Create(name), steps: 3, length);
        }

        float[] oneThread = Steps(1, Large), twoThreads = Steps(2, Large);
        Assert.Equal(oneThread, twoThreads);
        // The same generators fill a buffer of 37 with the first 37 of the large one's values.
        Assert.Equal(Steps(2, OptimizerCases.Length), twoThreads[..OptimizerCases.Length]);
    }
}
