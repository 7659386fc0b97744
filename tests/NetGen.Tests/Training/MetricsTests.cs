using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Tests.Networks;
using NetGen.Training;

namespace NetGen.Tests.Training;

/// <summary>
/// Each network is measured by the metrics that fit it: a classifier by accuracy, top-k accuracy, per-class
/// precision, recall and F1 and a confusion matrix; a regressor by mean absolute error, RMSE and R², and never by
/// accuracy. The values are checked against the same quantities computed here from <c>Predict</c>'s outputs.
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public void A_regressor_reports_mae_rmse_and_r2_from_its_predictions_and_no_accuracy()
    {
        Dataset data = TestData.Regression(37, inputs: 4, outputs: 2, seed: 3, low: 5f, high: 9f);
        var network = new LinearRegressor(seed: 2);
        network.Fit(data, new Adam(0.05f), epochs: 30, batchSize: 8);

        Evaluation evaluation = network.Evaluate(data);

        var outputs = new float[data.Count * 2];
        network.Predict(data.Features, outputs);
        double absolute = 0, squares = 0, r2 = 0;
        for (int o = 0; o < 2; o++)
        {
            double mean = Enumerable.Range(0, data.Count).Average(i => data.Targets[2 * i + o]);
            double residual = 0, total = 0;
            for (int i = 0; i < data.Count; i++)
            {
                double error = outputs[2 * i + o] - data.Targets[2 * i + o];
                absolute += Math.Abs(error);
                residual += error * error;
                total += (data.Targets[2 * i + o] - mean) * (data.Targets[2 * i + o] - mean);
            }
            squares += residual;
            r2 += (1 - residual / total) / 2;
        }
        Assert.Null(evaluation.Accuracy);
        Assert.Null(evaluation.TopKAccuracy);
        Assert.Null(evaluation.ConfusionMatrix);
        Assert.False(evaluation.IsClassification);
        Assert.Equal(37, evaluation.Count);
        Assert.Equal(absolute / (2 * 37), evaluation.MeanAbsoluteError!.Value, 5);
        Assert.Equal(Math.Sqrt(squares / (2 * 37)), evaluation.RootMeanSquaredError!.Value, 5);
        Assert.Equal(r2, evaluation.RSquared!.Value, 4);
        // Mean squared error is the loss: RMSE is its square root.
        Assert.Equal(Math.Sqrt(evaluation.Loss), evaluation.RootMeanSquaredError!.Value, 4);
        Assert.Equal(["loss", "mae", "rmse", "r2"], evaluation.NamedValues().Select(metric => metric.Key));
        Assert.DoesNotContain("accuracy", evaluation.ToString());
        Assert.StartsWith("loss: ", evaluation.ToString());
    }

    [Fact]
    public void A_classifier_reports_accuracy_a_confusion_matrix_and_per_class_precision_recall_and_f1_from_its_predictions()
    {
        Dataset data = TestData.Classification(90, [9], classes: 3, seed: 4);
        var network = new ReluIdentityClassifier(seed: 9);
        network.Fit(data, new Sgd(0.1f), epochs: 5, batchSize: 8);

        Evaluation evaluation = network.Evaluate(data);

        var expected = new int[3, 3];
        for (int i = 0; i < data.Count; i++)
        {
            expected[data.Labels![i], network.PredictClass(data.Sample(i))]++;
        }
        ConfusionMatrix matrix = evaluation.ConfusionMatrix!;
        Assert.Equal(expected, matrix.ToArray());
        Assert.Equal(90, matrix.Total);
        Assert.Equal((expected[0, 0] + expected[1, 1] + expected[2, 2]) / 90f, evaluation.Accuracy!.Value, 6);
        for (int c = 0; c < 3; c++)
        {
            int truePositives = expected[c, c];
            int predicted = expected[0, c] + expected[1, c] + expected[2, c];
            int support = expected[c, 0] + expected[c, 1] + expected[c, 2];
            float precision = predicted == 0 ? 0 : (float)truePositives / predicted;
            float recall = (float)truePositives / support;
            Assert.Equal(support, matrix.Support(c));
            Assert.Equal(precision, matrix.Precision(c), 6);
            Assert.Equal(recall, matrix.Recall(c), 6);
            Assert.Equal(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall), matrix.F1(c), 5);
            Assert.Equal(new ClassMetrics(c, matrix.Precision(c), matrix.Recall(c), matrix.F1(c), support), matrix.Classes[c]);
        }
        Assert.Equal(Enumerable.Range(0, 3).Average(c => matrix.F1(c)), evaluation.MacroF1!.Value, 5);
        Assert.Null(evaluation.MeanAbsoluteError);
        Assert.Null(evaluation.RootMeanSquaredError);
        Assert.Null(evaluation.RSquared);
        // Three classes, k = 5: every class is in the top 5, so top-k accuracy would say nothing and is not reported.
        Assert.Null(evaluation.TopKAccuracy);
        Assert.Equal(["loss", "accuracy", "f1"], evaluation.NamedValues().Select(metric => metric.Key));
    }

    [Fact]
    public void Top_k_accuracy_counts_the_samples_whose_class_is_among_the_k_largest_outputs()
    {
        Dataset data = TestData.Classification(60, [2, 3, 7], classes: 10, seed: 2);
        var network = new WideClassifier(seed: 5) { TopK = 3 };
        network.Fit(data, new Sgd(0.2f), epochs: 3, batchSize: 10);

        Evaluation evaluation = network.Evaluate(data);

        int inTopThree = Enumerable.Range(0, data.Count).Count(i =>
        {
            float[] outputs = network.Predict(data.Sample(i));
            return outputs.Count(value => value > outputs[data.Labels![i]]) < 3;
        });
        Assert.Equal(3, evaluation.TopK);
        Assert.Equal(inTopThree / 60f, evaluation.TopKAccuracy!.Value, 6);
        Assert.True(evaluation.TopKAccuracy >= evaluation.Accuracy);
        Assert.Equal(["loss", "accuracy", "top_k", "f1"], evaluation.NamedValues().Select(metric => metric.Key));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.TopK = 0);
    }

    [Fact]
    public void A_one_sigmoid_classifier_has_a_two_by_two_confusion_matrix_split_at_one_half()
    {
        Dataset data = TestData.Classification(40, [6], classes: 1, seed: 8); // one target, 0 or 1
        var network = new BinaryClassifier(seed: 2);
        network.Fit(data, new Adam(0.02f), epochs: 10, batchSize: 8);

        Evaluation evaluation = network.Evaluate(data);

        var expected = new int[2, 2];
        for (int i = 0; i < data.Count; i++)
        {
            expected[(int)data.Targets[i], network.Predict(data.Sample(i))[0] >= 0.5f ? 1 : 0]++;
        }
        Assert.Equal(expected, evaluation.ConfusionMatrix!.ToArray());
        Assert.Equal((expected[0, 0] + expected[1, 1]) / 40f, evaluation.Accuracy!.Value, 6);
        Assert.Null(evaluation.TopKAccuracy);
    }

    [Fact]
    public void Precision_recall_and_f1_follow_their_definitions_on_a_known_matrix()
    {
        // Targets and outputs chosen to give rows (true) [[3, 1, 0], [0, 0, 2], [0, 0, 0]]: class 1 is never predicted,
        // class 2 never true.
        var metrics = new MetricAccumulator(new ReluIdentityClassifier().Description, topK: 5);
        (int Actual, int Predicted)[] pairs = [(0, 0), (0, 0), (0, 0), (0, 1), (1, 2), (1, 2)];
        foreach ((int actual, int predicted) in pairs)
        {
            var target = new float[3];
            var output = new float[3];
            target[actual] = 1;
            output[predicted] = 1;
            metrics.Add(output, target, 1, meanLoss: 0.5f);
        }

        ConfusionMatrix matrix = metrics.ToEvaluation().ConfusionMatrix!;

        Assert.Equal(new[,] { { 3, 1, 0 }, { 0, 0, 2 }, { 0, 0, 0 } }, matrix.ToArray());
        Assert.Equal(1f, matrix.Precision(0));
        Assert.Equal(0.75f, matrix.Recall(0));
        Assert.Equal(6f / 7, matrix.F1(0), 6);
        Assert.Equal(0f, matrix.Precision(1)); // one prediction of class 1, wrong
        Assert.Equal(0f, matrix.Recall(1));
        Assert.Equal(0f, matrix.Precision(2)); // predicted twice, never true
        Assert.Equal(0f, matrix.Recall(2));    // no samples: 0, not NaN
        Assert.Equal((6f / 7 + 0 + 0) / 3, matrix.MacroF1, 6);
        Assert.Equal(0.5f, matrix.Accuracy);
        Assert.Equal(2, matrix.Support(1));
        Assert.Equal(3, matrix.PredictedCount(2) + matrix.PredictedCount(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix[3, 0]);
        Assert.Contains("true \\ predicted", matrix.ToString());
    }

    [Fact]
    public void R_squared_keeps_its_digits_for_targets_far_from_zero_and_scores_constant_targets_as_scikit_learn_does()
    {
        ModelDescription oneOutput = new TanhRegressor().Description with { OutputSize = 1 };

        // Targets 10⁶ + {0, 1, 2, 3}, predictions off by 0.5 each: R² = 1 − 4·0.25 / 5 = 0.8, which Σy² − (Σy)²/n
        // about zero would lose in float and most of it in double.
        var far = new MetricAccumulator(oneOutput, topK: 5);
        far.Add([1e6f + 0.5f, 1e6f + 0.5f, 1e6f + 2.5f, 1e6f + 2.5f], [1e6f, 1e6f + 1, 1e6f + 2, 1e6f + 3], 4, meanLoss: 0.25f);
        Assert.Equal(0.8f, far.ToEvaluation().RSquared!.Value, 5);
        Assert.Equal(0.5f, far.ToEvaluation().MeanAbsoluteError);

        var exact = new MetricAccumulator(oneOutput, topK: 5);
        exact.Add([2f, 2f], [2f, 2f], 2, meanLoss: 0f);
        Assert.Equal(1f, exact.ToEvaluation().RSquared);
        var off = new MetricAccumulator(oneOutput, topK: 5);
        off.Add([2f, 3f], [2f, 2f], 2, meanLoss: 0.5f);
        Assert.Equal(0f, off.ToEvaluation().RSquared);
    }

    [Fact]
    public void The_history_holds_each_epochs_training_and_validation_metrics_of_the_networks_kind()
    {
        Dataset train = TestData.Regression(40, inputs: 5, outputs: 3, seed: 1, low: -0.5f, high: 0.5f);
        Dataset validation = TestData.Regression(20, inputs: 5, outputs: 3, seed: 2, low: -0.5f, high: 0.5f);
        var network = new TanhRegressor(seed: 1);

        History history = network.Fit(train, new Adam(0.01f), epochs: 4, batchSize: 8, validation: validation);

        Assert.All(history.Epochs, epoch =>
        {
            Assert.Null(epoch.Accuracy);
            Assert.Null(epoch.Validation!.Accuracy);
            Assert.NotNull(epoch.Training.MeanAbsoluteError);
            Assert.NotNull(epoch.Training.RSquared);
            Assert.Equal(40, epoch.Training.Count);
        });
        Assert.Equal(network.Evaluate(validation), history.Last!.Validation);
        Assert.Equal(history.Epochs.Select(epoch => epoch.Validation!.MeanAbsoluteError!.Value), history.Values(TrainingMetric.ValidationMeanAbsoluteError));
        Assert.Equal(history.Epochs.Select(epoch => epoch.Training.RSquared!.Value), history.Values(TrainingMetric.RSquared));
        Assert.All(history.Values(TrainingMetric.Accuracy), value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void Without_updates_an_epochs_training_metrics_are_the_evaluation_of_the_training_data()
    {
        // A learning rate of 0 leaves the parameters alone, so measuring each mini-batch before its update measures
        // the unchanged network on every training sample.
        Dataset data = TestData.Classification(45, [2, 3, 7], classes: 10, seed: 6);
        var network = new WideClassifier(seed: 2) { TopK = 4 };
        Evaluation expected = network.Evaluate(data);

        EpochMetrics epoch = network.Fit(data, new Sgd(1f) { LearningRate = 0f }, epochs: 1, batchSize: 7).Last!;

        Assert.Equal(expected.ConfusionMatrix, epoch.Training.ConfusionMatrix);
        Assert.Equal(expected.Accuracy, epoch.Accuracy);
        Assert.Equal(expected.TopKAccuracy, epoch.Training.TopKAccuracy);
        Assert.Equal(expected.Loss, epoch.Loss, 5);

        Dataset numbers = TestData.Regression(33, inputs: 4, outputs: 2, seed: 7);
        var regressor = new LinearRegressor(seed: 3);
        Evaluation measured = regressor.Evaluate(numbers);
        Evaluation training = regressor.Fit(numbers, new Sgd(1f) { LearningRate = 0f }, epochs: 1, batchSize: 5, shuffle: false).Last!.Training;
        Assert.Equal(measured.MeanAbsoluteError!.Value, training.MeanAbsoluteError!.Value, 5);
        Assert.Equal(measured.RootMeanSquaredError!.Value, training.RootMeanSquaredError!.Value, 5);
        Assert.Equal(measured.RSquared!.Value, training.RSquared!.Value, 5);
    }

    [Fact]
    public void The_progress_line_shows_a_regressors_errors_and_no_accuracy()
    {
        Dataset data = TestData.Regression(30, inputs: 4, outputs: 2, seed: 5);
        var output = new StringWriter();

        History history = new LinearRegressor(seed: 1).Fit(
            data, new Sgd(0.05f), epochs: 2, batchSize: 8, validationSplit: 0.2, callbacks: [new TrainingProgress(output)]);

        string line = output.ToString().Split(Environment.NewLine)[0];
        Evaluation validation = history.Epochs[0].Validation!;
        Assert.DoesNotContain("accuracy", line);
        Assert.Contains(FormattableString.Invariant($" - mae: {history.Epochs[0].Training.MeanAbsoluteError:F4} - rmse: "), line);
        Assert.Contains(FormattableString.Invariant($" - val_mae: {validation.MeanAbsoluteError:F4} - val_rmse: {validation.RootMeanSquaredError:F4} - val_r2: {validation.RSquared:F4}"), line);
    }

    [Fact]
    public void The_report_of_a_classifier_lists_every_class_and_the_matrix()
    {
        Dataset data = TestData.Classification(30, [9], classes: 3, seed: 1);
        var network = new ReluIdentityClassifier(seed: 1);

        string report = network.Evaluate(data).ToString();

        Assert.StartsWith("loss: ", report);
        Assert.Contains(" - accuracy: ", report);
        Assert.Contains("(30 samples)", report);
        Assert.Contains("precision  recall  f1-score  support", report);
        Assert.Contains("macro avg", report);
        Assert.Contains("confusion matrix", report);
        Assert.DoesNotContain("mae", report);
    }

    [Fact]
    public void A_classifiers_accuracy_prints_as_a_number_in_the_samples_format()
    {
        // The samples print "test accuracy: {result.Accuracy:F4}", which CI reads; Accuracy is a float? now.
        Evaluation evaluation = new(0.25f, 0.8125f);

        Assert.Equal("test accuracy: 0.8125", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"test accuracy: {evaluation.Accuracy:F4}"));
    }

    [Fact]
    public void An_epoch_prints_as_keras_does_with_the_metrics_of_the_networks_kind()
    {
        Dataset data = TestData.Regression(20, inputs: 4, outputs: 2, seed: 2);
        EpochMetrics epoch = new LinearRegressor(seed: 1).Fit(data, new Sgd(0.05f), epochs: 1, batchSize: 5, validationSplit: 0.25).Last!;

        string line = epoch.ToString();

        Assert.Equal(FormattableString.Invariant(
            $"epoch 1 - {epoch.Training.FormatLine()} - {epoch.Validation!.FormatLine("val_")} - lr: 0.05"), line);
        Assert.StartsWith("epoch 1 - loss: ", line);
        Assert.Contains(" - val_r2: ", line);
        Assert.DoesNotContain("ccuracy", line);
    }
}
