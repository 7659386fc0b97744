using System.Buffers.Binary;
using System.IO.Compression;
using NetGen.Data;
using Xunit;

namespace NetGen.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private const int ImageMagic = 2051;
    private const int LabelMagic = 2049;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netgen-idx-" + Guid.NewGuid().ToString("N"));

    public IdxTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // 3 images of 2 × 3 pixels, with both ends of the byte range.
    private static readonly byte[] SomePixels =
    [
        0, 255, 128, 1, 254, 64,
        255, 255, 255, 0, 0, 0,
        10, 20, 30, 40, 50, 60,
    ];

    private static readonly byte[] SomeLabels = [7, 0, 9];

    [Theory]
    [InlineData("images-idx3-ubyte", "labels-idx1-ubyte")]
    [InlineData("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz")]
    public void WrittenFilesReadBack(string imagesName, string labelsName)
    {
        string imagesPath = PathOf(imagesName);
        string labelsPath = PathOf(labelsName);

        Idx.WriteImages(imagesPath, SomePixels, count: 3, rows: 2, cols: 3);
        Idx.WriteLabels(labelsPath, SomeLabels);
        IdxImages images = Idx.ReadImages(imagesPath);
        int[] labels = Idx.ReadLabels(labelsPath);

        Assert.Equal((3, 2, 3), (images.Count, images.Rows, images.Columns));
        Assert.Equal(SomePixels.Select(p => p / 255f), images.Pixels);
        Assert.Equal(0f, images.Pixels[0]);
        Assert.Equal(1f, images.Pixels[1]);
        Assert.Equal([7, 0, 9], labels);
        bool gzip = imagesName.EndsWith(".gz", StringComparison.Ordinal);
        Assert.Equal(gzip ? [0x1f, 0x8b] : new byte[] { 0, 0, 8, 3 }, File.ReadAllBytes(imagesPath)[..(gzip ? 2 : 4)]);
        Assert.Equal([Path.GetFileName(imagesPath), Path.GetFileName(labelsPath)], Directory.GetFiles(_directory).Select(file => Path.GetFileName(file)).Order());
    }

    [Fact]
    public void PlainFileHasTheDocumentedByteLayout()
    {
        Idx.WriteImages(PathOf("images"), SomePixels, count: 3, rows: 2, cols: 3);
        Idx.WriteLabels(PathOf("labels"), SomeLabels);

        Assert.Equal([.. Header(ImageMagic, 3, 2, 3), .. SomePixels], File.ReadAllBytes(PathOf("images")));
        Assert.Equal([.. Header(LabelMagic, 3), .. SomeLabels], File.ReadAllBytes(PathOf("labels")));
    }

    [Fact]
    public void CompressionIsDetectedFromTheContentNotTheName()
    {
        Idx.WriteImages(PathOf("images.gz"), SomePixels, count: 3, rows: 2, cols: 3);
        File.Move(PathOf("images.gz"), PathOf("images-without-extension"));
        File.WriteAllBytes(PathOf("plain-named.gz"), [.. Header(LabelMagic, 3), .. SomeLabels]);

        Assert.Equal(SomePixels.Select(p => p / 255f), Idx.ReadImages(PathOf("images-without-extension")).Pixels);
        Assert.Equal([7, 0, 9], Idx.ReadLabels(PathOf("plain-named.gz")));
    }

    [Fact]
    public void WritingReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        Idx.WriteLabels(PathOf("labels.gz"), [1, 2, 3, 4]);
        Idx.WriteLabels(PathOf("labels.gz"), SomeLabels);

        Assert.Equal([7, 0, 9], Idx.ReadLabels(PathOf("labels.gz")));
        Assert.Equal(["labels.gz"], Directory.GetFiles(_directory).Select(file => Path.GetFileName(file)));
    }

    [Fact]
    public void WritingRejectsAPixelCountThatDoesNotMatchTheShapeAndCreatesNothing()
    {
        var e = Assert.Throws<ArgumentException>(() => Idx.WriteImages(PathOf("images"), SomePixels, count: 4, rows: 2, cols: 3));

        Assert.Contains("24", e.Message);
        Assert.Contains("18", e.Message);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void LoadMnistReadsAMixOfPlainAndGzipFiles()
    {
        Idx.WriteImages(PathOf("train-images-idx3-ubyte"), SomePixels, count: 3, rows: 2, cols: 3);
        Idx.WriteLabels(PathOf("train-labels-idx1-ubyte.gz"), SomeLabels);
        Idx.WriteImages(PathOf("t10k-images-idx3-ubyte.gz"), SomePixels.AsSpan(0, 12), count: 2, rows: 2, cols: 3);
        Idx.WriteLabels(PathOf("t10k-labels-idx1-ubyte"), [3, 9]);

        (Dataset train, Dataset test) = Idx.LoadMnist(_directory);

        Assert.Equal(3, train.Count);
        Assert.Equal([2, 3], train.SampleShape);
        Assert.Equal(SomePixels.Select(p => p / 255f), train.Features);
        Assert.Equal(new[] { 7, 0, 9 }, train.Labels);
        Assert.Equal(10, train.TargetSize);
        Assert.Equal(OneHot(7), train.Target(0).ToArray());
        Assert.Equal(OneHot(0), train.Target(1).ToArray());
        Assert.Equal(OneHot(9), train.Target(2).ToArray());

        Assert.Equal(2, test.Count);
        Assert.Equal([2, 3], test.SampleShape);
        Assert.Equal(SomePixels.Take(12).Select(p => p / 255f), test.Features);
        Assert.Equal(new[] { 3, 9 }, test.Labels);
        Assert.Equal(OneHot(3), test.Target(0).ToArray());
    }

    [Fact]
    public void LoadMnistPrefersThePlainFileWhenBothExist()
    {
        WriteMnist(_directory, trainLabels: SomeLabels);
        Idx.WriteLabels(PathOf("train-labels-idx1-ubyte.gz"), [1, 1, 1]);

        Assert.Equal(new[] { 7, 0, 9 }, Idx.LoadMnist(_directory).Train.Labels);
    }

    [Fact]
    public void ShippedFashionMnistSubsetLoads()
    {
        (Dataset train, Dataset test) = Idx.LoadMnist(Path.Combine(RepositoryRoot(), "samples", "Mnist", "data"));

        Assert.Equal((4000, 1000), (train.Count, test.Count));
        Assert.Equal([28, 28], train.SampleShape);
        Assert.Equal([28, 28], test.SampleShape);
        Assert.Equal(Enumerable.Range(0, 10), train.Labels!.Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 10), test.Labels!.Distinct().Order());
        Assert.All(train.Features, pixel => Assert.InRange(pixel, 0f, 1f));
    }

    [Fact]
    public void WrongMagicSaysWhatWasFoundAndWhatWasExpected()
    {
        Idx.WriteLabels(PathOf("labels"), SomeLabels);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("labels")));

        Assert.Contains(PathOf("labels"), e.Message);
        Assert.Contains("found magic number 2049", e.Message);
        Assert.Contains("idx1 label file", e.Message);
        Assert.Contains("idx3 image file (2051)", e.Message);
    }

    [Fact]
    public void WrongMagicNamesOtherIdxElementTypes()
    {
        WriteRaw("floats", Header(0x0D01, 1), new byte[4]);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(PathOf("floats")));

        Assert.Contains(PathOf("floats"), e.Message);
        Assert.Contains("0x00000D01, an idx1 file of float32s", e.Message);
        Assert.Contains("(2049)", e.Message);
    }

    [Fact]
    public void WrongMagicRecognisesLittleEndianNumbers()
    {
        WriteRaw("images", [3, 8, 0, 0], [1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0], SomePixels);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("images")));

        Assert.Contains(PathOf("images"), e.Message);
        Assert.Contains("0x03080000, an idx3 image file with its bytes reversed", e.Message);
    }

    [Fact]
    public void TruncatedHeaderIsReported()
    {
        WriteRaw("images", Header(ImageMagic, 3, 2)); // 12 of the 16 header bytes

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("images")));

        Assert.Contains(PathOf("images"), e.Message);
        Assert.Contains("16 bytes", e.Message);
        Assert.Contains("after 12", e.Message);
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("labels.gz")]
    public void EmptyFileIsATruncatedHeader(string name)
    {
        WriteRaw(name);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(PathOf(name)));

        Assert.Contains(PathOf(name), e.Message);
        Assert.Contains("8 bytes", e.Message);
        Assert.Contains("after 0", e.Message);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("images.gz")]
    public void TruncatedBodySaysHowManyBytesWereExpectedAndFound(string name)
    {
        WriteRaw(name, Header(ImageMagic, 60_000, 28, 28), new byte[1234]);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf(name)));

        Assert.Contains(PathOf(name), e.Message);
        Assert.Contains("expected 47,040,000 pixel bytes after the 16-byte header, found 1,234", e.Message);
        Assert.Equal(name.EndsWith(".gz", StringComparison.Ordinal), e.Message.Contains("in the decompressed data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("labels")]
    [InlineData("labels.gz")]
    public void TrailingBytesAreAnError(string name)
    {
        WriteRaw(name, Header(LabelMagic, 3), SomeLabels, [1, 2, 3, 4, 5]);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(PathOf(name)));

        Assert.Contains(PathOf(name), e.Message);
        Assert.Contains("5 bytes follow the 3 label bytes", e.Message);
        Assert.Contains("offset 11", e.Message);
    }

    [Theory]
    [InlineData(0, 28, 28, "count at offset 4 is 0")]
    [InlineData(10, -1, 28, "rows at offset 8 is -1")]
    [InlineData(10, 28, 0, "columns at offset 12 is 0")]
    public void NonPositiveDimensionIsNamed(int count, int rows, int cols, string expected)
    {
        WriteRaw("images", Header(ImageMagic, count, rows, cols));

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("images")));

        Assert.Contains(PathOf("images"), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AbsurdDimensionsAreRejectedBeforeAllocating()
    {
        WriteRaw("images.gz", Header(ImageMagic, 100_000, 100_000, 28));

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("images.gz")));

        Assert.Contains(PathOf("images.gz"), e.Message);
        Assert.Contains("100000 × 100000 pixels", e.Message);
        Assert.Contains(Array.MaxLength.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Theory]
    [InlineData("images.gz", true)]
    [InlineData("labels.gz", false)]
    public void AGzipFileThatPromisesMoreThanItHoldsIsRejectedWithoutAllocatingWhatItPromises(string name, bool images)
    {
        // A gzip stream's length is unknown until it ends, so the header's 2,147,483,591 elements (Array.MaxLength) cannot be checked first.
        WriteRaw(name, images ? Header(ImageMagic, Array.MaxLength, 1, 1) : Header(LabelMagic, Array.MaxLength), [1, 2, 3]);
        long fileLength = new FileInfo(PathOf(name)).Length;
        InvalidDataException? e = null;

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
            e = Assert.Throws<InvalidDataException>(() => { if (images) { Idx.ReadImages(PathOf(name)); } else { Idx.ReadLabels(PathOf(name)); } }));

        Assert.InRange(fileLength, 20, 40);
        Assert.Contains(PathOf(name), e!.Message);
        Assert.Contains($"expected 2,147,483,591 {(images ? "pixel" : "label")} bytes", e.Message);
        Assert.Contains("found 3 in the decompressed data", e.Message);
        // The gzip decoder's own buffers and the message; nothing in proportion to the promise.
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Theory]
    [InlineData(10, 0x07)] // the first deflate block, after the 10-byte gzip header, claims the reserved block type 3
    [InlineData(-8, 0x00)] // the CRC-32 in the 8-byte gzip trailer no longer matches the data
    public void CorruptGzipStreamNamesTheFile(int offset, byte value)
    {
        Idx.WriteImages(PathOf("images.gz"), SomePixels, count: 3, rows: 2, cols: 3);
        byte[] bytes = File.ReadAllBytes(PathOf("images.gz"));
        int position = offset >= 0 ? offset : bytes.Length + offset;
        bytes[position] = bytes[position] == value ? (byte)~value : value;
        File.WriteAllBytes(PathOf("images.gz"), bytes);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("images.gz")));

        Assert.Contains(PathOf("images.gz"), e.Message);
        Assert.Contains("the gzip stream is corrupt", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void CutOffGzipFileIsAnError()
    {
        Idx.WriteImages(PathOf("images.gz"), Enumerable.Range(0, 2000).Select(i => (byte)(i * i)).ToArray(), count: 5, rows: 20, cols: 20);
        byte[] bytes = File.ReadAllBytes(PathOf("images.gz"));
        File.WriteAllBytes(PathOf("images.gz"), bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(PathOf("images.gz")));

        // GZipStream ends quietly at the cut, so the length check reports it; a runtime that throws instead is fine too.
        Assert.Contains(PathOf("images.gz"), e.Message);
    }

    [Fact]
    public void LoadMnistRejectsDifferentImageAndLabelCounts()
    {
        WriteMnist(_directory, trainLabels: [1, 2]);

        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadMnist(_directory));

        Assert.Contains(PathOf("train-images-idx3-ubyte"), e.Message);
        Assert.Contains(PathOf("train-labels-idx1-ubyte"), e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void LoadMnistNamesTheMissingFileAndTheFolder()
    {
        WriteMnist(_directory, trainLabels: SomeLabels);
        File.Delete(PathOf("t10k-labels-idx1-ubyte"));

        var e = Assert.Throws<FileNotFoundException>(() => Idx.LoadMnist(_directory));

        Assert.Contains("t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains(_directory, e.Message);
        Assert.Equal(PathOf("t10k-labels-idx1-ubyte"), e.FileName);
    }

    [Fact]
    public void LoadMnistNamesAMissingFolder()
    {
        string missing = Path.Combine(_directory, "no-such-folder");

        var e = Assert.Throws<FileNotFoundException>(() => Idx.LoadMnist(missing));

        Assert.Contains($"the folder {missing} does not exist", e.Message);
    }

    [Fact]
    public void LabelOutOfRangeNamesTheLabelFileAndTheOffset()
    {
        WriteMnist(_directory, trainLabels: [7, 10, 9]);

        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadMnist(_directory));

        Assert.Contains(PathOf("train-labels-idx1-ubyte"), e.Message);
        Assert.Contains("label 10 of sample 1 (offset 9)", e.Message);
        Assert.Contains("class count 10", e.Message);
        Assert.Equal(11, Idx.LoadMnist(_directory, classCount: 11).Train.TargetSize);
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static float[] OneHot(int label)
    {
        var target = new float[10];
        target[label] = 1f;
        return target;
    }

    /// <summary>The four MNIST files, plain: 3 training images with the given labels, 2 test images.</summary>
    private static void WriteMnist(string directory, byte[] trainLabels)
    {
        Idx.WriteImages(Path.Combine(directory, "train-images-idx3-ubyte"), SomePixels, count: 3, rows: 2, cols: 3);
        Idx.WriteLabels(Path.Combine(directory, "train-labels-idx1-ubyte"), trainLabels);
        Idx.WriteImages(Path.Combine(directory, "t10k-images-idx3-ubyte"), SomePixels.AsSpan(0, 12), count: 2, rows: 2, cols: 3);
        Idx.WriteLabels(Path.Combine(directory, "t10k-labels-idx1-ubyte"), [3, 9]);
    }

    private static byte[] Header(int magic, params int[] dimensions)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        }
        return header;
    }

    /// <summary>Writes the parts as they are, gzip-compressed when the name ends in .gz (for malformed files the writer refuses to make).</summary>
    private void WriteRaw(string name, params byte[][] parts)
    {
        byte[] content = parts.SelectMany(part => part).ToArray();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                gzip.Write(content);
            }
            content = output.ToArray();
        }
        File.WriteAllBytes(PathOf(name), content);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "samples", "Mnist", "data")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds samples/Mnist/data.");
    }
}
