using NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The kernel paths every kernel test covers: each instruction set this machine runs, on one thread
/// and on two. One place, so a new instruction set or thread count reaches every kernel's tests.
/// </summary>
internal static class KernelPaths
{
    /// <summary>Every instruction set up to the machine's best (forcing a wider one would throw).</summary>
    public static IEnumerable<InstructionSet> InstructionSets => Enum.GetValues<InstructionSet>().Where(set => set <= KernelSelection.Best);

    public static readonly int[] ThreadCounts = [1, 2];

    /// <summary>Every instruction set, for tests whose thread count does not matter or that compare both themselves.</summary>
    public static TheoryData<InstructionSet> EachInstructionSet() => new(InstructionSets);

    /// <summary>Every instruction set × thread count.</summary>
    public static TheoryData<InstructionSet, int> All()
    {
        var data = new TheoryData<InstructionSet, int>();
        foreach (InstructionSet instructionSet in InstructionSets)
        {
            foreach (int threads in ThreadCounts)
            {
                data.Add(instructionSet, threads);
            }
        }
        return data;
    }

    /// <summary>Every instruction set × thread count × case.</summary>
    public static TheoryData<InstructionSet, int, T> Cross<T>(IEnumerable<T> cases)
    {
        var data = new TheoryData<InstructionSet, int, T>();
        foreach (InstructionSet instructionSet in InstructionSets)
        {
            foreach (int threads in ThreadCounts)
            {
                foreach (T item in cases)
                {
                    data.Add(instructionSet, threads, item);
                }
            }
        }
        return data;
    }
}
