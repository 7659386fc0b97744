using System.Globalization;
using NetGen.Randomness;

namespace NetGen.Training;

/// <summary>
/// One hyper-parameter and the values a search may give it. <see cref="SearchSpace"/>'s methods
/// make the usual kinds; derive from this class for another distribution.
/// </summary>
/// <param name="Name">The name a trial reads the value by, e.g. <c>lr</c>.</param>
public abstract record SearchDimension(string Name)
{
    /// <summary>One value drawn at random, for random search.</summary>
    public abstract object Sample(Rng random);

    /// <summary>Every value a grid search tries, in order; null for a continuous range, which a grid cannot enumerate.</summary>
    public abstract IReadOnlyList<object>? GridValues { get; }
}

/// <summary>One of a list of values, each equally likely; a grid tries them all in the order given.</summary>
public sealed record ChoiceDimension(string Name, IReadOnlyList<object> Values) : SearchDimension(Name)
{
    /// <inheritdoc/>
    public override object Sample(Rng random) => Values[random.NextInt(Values.Count)];

    /// <inheritdoc/>
    public override IReadOnlyList<object> GridValues => Values;

    /// <inheritdoc/>
    public override string ToString() => $"Choice(\"{Name}\", {string.Join(", ", Values.Select(Trial.FormatValue))})";
}

/// <summary>A double uniform in [<paramref name="Low"/>, <paramref name="High"/>).</summary>
public sealed record UniformDimension(string Name, double Low, double High) : SearchDimension(Name)
{
    /// <inheritdoc/>
    public override object Sample(Rng random) =>
        // Clamped because Low + (High − Low) · u can round up to High when u is just below 1.
        Math.Min(Low + (High - Low) * SearchSpace.NextDouble(random), Math.BitDecrement(High));

    /// <inheritdoc/>
    public override IReadOnlyList<object>? GridValues => null;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"Uniform(\"{Name}\", {Low}, {High})");
}

/// <summary>
/// A double whose logarithm is uniform: exp(U[ln <paramref name="Low"/>, ln <paramref name="High"/>)).
/// Each factor of ten in the range is equally likely — the right prior for a learning rate or a
/// weight decay, whose effect depends on the order of magnitude (Bergstra and Bengio, 2012).
/// </summary>
public sealed record LogUniformDimension(string Name, double Low, double High) : SearchDimension(Name)
{
    /// <inheritdoc/>
    public override object Sample(Rng random)
    {
        double logLow = Math.Log(Low), logHigh = Math.Log(High);
        // Clamped because exp(ln x) can come back a rounding step outside [Low, High).
        return Math.Clamp(Math.Exp(logLow + (logHigh - logLow) * SearchSpace.NextDouble(random)), Low, Math.BitDecrement(High));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<object>? GridValues => null;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"LogUniform(\"{Name}\", {Low}, {High})");
}

/// <summary>An int uniform in [<paramref name="Low"/>, <paramref name="High"/>], both ends included; a grid tries every one.</summary>
public sealed record IntRangeDimension(string Name, int Low, int High) : SearchDimension(Name)
{
    /// <inheritdoc/>
    public override object Sample(Rng random) => Low + random.NextInt(High - Low + 1);

    /// <inheritdoc/>
    public override IReadOnlyList<object> GridValues => Enumerable.Range(Low, High - Low + 1).Cast<object>().ToArray();

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"IntRange(\"{Name}\", {Low}, {High})");
}

/// <summary>
/// The hyper-parameters a search explores, each a named <see cref="SearchDimension"/>. Immutable:
/// each method returns a new space with one more dimension, so a space reads as one expression:
/// <code>
/// var space = new SearchSpace()
///     .LogUniform("lr", 1e-4, 1e-1)
///     .Choice("hidden", 32, 64, 128)
///     .Choice("batch", 32, 100);
/// </code>
/// </summary>
public sealed class SearchSpace
{
    private readonly SearchDimension[] _dimensions;

    /// <summary>A space with no dimensions yet.</summary>
    public SearchSpace()
        : this([])
    {
    }

    private SearchSpace(SearchDimension[] dimensions) => _dimensions = dimensions;

    /// <summary>The dimensions, in the order they were added (the order trials list their values in).</summary>
    public IReadOnlyList<SearchDimension> Dimensions => _dimensions;

    /// <summary>One of <paramref name="values"/>, e.g. <c>Choice("batch", 32, 64)</c> or <c>Choice("activation", Activation.ReLU, Activation.Tanh)</c>.</summary>
    /// <exception cref="ArgumentException">No values, or the same value twice.</exception>
    public SearchSpace Choice<T>(string name, params T[] values)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            throw new ArgumentException($"Choice \"{name}\" needs at least one value.", nameof(values));
        }
        if (values.Distinct().Count() != values.Length)
        {
            throw new ArgumentException($"Choice \"{name}\" lists a value twice ({string.Join(", ", values.Select(v => Trial.FormatValue(v)))}); a grid would try it twice.", nameof(values));
        }
        return Add(new ChoiceDimension(name, values.Cast<object>().ToArray()));
    }

    /// <summary>A double uniform in [<paramref name="low"/>, <paramref name="high"/>) (random search only).</summary>
    public SearchSpace Uniform(string name, double low, double high)
    {
        RequireRange(name, low, high, positive: false);
        return Add(new UniformDimension(name, low, high));
    }

    /// <summary>A double log-uniform in [<paramref name="low"/>, <paramref name="high"/>), both positive (random search only); see <see cref="LogUniformDimension"/>.</summary>
    public SearchSpace LogUniform(string name, double low, double high)
    {
        RequireRange(name, low, high, positive: true);
        return Add(new LogUniformDimension(name, low, high));
    }

    /// <summary>An int in [<paramref name="low"/>, <paramref name="high"/>], both ends included.</summary>
    public SearchSpace IntRange(string name, int low, int high)
    {
        if (low > high || (long)high - low + 1 > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(high), FormattableString.Invariant($"IntRange \"{name}\" needs low ≤ high with fewer than 2³¹ values; got [{low}, {high}]."));
        }
        return Add(new IntRangeDimension(name, low, high));
    }

    /// <summary>Adds any dimension, e.g. one of your own kind.</summary>
    /// <exception cref="ArgumentException">A dimension of that name is already in the space.</exception>
    public SearchSpace Add(SearchDimension dimension)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        ArgumentException.ThrowIfNullOrEmpty(dimension.Name, nameof(dimension));
        if (Array.Exists(_dimensions, existing => existing.Name == dimension.Name))
        {
            throw new ArgumentException($"The space already has a dimension named \"{dimension.Name}\".", nameof(dimension));
        }
        return new SearchSpace([.. _dimensions, dimension]);
    }

    /// <summary>
    /// Every combination of the dimensions' <see cref="SearchDimension.GridValues"/> (the Cartesian
    /// product), each once, the last dimension changing fastest.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension is continuous: a grid needs its values listed.</exception>
    public IReadOnlyList<Trial> Grid()
    {
        var axes = new IReadOnlyList<object>[_dimensions.Length];
        long total = 1;
        for (int d = 0; d < _dimensions.Length; d++)
        {
            axes[d] = _dimensions[d].GridValues ?? throw new ArgumentException(
                $"Grid search needs explicit values, but {_dimensions[d]} is continuous; use Choice(\"{_dimensions[d].Name}\", …) with the values to try, or random search.");
            total *= axes[d].Count;
            if (total > Array.MaxLength)
            {
                throw new ArgumentException(FormattableString.Invariant($"The grid has more than {Array.MaxLength:N0} points; use random search."));
            }
        }

        var trials = new Trial[total];
        var position = new int[_dimensions.Length]; // an odometer over the axes
        for (int index = 0; index < trials.Length; index++)
        {
            var values = new object[_dimensions.Length];
            for (int d = 0; d < values.Length; d++)
            {
                values[d] = axes[d][position[d]];
            }
            trials[index] = new Trial(index, this, values);
            for (int d = position.Length - 1; d >= 0 && ++position[d] == axes[d].Count; d--)
            {
                position[d] = 0;
            }
        }
        return trials;
    }

    /// <summary>
    /// <paramref name="count"/> combinations, each dimension drawn independently (random search,
    /// Bergstra and Bengio 2012). The same seed gives the same trials.
    /// </summary>
    public IReadOnlyList<Trial> Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Rng(unchecked((ulong)seed));
        var trials = new Trial[count];
        for (int index = 0; index < count; index++)
        {
            // Dimension by dimension in a fixed order, so each trial's draws come from the same positions in the sequence.
            trials[index] = new Trial(index, this, Array.ConvertAll(_dimensions, dimension => dimension.Sample(random)));
        }
        return trials;
    }

    /// <summary>The index of the dimension named <paramref name="name"/>, or −1.</summary>
    internal int IndexOf(string name) => Array.FindIndex(_dimensions, dimension => dimension.Name == name);

    /// <summary>A double uniform in [0, 1) from the top 53 bits: every double of the form k / 2⁵³ equally likely.</summary>
    internal static double NextDouble(Rng random) => (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static void RequireRange(string name, double low, double high, bool positive)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(low < high) || (positive && !(low > 0)))
        {
            throw new ArgumentOutOfRangeException(nameof(high), FormattableString.Invariant(
                $"\"{name}\" needs finite bounds with low < high{(positive ? " and low > 0" : "")}; got [{low}, {high})."));
        }
    }
}

/// <summary>One combination of hyper-parameter values to try.</summary>
public sealed class Trial
{
    private readonly SearchSpace _space;
    private readonly object[] _values;

    internal Trial(int index, SearchSpace space, object[] values)
    {
        Index = index;
        _space = space;
        _values = values;
        Values = space.Dimensions.Select((dimension, d) => KeyValuePair.Create(dimension.Name, values[d])).ToArray();
    }

    /// <summary>0 for the first trial run, 1 for the next, …</summary>
    public int Index { get; }

    /// <summary>Each dimension's name and value, in the space's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Values { get; }

    /// <summary>The value of the dimension named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The space has no such dimension.</exception>
    public object this[string name]
    {
        get
        {
            int d = _space.IndexOf(name);
            return d >= 0
                ? _values[d]
                : throw new KeyNotFoundException($"The search space has no dimension \"{name}\"; it has {string.Join(", ", _space.Dimensions.Select(x => $"\"{x.Name}\""))}.");
        }
    }

    /// <summary>
    /// The value named <paramref name="name"/> as a <typeparamref name="T"/>: <c>trial.Get&lt;float&gt;("lr")</c>,
    /// <c>trial.Get&lt;int&gt;("hidden")</c>. Besides the value's own type, numbers widen (int to long,
    /// float or double; float to double) and a double narrows to float, since learning rates are
    /// floats in NetGen but drawn as doubles.
    /// </summary>
    /// <exception cref="InvalidCastException">The value is of another type.</exception>
    public T Get<T>(string name)
    {
        object value = this[name];
        if (value is T same)
        {
            return same;
        }
        object? converted = value switch
        {
            int i when typeof(T) == typeof(long) => (long)i,
            int i when typeof(T) == typeof(float) => (float)i,
            int i when typeof(T) == typeof(double) => (double)i,
            float f when typeof(T) == typeof(double) => (double)f,
            double d when typeof(T) == typeof(float) => (float)d,
            _ => null,
        };
        return converted is T result
            ? result
            : throw new InvalidCastException($"\"{name}\" is the {value.GetType().Name} {FormatValue(value)}, which does not convert to {typeof(T).Name}.");
    }

    /// <summary>The values as <c>lr=0.00316, hidden=64</c>, the same on every machine.</summary>
    public override string ToString() => string.Join(", ", Values.Select(pair => $"{pair.Key}={FormatValue(pair.Value)}"));

    /// <summary>Invariant culture, and six significant digits for doubles and floats so that sampled rates stay readable.</summary>
    internal static string FormatValue(object value) => value switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Whether a larger score is better (accuracy) or a smaller one (loss).</summary>
public enum SearchGoal
{
    /// <summary>Higher is better, e.g. validation accuracy.</summary>
    Maximize,

    /// <summary>Lower is better, e.g. validation loss.</summary>
    Minimize,
}

/// <summary>What one trial scored.</summary>
/// <param name="Trial">The values tried.</param>
/// <param name="Score">The objective's validation score; NaN when training diverged.</param>
/// <param name="Divergence">The exception, when training diverged (a learning rate too large, typically); otherwise null.</param>
public sealed record TrialResult(Trial Trial, float Score, TrainingDivergedException? Divergence)
{
    /// <summary>Whether the trial produced a usable score.</summary>
    public bool Succeeded => Divergence is null && !float.IsNaN(Score);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Trial}: {(Divergence is null ? Score.ToString("G6", CultureInfo.InvariantCulture) : "diverged")}";
}

/// <summary>Every trial of a search, best first.</summary>
/// <param name="Goal">Which way the scores were ranked.</param>
/// <param name="Trials">
/// Best first: by score in the direction of <paramref name="Goal"/>, ties in the order the trials ran;
/// trials that diverged or scored NaN come last.
/// </param>
public sealed record SearchResult(SearchGoal Goal, IReadOnlyList<TrialResult> Trials)
{
    /// <summary>The best trial (check <see cref="TrialResult.Succeeded"/>: if every trial diverged, it is one of those).</summary>
    public TrialResult Best => Trials[0];
}

/// <summary>
/// Grid search and random search over hyper-parameters (Bergstra and Bengio, 2012: random search
/// finds good values with far fewer trials when only a few of the dimensions matter).
/// </summary>
/// <remarks>
/// <para>
/// The objective gets a <see cref="Trial"/>, builds and trains a network with its values, and returns
/// the network's score on VALIDATION data — data held out from training. The search never sees the
/// test set, and must not: choosing hyper-parameters by test score makes that score an optimistic
/// estimate. Evaluate the winner on the test set once, after the search.
/// </para>
/// <code>
/// var (train, validation) = (all.Take(50_000), all.Slice(50_000, 10_000));
/// SearchResult result = HyperparameterSearch.Random(
///     new SearchSpace().LogUniform("lr", 1e-3, 1).Choice("batch", 32, 100),
///     trials: 20, seed: 1,
///     trial =>
///     {
///         var net = new MnistMlp(seed: 1);
///         net.Fit(train, new Sgd(trial.Get&lt;float&gt;("lr")), epochs: 3, batchSize: trial.Get&lt;int&gt;("batch"));
///         return net.Evaluate(validation).Accuracy!.Value;
///     });
/// Console.WriteLine($"best: {result.Best}");
/// </code>
/// <para>
/// Trials run one after another on the calling thread, so a search is deterministic when the
/// objective is (seed the networks it builds). A trial whose training diverges
/// (<see cref="TrainingDivergedException"/>) is recorded as diverged and the search goes on; any
/// other exception ends the search.
/// </para>
/// </remarks>
public static class HyperparameterSearch
{
    /// <summary>Tries every combination of the space's values (see <see cref="SearchSpace.Grid"/>).</summary>
    /// <param name="space">Choices and integer ranges only; a continuous dimension is an error.</param>
    /// <param name="objective">Trains with the trial's values and returns the validation score.</param>
    /// <param name="goal">Whether a higher or a lower score is better.</param>
    /// <param name="onTrialEnd">Called after each trial, in the order they run.</param>
    /// <param name="cancellationToken">Checked before each trial.</param>
    public static SearchResult Grid(
        SearchSpace space,
        Func<Trial, float> objective,
        SearchGoal goal = SearchGoal.Maximize,
        Action<TrialResult>? onTrialEnd = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        return Run(space.Grid(), objective, goal, onTrialEnd, cancellationToken);
    }

    /// <summary>Tries <paramref name="trials"/> combinations drawn from the space (see <see cref="SearchSpace.Sample"/>).</summary>
    /// <param name="space">Any dimensions.</param>
    /// <param name="trials">How many combinations to try.</param>
    /// <param name="seed">Seeds the draws: the same seed tries the same values.</param>
    /// <param name="objective">Trains with the trial's values and returns the validation score.</param>
    /// <param name="goal">Whether a higher or a lower score is better.</param>
    /// <param name="onTrialEnd">Called after each trial, in the order they run.</param>
    /// <param name="cancellationToken">Checked before each trial.</param>
    public static SearchResult Random(
        SearchSpace space,
        int trials,
        int seed,
        Func<Trial, float> objective,
        SearchGoal goal = SearchGoal.Maximize,
        Action<TrialResult>? onTrialEnd = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        return Run(space.Sample(trials, seed), objective, goal, onTrialEnd, cancellationToken);
    }

    private static SearchResult Run(
        IReadOnlyList<Trial> trials, Func<Trial, float> objective, SearchGoal goal, Action<TrialResult>? onTrialEnd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (!Enum.IsDefined(goal))
        {
            throw new ArgumentOutOfRangeException(nameof(goal), goal, "Not a search goal.");
        }
        var results = new List<TrialResult>(trials.Count);
        foreach (Trial trial in trials)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TrialResult result;
            try
            {
                result = new TrialResult(trial, objective(trial), null);
            }
            catch (TrainingDivergedException diverged)
            {
                result = new TrialResult(trial, float.NaN, diverged);
            }
            results.Add(result);
            onTrialEnd?.Invoke(result);
        }
        results.Sort((left, right) => Compare(left, right, goal));
        return new SearchResult(goal, results);
    }

    /// <summary>Best first; failures last; ties by the order the trials ran, so the ranking is total and deterministic.</summary>
    private static int Compare(TrialResult left, TrialResult right, SearchGoal goal)
    {
        if (left.Succeeded != right.Succeeded)
        {
            return left.Succeeded ? -1 : 1;
        }
        int byScore = left.Succeeded ? left.Score.CompareTo(right.Score) : 0;
        if (goal == SearchGoal.Maximize)
        {
            byScore = -byScore;
        }
        return byScore != 0 ? byScore : left.Trial.Index.CompareTo(right.Trial.Index);
    }
}
