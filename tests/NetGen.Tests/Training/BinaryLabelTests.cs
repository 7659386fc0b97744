using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

/// <summary>
/// A one-sigmoid classifier learns data labelled 0 and 1 — <c>Csv.Load</c>'s default, <c>Dataset.FromLabels</c> —
/// with no option: the labels are its targets, exactly as if given as one column of 0s and 1s. Targets of the wrong
/// size are refused with a hint at the likely mistake.
/// </summary>
public sealed class BinaryLabelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-binary-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_csv_of_zero_one_labels_trains_a_one_sigmoid_network_as_one_column_of_targets_would()
    {
        (float[] features, int[] labels) = Separable(120, seed: 1);
        string path = Path.Combine(_folder, "binary.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 120).Select(i =>
            string.Join(',', features.AsSpan(i * 6, 6).ToArray().Select(value => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "," + labels[i]));

        Dataset loaded = Csv.Load(path);
        Dataset columns = Dataset.FromTargets(features, [6], labels.Select(label => (float)label).ToArray(), 1);
        var fromLabels = new BinaryClassifier(seed: 4);
        var fromColumn = new BinaryClassifier(seed: 4);

        Assert.Equal(2, loaded.TargetSize); // the file's labels are one-hot, as for any classifier
        History labelHistory = fromLabels.Fit(loaded, new Adam(0.05f), epochs: 20, batchSize: 16, validationSplit: 0.25);
        History columnHistory = fromColumn.Fit(columns, new Adam(0.05f), epochs: 20, batchSize: 16, validationSplit: 0.25);

        Assert.Equal(fromColumn.Parameters, fromLabels.Parameters);
        Assert.Equal(columnHistory.Epochs.Select(epoch => (epoch.Training, epoch.Validation)), labelHistory.Epochs.Select(epoch => (epoch.Training, epoch.Validation)));
        Assert.Equal(fromColumn.Evaluate(columns), fromLabels.Evaluate(loaded));
        Assert.True(fromLabels.Evaluate(loaded).Accuracy > 0.95f, fromLabels.Evaluate(loaded).ToString());
    }

    [Fact]
    public void Labels_that_are_all_zero_are_targets_of_zero_not_the_one_hot_one_of_a_single_class()
    {
        // With every label 0 the class count taken from the data is 1, and the one-hot target of class 0 is [1]:
        // learning that would learn "class 1". The labels themselves are what the network learns.
        (float[] features, _) = Separable(20, seed: 2);
        var zeros = new int[20];
        Dataset labelled = Dataset.FromLabels(features, [6], zeros, classCount: 1);
        Dataset column = Dataset.FromTargets(features, [6], new float[20], 1);
        var network = new BinaryClassifier(seed: 1);

        Assert.Equal(network.Evaluate(column), network.Evaluate(labelled));
        ConfusionMatrix matrix = network.Evaluate(labelled).ConfusionMatrix!;
        Assert.Equal(20, matrix.Support(0)); // every sample's true class is 0
        Assert.Equal(0, matrix.Support(1));
    }

    [Fact]
    public void More_than_two_classes_on_a_one_sigmoid_network_are_refused_with_the_output_to_declare()
    {
        (float[] features, _) = Separable(9, seed: 3);
        Dataset threeClasses = Dataset.FromLabels(features, [6], [0, 1, 2, 0, 1, 2, 0, 1, 2], classCount: 3);
        var network = new BinaryClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Fit(threeClasses, new Sgd(0.1f), epochs: 1));

        Assert.Equal("training", error.ParamName);
        Assert.Contains("BinaryClassifier is a binary classifier (one sigmoid unit, cross-entropy): its labels are 0 and 1", error.Message);
        Assert.Contains("[Dense(3, Activation.Softmax)]", error.Message);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => network.Evaluate(threeClasses)).ParamName);
    }

    [Fact]
    public void Targets_of_the_wrong_size_come_with_a_hint_at_the_likely_mistake()
    {
        (float[] features, _) = Separable(4, seed: 4);
        float[] nine = TestData.Uniform(new Randomness.Rng(1), 4 * 9);

        // Two numeric columns for one sigmoid unit: load them as labels.
        var binary = Assert.Throws<ArgumentException>(() =>
            new BinaryClassifier().Fit(Dataset.FromTargets(features, [6], [1, 0, 0, 1, 1, 0, 0, 1], 2), new Sgd(), epochs: 1));
        Assert.Contains("BinaryClassifier has 1 outputs, but the data's targets have 2 numbers each.", binary.Message);
        Assert.Contains("Load the labels as class labels", binary.Message);

        // One numeric column for a softmax over 3: a class index, to load as a label.
        var index = Assert.Throws<ArgumentException>(() =>
            new ReluIdentityClassifier().Evaluate(Dataset.FromTargets(nine, [9], [0, 2, 1, 1], 1)));
        Assert.Contains("If that number is a class index, load it as a label", index.Message);
        Assert.Contains("classCount: 3", index.Message);

        // Labels whose largest is 1 for a softmax over 3: the class count was taken from the data.
        var fewer = Assert.Throws<ArgumentException>(() =>
            new ReluIdentityClassifier().Evaluate(Dataset.FromLabels(nine, [9], [0, 1, 1, 0], classCount: 2)));
        Assert.Contains("up to the largest label, here 1, unless told", fewer.Message);
        Assert.Contains("new CsvOptions { ClassCount = 3 }", fewer.Message);

        // Labels for a regressor.
        var labels = Assert.Throws<ArgumentException>(() =>
            new TanhRegressor().Evaluate(Dataset.FromLabels(TestData.Uniform(new Randomness.Rng(2), 4 * 5), [5], [0, 1, 1, 0], classCount: 2)));
        Assert.Contains("TanhRegressor is a regressor (Tanh output, mean squared error)", labels.Message);
        Assert.Contains("CsvTargetKind.Regression", labels.Message);
    }

    /// <summary>Six inputs; the label says whether the first two sum to more than zero.</summary>
    private static (float[] Features, int[] Labels) Separable(int count, ulong seed)
    {
        float[] features = TestData.Uniform(new Randomness.Rng(seed), count * 6);
        int[] labels = Enumerable.Range(0, count).Select(i => features[6 * i] + features[6 * i + 1] > 0 ? 1 : 0).ToArray();
        return (features, labels);
    }
}
