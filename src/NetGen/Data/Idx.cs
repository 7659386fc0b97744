using System.Buffers.Binary;
using System.IO.Compression;

using NetGen.IO;

namespace NetGen.Data;

/// <summary>Images read from an idx3-ubyte file: <see cref="Pixels"/> is <c>[Count, Rows, Columns]</c>, row-major, scaled to [0, 1].</summary>
/// <param name="Pixels">Every pixel byte divided by 255, so 0 reads as 0 and 255 as exactly 1.</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Height of one image.</param>
/// <param name="Columns">Width of one image.</param>
public sealed record IdxImages(float[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads and writes the IDX files of MNIST and Fashion-MNIST, plain or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>
/// Layout of an IDX file, every integer a big-endian int32:
/// <code>
/// offset 0        magic: 0x00 0x00, element type (0x08 = unsigned byte), number of dimensions
/// offset 4        size of dimension 0 (the sample count)
/// offset 8 …      sizes of the other dimensions (images: rows, then columns)
/// offset 4 + 4·d  the elements, one byte each, row-major, nothing after them
/// </code>
/// so an image file (idx3) starts with 0x00000803 = 2051 and a 16-byte header, a label file
/// (idx1) with 0x00000801 = 2049 and an 8-byte header.
/// </para>
/// <para>
/// Compression is detected from the content (gzip's first two bytes are 0x1f 0x8b, an IDX
/// file's are 0x00 0x00, so the two cannot be confused), not the name; when writing, a path
/// ending in <c>.gz</c> gets gzip. Every malformed file throws <see cref="InvalidDataException"/>
/// with the path and what is wrong; offsets in those messages count from the start of the
/// IDX data, after decompression.
/// </para>
/// </remarks>
public static class Idx
{
    /// <summary>What one kind of IDX file holds; the header parsing is the same for all kinds.</summary>
    private sealed record Kind(string Description, string ElementName, string[] DimensionNames)
    {
        /// <summary>0x00, 0x00, 0x08 (unsigned byte), number of dimensions.</summary>
        public int Magic => 0x0800 | DimensionNames.Length;

        /// <summary>The magic number and one int32 per dimension.</summary>
        public int HeaderSize => 4 + 4 * DimensionNames.Length;
    }

    private static readonly Kind Images = new("an idx3 image file", "pixel", ["count", "rows", "columns"]);
    private static readonly Kind Labels = new("an idx1 label file", "label", ["count"]);

    /// <summary>Reads an idx3-ubyte image file, plain or gzip, and scales its pixels to [0, 1].</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed idx3-ubyte file, or its gzip stream is corrupt.</exception>
    public static IdxImages ReadImages(string path)
    {
        (int[] dimensions, byte[] body) = Read(path, Images);
        var pixels = new float[body.Length];
        for (int i = 0; i < body.Length; i++)
        {
            // A division rather than a multiplication by 1/255f: it is exact at the ends (255 → 1).
            pixels[i] = body[i] / 255f;
        }
        return new IdxImages(pixels, dimensions[0], dimensions[1], dimensions[2]);
    }

    /// <summary>Reads an idx1-ubyte label file, plain or gzip.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed idx1-ubyte file, or its gzip stream is corrupt.</exception>
    public static int[] ReadLabels(string path)
    {
        byte[] body = Read(path, Labels).Body;
        var labels = new int[body.Length];
        for (int i = 0; i < body.Length; i++)
        {
            labels[i] = body[i];
        }
        return labels;
    }

    /// <summary>
    /// Loads MNIST or Fashion-MNIST from <paramref name="directory"/>: <c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and <c>t10k-labels-idx1-ubyte</c>,
    /// each as it is or with <c>.gz</c> appended (the plain one when both exist).
    /// Samples are <c>[rows, columns]</c> with pixels in [0, 1]; targets are one-hot.
    /// </summary>
    /// <param name="directory">The folder holding the four files.</param>
    /// <param name="classCount">Number of classes; every label must be below it.</param>
    /// <exception cref="FileNotFoundException">One of the four files is missing in both forms.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, image and label counts differ, or a label is not below <paramref name="classCount"/>.</exception>
    public static (Dataset Train, Dataset Test) LoadMnist(string directory, int classCount = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        // Find all four before reading any, so a missing file is reported without a wait.
        string trainImages = Find(directory, "train-images-idx3-ubyte");
        string trainLabels = Find(directory, "train-labels-idx1-ubyte");
        string testImages = Find(directory, "t10k-images-idx3-ubyte");
        string testLabels = Find(directory, "t10k-labels-idx1-ubyte");
        return (Load(trainImages, trainLabels, classCount), Load(testImages, testLabels, classCount));
    }

    /// <summary>
    /// Writes an idx3-ubyte image file, gzip-compressed when <paramref name="path"/> ends in <c>.gz</c>.
    /// The file appears complete or not at all: it is written to a temporary file beside it, then renamed.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="pixels"><paramref name="count"/> × <paramref name="rows"/> × <paramref name="cols"/> bytes, row-major.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Height of one image.</param>
    /// <param name="cols">Width of one image.</param>
    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        long expected = (long)count * rows * cols;
        if (pixels.Length != expected)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"{count:N0} images of {rows} × {cols} need {expected:N0} pixel bytes, but {pixels.Length:N0} were given."),
                nameof(pixels));
        }
        Write(path, [count, rows, cols], pixels);
    }

    /// <summary>
    /// Writes an idx1-ubyte label file, gzip-compressed when <paramref name="path"/> ends in <c>.gz</c>.
    /// The file appears complete or not at all: it is written to a temporary file beside it, then renamed.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="labels">One byte per sample; at least one, since a reader rejects an empty IDX file.</param>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels)
    {
        if (labels.IsEmpty)
        {
            throw new ArgumentException("An IDX label file needs at least one label.", nameof(labels));
        }
        Write(path, [labels.Length], labels);
    }

    private static Dataset Load(string imagesPath, string labelsPath, int classCount)
    {
        IdxImages images = ReadImages(imagesPath);
        int[] labels = ReadLabels(labelsPath);
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"{imagesPath} holds {images.Count:N0} images but {labelsPath} holds {labels.Length:N0} labels; they must match one to one."));
        }
        // Dataset.FromLabels checks this too, but only here are the file and the offset known.
        int bad = Array.FindIndex(labels, label => label >= classCount);
        if (bad >= 0)
        {
            throw Invalid(labelsPath,
                $"label {labels[bad]} of sample {bad:N0} (offset {Labels.HeaderSize + bad:N0}) is not below the class count {classCount}; pass a larger classCount if the data has more classes.");
        }
        return Dataset.FromLabels(images.Pixels, [images.Rows, images.Columns], labels, classCount);
    }

    private static string Find(string directory, string name)
    {
        string plain = Path.Combine(directory, name);
        string gzip = plain + ".gz";
        if (File.Exists(plain))
        {
            return plain;
        }
        if (File.Exists(gzip))
        {
            return gzip;
        }
        string where = Directory.Exists(directory) ? $"in {directory}" : $"because the folder {directory} does not exist";
        throw new FileNotFoundException($"Found neither {name} nor {name}.gz {where}.", plain);
    }

    /// <summary>Reads one IDX file of <paramref name="kind"/>, checks it from header to end, and returns its dimensions and elements.</summary>
    private static (int[] Dimensions, byte[] Body) Read(string path, Kind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = File.OpenRead(path);
        bool compressed = StartsWithGzipMagic(file);
        using Stream stream = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;

        Span<byte> header = stackalloc byte[kind.HeaderSize];
        int headerRead = ReadUpTo(stream, header, path);
        // The magic first (when there are 4 bytes for it): "this is a label file" says more than "too short".
        if (headerRead >= 4)
        {
            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != kind.Magic)
            {
                throw Invalid(path, $"found magic number {magic} (0x{magic:X8}, {DescribeMagic(magic)}) where {kind.Description} ({kind.Magic}) was expected.");
            }
        }
        if (headerRead < header.Length)
        {
            throw Invalid(path, $"the header of {kind.Description} is {header.Length} bytes, but the data ends after {headerRead}.");
        }

        var dimensions = new int[kind.DimensionNames.Length];
        long size = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            int offset = 4 + 4 * i;
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header[offset..]);
            if (dimensions[i] <= 0)
            {
                throw Invalid(path, $"the {kind.DimensionNames[i]} at offset {offset} is {dimensions[i]}; every dimension must be positive.");
            }
            // Checked as it grows, so that three int32s cannot overflow the long.
            size *= dimensions[i];
            if (size > Array.MaxLength)
            {
                throw Invalid(path, $"the header declares {string.Join(" × ", dimensions[..(i + 1)])} {kind.ElementName}s, more than the {Array.MaxLength:N0} an array can hold.");
            }
        }

        // A plain file's length is known: a header that promises more than the file holds fails here, before a large allocation.
        if (stream.CanSeek && stream.Length - stream.Position < size)
        {
            throw Truncated(path, kind, size, stream.Length - stream.Position, compressed);
        }
        byte[] body = ReadBody(stream, (int)size, path, out int bodyRead);
        if (bodyRead < size)
        {
            throw Truncated(path, kind, size, bodyRead, compressed);
        }
        long trailing = CountRemaining(stream, path);
        if (trailing > 0)
        {
            throw Invalid(path,
                $"{trailing:N0} bytes follow the {size:N0} {kind.ElementName} bytes the header declares; the data should end at offset {kind.HeaderSize + size:N0}.");
        }
        return (dimensions, body);
    }

    /// <summary>The first buffer for a body whose length the stream cannot tell in advance.</summary>
    private const int FirstBodyChunk = 64 * 1024;

    /// <summary>
    /// Reads up to <paramref name="size"/> bytes; <paramref name="read"/> is fewer when the stream ends first. A gzip stream's
    /// length is known only at its end, so there the buffer starts small and doubles as the bytes arrive: a header promising
    /// 2 GB in a 34-byte file costs 64 KB, and any body at most twice what the stream really delivers (plus the first chunk).
    /// </summary>
    private static byte[] ReadBody(Stream stream, int size, string path, out int read)
    {
        var body = new byte[stream.CanSeek ? size : Math.Min(size, FirstBodyChunk)];
        read = 0;
        while (true)
        {
            read += ReadUpTo(stream, body.AsSpan(read), path);
            if (read < body.Length || body.Length == size)
            {
                return body; // the stream ended, or the body is complete
            }
            Array.Resize(ref body, (int)Math.Min(size, 2L * body.Length));
        }
    }

    private static InvalidDataException Truncated(string path, Kind kind, long expected, long found, bool compressed) =>
        Invalid(path, $"expected {expected:N0} {kind.ElementName} bytes after the {kind.HeaderSize}-byte header, found {found:N0}{(compressed ? " in the decompressed data" : "")}.");

    /// <summary>Fills as much of <paramref name="buffer"/> as the stream holds; a corrupt gzip stream becomes an error naming the file.</summary>
    private static int ReadUpTo(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // Only GZipStream throws this from Read; its message alone does not say which file.
            throw new InvalidDataException($"{path}: the gzip stream is corrupt: {e.Message}", e);
        }
    }

    private static long CountRemaining(Stream stream, string path)
    {
        if (stream.CanSeek)
        {
            return stream.Length - stream.Position;
        }
        Span<byte> scratch = stackalloc byte[4096];
        long count = 0;
        int read;
        while ((read = ReadUpTo(stream, scratch, path)) > 0)
        {
            count += read;
        }
        return count;
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> start = stackalloc byte[2];
        int read = file.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && start[0] == 0x1f && start[1] == 0x8b;
    }

    /// <summary>Names what a wrong magic number most likely is, so the message says which file was given instead.</summary>
    private static string DescribeMagic(int magic) =>
        DescribeIdxMagic(magic)
        ?? (DescribeIdxMagic(BinaryPrimitives.ReverseEndianness(magic)) is string swapped
            ? $"{swapped} with its bytes reversed; IDX numbers are big-endian"
            : "not an IDX magic number");

    private static string? DescribeIdxMagic(int magic)
    {
        if (magic == Images.Magic)
        {
            return Images.Description;
        }
        if (magic == Labels.Magic)
        {
            return Labels.Description;
        }
        // The third byte is the element type; the other IDX types are valid files this reader does not take.
        string? type = (magic >> 8) switch
        {
            0x08 => "unsigned bytes",
            0x09 => "signed bytes",
            0x0B => "int16s",
            0x0C => "int32s",
            0x0D => "float32s",
            0x0E => "float64s",
            _ => null,
        };
        return type is null ? null : $"an idx{magic & 0xFF} file of {type}";
    }

    /// <summary>Writes the header and body atomically (see <see cref="AtomicFile"/>), gzipped when the path ends in .gz.</summary>
    private static void Write(string path, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Span<byte> header = stackalloc byte[4 + 4 * dimensions.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x0800 | dimensions.Length);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header[(4 + 4 * i)..], dimensions[i]);
        }

        // The stream callback cannot capture spans; writing IDX files is rare enough that the copies do not matter.
        byte[] headerBytes = header.ToArray(), bodyBytes = body.ToArray();
        AtomicFile.Write(path, file =>
        {
            Stream output = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true)
                : file;
            output.Write(headerBytes);
            output.Write(bodyBytes);
            if (output != file)
            {
                output.Dispose(); // writes the gzip trailer
            }
        });
    }

    private static InvalidDataException Invalid(string path, FormattableString problem) => FileErrors.Invalid(path, problem);
}
