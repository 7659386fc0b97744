using SkiaSharp;

namespace NetGen.Reporting;

/// <summary>
/// Images in rows, one PNG: test images over their reconstructions, samples from a Gibbs chain. Each image is a
/// height × width block of values in [0, 1], drawn black (0) to white (1).
/// </summary>
public static class ImageGrid
{
    /// <summary>
    /// Draws <paramref name="rows"/> as a grid: row r holds <paramref name="columns"/> images taken one after another from
    /// <c>rows[r]</c> (<c>[columns, height · width]</c>, row-major). The file appears complete or not at all.
    /// </summary>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <param name="rows">Each row's images, flat.</param>
    /// <param name="columns">Images per row.</param>
    /// <param name="height">Pixels per image, down.</param>
    /// <param name="width">Pixels per image, across.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    /// <exception cref="ArgumentException">A row holds fewer than <paramref name="columns"/> images, or the path does not end in <c>.png</c>.</exception>
    public static void Save(string path, IReadOnlyList<float[]> rows, int columns, int height = 28, int width = 28, int scale = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"ImageGrid writes PNG images; '{path}' does not end in .png.", nameof(path));
        }
        for (int row = 0; row < rows.Count; row++)
        {
            if (rows[row].Length < columns * height * width)
            {
                throw new ArgumentException($"Row {row} holds {rows[row].Length} values, fewer than {columns} images of {height}×{width}.", nameof(rows));
            }
        }
        const int Gap = 4;
        int cellHeight = height * scale, cellWidth = width * scale;
        using var bitmap = new SKBitmap(Gap + columns * (cellWidth + Gap), Gap + rows.Count * (cellHeight + Gap));
        bitmap.Erase(new SKColor(64, 64, 96));
        for (int row = 0; row < rows.Count; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                int top = Gap + row * (cellHeight + Gap), left = Gap + column * (cellWidth + Gap);
                for (int y = 0; y < cellHeight; y++)
                {
                    for (int x = 0; x < cellWidth; x++)
                    {
                        float value = rows[row][column * height * width + y / scale * width + x / scale];
                        byte level = (byte)Math.Clamp(MathF.Round(value * 255), 0, 255);
                        bitmap.SetPixel(left + x, top + y, new SKColor(level, level, level));
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
}
