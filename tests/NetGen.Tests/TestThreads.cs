namespace NetGen.Tests;

/// <summary>Starts work on several threads at once, for the tests of calls that overlap.</summary>
internal static class TestThreads
{
    /// <summary>
    /// Runs <paramref name="work"/> (given the thread's index) on <paramref name="count"/> new threads released
    /// together by a barrier; returns what each returned, or the exception it threw, or that it never finished.
    /// </summary>
    public static string[] RunTogether(int count, Func<int, string> work)
    {
        var results = new string[count];
        using var start = new Barrier(count);
        Thread[] threads = Enumerable.Range(0, count).Select(index => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[index] = work(index);
            }
            catch (Exception exception)
            {
                // Reported here rather than left to end the test process, as an unhandled exception on a thread would.
                results[index] = exception.ToString();
            }
        }) { IsBackground = true }).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        for (int i = 0; i < count; i++)
        {
            if (!threads[i].Join(TimeSpan.FromMinutes(2)))
            {
                results[i] = $"thread {i} did not finish in two minutes";
            }
        }
        return results;
    }
}
