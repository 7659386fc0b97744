using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// Fit, Evaluate and Predict take plain arrays, as Keras takes NumPy's: float[n, inputs] or float[n][] samples, int[]
/// labels, float[] or float[n, outputs] targets. Each does exactly what the <see cref="Dataset"/> overload does with the
/// same numbers, and a shape that does not fit is named by its argument.
/// </summary>
public sealed class ArrayTests
{
    [Fact]
    public void Samples_and_labels_as_arrays_train_and_evaluate_as_the_same_data_set_does()
    {
        Dataset data = TestData.Classification(50, [2, 3, 7], classes: 10, seed: 1);
        float[,] grid = Grid(data.Features, 42);
        float[][] rows = Rows(data.Features, 42);
        var fromData = new WideClassifier(seed: 2);
        var fromGrid = new WideClassifier(seed: 2);
        var fromRows = new WideClassifier(seed: 2);

        History expected = fromData.Fit(data, new Adam(0.01f), epochs: 3, batchSize: 8, validationSplit: 0.2, normalizeInputs: true);
        History gridHistory = fromGrid.Fit(grid, data.Labels!, new Adam(0.01f), epochs: 3, batchSize: 8, validationSplit: 0.2, normalizeInputs: true);
        fromRows.Fit(rows, data.Labels!, new Adam(0.01f), epochs: 3, batchSize: 8, validationSplit: 0.2, normalizeInputs: true);

        Assert.Equal(fromData.Parameters, fromGrid.Parameters);
        Assert.Equal(fromData.Parameters, fromRows.Parameters);
        Assert.Equal(expected.Epochs.Select(epoch => (epoch.Training, epoch.Validation)), gridHistory.Epochs.Select(epoch => (epoch.Training, epoch.Validation)));
        Evaluation evaluation = fromData.Evaluate(data);
        Assert.Equal(evaluation, fromData.Evaluate(grid, data.Labels!));
        Assert.Equal(evaluation, fromData.Evaluate(rows, data.Labels!));
    }

    [Fact]
    public void A_one_sigmoid_classifier_takes_int_labels_or_float_targets_alike()
    {
        Dataset data = TestData.Classification(30, [6], classes: 1, seed: 2); // one target, 0 or 1
        int[] labels = data.Targets.Select(target => (int)target).ToArray();
        float[,] grid = Grid(data.Features, 6);
        var fromData = new BinaryClassifier(seed: 1);
        var fromLabels = new BinaryClassifier(seed: 1);
        var fromTargets = new BinaryClassifier(seed: 1);

        fromData.Fit(data, new Sgd(0.3f), epochs: 4, batchSize: 7);
        fromLabels.Fit(grid, labels, new Sgd(0.3f), epochs: 4, batchSize: 7);
        fromTargets.Fit(Rows(data.Features, 6), data.Targets, new Sgd(0.3f), epochs: 4, batchSize: 7);

        Assert.Equal(fromData.Parameters, fromLabels.Parameters);
        Assert.Equal(fromData.Parameters, fromTargets.Parameters);
        Assert.Equal(fromData.Evaluate(data), fromData.Evaluate(grid, labels));
        Assert.Equal(fromData.Evaluate(data), fromData.Evaluate(grid, data.Targets));
    }

    [Fact]
    public void Numeric_targets_as_arrays_train_and_evaluate_a_regressor_as_the_same_data_set_does()
    {
        Dataset data = TestData.Regression(40, inputs: 4, outputs: 2, seed: 3);
        float[,] targets = Grid(data.Targets, 2);
        var fromData = new LinearRegressor(seed: 1);
        var fromGrid = new LinearRegressor(seed: 1);
        var fromRows = new LinearRegressor(seed: 1);

        fromData.Fit(data, new Sgd(0.05f), epochs: 3, batchSize: 6);
        fromGrid.Fit(Grid(data.Features, 4), targets, new Sgd(0.05f), epochs: 3, batchSize: 6);
        fromRows.Fit(Rows(data.Features, 4), targets, new Sgd(0.05f), epochs: 3, batchSize: 6);

        Assert.Equal(fromData.Parameters, fromGrid.Parameters);
        Assert.Equal(fromData.Parameters, fromRows.Parameters);
        Assert.Equal(fromData.Evaluate(data), fromData.Evaluate(Grid(data.Features, 4), targets));
        Assert.Equal(fromData.Evaluate(data), fromData.Evaluate(Rows(data.Features, 4), targets));
    }

    [Fact]
    public void Predict_on_arrays_gives_each_samples_outputs_in_its_row()
    {
        Dataset data = TestData.Classification(9, [9], classes: 3, seed: 4);
        var network = new ReluIdentityClassifier(seed: 3);
        network.InputNormalization = InputNormalization.Compute(data);

        float[,] grid = network.Predict(Grid(data.Features, 9));
        float[][] rows = network.Predict(Rows(data.Features, 9));

        Assert.Equal(9, grid.GetLength(0));
        Assert.Equal(3, grid.GetLength(1));
        for (int i = 0; i < 9; i++)
        {
            float[] single = network.Predict(data.Sample(i));
            Assert.Equal(single, Enumerable.Range(0, 3).Select(k => grid[i, k]));
            Assert.Equal(single, rows[i]);
        }
        Assert.Equal(0, network.Predict(new float[0, 9]).GetLength(0));
        Assert.Empty(network.Predict(Array.Empty<float[]>()));
    }

    [Fact]
    public void A_shape_that_does_not_fit_is_named_by_its_argument_with_both_shapes()
    {
        var binary = new BinaryClassifier();
        var wide = new WideClassifier();
        var regressor = new LinearRegressor();

        AssertArgument("features", "features has 3 columns, but BinaryClassifier takes 6 inputs per sample.",
            () => binary.Fit(new float[4, 3], new int[4], new Sgd(), epochs: 1));
        AssertArgument("features", "features has 40 columns, but WideClassifier takes 42 inputs (2×3×7, flattened row-major) per sample.",
            () => wide.Predict(new float[2, 40]));
        AssertArgument("features", "features[1] has 5 numbers, but BinaryClassifier takes 6 inputs per sample.",
            () => binary.Evaluate([new float[6], new float[5]], [0, 1]));
        AssertArgument("features", "features[0] is null; every sample needs 6 inputs.",
            () => binary.Predict(new float[][] { null! }));
        AssertArgument("features", "features has no samples (no rows).",
            () => binary.Evaluate(new float[0, 6], Array.Empty<int>()));
        AssertArgument("labels", "labels has 3 labels, but features has 4 samples; each sample needs one.",
            () => binary.Fit(new float[4, 6], new int[3], new Sgd(), epochs: 1));
        AssertArgument("labels", "labels[2] is 10, but WideClassifier is a classifier of 10 classes (softmax, cross-entropy): its classes are 0 to 9.",
            () => wide.Evaluate(new float[3, 42], [0, 9, 10]));
        AssertArgument("labels", "labels[0] is 2, but BinaryClassifier is a binary classifier (one sigmoid unit, cross-entropy): its classes are 0 to 1.",
            () => binary.Fit(new float[1, 6], [2], new Sgd(), epochs: 1));
        AssertArgument("labels", "LinearRegressor is a regressor (Identity output, mean squared error): it learns numeric targets, not class labels",
            () => regressor.Fit(new float[2, 4], [0, 1], new Sgd(), epochs: 1));
        AssertArgument("targets", "targets holds one number per sample, but LinearRegressor has 2 outputs: give float[samples, 2].",
            () => regressor.Evaluate(new float[2, 4], new float[2]));
        AssertArgument("targets", "targets has 3 columns, but LinearRegressor has 2 outputs.",
            () => regressor.Fit(new float[2][] { new float[4], new float[4] }, new float[2, 3], new Sgd(), epochs: 1));
        AssertArgument("targets", "targets has 1 row, but features has 2 samples; each sample needs one.",
            () => regressor.Evaluate(new float[2, 4], new float[1, 2]));
        Assert.Equal("features", Assert.Throws<ArgumentNullException>(() => binary.Predict((float[,])null!)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentNullException>(() => binary.Evaluate(new float[1, 6], (int[])null!)).ParamName);

        float[,] withNaN = new float[3, 6];
        withNaN[1, 2] = float.NaN;
        AssertArgument("features", "Training sample 1 holds NaN at position 2", () => binary.Fit(withNaN, new int[3], new Sgd(), epochs: 1));
    }

    private static void AssertArgument(string parameter, string message, Action call)
    {
        var error = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    private static float[,] Grid(float[] values, int columns)
    {
        var grid = new float[values.Length / columns, columns];
        Buffer.BlockCopy(values, 0, grid, 0, values.Length * sizeof(float));
        return grid;
    }

    private static float[][] Rows(float[] values, int columns) => values.Chunk(columns).ToArray();
}
