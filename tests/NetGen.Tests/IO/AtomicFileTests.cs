using NetGen.IO;

namespace NetGen.Tests.IO;

/// <summary>Files written whole or not at all, and the temporaries of writes killed part-way cleaned up by the next one.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netgen-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_next_save_removes_temporaries_a_killed_write_left_and_keeps_one_still_being_written()
    {
        string target = Path.Combine(_directory, "model.safetensors");
        string abandoned = Path.Combine(_directory, $".model.safetensors.{Guid.NewGuid():N}.tmp");
        string inProgress = Path.Combine(_directory, $".model.safetensors.{Guid.NewGuid():N}.tmp");
        string unrelated = Path.Combine(_directory, ".model.safetensors.notours.tmp");
        string otherTarget = Path.Combine(_directory, $".other.safetensors.{Guid.NewGuid():N}.tmp");
        foreach (string file in new[] { abandoned, inProgress, unrelated, otherTarget })
        {
            File.WriteAllBytes(file, new byte[1000]);
        }

        // A write in progress holds its temporary exclusively, as AtomicFile.Write does until the rename.
        using (new FileStream(inProgress, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            AtomicFile.Write(target, stream => stream.Write([1, 2, 3]));
        }

        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(inProgress));
        Assert.True(File.Exists(unrelated));
        Assert.True(File.Exists(otherTarget));
    }

    [Fact]
    public void A_write_that_throws_leaves_the_old_file_and_no_temporary()
    {
        string target = Path.Combine(_directory, "weights.bin");
        File.WriteAllBytes(target, [9]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write([1, 2]);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal([9], File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_directory));
    }
}
