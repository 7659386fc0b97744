namespace NetGen.IO;

/// <summary>
/// The element types of the safetensors format, declared in the format's own order (the order of
/// the reference implementation's <c>Dtype</c> enum). The writer sorts tensors by this order,
/// last first, then by name — exactly as the Python library does — so files come out byte for
/// byte the same. Every type is stored little-endian.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary><c>BOOL</c>: one byte, 0 or 1.</summary>
    Bool,

    /// <summary><c>U8</c>: unsigned 8-bit integer.</summary>
    U8,

    /// <summary><c>I8</c>: signed 8-bit integer.</summary>
    I8,

    /// <summary><c>F8_E5M2</c>: 8-bit float, 5 exponent and 2 mantissa bits.</summary>
    F8E5M2,

    /// <summary><c>F8_E4M3</c>: 8-bit float, 4 exponent and 3 mantissa bits.</summary>
    F8E4M3,

    /// <summary><c>I16</c>: signed 16-bit integer.</summary>
    I16,

    /// <summary><c>U16</c>: unsigned 16-bit integer.</summary>
    U16,

    /// <summary><c>F16</c>: IEEE 754 half precision; read as float exactly.</summary>
    F16,

    /// <summary><c>BF16</c>: bfloat16, the top 16 bits of a float; read as float exactly.</summary>
    BF16,

    /// <summary><c>I32</c>: signed 32-bit integer.</summary>
    I32,

    /// <summary><c>U32</c>: unsigned 32-bit integer.</summary>
    U32,

    /// <summary><c>F32</c>: IEEE 754 single precision, NetGen's own type.</summary>
    F32,

    /// <summary><c>F64</c>: IEEE 754 double precision; read as float by rounding to nearest.</summary>
    F64,

    /// <summary><c>I64</c>: signed 64-bit integer.</summary>
    I64,

    /// <summary><c>U64</c>: unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>Each <see cref="SafeTensorsDType"/>'s name in a file header and its size.</summary>
internal static class SafeTensorsDTypes
{
    // Indexed by the enum's value.
    private static readonly (string Name, int Size)[] Table =
    [
        ("BOOL", 1), ("U8", 1), ("I8", 1), ("F8_E5M2", 1), ("F8_E4M3", 1),
        ("I16", 2), ("U16", 2), ("F16", 2), ("BF16", 2),
        ("I32", 4), ("U32", 4), ("F32", 4),
        ("F64", 8), ("I64", 8), ("U64", 8),
    ];

    /// <summary>Every name a header may use, for error messages.</summary>
    public static string AllNames => string.Join(", ", Table.Select(entry => entry.Name));

    /// <summary>The name as a header writes it, e.g. <c>F8_E4M3</c>.</summary>
    public static string NameOf(SafeTensorsDType dtype) => Table[(int)dtype].Name;

    /// <summary>Bytes per element.</summary>
    public static int SizeOf(SafeTensorsDType dtype) => Table[(int)dtype].Size;

    public static bool IsDefined(SafeTensorsDType dtype) => (uint)dtype < (uint)Table.Length;

    /// <summary>The type a header's <c>"dtype"</c> names; the names are case-sensitive, as in the format.</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        int index = Array.FindIndex(Table, entry => entry.Name == name);
        dtype = (SafeTensorsDType)Math.Max(index, 0);
        return index >= 0;
    }
}
