using ScottPlot;

namespace Autoencoder;

/// <summary>The codes in the plane; the images over their reconstructions are an <c>ImageGrid</c>.</summary>
internal static class Pictures
{
    private static readonly string[] FashionClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// The paper's figure 3: each test image's 2-D code as a point coloured by its class, the autoencoder's on the left,
    /// PCA's first two components on the right.
    /// </summary>
    public static void SaveCodes(string path, float[] autoencoderCodes, double[,] pcaCodes, int[] labels, bool fashion)
    {
        var figure = new Multiplot();
        figure.AddPlots(2);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Draw(figure.GetPlot(0), "784-1000-500-250-2 autoencoder", i => autoencoderCodes[2 * i], i => autoencoderCodes[2 * i + 1]);
        Draw(figure.GetPlot(1), "PCA, first two components", i => pcaCodes[i, 0], i => pcaCodes[i, 1]);
        figure.SavePng(path, 1600, 760);

        void Draw(Plot plot, string title, Func<int, double> x, Func<int, double> y)
        {
            var palette = new ScottPlot.Palettes.Category10();
            for (int label = 0; label < 10; label++)
            {
                int[] members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
                var points = plot.Add.ScatterPoints(members.Select(x).ToArray(), members.Select(y).ToArray());
                points.Color = palette.GetColor(label).WithAlpha(0.6);
                points.MarkerSize = 3;
                points.LegendText = fashion ? FashionClasses[label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            plot.Title(title);
            plot.ShowLegend(Alignment.UpperRight);
        }
    }
}
