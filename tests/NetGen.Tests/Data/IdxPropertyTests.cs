using System.Buffers.Binary;
using CsCheck;
using NetGen.Data;
using Xunit.Abstractions;
using static NetGen.Tests.MutatedFiles;

namespace NetGen.Tests.Data;

/// <summary>
/// Mutated IDX files, plain and gzip, made from small valid image and label files written here: header numbers
/// overwritten with edge values (a magic of the other kind, zero, negative and huge dimensions, Array.MaxLength), then
/// byte edits (see <see cref="MutatedFiles.ByteEdits"/>) of the plain bytes before compression or of the compressed
/// bytes after it. Whatever the bytes, the readers throw only <see cref="InvalidDataException"/> naming the file and
/// allocate in proportion to what the file really holds, decompressed (see <see cref="ReaderProbe"/>).
/// </summary>
public sealed class IdxPropertyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-idx-properties-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Edge values for the big-endian int32s of the header.</summary>
    private static readonly int[] HeaderNumbers =
    [
        0, 1, 2, 3, 4, 5, 6, 17, 18, 19, 200, 2049, 2051, 0x0C03, 0x0803_0000, -1, int.MinValue, int.MaxValue,
        Array.MaxLength, Array.MaxLength + 1, 46_341 /* its square passes 2^31 */, 65_536, 1 << 24,
    ];

    private static readonly Gen<ByteEdit> HeaderEdits = Gen.Select(Gen.Int[0, 3], Pick(HeaderNumbers), (field, value) => (ByteEdit)(bytes =>
    {
        int offset = 4 * field;
        if (bytes.Length < offset + 4)
        {
            return (bytes, $"no header int at {offset}");
        }
        byte[] copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(offset), value);
        return (copy, $"header int at {offset} = {value}");
    }));

    private enum Compression { None, BeforeEdits, AfterEdits }

    private Gen<(Mutant Mutant, bool Images)> Mutants(bool gzip, (byte[] Bytes, bool Images)[] bases) => Gen.Select(
        Pick(bases), HeaderEdits.Array[0, 2], ByteEdits.Array[0, 2], gzip ? Pick(Compression.BeforeEdits, Compression.AfterEdits) : Gen.Const(Compression.None),
        Gen.Frequency((5, Gen.Const(true)), (1, Gen.Const(false))),
        (original, headerEdits, byteEdits, compression, sameKind) =>
        {
            Mutant mutant = Apply(original.Bytes, headerEdits);
            mutant = compression switch
            {
                // Edits of the compressed bytes: the gzip header, deflate blocks, the CRC and the length in the trailer.
                Compression.BeforeEdits => Apply(Gzip(mutant.Bytes), byteEdits, Join(mutant.Edits, "gzip")),
                Compression.AfterEdits => Gzipped(Apply(mutant.Bytes, byteEdits, mutant.Edits)),
                _ => Apply(mutant.Bytes, byteEdits, mutant.Edits),
            };
            // Now and then the other reader: a label file given as images, and the other way round.
            return (mutant, sameKind == original.Images);
        });

    private static Mutant Gzipped(Mutant mutant) => mutant with { Bytes = Gzip(mutant.Bytes), Edits = Join(mutant.Edits, "gzip") };

    private static string Join(string done, string next) => done.Length == 0 ? next : $"{done}; {next}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_mutated_file_throws_only_InvalidDataException_naming_it_and_allocates_in_proportion(bool gzip)
    {
        string path = Path.Combine(_folder, gzip ? "mutated-idx.gz" : "mutated-idx");
        var probe = new ReaderProbe(gzip ? "Idx.ReadImages/ReadLabels, gzip" : "Idx.ReadImages/ReadLabels, plain", output);
        // Written plain (the writer compresses a path ending in .gz): Mutants compresses them itself, before or after its edits.
        string plain = Path.Combine(_folder, "valid-idx");
        byte[] Written(Action<string> write)
        {
            write(plain);
            return File.ReadAllBytes(plain);
        }
        (byte[], bool)[] bases =
        [
            (Written(file => Idx.WriteImages(file, Enumerable.Range(0, 18).Select(i => (byte)(i * 15)).ToArray(), count: 3, rows: 2, cols: 3)), true),
            (Written(file => Idx.WriteImages(file, Enumerable.Range(0, 2000).Select(i => (byte)(i * i % 251)).ToArray(), count: 5, rows: 20, cols: 20)), true),
            (Written(file => Idx.WriteLabels(file, [7, 0, 9])), false),
            (Written(file => Idx.WriteLabels(file, Enumerable.Range(0, 200).Select(i => (byte)(i % 10)).ToArray())), false),
        ];
        File.WriteAllBytes(path, Gzip(bases[0].Item1));
        Idx.ReadImages(path); // the first call loads types, the gzip decoder among them

        try
        {
            Mutants(gzip, bases).Sample(item =>
            {
                (Mutant mutant, bool images) = item;
                bool compressed = mutant.Bytes is [0x1f, 0x8b, ..];
                long held = compressed ? Math.Max(mutant.Bytes.Length, GunzippedLength(mutant.Bytes)) : mutant.Bytes.Length;
                if (images)
                {
                    probe.Check(mutant, path, held, () => Idx.ReadImages(path), null, typeof(InvalidDataException));
                }
                else
                {
                    probe.Check(mutant, path, held, () => Idx.ReadLabels(path), null, typeof(InvalidDataException));
                }
            }, iter: Iterations, threads: 1, print: item => $"{(item.Images ? "ReadImages" : "ReadLabels")} of {item.Mutant}");
        }
        finally
        {
            probe.Report();
        }
    }
}
