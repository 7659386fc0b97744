namespace NetGen.Kernels;

/// <summary>
/// The geometry of a recurrent layer (<see cref="SimpleRnn"/>, <see cref="Lstm"/>, <see cref="Gru"/>) over one sample
/// <c>[T, F]</c>, T steps of F features each, as PyTorch's <c>batch_first=True</c>: H hidden units, and the output
/// <c>[T, H]</c> (every step's h) or <c>[H]</c> (the last step's).
/// </summary>
public readonly record struct RecurrentShape
{
    /// <exception cref="ArgumentOutOfRangeException">A size below 1.</exception>
    public RecurrentShape(int steps, int features, int hidden, bool returnSequences)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Steps = steps;
        Features = features;
        Hidden = hidden;
        ReturnSequences = returnSequences;
    }

    /// <summary>T: time steps per sample.</summary>
    public int Steps { get; }

    /// <summary>F: numbers per step coming in.</summary>
    public int Features { get; }

    /// <summary>H: hidden units, the numbers per step going out.</summary>
    public int Hidden { get; }

    /// <summary>Whether the output is every step's h, <c>[T, H]</c>, rather than the last step's, <c>[H]</c>.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Numbers in one sample coming in: T·F.</summary>
    public int InputSize => Steps * Features;

    /// <summary>Numbers in one sample going out: T·H, or H.</summary>
    public int OutputSize => ReturnSequences ? Steps * Hidden : Hidden;
}
