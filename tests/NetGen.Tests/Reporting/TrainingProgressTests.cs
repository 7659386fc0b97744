using System.Globalization;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Reporting;

public sealed class TrainingProgressTests
{
    [Fact]
    public void Plain_output_has_one_line_per_epoch_with_its_metrics()
    {
        Dataset data = TestData.Classification(40, [9], classes: 3, seed: 1);
        var output = new StringWriter();

        History history = new ReluIdentityClassifier(seed: 1).Fit(
            data, new Sgd(0.1f), epochs: 3, batchSize: 8, validationSplit: 0.25, callbacks: [new TrainingProgress(output)]);

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            EpochMetrics epoch = history.Epochs[i];
            Assert.StartsWith($"epoch {i + 1}/3 - ", lines[i]);
            Assert.Contains(Invariant($"loss: {epoch.Loss:F4}"), lines[i]);
            Assert.Contains(Invariant($"accuracy: {epoch.Accuracy:F4}"), lines[i]);
            Assert.Contains(Invariant($"val_loss: {epoch.Validation!.Loss:F4}"), lines[i]);
            Assert.Contains(Invariant($"val_accuracy: {epoch.Validation!.Accuracy:F4}"), lines[i]);
            Assert.Contains("lr: 0.1", lines[i]);
            Assert.Contains("samples/s", lines[i]);
        }
    }

    [Fact]
    public void The_line_is_the_same_whatever_the_culture_and_omits_missing_validation()
    {
        var epoch = new EpochMetrics(2, 0.5f, 0.75f, null, TimeSpan.FromSeconds(1.5), 12345.6, 0.05f);
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            string line = TrainingProgress.FormatEpoch(epoch, epochs: 10);

            Assert.Equal("epoch 2/10 - 1.5s - loss: 0.5000 - accuracy: 0.7500 - lr: 0.05 - 12,346 samples/s", line);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
