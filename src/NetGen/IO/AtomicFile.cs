namespace NetGen.IO;

/// <summary>
/// Writes a file so that it appears complete or not at all: the content goes to a temporary file
/// in the target's folder, is flushed to disk, and is then renamed over the target. A crash or an
/// exception part-way leaves the old file (or no file) under the real name, never half of a new one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="writeContent"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeContent);
        string target = Path.GetFullPath(path);
        RemoveAbandonedTemporaries(target);
        // Same folder, so the rename stays on one file system and is atomic.
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                writeContent(file);
                // On disk before the rename, so a crash cannot leave an empty file under the real name.
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporaries of <paramref name="target"/> that a killed process left behind: a write holds its
    /// temporary open with <see cref="FileShare.None"/> (an advisory lock on Unix, which dies with the process), so one
    /// that opens exclusively is abandoned, while one still being written elsewhere is left alone.
    /// </summary>
    private static void RemoveAbandonedTemporaries(string target)
    {
        string folder = Path.GetDirectoryName(target)!;
        string prefix = $".{Path.GetFileName(target)}.";
        if (!Directory.Exists(folder))
        {
            return;
        }
        foreach (string candidate in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
        {
            // Only names this class makes: the prefix, 32 hexadecimal digits, ".tmp".
            string middle = Path.GetFileName(candidate)[prefix.Length..^".tmp".Length];
            if (middle.Length != 32 || !middle.All(char.IsAsciiHexDigitLower))
            {
                continue;
            }
            try
            {
                using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }
                File.Delete(candidate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still being written by another process, or not ours to delete: leave it.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more than a leftover temporary file.
        }
    }
}
