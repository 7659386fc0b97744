using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

public sealed class HyperparameterSearchTests
{
    [Fact]
    public void Grid_search_tries_every_combination_exactly_once_last_dimension_fastest()
    {
        SearchSpace space = new SearchSpace()
            .Choice("a", 1, 2, 3)
            .IntRange("b", 0, 1)
            .Choice("c", "x", "y");
        var seen = new List<(int, int, string)>();

        SearchResult result = HyperparameterSearch.Grid(space, trial =>
        {
            seen.Add((trial.Get<int>("a"), trial.Get<int>("b"), trial.Get<string>("c")));
            return 0f;
        });

        var product = (from a in new[] { 1, 2, 3 } from b in new[] { 0, 1 } from c in new[] { "x", "y" } select (a, b, c)).ToList();
        Assert.Equal(product, seen);
        Assert.Equal(12, result.Trials.Count);
        Assert.Equal(Enumerable.Range(0, 12), result.Trials.Select(t => t.Trial.Index).Order());
    }

    [Fact]
    public void Grid_search_over_a_continuous_dimension_asks_for_explicit_values()
    {
        SearchSpace space = new SearchSpace().Choice("batch", 16, 32).LogUniform("lr", 1e-4, 1e-1);

        var e = Assert.Throws<ArgumentException>(() => HyperparameterSearch.Grid(space, _ => 0f));

        Assert.Contains("LogUniform(\"lr\", 0.0001, 0.1)", e.Message);
        Assert.Contains("Choice(\"lr\", …)", e.Message);
    }

    [Fact]
    public void Random_search_samples_every_dimension_within_its_bounds()
    {
        SearchSpace space = new SearchSpace()
            .Uniform("dropout", -2, 3)
            .IntRange("layers", 5, 8)
            .Choice("activation", Activation.ReLU, Activation.Tanh, Activation.Sigmoid);

        IReadOnlyList<Trial> trials = space.Sample(2000, seed: 11);

        Assert.All(trials, t => Assert.InRange(t.Get<double>("dropout"), -2, 3 - 1e-12));
        Assert.Equal([5, 6, 7, 8], trials.Select(t => t.Get<int>("layers")).Distinct().Order());
        Assert.Equal(3, trials.Select(t => t.Get<Activation>("activation")).Distinct().Count());
        // Uniform: each fifth of the range holds about a fifth of the samples.
        double[] fifths = Enumerable.Range(0, 5).Select(k => trials.Count(t => Math.Floor(t.Get<double>("dropout") + 2) == k) / 2000.0).ToArray();
        Assert.All(fifths, fraction => Assert.InRange(fraction, 0.17, 0.23));
    }

    [Fact]
    public void Log_uniform_samples_are_spread_evenly_over_the_orders_of_magnitude()
    {
        IReadOnlyList<Trial> trials = new SearchSpace().LogUniform("lr", 1e-4, 1e-1).Sample(3000, seed: 5);
        double[] rates = trials.Select(t => t.Get<double>("lr")).ToArray();

        Assert.All(rates, rate => Assert.InRange(rate, 1e-4, 1e-1));
        // A third in each decade; a plain uniform draw would put 90 % in the last one.
        foreach (double low in new[] { 1e-4, 1e-3, 1e-2 })
        {
            double fraction = rates.Count(rate => rate >= low && rate < low * 10) / 3000.0;
            Assert.InRange(fraction, 0.3, 0.37);
        }
        Assert.InRange(rates.Average(rate => Math.Log10(rate)), -2.55, -2.45);
    }

    [Fact]
    public void Random_search_is_reproducible_from_its_seed()
    {
        SearchSpace space = new SearchSpace().LogUniform("lr", 1e-5, 1).IntRange("hidden", 4, 64).Choice("batch", 16, 32, 64);

        string[] first = space.Sample(30, seed: 7).Select(t => t.ToString()).ToArray();
        string[] again = space.Sample(30, seed: 7).Select(t => t.ToString()).ToArray();
        string[] other = space.Sample(30, seed: 8).Select(t => t.ToString()).ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(30, first.Distinct().Count());
    }

    [Theory]
    [InlineData(SearchGoal.Maximize)]
    [InlineData(SearchGoal.Minimize)]
    public void Results_are_sorted_best_first_with_ties_in_run_order(SearchGoal goal)
    {
        // Scores (x − 2)² over x = 0…4: 4, 1, 0, 1, 4.
        SearchResult result = HyperparameterSearch.Grid(
            new SearchSpace().IntRange("x", 0, 4), trial => MathF.Pow(trial.Get<int>("x") - 2, 2), goal);

        int[] expected = goal == SearchGoal.Maximize ? [0, 4, 1, 3, 2] : [2, 1, 3, 0, 4];
        Assert.Equal(expected, result.Trials.Select(t => t.Trial.Get<int>("x")));
        Assert.Equal(expected[0], result.Best.Trial.Get<int>("x"));
        Assert.Equal(goal, result.Goal);
    }

    [Fact]
    public void A_trial_that_diverges_is_recorded_last_and_the_search_goes_on()
    {
        Dataset data = TestData.Regression(40, inputs: 4, outputs: 2, seed: 3, low: -50f, high: 50f);
        var order = new List<float>();

        SearchResult result = HyperparameterSearch.Grid(
            new SearchSpace().Choice("lr", 1e4f, 1e-2f),
            trial =>
            {
                var network = new LinearRegressor(seed: 1);
                network.Fit(data, new Sgd(trial.Get<float>("lr")), epochs: 20, batchSize: 8);
                return network.Evaluate(data).Loss;
            },
            SearchGoal.Minimize,
            onTrialEnd: r => order.Add(r.Trial.Get<float>("lr")));

        Assert.Equal([1e4f, 1e-2f], order);
        Assert.Equal(1e-2f, result.Best.Trial.Get<float>("lr"));
        Assert.True(result.Best.Succeeded);
        TrialResult diverged = result.Trials[1];
        Assert.False(diverged.Succeeded);
        Assert.NotNull(diverged.Divergence);
        Assert.True(float.IsNaN(diverged.Score));
        Assert.Contains("diverged", diverged.ToString());
    }

    [Fact]
    public void A_search_over_the_learning_rate_picks_one_that_trains()
    {
        // Three classes decided by the largest of the first three inputs: learnable, far from chance once trained.
        (Dataset train, Dataset validation) = (Argmax(150, seed: 1), Argmax(90, seed: 2));
        float Objective(Trial trial)
        {
            var network = new ReluIdentityClassifier(seed: 4);
            network.Fit(train, new Sgd(trial.Get<float>("lr")), epochs: 10, batchSize: 10);
            return network.Evaluate(validation).Accuracy!.Value; // validation, never test data
        }

        SearchResult grid = HyperparameterSearch.Grid(new SearchSpace().Choice("lr", 1e-5, 1e-3, 0.1, 0.5), Objective);
        SearchResult random = HyperparameterSearch.Random(new SearchSpace().LogUniform("lr", 1e-5, 1), trials: 8, seed: 3, Objective);

        foreach (SearchResult result in new[] { grid, random })
        {
            TrialResult smallest = result.Trials.MinBy(t => t.Trial.Get<double>("lr"))!;
            Assert.True(result.Best.Trial.Get<double>("lr") >= 100 * smallest.Trial.Get<double>("lr"), result.Best.ToString());
            Assert.True(result.Best.Score >= smallest.Score + 0.25f, $"best {result.Best}, smallest rate {smallest}");
            Assert.True(result.Best.Score >= 0.7f, result.Best.ToString());
        }
        Assert.True(grid.Best.Trial.Get<double>("lr") >= 0.1);
    }

    [Fact]
    public void Trial_values_convert_between_number_types_and_name_what_is_wrong()
    {
        Trial trial = new SearchSpace().Choice("lr", 0.25).Choice("hidden", 64).Choice("name", "relu").Grid()[0];

        Assert.Equal(0.25f, trial.Get<float>("lr"));
        Assert.Equal(64.0, trial.Get<double>("hidden"));
        Assert.Equal(64L, trial.Get<long>("hidden"));
        Assert.Equal("relu", trial["name"]);
        Assert.Equal("lr=0.25, hidden=64, name=relu", trial.ToString());
        var cast = Assert.Throws<InvalidCastException>(() => trial.Get<int>("lr"));
        Assert.Contains("\"lr\" is the Double 0.25", cast.Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => trial.Get<int>("batch"));
        Assert.Contains("\"lr\", \"hidden\", \"name\"", missing.Message);
    }

    [Fact]
    public void A_space_rejects_duplicate_names_repeated_choices_and_empty_ranges()
    {
        var space = new SearchSpace().Choice("batch", 32, 64);

        Assert.Throws<ArgumentException>(() => space.IntRange("batch", 1, 2));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Choice("batch", 32, 32));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Choice<int>("batch"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().LogUniform("lr", 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().Uniform("p", 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SearchSpace().IntRange("n", 3, 2));
        Assert.Single(space.Dimensions); // the methods return new spaces; this one is unchanged
    }

    [Fact]
    public void Cancellation_stops_the_search_before_the_next_trial()
    {
        using var cancellation = new CancellationTokenSource();
        int calls = 0;

        Assert.Throws<OperationCanceledException>(() => HyperparameterSearch.Grid(
            new SearchSpace().IntRange("x", 1, 5),
            _ =>
            {
                calls++;
                cancellation.Cancel();
                return 0f;
            },
            cancellationToken: cancellation.Token));

        Assert.Equal(1, calls);
    }

    private static Dataset Argmax(int count, ulong seed)
    {
        float[] features = TestData.Uniform(new Rng(seed), count * 9);
        int[] labels = Enumerable.Range(0, count)
            .Select(i => features.AsSpan(i * 9, 3).IndexOf(MathF.Max(features[i * 9], MathF.Max(features[i * 9 + 1], features[i * 9 + 2]))))
            .ToArray();
        return Dataset.FromLabels(features, [9], labels, 3);
    }
}
