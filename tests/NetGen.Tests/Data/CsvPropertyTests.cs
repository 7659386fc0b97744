using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using NetGen.Data;
using Xunit.Abstractions;
using static NetGen.Tests.MutatedFiles;

namespace NetGen.Tests.Data;

/// <summary>
/// Mutated CSV files, made from small valid ones written here: fields replaced by edge values (huge and non-finite
/// numbers, labels at the class-count limit, stray quotes), separators, quotes and line breaks inserted, lines repeated
/// (up to thousands of times) or dropped, a byte-order mark, then byte edits (see <see cref="MutatedFiles.ByteEdits"/>)
/// that may break the UTF-8. Whatever the bytes, <see cref="Csv.Load"/> throws only <see cref="InvalidDataException"/>
/// naming the file, and allocates in proportion to the file (see <see cref="ReaderProbe"/>) apart from the one-hot
/// targets it returns, whose width is bounded by <see cref="Csv.MaxInferredClassCount"/>.
/// </summary>
public sealed class CsvPropertyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-csv-properties-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Regex FieldPattern = new(@"[^,;\t\n]+");
    private static readonly Regex LastFields = new(@"[^,;\t\n]+(?=\n)");
    private static readonly Regex Lines = new(@"[^\n]*\n");

    private static readonly Gen<string> EdgeFields = Pick(
        "2000000000", "2147483647", "2147483648", "2147483591", "65535", "65536", "65537", "1e300", "1e39", "-0", "NaN", "Infinity",
        "-Infinity", "-1", "1.5", "", "\"\"", "\"", "\"1\"", "\"1\"x", "0x10", "1,000", "1e-46", new string('0', 1000) + "1",
        "99999999999999999999", "\u0661", " 7 ", "\t", "label", "\uFEFF1", "1e", "+3", "3.", ".5", "5E+3", "\"a\"\"b\"", "\\");

    private static readonly Gen<string> Insertions = Pick(",", ";", "\"", "\n", "\r", "\r\n", " ", "\t", "\uFEFF", "é", "\0", "\ud800", ",,,,,,,,", "\n\n");

    private static readonly Gen<TextEdit> RepeatLine = Gen.Select(Gen.Int[0, int.MaxValue], Pick(1, 2, 10, 2_000), (p, times) => (TextEdit)(text =>
    {
        MatchCollection matches = Lines.Matches(text);
        if (matches.Count == 0)
        {
            return (text, "no line to repeat");
        }
        Match line = matches[p % matches.Count];
        int end = line.Index + line.Length;
        return (text[..end] + string.Concat(Enumerable.Repeat(line.Value, times)) + text[end..], $"line {Shorten(line.Value)} at {line.Index} repeated {times} times");
    }));

    private static readonly Gen<TextEdit> TextEdits = Gen.Frequency(
        (4, Replace("field", FieldPattern, EdgeFields)),
        (3, Replace("last field", LastFields, EdgeFields)),
        (3, Insert(Insertions)),
        (2, RepeatLine),
        (1, Replace("line", Lines, Pick("", "\n", "x\n", "1\n", "1,2,3,4,5,6,7\n"))));

    /// <summary>A valid file and the options it is read with.</summary>
    private sealed record Base(string Text, CsvOptions Options, string Name)
    {
        public override string ToString() => Name;
    }

    private static readonly Base[] Bases =
    [
        new("x1,x2,label\n0.5,-1.25,0\n3,4e-2,2\n\"7\",8,1\n", new CsvOptions(), "header, labels last"),
        new("1,2,3,1\n4,5,6,0\n7,8,9,1\n", new CsvOptions(), "no header"),
        new("label;a;b\n2;0.5;1.5\n0;-1;2\n", new CsvOptions { Separator = ';', TargetColumns = ["label"], ClassCount = 3 }, "named label, class count"),
        new("rooms\tprice\tarea\n3\t250.5\t80\n5\t410\t130.25\n", new CsvOptions { Separator = '\t', TargetKind = CsvTargetKind.Regression, TargetColumns = ["price", ^1] }, "regression"),
    ];

    private static readonly Gen<(Base Base, Mutant Mutant)> Mutants = Gen.Select(
        Pick(Bases), TextEdits.Array[0, 3], Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true))), ByteEdits.Array[0, 1],
        (original, textEdits, byteOrderMark, byteEdits) =>
        {
            (string text, string done) = Apply(original.Text, textEdits);
            // Lone surrogates become U+FFFD on the way to UTF-8: the reader sees only bytes.
            byte[] bytes = [.. (byteOrderMark ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)];
            return (original, Apply(bytes, byteEdits, string.Join("; ", new[] { done, byteOrderMark ? "byte-order mark" : "" }.Where(part => part.Length > 0))));
        });

    [Fact]
    public void A_mutated_file_throws_only_InvalidDataException_naming_it_and_allocates_in_proportion()
    {
        string path = Path.Combine(_folder, "mutated.csv");
        var probe = new ReaderProbe("Csv.Load", output);
        File.WriteAllText(path, Bases[0].Text);
        Csv.Load(path); // the first call loads types; later ones show what reading costs

        try
        {
            Mutants.Sample(item =>
            {
                (Base original, Mutant mutant) = item;
                // One-hot targets are what the caller asked for: samples × classes floats, beyond what the file holds.
                Dataset? data = probe.Check(mutant, path, mutant.Bytes.Length, () => Csv.Load(path, original.Options),
                    result => result.Labels is null ? 0 : (long)sizeof(float) * result.Count * result.TargetSize, typeof(InvalidDataException));
                int limit = original.Options.ClassCount ?? Csv.MaxInferredClassCount;
                if (data?.Labels is not null && data.TargetSize > limit)
                {
                    throw new Xunit.Sdk.XunitException($"Csv.Load made {data.TargetSize:N0} classes, more than {limit:N0}, for {mutant}.");
                }
            }, iter: Iterations, threads: 1, print: item => $"{item.Base}: {item.Mutant}");
        }
        finally
        {
            probe.Report();
        }
    }
}
