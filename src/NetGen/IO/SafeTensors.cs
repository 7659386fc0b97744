using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace NetGen.IO;

/// <summary>
/// Reads and writes safetensors files, the weight format of Hugging Face's <c>safetensors</c>
/// library, so that weights move between NetGen and PyTorch.
/// </summary>
/// <remarks>
/// <para>
/// Layout of a file:
/// <code>
/// offset 0        N, the header length: an unsigned 64-bit little-endian integer
/// offset 8        N bytes of UTF-8 JSON, padded with spaces so that N is a multiple of 8:
///                 {"__metadata__": {"key": "value", …},
///                  "fc1.bias":   {"dtype": "F32", "shape": [500],      "data_offsets": [0, 2000]},
///                  "fc1.weight": {"dtype": "F32", "shape": [500, 784], "data_offsets": [2000, 1570000]}, …}
/// offset 8 + N    the data section: every tensor's elements, row-major and little-endian;
///                 data_offsets [begin, end) count from the start of this section
/// </code>
/// <c>__metadata__</c> is optional and maps strings to strings.
/// </para>
/// <para>
/// <see cref="Read"/> checks everything before it returns: the header length against the file, the
/// JSON, each tensor's dtype, shape and offsets (inside the data section, end − begin = elements ×
/// element size), and that the tensors cover the data section exactly, without gaps or overlaps.
/// It refuses anything given twice — a tensor name, a metadata key, a field of an entry — rather than take
/// the last, and a string escaping half a surrogate pair (<c>"\ud800"</c>), which is no text; the Python
/// library refuses the last two as well.
/// Every problem is an <see cref="InvalidDataException"/> naming the file, the tensor and the numbers.
/// </para>
/// <para>
/// <see cref="Write"/> produces what the Python library produces for the same tensors: compact JSON
/// with <c>__metadata__</c> first, tensors ordered by element type (<see cref="SafeTensorsDType"/>'s
/// order, last first) and then by name (UTF-8 bytes), data in that order, header padded with spaces.
/// Metadata keys are written in ordinal order (the Python library's order is a hash map's).
/// </para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The longest header the reference implementation accepts (100 MB); a longer one means a corrupt file.</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The header key of the string-to-string metadata; no tensor may have this name.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The header length field before the JSON.</summary>
    private const int LengthFieldSize = sizeof(ulong);

    /// <summary>Where a tensor's bytes lie in the data section, as the header declares them.</summary>
    private sealed record Entry(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End);

    /// <summary>Reads and checks a whole safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message names the problem.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(file);
        if (fileLength < LengthFieldSize)
        {
            throw FileErrors.Invalid(path, $"the file is {fileLength} bytes long, but a safetensors file starts with an 8-byte header length.");
        }
        Span<byte> lengthField = stackalloc byte[LengthFieldSize];
        ReadExactly(file, lengthField, 0, path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthField);
        long afterLengthField = fileLength - LengthFieldSize;
        if (headerLength > (ulong)afterLengthField)
        {
            throw FileErrors.Invalid(path,
                $"the header length at offset 0 is {headerLength:N0} bytes, but only {afterLengthField:N0} bytes follow it; the file is truncated or is not a safetensors file.");
        }
        if (headerLength > MaxHeaderLength)
        {
            throw FileErrors.Invalid(path, $"the header length at offset 0 is {headerLength:N0} bytes, more than the {MaxHeaderLength:N0} the format allows.");
        }

        var header = new byte[headerLength];
        ReadExactly(file, header, LengthFieldSize, path);
        (List<Entry> entries, IReadOnlyDictionary<string, string> metadata) = ParseHeader(header, path);
        long dataStart = LengthFieldSize + header.Length;
        CheckLayout(entries, dataStart, fileLength - dataStart, path);

        var tensors = new List<SafeTensor>(entries.Count);
        foreach (Entry entry in entries)
        {
            var data = new byte[entry.End - entry.Begin];
            ReadExactly(file, data, dataStart + entry.Begin, path);
            tensors.Add(SafeTensor.Own(entry.Name, entry.DType, entry.Shape, data));
        }
        return new SafeTensorsFile(path, tensors, metadata);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> and <paramref name="metadata"/> as a safetensors file, laid out as
    /// the Python library lays it out (see the class remarks). The file appears complete or not at all:
    /// it is written to a temporary file beside it, then renamed.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">The tensors, in any order; names must be unique and not <see cref="MetadataKey"/>.</param>
    /// <param name="metadata">Strings stored under <see cref="MetadataKey"/>; none when null or empty.</param>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        (SafeTensor Tensor, byte[] Utf8Name)[] ordered = tensors
            .Select(tensor => tensor ?? throw new ArgumentException("A tensor is null.", nameof(tensors)))
            .Select(tensor => (tensor, Encoding.UTF8.GetBytes(tensor.Name)))
            .ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((SafeTensor tensor, _) in ordered)
        {
            if (tensor.Name == MetadataKey || !names.Add(tensor.Name))
            {
                throw new ArgumentException(
                    tensor.Name == MetadataKey ? $"No tensor may be named {MetadataKey}." : $"Two tensors are named '{tensor.Name}'.", nameof(tensors));
            }
        }
        // The Python library's order: element type descending, then name (Rust compares the UTF-8 bytes).
        Array.Sort(ordered, (left, right) =>
            right.Tensor.DType != left.Tensor.DType
                ? right.Tensor.DType.CompareTo(left.Tensor.DType)
                : left.Utf8Name.AsSpan().SequenceCompareTo(right.Utf8Name));

        byte[] header = BuildHeader(ordered.Select(item => item.Tensor), metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> lengthField = stackalloc byte[LengthFieldSize];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthField, (ulong)header.Length);
            stream.Write(lengthField);
            stream.Write(header);
            foreach ((SafeTensor tensor, _) in ordered)
            {
                stream.Write(tensor.Data);
            }
        });
    }

    /// <summary>Compact JSON (as serde_json writes it), then spaces up to a multiple of 8 bytes so the data section starts aligned.</summary>
    private static byte[] BuildHeader(IEnumerable<SafeTensor> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // serde_json escapes only quotes, backslashes and control characters; the relaxed encoder is the closest match.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (string key in metadata.Keys.Order(StringComparer.Ordinal))
                {
                    json.WriteString(key, metadata[key] ?? throw new ArgumentException($"Metadata '{key}' is null; values are strings.", nameof(metadata)));
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (SafeTensor tensor in ordered)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DTypeName);
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (8 - buffer.WrittenCount % 8) % 8;
        buffer.GetSpan(padding)[..padding].Fill((byte)' ');
        buffer.Advance(padding);
        return buffer.WrittenSpan.ToArray();
    }

    private static (List<Entry> Entries, IReadOnlyDictionary<string, string> Metadata) ParseHeader(byte[] header, string path)
    {
        // JsonDocument checks UTF-8 only when a string is read, and then throws InvalidOperationException; check it first.
        if (!Utf8.IsValid(header))
        {
            Utf8.ToUtf16(header, new char[header.Length], out int valid, out _, replaceInvalidSequences: false);
            throw FileErrors.Invalid(path, $"the JSON header is not valid UTF-8: byte 0x{header[valid]:X2} at file offset {LengthFieldSize + valid:N0} does not belong to a UTF-8 sequence.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            // The header is usually one line, so the byte position locates the problem in the file.
            string where = e.LineNumber == 0 && e.BytePositionInLine is long position ? FormattableString.Invariant($" at file offset {LengthFieldSize + position:N0}") : "";
            throw new InvalidDataException(FormattableString.Invariant($"{path}: the {header.Length:N0}-byte JSON header at offset 8 is malformed{where}: {e.Message}"), e);
        }

        using (document)
        {
            CheckStrings(header, path);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw FileErrors.Invalid(path, $"the header is a JSON {Describe(root.ValueKind)}; it must be an object mapping tensor names to their dtype, shape and data_offsets.");
            }
            var entries = new List<Entry>();
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw FileErrors.Invalid(path, $"the header names '{property.Name}' twice.");
                }
                if (property.Name == MetadataKey)
                {
                    metadata = ParseMetadata(property.Value, path);
                }
                else
                {
                    entries.Add(ParseEntry(property.Name, property.Value, path));
                }
            }
            return (entries, metadata);
        }
    }

    /// <summary>
    /// Checks that every escaped string of the (well-formed) JSON decodes to valid UTF-16. JSON lets <c>\uD800</c>
    /// stand alone, but a lone surrogate is no Unicode text: the Python library refuses it, and System.Text.Json
    /// parses it only to throw <see cref="InvalidOperationException"/> when the string is read.
    /// </summary>
    private static void CheckStrings(byte[] header, string path)
    {
        var reader = new Utf8JsonReader(header);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String) || !reader.ValueIsEscaped)
            {
                continue;
            }
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                // The raw text, escapes and all, as it stands in the file; cut short, since a metadata value may be long.
                const int Shown = 80;
                ReadOnlySpan<byte> raw = reader.ValueSpan;
                string text = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, Shown)]) + (raw.Length > Shown ? "…" : "");
                throw FileErrors.Invalid(path,
                    $"the JSON string \"{text}\" at file offset {LengthFieldSize + reader.TokenStartIndex:N0} escapes a lone surrogate (half of a UTF-16 pair without the other half); tensor names and metadata must be Unicode text.");
            }
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw FileErrors.Invalid(path, $"{MetadataKey} is a JSON {Describe(value.ValueKind)}; it must be an object of strings.");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw FileErrors.Invalid(path, $"{MetadataKey} entry '{item.Name}' is the JSON {Describe(item.Value.ValueKind)} {item.Value.GetRawText()}; metadata values must be strings.");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                // The Python library would keep the last; a file it writes never repeats a key, and a checkpoint must not be ambiguous.
                throw FileErrors.Invalid(path, $"{MetadataKey} names '{item.Name}' twice.");
            }
        }
        return metadata;
    }

    /// <summary>One tensor's header entry, checked on its own: known dtype, valid shape, offsets that span exactly its bytes.</summary>
    private static Entry ParseEntry(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw FileErrors.Invalid(path, $"tensor '{name}' is a JSON {Describe(value.ValueKind)}; it must be an object with dtype, shape and data_offsets.");
        }
        // TryGetProperty would take the last of two; the Python library refuses a repeated field, and so does this reader.
        // Other fields are ignored, as there.
        Span<bool> seen = stackalloc bool[EntryFields.Length];
        foreach (JsonProperty field in value.EnumerateObject())
        {
            int known = EntryFields.Length - 1;
            while (known >= 0 && !field.NameEquals(EntryFields[known]))
            {
                known--;
            }
            if (known >= 0 && seen[known])
            {
                throw FileErrors.Invalid(path, $"tensor '{name}' has \"{EntryFields[known]}\" twice.");
            }
            if (known >= 0)
            {
                seen[known] = true;
            }
        }

        string dtypeName = Property(value, "dtype", JsonValueKind.String, name, path).GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out SafeTensorsDType dtype))
        {
            throw FileErrors.Invalid(path, $"tensor '{name}' has dtype \"{dtypeName}\", which is not a safetensors type NetGen knows ({SafeTensorsDTypes.AllNames}).");
        }

        JsonElement shapeElement = Property(value, "shape", JsonValueKind.Array, name, path);
        var shape = new int[shapeElement.GetArrayLength()];
        for (int i = 0; i < shape.Length; i++)
        {
            JsonElement dimension = shapeElement[i];
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw FileErrors.Invalid(path, $"dimension {i} of tensor '{name}' is {dimension.GetRawText()}; dimensions must be whole numbers from 0 to {int.MaxValue:N0}.");
            }
        }

        JsonElement offsets = Property(value, "data_offsets", JsonValueKind.Array, name, path);
        if (offsets.GetArrayLength() != 2
            || offsets[0].ValueKind != JsonValueKind.Number || !offsets[0].TryGetInt64(out long begin) || begin < 0
            || offsets[1].ValueKind != JsonValueKind.Number || !offsets[1].TryGetInt64(out long end) || end < 0)
        {
            throw FileErrors.Invalid(path, $"tensor '{name}' has data_offsets {offsets.GetRawText()}; they must be two whole numbers [begin, end] counting bytes from the start of the data section.");
        }
        if (end < begin)
        {
            throw FileErrors.Invalid(path, $"tensor '{name}' has data_offsets [{begin:N0}, {end:N0}]; its end is before its beginning.");
        }

        long count = SafeTensor.ElementCountOf(shape);
        int size = SafeTensorsDTypes.SizeOf(dtype);
        if (count > Array.MaxLength / size)
        {
            throw FileErrors.Invalid(path, $"tensor '{name}' is {dtypeName} {SafeTensor.FormatShape(shape)}: more than the {Array.MaxLength:N0} bytes one array can hold.");
        }
        if (end - begin != count * size)
        {
            throw FileErrors.Invalid(path,
                $"tensor '{name}' is {dtypeName} {SafeTensor.FormatShape(shape)}: {count:N0} elements × {size} bytes = {count * size:N0} bytes, but its data_offsets [{begin:N0}, {end:N0}] span {end - begin:N0}.");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /// <summary>The fields of a tensor's entry.</summary>
    private static readonly string[] EntryFields = ["dtype", "shape", "data_offsets"];

    private static JsonElement Property(JsonElement tensor, string key, JsonValueKind kind, string name, string path)
    {
        if (!tensor.TryGetProperty(key, out JsonElement value))
        {
            throw FileErrors.Invalid(path, $"tensor '{name}' has no \"{key}\".");
        }
        if (value.ValueKind != kind)
        {
            throw FileErrors.Invalid(path, $"the \"{key}\" of tensor '{name}' is the JSON {Describe(value.ValueKind)} {value.GetRawText()}, where a JSON {Describe(kind)} was expected.");
        }
        return value;
    }

    /// <summary>
    /// Checks that the tensors tile the data section: each inside it, none overlapping, no byte left over.
    /// Sorts <paramref name="entries"/> into file order on the way.
    /// </summary>
    private static void CheckLayout(List<Entry> entries, long dataStart, long dataLength, string path)
    {
        foreach (Entry entry in entries)
        {
            if (entry.End > dataLength)
            {
                throw FileErrors.Invalid(path,
                    $"tensor '{entry.Name}' has data_offsets [{entry.Begin:N0}, {entry.End:N0}], but the data section holds only {dataLength:N0} bytes (file offsets {dataStart:N0} to {dataStart + dataLength:N0}); the file is truncated or the offsets are wrong.");
            }
        }
        // Name last, so that equal offsets (empty tensors) still give one order.
        entries.Sort((left, right) =>
            left.Begin != right.Begin ? left.Begin.CompareTo(right.Begin)
            : left.End != right.End ? left.End.CompareTo(right.End)
            : string.CompareOrdinal(left.Name, right.Name));

        long position = 0;
        Entry? previous = null;
        foreach (Entry entry in entries)
        {
            if (entry.Begin < position)
            {
                throw FileErrors.Invalid(path,
                    $"tensors '{previous!.Name}' (data_offsets [{previous.Begin:N0}, {previous.End:N0}]) and '{entry.Name}' (data_offsets [{entry.Begin:N0}, {entry.End:N0}]) overlap; each byte of the data section belongs to one tensor.");
            }
            if (entry.Begin > position)
            {
                string where = previous is null ? "before the first tensor" : $"between '{previous.Name}' and '{entry.Name}'";
                throw FileErrors.Invalid(path,
                    $"data section bytes [{position:N0}, {entry.Begin:N0}) {where} belong to no tensor; the tensors must cover the data section exactly.");
            }
            position = entry.End;
            previous = entry;
        }
        if (position != dataLength)
        {
            FormattableString after = previous is null
                ? (FormattableString)$"the header, which declares no tensors"
                : $"the last tensor, '{previous.Name}', which ends at data offset {position:N0} (file offset {dataStart + position:N0})";
            throw FileErrors.Invalid(path,
                $"{dataLength - position:N0} bytes follow {FormattableString.Invariant(after)}; the tensors must cover the data section exactly.");
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long fileOffset, string path)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, fileOffset);
            if (read == 0)
            {
                throw FileErrors.Invalid(path, $"the file ended at offset {fileOffset:N0} while it was being read; was it changed meanwhile?");
            }
            buffer = buffer[read..];
            fileOffset += read;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };
}
