using NetGen.Randomness;

namespace NetGen.Data;

/// <summary>
/// Random geometric changes to image samples while training — the course's "create more training
/// data" (a digit shifted by a pixel or turned a little is still the same digit): every sample of
/// every mini-batch is shifted by a whole number of pixels and rotated by a small angle about its
/// centre, with amounts drawn afresh from the model's <see cref="Rng"/>.
/// </summary>
/// <remarks>
/// <para>
/// Pass one to <c>Fit(…, augmentation: new ImageAugmentation(maxShift: 2, maxRotationDegrees: 10))</c>.
/// It applies to the training mini-batches only, never to validation, <see cref="Model.Evaluate(Dataset)"/> or
/// <c>Predict</c>, and it works on the raw samples before <see cref="InputNormalization"/>, so the zero
/// fill is the data's own zero (a black pixel), not the normalised mean.
/// </para>
/// <para>
/// Samples are images <c>[height, width]</c> or <c>[channels, height, width]</c> (the model's
/// input shape); all channels of a sample move together. Pixels that come from outside the image
/// are 0. Coordinates: x to the right, y down, the centre at ((W − 1) / 2, (H − 1) / 2), so that a
/// quarter turn of a square image maps pixel centres exactly onto pixel centres.
/// </para>
/// </remarks>
public sealed class ImageAugmentation
{
    /// <param name="maxShift">Largest shift in pixels, each axis drawn uniformly from [−maxShift, maxShift]; 0 for none.</param>
    /// <param name="maxRotationDegrees">Largest rotation, drawn uniformly from [−max, max) degrees; 0 for none. At most 180.</param>
    public ImageAugmentation(int maxShift = 2, float maxRotationDegrees = 10f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        if (!(maxRotationDegrees >= 0f && maxRotationDegrees <= 180f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxRotationDegrees), maxRotationDegrees, "The largest rotation must be between 0 and 180 degrees.");
        }
        MaxShift = maxShift;
        MaxRotationDegrees = maxRotationDegrees;
    }

    /// <summary>Largest shift, in whole pixels, along each axis.</summary>
    public int MaxShift { get; }

    /// <summary>Largest rotation, in degrees either way.</summary>
    public float MaxRotationDegrees { get; }

    /// <summary>
    /// Draws a shift and an angle for one sample from <paramref name="random"/> (shift x, shift y,
    /// then the angle; only those that are enabled) and writes the transformed
    /// <paramref name="source"/> to <paramref name="destination"/>. Allocates nothing.
    /// </summary>
    /// <param name="source">One sample, laid out as <paramref name="sampleShape"/>.</param>
    /// <param name="destination">Where the augmented sample goes; not overlapping <paramref name="source"/>.</param>
    /// <param name="sampleShape"><c>[height, width]</c> or <c>[channels, height, width]</c>.</param>
    /// <param name="random">The model's generator, so that a seed fixes every augmentation.</param>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> sampleShape, Rng random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int shiftX = 0, shiftY = 0;
        float degrees = 0f;
        if (MaxShift > 0)
        {
            shiftX = random.NextInt(2 * MaxShift + 1) - MaxShift;
            shiftY = random.NextInt(2 * MaxShift + 1) - MaxShift;
        }
        if (MaxRotationDegrees > 0f)
        {
            degrees = random.NextSingle(-MaxRotationDegrees, MaxRotationDegrees);
        }
        Transform(source, destination, sampleShape, shiftX, shiftY, degrees);
    }

    /// <summary>
    /// The deterministic transform behind <see cref="Apply"/>: rotates the image by
    /// <paramref name="rotationDegrees"/> about its centre (positive turns counter-clockwise as the
    /// image is displayed, as in PIL and torchvision), then moves it <paramref name="shiftX"/> pixels
    /// right and <paramref name="shiftY"/> pixels down. Values between pixel centres are bilinear;
    /// a rotation of 0 is an exact whole-pixel copy.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is not an image shape, or a span does not hold one sample of it.</exception>
    public static void Transform(
        ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> sampleShape, int shiftX, int shiftY, float rotationDegrees)
    {
        (int channels, int height, int width) = ImageDimensions(sampleShape);
        int size = channels * height * width;
        if (source.Length != size || destination.Length != size)
        {
            throw new ArgumentException(
                $"An image of {Dataset.FormatShape(sampleShape.ToArray())} has {size} numbers; the source has {source.Length} and the destination {destination.Length}.",
                nameof(destination));
        }
        if (!float.IsFinite(rotationDegrees))
        {
            throw new ArgumentOutOfRangeException(nameof(rotationDegrees), rotationDegrees, "The rotation must be a finite number of degrees.");
        }
        if (rotationDegrees == 0f)
        {
            Shift(source, destination, channels, height, width, shiftX, shiftY);
        }
        else
        {
            RotateAndShift(source, destination, channels, height, width, shiftX, shiftY, rotationDegrees);
        }
    }

    /// <summary>
    /// (channels, height, width) of an image sample shape, for the model's input shape.
    /// </summary>
    /// <exception cref="ArgumentException">The shape has 1 or more than 3 dimensions.</exception>
    internal static (int Channels, int Height, int Width) ImageDimensions(ReadOnlySpan<int> sampleShape) => sampleShape.Length switch
    {
        2 => (1, sampleShape[0], sampleShape[1]),
        3 => (sampleShape[0], sampleShape[1], sampleShape[2]),
        _ => throw new ArgumentException(
            $"Image augmentation needs samples shaped [height, width] or [channels, height, width]; these are [{string.Join(", ", sampleShape.ToArray())}].",
            nameof(sampleShape)),
    };

    /// <summary>destination[c, y, x] = source[c, y − shiftY, x − shiftX], 0 where that is outside the image.</summary>
    private static void Shift(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width, int shiftX, int shiftY)
    {
        destination.Clear();
        // The destination columns [x0, x1) read source columns [x0 − shiftX, x1 − shiftX), all inside the image.
        int x0 = Math.Max(0, shiftX), x1 = Math.Min(width, width + shiftX);
        if (x0 >= x1)
        {
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            int plane = c * height * width;
            for (int y = Math.Max(0, shiftY); y < Math.Min(height, height + shiftY); y++)
            {
                int sourceRow = plane + (y - shiftY) * width, destinationRow = plane + y * width;
                source.Slice(sourceRow + x0 - shiftX, x1 - x0).CopyTo(destination.Slice(destinationRow + x0, x1 - x0));
            }
        }
    }

    /// <summary>
    /// Inverse mapping: each destination pixel p reads the source at R(−θ)(p − shift − centre) + centre,
    /// bilinearly. With y pointing down, a counter-clockwise turn by θ (as displayed) sends an offset
    /// (u, v) from the centre to (u cos θ + v sin θ, −u sin θ + v cos θ); its inverse, used here, is
    /// (u cos θ − v sin θ, u sin θ + v cos θ).
    /// </summary>
    private static void RotateAndShift(
        ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width, int shiftX, int shiftY, float rotationDegrees)
    {
        // cos and sin in double, then rounded: a quarter turn gives cos = 6e-17, which vanishes when added
        // to pixel coordinates, so 90° maps pixel centres exactly (float's cos(π/2) would be 4e-8 off).
        double radians = rotationDegrees * (Math.PI / 180.0);
        float cos = (float)Math.Cos(radians), sin = (float)Math.Sin(radians);
        float centreX = (width - 1) * 0.5f, centreY = (height - 1) * 0.5f;
        int planeSize = height * width;
        for (int y = 0; y < height; y++)
        {
            float v = y - shiftY - centreY;
            for (int x = 0; x < width; x++)
            {
                float u = x - shiftX - centreX;
                float sourceX = u * cos - v * sin + centreX;
                float sourceY = u * sin + v * cos + centreY;
                int left = (int)MathF.Floor(sourceX), top = (int)MathF.Floor(sourceY);
                float fractionX = sourceX - left, fractionY = sourceY - top;
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> plane = source.Slice(c * planeSize, planeSize);
                    float upper = Lerp(Pixel(plane, width, height, left, top), Pixel(plane, width, height, left + 1, top), fractionX);
                    float lower = Lerp(Pixel(plane, width, height, left, top + 1), Pixel(plane, width, height, left + 1, top + 1), fractionX);
                    destination[c * planeSize + y * width + x] = Lerp(upper, lower, fractionY);
                }
            }
        }
    }

    /// <summary>Linear interpolation written as a(1 − t) + b·t, so that t = 0 and t = 1 give a and b exactly.</summary>
    private static float Lerp(float a, float b, float t) => a * (1f - t) + b * t;

    /// <summary>The pixel at (x, y), or 0 outside the image (the zero fill).</summary>
    private static float Pixel(ReadOnlySpan<float> plane, int width, int height, int x, int y) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? plane[y * width + x] : 0f;
}
