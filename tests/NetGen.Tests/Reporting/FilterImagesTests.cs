using NetGen.Reporting;
using NetGen.Tests.Networks;
using SkiaSharp;

namespace NetGen.Tests.Reporting;

public sealed class FilterImagesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-filters-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_filter_is_drawn_mid_grey_for_zero_white_for_its_largest_weight_and_black_for_its_most_negative()
    {
        var network = new HandConvolution();
        new float[] { 2f, 0f, -2f, 1f }.CopyTo(network.GetParameters("conv1.weight")); // [1, 1, 2, 2]
        string path = Path.Combine(_folder, "filters.png");

        network.SaveFilterImages("conv1.weight", path, pixelsPerWeight: 1);

        using SKBitmap image = SKBitmap.Decode(path);
        // One 2×2 tile inside a 2-pixel border: 2 + 2 + 2 pixels each way.
        Assert.Equal((6, 6), (image.Width, image.Height));
        Assert.Equal([255, 128, 0, 191], new[] { image.GetPixel(2, 2), image.GetPixel(3, 2), image.GetPixel(2, 3), image.GetPixel(3, 3) }.Select(pixel => (int)pixel.Red));
        Assert.Equal(["filters.png"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_dense_layer_s_units_are_drawn_as_square_images_of_their_inputs()
    {
        // fc1.weight [3, 36]: three 6×6 tiles, two columns and two rows, 8 pixels a weight (tiles of 48).
        var network = new SmallConvClassifier(seed: 1);
        string path = Path.Combine(_folder, "units.png");

        network.SaveFilterImages("fc1.weight", path);

        using SKBitmap image = SKBitmap.Decode(path);
        Assert.Equal((2 + 2 * 50, 2 + 2 * 50), (image.Width, image.Height));
    }

    [Fact]
    public void Only_weights_with_an_image_shape_can_be_drawn()
    {
        var network = new StridedSameConvRegressor(seed: 1);
        string path = Path.Combine(_folder, "x.png");

        Assert.Contains("is not a dense layer's", Assert.Throws<ArgumentException>(() => network.SaveFilterImages("conv1.bias", path)).Message);
        // fc1.weight [5, 32]: 32 inputs are not the 8×7 input image, nor a square.
        Assert.Contains("neither the network's input image (1×8×7) nor a square", Assert.Throws<ArgumentException>(() => network.SaveFilterImages("fc1.weight", path)).Message);
        Assert.Contains("has no tensor 'conv9.weight'", Assert.Throws<ArgumentException>(() => network.SaveFilterImages("conv9.weight", path)).Message);
        Assert.Contains("does not end in .png", Assert.Throws<ArgumentException>(() => network.SaveFilterImages("conv1.weight", Path.Combine(_folder, "x.jpg"))).Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
