namespace NetGen.Reporting;

/// <summary>Pictures appear complete or not at all: written beside the target, then renamed over it.</summary>
internal static class ReplacingFile
{
    /// <summary>Calls <paramref name="write"/> with a temporary path in the target's folder, then moves the result to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(target)}");
        try
        {
            write(temporary);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
