namespace NetGen.Randomness;

/// <summary>
/// The complete state of an <see cref="Rng"/>: xoshiro256**'s four 64-bit words. A generator given
/// this state continues the exact sequence of the one it was taken from, which is what lets a
/// checkpointed training run resume with the same shuffles, dropout masks and augmentations.
/// </summary>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3);

/// <summary>
/// The one source of randomness in NetGen (initialisation, shuffling, later dropout and
/// augmentation): xoshiro256** seeded through SplitMix64. Its sequence is fixed by this code,
/// not by the .NET version, so a seed gives the same weights everywhere.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The generator's current state; <see cref="ImportState"/> on any generator continues the sequence from here.</summary>
    public RngState ExportState() => new(_s0, _s1, _s2, _s3);

    /// <summary>Continues the sequence of the generator that <paramref name="state"/> was exported from.</summary>
    /// <exception cref="ArgumentException">Every word is zero: xoshiro256** would then return zeros forever, and no seed produces that state.</exception>
    public void ImportState(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
        {
            throw new ArgumentException("An all-zero xoshiro256** state is invalid (the generator would return only zeros); it cannot come from ExportState.", nameof(state));
        }
        (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1), from the top 24 bits (every representable step equally likely).</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A standard normal draw (mean 0, variance 1), by the Box–Muller transform of two uniform draws.</summary>
    public float NextGaussian()
    {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        double u = 1.0 - (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        double v = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
    }

    /// <summary>A float uniform in [low, high).</summary>
    public float NextSingle(float low, float high) => low + (high - low) * NextSingle();

    /// <summary>An integer uniform in [0, exclusiveMax), without modulo bias (Lemire's method).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        ulong bound = (ulong)exclusiveMax;
        ulong product = (NextUInt64() >> 32) * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (uint)((0x1_0000_0000UL - bound) % bound);
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * bound;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
