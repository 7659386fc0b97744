using System.Buffers.Binary;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Reporting;

public sealed class HistoryPlotTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-plot-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Saves_a_png_of_the_requested_size(bool withValidation, bool regressor)
    {
        // A regressor's right-hand panel is its mean absolute error: it has no accuracy to draw.
        Dataset data = regressor ? TestData.Regression(40, inputs: 4, outputs: 2, seed: 1) : TestData.Classification(40, [9], classes: 3, seed: 1);
        Model network = regressor ? new LinearRegressor(seed: 1) : new ReluIdentityClassifier(seed: 1);
        History history = network.Fit(data, new Sgd(0.1f), epochs: 4, batchSize: 8, validationSplit: withValidation ? 0.25 : 0);
        string path = Path.Combine(_folder, "training.png");

        history.SavePlot(path, width: 640, height: 320);

        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, png[..8]);
        // The first chunk is IHDR: length (4 bytes), "IHDR", then width and height, big-endian.
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(640, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(320, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(["training.png"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void An_empty_history_or_a_path_that_is_not_png_is_refused()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 1);
        History history = new ReluIdentityClassifier(seed: 1).Fit(data, new Sgd(0.1f), epochs: 1);

        Assert.Throws<ArgumentException>(() => new History().SavePlot(Path.Combine(_folder, "empty.png")));
        var error = Assert.Throws<ArgumentException>(() => history.SavePlot(Path.Combine(_folder, "plot.jpg")));

        Assert.Contains("plot.jpg", error.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
