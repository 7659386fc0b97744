using ScottPlot;

namespace NetGen.Reporting;

/// <summary>Pictures of a training run.</summary>
public static class HistoryPlot
{
    /// <summary>
    /// Draws the learning curves of <paramref name="history"/> as a PNG: loss on the left, accuracy on
    /// the right (a regressor's mean absolute error instead), each with a training and (when there was
    /// validation) a validation curve over the epochs — the picture that shows over-fitting (validation turning up while training goes down)
    /// and the effect of a learning-rate change. The file appears complete or not at all.
    /// </summary>
    /// <param name="history">What <c>Model.Fit</c> returned; at least one epoch.</param>
    /// <param name="path">The PNG file to create or replace, e.g. <c>training.png</c>.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <exception cref="ArgumentException">The history is empty, or the path does not end in <c>.png</c>.</exception>
    public static void SavePlot(this History history, string path, int width = 1200, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (history.Epochs.Count == 0)
        {
            throw new ArgumentException("The history has no epochs to plot.", nameof(history));
        }
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"SavePlot writes PNG images; '{path}' does not end in .png.", nameof(path));
        }

        var figure = new Multiplot();
        figure.AddPlots(2);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        // Legends where the curves usually are not: loss falls, accuracy rises.
        DrawPanel(figure.GetPlot(0), history, "Loss", "loss", Alignment.UpperRight, epoch => epoch.Loss, evaluation => evaluation.Loss);
        if (history.Epochs[0].Accuracy is not null)
        {
            DrawPanel(figure.GetPlot(1), history, "Accuracy", "accuracy", Alignment.LowerRight, epoch => epoch.Accuracy ?? float.NaN, evaluation => evaluation.Accuracy ?? float.NaN);
        }
        else
        {
            DrawPanel(figure.GetPlot(1), history, "Mean absolute error", "mean absolute error", Alignment.UpperRight,
                epoch => epoch.Training.MeanAbsoluteError ?? float.NaN, evaluation => evaluation.MeanAbsoluteError ?? float.NaN);
        }

        // ScottPlot writes straight to the path it is given, so it is given a temporary one.
        ReplacingFile.Write(path, temporary => figure.SavePng(temporary, width, height));
    }

    /// <summary>One panel: the training curve and, where epochs were validated, the validation curve.</summary>
    private static void DrawPanel(
        Plot plot, History history, string title, string quantity, Alignment legend, Func<EpochMetrics, float> training, Func<Evaluation, float> validation)
    {
        double[] epochs = history.Epochs.Select(epoch => (double)epoch.Epoch).ToArray();
        var trainingCurve = plot.Add.Scatter(epochs, history.Epochs.Select(epoch => (double)training(epoch)).ToArray());
        trainingCurve.LegendText = $"training {quantity}";

        EpochMetrics[] validated = history.Epochs.Where(epoch => epoch.Validation is not null).ToArray();
        if (validated.Length > 0)
        {
            var validationCurve = plot.Add.Scatter(
                validated.Select(epoch => (double)epoch.Epoch).ToArray(),
                validated.Select(epoch => (double)validation(epoch.Validation!)).ToArray());
            validationCurve.LegendText = $"validation {quantity}";
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(quantity);
        plot.ShowLegend(legend);
    }
}
