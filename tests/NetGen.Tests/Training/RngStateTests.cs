using NetGen.Randomness;

namespace NetGen.Tests.Training;

public sealed class RngStateTests
{
    [Fact]
    public void An_imported_state_continues_the_exported_sequence()
    {
        var original = new Rng(123);
        for (int i = 0; i < 17; i++)
        {
            original.NextUInt64();
        }
        RngState state = original.ExportState();
        ulong[] expected = Enumerable.Range(0, 50).Select(_ => original.NextUInt64()).ToArray();

        var copy = new Rng(999);
        copy.ImportState(state);
        ulong[] continued = Enumerable.Range(0, 50).Select(_ => copy.NextUInt64()).ToArray();

        Assert.Equal(expected, continued);
    }

    [Fact]
    public void Exporting_does_not_advance_the_generator()
    {
        var first = new Rng(5);
        var second = new Rng(5);

        first.ExportState();

        Assert.Equal(second.NextUInt64(), first.NextUInt64());
    }

    [Fact]
    public void The_all_zero_state_is_rejected()
    {
        var random = new Rng(1);
        RngState before = random.ExportState();

        Assert.Throws<ArgumentException>(() => random.ImportState(new RngState(0, 0, 0, 0)));

        Assert.Equal(before, random.ExportState());
    }
}
