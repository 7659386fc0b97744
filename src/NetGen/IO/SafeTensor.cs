using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetGen.IO;

/// <summary>
/// One tensor of a safetensors file: a name, an element type, a shape (outermost dimension first)
/// and the elements' bytes, row-major and little-endian, exactly as the file stores them.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ToSingles"/> and <see cref="CopyTo"/> read four of the types as float:
/// <list type="bullet">
/// <item><c>F32</c>: bit for bit.</item>
/// <item><c>F16</c>: exactly — every half-precision value, subnormals, infinities and NaN included, is a float.</item>
/// <item><c>BF16</c>: exactly — a bfloat16 is the upper 16 bits of a float, so its bits are shifted into place.</item>
/// <item><c>F64</c>: rounded to the nearest float (ties to even); magnitudes beyond float's range
/// (about 3.4e38) become infinities, which <see cref="Model.LoadWeights"/> then rejects.</item>
/// </list>
/// The integer, boolean and 8-bit float types are read and written as bytes but not converted:
/// they hold no weights NetGen can use.
/// </para>
/// </remarks>
public sealed class SafeTensor
{
    private readonly int[] _shape;
    private readonly byte[] _data;

    /// <summary>A tensor of any element type, from its raw little-endian bytes (copied).</summary>
    /// <param name="name">The key in the file, e.g. <c>fc1.weight</c>.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">Dimensions, outermost first; each at least 0. An empty shape is a scalar.</param>
    /// <param name="data">Product of <paramref name="shape"/> × the element size bytes, row-major, little-endian.</param>
    /// <exception cref="ArgumentException">The byte count does not match the shape and type.</exception>
    public SafeTensor(string name, SafeTensorsDType dtype, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data)
        : this(name, dtype, shape.ToArray(), data.ToArray())
    {
    }

    /// <summary>A tensor that takes ownership of <paramref name="shape"/> and <paramref name="data"/>: for the reader, which has just allocated them.</summary>
    internal static SafeTensor Own(string name, SafeTensorsDType dtype, int[] shape, byte[] data) => new(name, dtype, shape, data);

    private SafeTensor(string name, SafeTensorsDType dtype, int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!SafeTensorsDTypes.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors element type.");
        }
        if (Array.Exists(shape, dimension => dimension < 0))
        {
            throw new ArgumentException($"Tensor '{name}' has shape {FormatShape(shape)}; dimensions cannot be negative.", nameof(shape));
        }
        long count = ElementCountOf(shape);
        int size = SafeTensorsDTypes.SizeOf(dtype);
        if (count > Array.MaxLength / size)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"Tensor '{name}' is {SafeTensorsDTypes.NameOf(dtype)} {FormatShape(shape)}: more than the {Array.MaxLength:N0} bytes one array can hold."),
                nameof(shape));
        }
        long expected = count * size;
        if (data.Length != expected)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"Tensor '{name}' is {SafeTensorsDTypes.NameOf(dtype)} {FormatShape(shape)}: {count:N0} elements of {size} bytes need {expected:N0} bytes, but {data.Length:N0} were given."),
                nameof(data));
        }
        Name = name;
        DType = dtype;
        _shape = shape;
        _data = data;
        ElementCount = (int)count;
    }

    /// <summary>The key in the file, e.g. <c>fc1.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The element type as a file header names it, e.g. <c>F32</c> or <c>F8_E4M3</c>.</summary>
    public string DTypeName => SafeTensorsDTypes.NameOf(DType);

    /// <summary>Dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape as PyTorch prints it, e.g. <c>[500, 784]</c> (and <see cref="ParameterTensor.ShapeText"/> does).</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public int ElementCount { get; }

    /// <summary>The elements' bytes, row-major, little-endian.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>Whether <see cref="ToSingles"/> can read this tensor: F32, F16, BF16 or F64.</summary>
    public bool CanConvertToSingle => DType is SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F64;

    /// <summary>The types <see cref="ToSingles"/> reads, for messages.</summary>
    internal const string ConvertibleTypes = "F32, F16, BF16 or F64";

    /// <summary>A tensor of F32 elements; <paramref name="values"/> are copied as little-endian bytes.</summary>
    /// <exception cref="ArgumentException">The number of values does not match the shape.</exception>
    public static SafeTensor FromSingles(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        var data = new byte[values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(data);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * sizeof(float)), values[i]);
            }
        }
        return new SafeTensor(name, SafeTensorsDType.F32, shape.ToArray(), data);
    }

    /// <summary>The elements as floats, converted as the class remarks describe.</summary>
    /// <exception cref="NotSupportedException">The type is not F32, F16, BF16 or F64.</exception>
    public float[] ToSingles()
    {
        var values = new float[ElementCount];
        CopyTo(values);
        return values;
    }

    /// <summary>Converts the elements into <paramref name="destination"/>, which must hold exactly <see cref="ElementCount"/>.</summary>
    /// <exception cref="NotSupportedException">The type is not F32, F16, BF16 or F64.</exception>
    public void CopyTo(Span<float> destination)
    {
        if (!CanConvertToSingle)
        {
            throw new NotSupportedException($"Tensor '{Name}' is {DTypeName}; NetGen reads {ConvertibleTypes} tensors as float.");
        }
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"Tensor '{Name}' {ShapeText} has {ElementCount:N0} elements; the destination holds {destination.Length:N0}."),
                nameof(destination));
        }
        ReadOnlySpan<byte> data = _data;
        switch (DType)
        {
            case SafeTensorsDType.F32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(data).CopyTo(destination);
                break;
            case SafeTensorsDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                }
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(data[(2 * i)..]);
                }
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < destination.Length; i++)
                {
                    // bfloat16 keeps float's sign, exponent and top 7 mantissa bits: put them back on top.
                    uint bits = (uint)BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]) << 16;
                    destination[i] = BitConverter.UInt32BitsToSingle(bits);
                }
                break;
            case SafeTensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]);
                }
                break;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {DTypeName} {ShapeText}";

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        // Straight into one buffer, one string out: a corrupt header's shape may have thousands of dimensions,
        // and a string per dimension, joined, cost many times the text.
        const int OnStack = 256;
        int most = 2 + 13 * shape.Length; // the brackets and, per dimension, up to 11 characters and ", "
        char[]? rented = most > OnStack ? ArrayPool<char>.Shared.Rent(most) : null;
        try
        {
            Span<char> text = rented ?? stackalloc char[OnStack];
            text[0] = '[';
            int length = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                if (i > 0)
                {
                    text[length++] = ',';
                    text[length++] = ' ';
                }
                shape[i].TryFormat(text[length..], out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
                length += written;
            }
            text[length++] = ']';
            return new string(text[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The product of non-negative dimensions, saturating at <see cref="long.MaxValue"/> so that a
    /// shape of several int-sized dimensions cannot overflow; callers compare it with an array's limit.
    /// </summary>
    internal static long ElementCountOf(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension == 0)
            {
                return 0;
            }
            count = count > long.MaxValue / dimension ? long.MaxValue : count * dimension;
        }
        return count;
    }
}
