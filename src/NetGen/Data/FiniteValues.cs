using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Data;

/// <summary>The finiteness check that training data (before <c>Fit</c>) and loaded weights go through.</summary>
internal static class FiniteValues
{
    /// <summary>The index of the first NaN or ±∞ in <paramref name="values"/>, or −1 if every number is finite.</summary>
    /// <remarks>
    /// x − x is 0 for every finite x and NaN for NaN and ±∞, so a register whose differences are all zero holds only
    /// finite numbers, and the first register that does not is searched one number at a time. Fit checks the whole
    /// training set on every call (a loop of one-epoch <c>Fit</c> calls pays it each time), so the check runs at about
    /// the rate memory delivers the floats rather than a float at a time.
    /// </remarks>
    public static int IndexOfFirstNonFinite(ReadOnlySpan<float> values)
    {
        ref float first = ref MemoryMarshal.GetReference(values);
        int width = Vector<float>.Count, i = 0;
        for (; i + width <= values.Length; i += width)
        {
            Vector<float> v = Vector.LoadUnsafe(ref first, (nuint)i);
            if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
            {
                break;
            }
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
