using SkiaSharp;

namespace NetGen.Reporting;

/// <summary>
/// The course's question "what does this unit detect?", answered by looking: a layer's weights drawn as images, one
/// tile per unit (or per filter and input channel), mid-grey for 0, lighter for positive and darker for negative
/// weights, each tile scaled by its own largest |weight| so that weak and strong units are equally visible.
/// </summary>
public static class FilterImages
{
    /// <summary>
    /// Draws the weight tensor <paramref name="tensorName"/> as one PNG grid of tiles:
    /// a convolution's <c>[filters, C, kh, kw]</c> as a kh × kw tile per filter (a row of C tiles per filter when
    /// C &gt; 1); a dense layer's <c>[units, inputs]</c> as one tile per unit, shaped like the network's input image
    /// (28 × 28 for MNIST) when its inputs are the input's pixels, or as a square when they are a square number.
    /// The file appears complete or not at all.
    /// </summary>
    /// <param name="model">The network, trained or not.</param>
    /// <param name="tensorName">A weight tensor, e.g. <c>c1.weight</c> or <c>fc1.weight</c>.</param>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <param name="pixelsPerWeight">Each weight's square side in pixels; 0 picks one that makes tiles about 48 pixels wide.</param>
    /// <exception cref="ArgumentException">
    /// The tensor is not a 2- or 4-dimensional weight, a dense layer's inputs have no image shape, or the path does not end in <c>.png</c>.
    /// </exception>
    public static void SaveFilterImages(this Model model, string tensorName, string path, int pixelsPerWeight = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(pixelsPerWeight);
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"SaveFilterImages writes PNG images; '{path}' does not end in .png.", nameof(path));
        }
        ParameterTensor tensor = model.Description.Tensors.FirstOrDefault(candidate => candidate.Name == tensorName)
            ?? throw new ArgumentException(
                $"{model.Description.Name} has no tensor '{tensorName}'; its weights are {string.Join(", ", model.Description.Tensors.Where(t => t.Role == ParameterRole.Weight).Select(t => t.Name))}.",
                nameof(tensorName));
        TileLayout layout = Layout(model.Description, tensor);
        ReadOnlySpan<float> weights = model.GetParameters(tensorName);

        int scale = pixelsPerWeight > 0 ? pixelsPerWeight : Math.Max(1, (int)Math.Ceiling(48.0 / Math.Max(layout.TileHeight, layout.TileWidth)));
        const int gap = 2;
        int tileHeight = layout.TileHeight * scale, tileWidth = layout.TileWidth * scale;
        using var bitmap = new SKBitmap(gap + layout.Columns * (tileWidth + gap), gap + layout.Rows * (tileHeight + gap));
        bitmap.Erase(new SKColor(32, 32, 32));
        int tileSize = layout.TileHeight * layout.TileWidth;
        for (int tile = 0; tile < layout.Tiles; tile++)
        {
            ReadOnlySpan<float> values = weights.Slice(tile * tileSize, tileSize);
            float largest = 0f;
            foreach (float value in values)
            {
                largest = Math.Max(largest, Math.Abs(value));
            }
            int top = gap + tile / layout.Columns * (tileHeight + gap), left = gap + tile % layout.Columns * (tileWidth + gap);
            for (int y = 0; y < layout.TileHeight; y++)
            {
                for (int x = 0; x < layout.TileWidth; x++)
                {
                    float shade = largest > 0 ? values[y * layout.TileWidth + x] / largest : 0f; // in [−1, 1]
                    byte level = (byte)Math.Clamp((int)MathF.Round(127.5f + 127.5f * shade), 0, 255);
                    var color = new SKColor(level, level, level);
                    for (int dy = 0; dy < scale; dy++)
                    {
                        for (int dx = 0; dx < scale; dx++)
                        {
                            bitmap.SetPixel(left + x * scale + dx, top + y * scale + dy, color);
                        }
                    }
                }
            }
        }

        ReplacingFile.Write(path, temporary =>
        {
            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, quality: 100);
            using FileStream file = File.Create(temporary);
            png.SaveTo(file);
        });
    }

    /// <summary>How many tiles of what shape, in how many rows and columns.</summary>
    private readonly record struct TileLayout(int Tiles, int TileHeight, int TileWidth, int Rows, int Columns);

    private static TileLayout Layout(ModelDescription description, ParameterTensor tensor)
    {
        int[] shape = tensor.Shape;
        if (tensor.Role != ParameterRole.Weight || shape.Length is not (2 or 4))
        {
            throw new ArgumentException(
                $"'{tensor.Name}' {tensor.ShapeText} is not a dense layer's [units, inputs] or a convolution's [filters, channels, kh, kw] weight.", nameof(tensor));
        }
        if (shape.Length == 4)
        {
            // One filter a row when it reads several channels; a near-square grid of single-channel filters.
            return shape[1] > 1
                ? new TileLayout(shape[0] * shape[1], shape[2], shape[3], shape[0], shape[1])
                : Square(shape[0], shape[2], shape[3]);
        }
        int inputs = shape[1];
        int[] image = description.InputShape;
        if (image.Length >= 2 && image[^1] * image[^2] == inputs)
        {
            return Square(shape[0], image[^2], image[^1]);
        }
        int side = (int)Math.Round(Math.Sqrt(inputs));
        if (side * side == inputs)
        {
            return Square(shape[0], side, side);
        }
        throw new ArgumentException(
            $"'{tensor.Name}' {tensor.ShapeText}: its {inputs} inputs are neither the network's input image ({string.Join("×", image)}) nor a square, so there is no image to draw per unit.",
            nameof(tensor));
    }

    private static TileLayout Square(int tiles, int height, int width)
    {
        int columns = (int)Math.Ceiling(Math.Sqrt(tiles));
        return new TileLayout(tiles, height, width, (tiles + columns - 1) / columns, columns);
    }
}
