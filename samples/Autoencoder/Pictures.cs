using ScottPlot;
using SkiaSharp;

namespace Autoencoder;

/// <summary>The sample's two pictures: codes in the plane, and images over their reconstructions.</summary>
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

    /// <summary>
    /// A grid of 28×28 images: one row per entry of <paramref name="rows"/> (the test images, then each method's
    /// reconstructions of them), one column per image, pixels in [0, 1] drawn white on black.
    /// </summary>
    public static void SaveGrid(string path, IReadOnlyList<float[]> rows, int columns)
    {
        const int Side = 28, Scale = 3, Gap = 4;
        int cell = Side * Scale;
        using var bitmap = new SKBitmap(Gap + columns * (cell + Gap), Gap + rows.Count * (cell + Gap));
        bitmap.Erase(new SKColor(64, 64, 96));
        for (int row = 0; row < rows.Count; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                int top = Gap + row * (cell + Gap), left = Gap + column * (cell + Gap);
                for (int y = 0; y < Side * Scale; y++)
                {
                    for (int x = 0; x < Side * Scale; x++)
                    {
                        float value = rows[row][column * Side * Side + y / Scale * Side + x / Scale];
                        byte level = (byte)Math.Clamp(MathF.Round(value * 255), 0, 255);
                        bitmap.SetPixel(left + x, top + y, new SKColor(level, level, level));
                    }
                }
            }
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(path);
        png.SaveTo(file);
    }
}
