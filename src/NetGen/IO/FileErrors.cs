namespace NetGen.IO;

/// <summary>The one way NetGen's file readers word a problem: the path first, numbers the same on every machine.</summary>
internal static class FileErrors
{
    /// <summary><c>{path}: {problem}</c>, formatted with the invariant culture (47,040,000 everywhere).</summary>
    public static InvalidDataException Invalid(string path, FormattableString problem) =>
        new($"{path}: {FormattableString.Invariant(problem)}");
}
