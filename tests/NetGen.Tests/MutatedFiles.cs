using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace NetGen.Tests;

/// <summary>A file made from a valid one by a few edits; <see cref="ToString"/> says which, for CsCheck's report of a failure.</summary>
internal sealed record Mutant(byte[] Bytes, string Edits)
{
    public override string ToString() => $"{Bytes.Length} bytes after {(Edits.Length == 0 ? "no edit" : Edits)}";
}

/// <summary>One edit of a file's bytes; it describes what it did, since positions depend on the file it meets.</summary>
internal delegate (byte[] Bytes, string Done) ByteEdit(byte[] bytes);

/// <summary>One edit of a text (a JSON header, a CSV file).</summary>
internal delegate (string Text, string Done) TextEdit(string text);

/// <summary>
/// Generators of mutated files and the checks every reader must pass on them (see <see cref="ReaderProbe"/>). The case
/// count is <c>NETGEN_PROPERTY_ITERATIONS</c>: a few hundred by default, 10,000 for a thorough run.
/// </summary>
internal static class MutatedFiles
{
    public static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("NETGEN_PROPERTY_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) ? count : 300;

    /// <summary>One of <paramref name="values"/>, shrinking toward the first (CsCheck 5.0.1 has no <c>Gen.OneOfConst</c>).</summary>
    public static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(index => values[index]);

    /// <summary>A position in a file of any length: taken modulo the length (plus one, so the end counts) when the edit runs.</summary>
    private static readonly Gen<int> Position = Gen.Int[0, int.MaxValue];

    private static int At(int position, int length) => position % (length + 1);

    /// <summary>Numbers that sit on the edges of what readers check: signs, type limits, array limits, the 100 MB header limit.</summary>
    public static readonly ulong[] EdgeNumbers =
    [
        0, 1, 2, 3, 7, 8, 9, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 65_537,
        100_000_000, 100_000_001, 0x7FFF_FFC7 /* Array.MaxLength */, 0x7FFF_FFC8, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 1UL << 53, long.MaxValue, 1UL << 63, ulong.MaxValue,
    ];

    /// <summary>Truncation, byte flips, edge numbers over 1 to 8 bytes, insertions, deletions, duplicated runs, appended bytes.</summary>
    public static readonly Gen<ByteEdit> ByteEdits = Gen.Frequency(
        (3, Position.Select<int, ByteEdit>(p => bytes =>
        {
            int at = At(p, bytes.Length);
            return (bytes[..at], $"cut at {at}");
        })),
        (4, Gen.Select(Position, Gen.Byte, (p, value) => (ByteEdit)(bytes =>
        {
            if (bytes.Length == 0)
            {
                return (bytes, "no byte to set");
            }
            int at = p % bytes.Length;
            byte[] copy = (byte[])bytes.Clone();
            copy[at] = value;
            return (copy, $"byte {at} = 0x{value:X2}");
        }))),
        (3, Gen.Select(Position, Gen.Int[0, 7], (p, bit) => (ByteEdit)(bytes =>
        {
            if (bytes.Length == 0)
            {
                return (bytes, "no bit to flip");
            }
            int at = p % bytes.Length;
            byte[] copy = (byte[])bytes.Clone();
            copy[at] ^= (byte)(1 << bit);
            return (copy, $"bit {bit} of byte {at} flipped");
        }))),
        (5, Gen.Select(Position, Pick(1, 2, 4, 8), Pick(EdgeNumbers), Gen.Bool, Gen.Int[-2, 2], (p, width, edge, bigEndian, delta) => (ByteEdit)(bytes =>
        {
            if (bytes.Length < width)
            {
                return (bytes, "no room for a number");
            }
            int at = p % (bytes.Length - width + 1);
            ulong value = edge + (ulong)(long)delta;
            byte[] copy = (byte[])bytes.Clone();
            Span<byte> eight = stackalloc byte[8];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(eight, value);
                eight[(8 - width)..].CopyTo(copy.AsSpan(at));
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(eight, value);
                eight[..width].CopyTo(copy.AsSpan(at));
            }
            return (copy, $"{value} as {width} {(bigEndian ? "big" : "little")}-endian bytes at {at}");
        }))),
        (2, Gen.Select(Position, Gen.Byte.Array[1, 16], (p, inserted) => (ByteEdit)(bytes =>
        {
            int at = At(p, bytes.Length);
            return ([.. bytes[..at], .. inserted, .. bytes[at..]], $"{inserted.Length} bytes inserted at {at}");
        }))),
        (2, Gen.Select(Position, Gen.Int[1, 64], (p, count) => (ByteEdit)(bytes =>
        {
            int at = At(p, bytes.Length);
            int end = Math.Min(bytes.Length, at + count);
            return ([.. bytes[..at], .. bytes[end..]], $"bytes [{at}, {end}) deleted");
        }))),
        (2, Gen.Select(Position, Gen.Int[1, 64], Position, (p, count, q) => (ByteEdit)(bytes =>
        {
            int from = At(p, bytes.Length), end = Math.Min(bytes.Length, from + count), to = At(q, bytes.Length);
            return ([.. bytes[..to], .. bytes[from..end], .. bytes[to..]], $"bytes [{from}, {end}) copied to {to}");
        }))),
        (1, Gen.Select(Pick(1, 7, 100, 4096, 100_000), Gen.Byte, (count, value) => (ByteEdit)(bytes =>
            ([.. bytes, .. Enumerable.Repeat(value, count)], $"{count} bytes 0x{value:X2} appended")))));

    /// <summary>Replaces the <paramref name="pattern"/> match chosen by a position with one of <paramref name="replacements"/>.</summary>
    public static Gen<TextEdit> Replace(string what, Regex pattern, Gen<string> replacements) =>
        Gen.Select(Position, replacements, (p, replacement) => (TextEdit)(text =>
        {
            MatchCollection matches = pattern.Matches(text);
            if (matches.Count == 0)
            {
                return (text, $"no {what} to replace");
            }
            Match match = matches[p % matches.Count];
            return (text[..match.Index] + replacement + text[(match.Index + match.Length)..], $"{what} {Shorten(match.Value)} at {match.Index} → {Shorten(replacement)}");
        }));

    /// <summary>Inserts a copy of the <paramref name="pattern"/> match chosen by a position right after it (with <paramref name="separator"/> between).</summary>
    public static Gen<TextEdit> Repeat(string what, Regex pattern, string separator) =>
        Position.Select<int, TextEdit>(p => text =>
        {
            MatchCollection matches = pattern.Matches(text);
            if (matches.Count == 0)
            {
                return (text, $"no {what} to repeat");
            }
            Match match = matches[p % matches.Count];
            int end = match.Index + match.Length;
            return (text[..end] + separator + match.Value + text[end..], $"{what} {Shorten(match.Value)} at {match.Index} repeated");
        });

    /// <summary>Inserts one of <paramref name="insertions"/> at a position of the text.</summary>
    public static Gen<TextEdit> Insert(Gen<string> insertions) =>
        Gen.Select(Position, insertions, (p, inserted) => (TextEdit)(text =>
        {
            int at = At(p, text.Length);
            return (text[..at] + inserted + text[at..], $"{Shorten(inserted)} inserted at {at}");
        }));

    /// <summary>Applies the edits in order to <paramref name="bytes"/>.</summary>
    public static Mutant Apply(byte[] bytes, IEnumerable<ByteEdit> edits, string done = "")
    {
        var log = new List<string>();
        if (done.Length > 0)
        {
            log.Add(done);
        }
        foreach (ByteEdit edit in edits)
        {
            (bytes, string step) = edit(bytes);
            log.Add(step);
        }
        return new Mutant(bytes, string.Join("; ", log));
    }

    /// <summary>Applies the edits in order to <paramref name="text"/>; returns the text and what was done.</summary>
    public static (string Text, string Done) Apply(string text, IEnumerable<TextEdit> edits)
    {
        var log = new List<string>();
        foreach (TextEdit edit in edits)
        {
            (text, string step) = edit(text);
            log.Add(step);
        }
        return (text, string.Join("; ", log));
    }

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }
        return output.ToArray();
    }

    /// <summary>How many bytes a gzip stream really delivers, up to where it ends or turns out corrupt.</summary>
    public static long GunzippedLength(byte[] bytes)
    {
        long count = 0;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                count += read;
            }
        }
        catch (InvalidDataException)
        {
            // Corrupt from here on: what came before is all the reader can have seen.
        }
        return count;
    }

    public static string Shorten(string text) =>
        (text.Length <= 40 ? text : text[..37] + "…").Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}

/// <summary>
/// Runs a reader on mutated files and checks what every reader promises, whatever the bytes: it returns or throws one
/// of the exceptions its documentation names, with a message naming the file; and it allocates in proportion to what
/// the file holds, never to what its header claims. Timings are collected and printed, never asserted: a busy machine
/// must not fail a test.
/// </summary>
/// <remarks>
/// The allocation bound is 64 × the bytes the file holds + 1 MB. The 64: readers keep the bytes (×1), widen them
/// (pixels and weights to floats ×4, text to UTF-16 ×2), parse JSON (System.Text.Json keeps 12 bytes per token, a token
/// can be 2 bytes of text, and its buffer doubles as it grows: ×12), echo header text in messages (a 20,001-dimension
/// shape is 60,000 characters, copied a few times as the message is built) and split CSV lines into a string per field
/// (24 bytes for the 2 bytes of "1,"), which leaves room above what the readers do today. What a
/// header claims can be 2 GB in a 34-byte file, so anything that follows a claim instead of the bytes breaks the bound
/// at once. The 1 MB covers fixed costs: a gzip decoder's window and buffers, the first 64 KB chunk of a gzip body, a
/// FileStream's buffer, exception stack traces, first-call type loading. For gzip the bytes a file holds are the bytes
/// it decompresses to, which a reader must be free to keep. Allocation is read from
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around the call alone; a collection in between adds a few KB at
/// most (see <see cref="AllocationCounter"/>), nothing next to the 1 MB.
/// </remarks>
internal sealed class ReaderProbe(string reader, ITestOutputHelper output)
{
    public const long BytesPerFileByte = 64;
    public const long FixedBytes = 1 << 20;

    /// <summary>Files from this size on show the allocation per byte without the fixed costs drowning it.</summary>
    private const long LargeFile = 16 << 10;

    private int _cases, _failures;
    private double _largestShare, _largestRatio;
    private string _largestShareCase = "", _largestRatioCase = "";
    private TimeSpan _slowest;
    private string _slowestCase = "";

    /// <summary>
    /// Writes <paramref name="mutant"/> to <paramref name="path"/>, calls <paramref name="read"/> on it and checks the
    /// outcome. Returns the reader's result, or null when it threw.
    /// </summary>
    /// <param name="heldBytes">What the file really holds: its length, or for gzip the larger of that and what it decompresses to.</param>
    /// <param name="resultBytes">Bytes a successful result may hold beyond the bound, by design (a CSV's one-hot targets).</param>
    /// <param name="documented">The exception types the reader's documentation names.</param>
    public T? Check<T>(Mutant mutant, string path, long heldBytes, Func<T> read, Func<T, long>? resultBytes, params Type[] documented)
        where T : class
    {
        File.WriteAllBytes(path, mutant.Bytes);
        T? result = null;
        Exception? error = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        try
        {
            result = read();
        }
        catch (Exception e)
        {
            error = e;
        }
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        _cases++;
        if (elapsed > _slowest)
        {
            (_slowest, _slowestCase) = (elapsed, mutant.ToString());
        }
        long allowance = result is null || resultBytes is null ? 0 : resultBytes(result);
        long bound = BytesPerFileByte * heldBytes + FixedBytes + allowance;
        double share = (double)allocated / bound, ratio = (double)(allocated - allowance) / Math.Max(1, heldBytes);
        if (share > _largestShare)
        {
            (_largestShare, _largestShareCase) = (share, FormattableString.Invariant($"{allocated:N0} bytes for {heldBytes:N0} held: {mutant}"));
        }
        if (heldBytes >= LargeFile && ratio > _largestRatio)
        {
            (_largestRatio, _largestRatioCase) = (ratio, FormattableString.Invariant($"{allocated:N0} bytes for {heldBytes:N0} held: {mutant}"));
        }

        try
        {
            if (error is not null && !documented.Contains(error.GetType()))
            {
                throw new Xunit.Sdk.XunitException($"{reader} threw {error.GetType().Name}, which its documentation does not name, for {mutant}:\n{error}");
            }
            if (error is not null && !error.Message.Contains(path, StringComparison.Ordinal))
            {
                throw new Xunit.Sdk.XunitException($"{reader}'s {error.GetType().Name} does not name the file, for {mutant}: {error.Message}");
            }
            if (allocated > bound)
            {
                throw new Xunit.Sdk.XunitException(
                    FormattableString.Invariant($"{reader} allocated {allocated:N0} bytes for a file holding {heldBytes:N0}, more than the bound {bound:N0}, for {mutant}; it {(error is null ? "returned" : "threw " + error.Message)}"));
            }
        }
        catch
        {
            _failures++;
            throw;
        }
        return result;
    }

    /// <summary>Prints the figures: cases, failures, the largest allocation against the bound and per byte held, the slowest call.</summary>
    public void Report() => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{reader}: {_cases:N0} calls, {_failures} failed; largest share of the allocation bound {_largestShare:P1} ({_largestShareCase}); " +
        $"largest allocation per byte held, files of 16 KB or more, {_largestRatio:N1} ({_largestRatioCase}); slowest call {_slowest.TotalMilliseconds:N1} ms ({_slowestCase})."));
}
