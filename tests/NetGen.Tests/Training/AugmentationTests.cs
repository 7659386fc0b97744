using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Training;

public sealed class AugmentationTests
{
    [Fact]
    public void A_shift_moves_a_pixel_right_and_down_and_fills_with_zero()
    {
        // 4 × 5 image, one bright pixel at (x 1, y 2); every other pixel 0.5 so the zero fill shows.
        float[] image = Enumerable.Repeat(0.5f, 20).ToArray();
        image[2 * 5 + 1] = 9f;
        var shifted = new float[20];

        ImageAugmentation.Transform(image, shifted, [4, 5], shiftX: 2, shiftY: -1, rotationDegrees: 0f);

        Assert.Equal(9f, shifted[1 * 5 + 3]);
        Assert.Equal(1, shifted.Count(value => value == 9f));
        // Columns 0–1 come from outside the image (x − 2 < 0), as does the bottom row (y + 1 = 4).
        for (int y = 0; y < 4; y++)
        {
            Assert.Equal(0f, shifted[y * 5 + 0]);
            Assert.Equal(0f, shifted[y * 5 + 1]);
        }
        Assert.All(shifted.AsSpan(3 * 5, 5).ToArray(), value => Assert.Equal(0f, value));
        Assert.Equal(0.5f, shifted[0 * 5 + 2]);
    }

    [Fact]
    public void A_quarter_turn_counter_clockwise_maps_corners_exactly()
    {
        // 5 × 5, corners marked 1 (top-left), 2 (top-right), 3 (bottom-right), 4 (bottom-left).
        const int n = 5;
        var image = new float[n * n];
        image[0] = 1f;
        image[n - 1] = 2f;
        image[n * n - 1] = 3f;
        image[(n - 1) * n] = 4f;
        var rotated = new float[n * n];

        ImageAugmentation.Transform(image, rotated, [n, n], 0, 0, rotationDegrees: 90f);

        // Counter-clockwise as displayed: top-right goes to top-left, top-left to bottom-left, and so on.
        Assert.Equal(2f, rotated[0]);
        Assert.Equal(1f, rotated[(n - 1) * n]);
        Assert.Equal(4f, rotated[n * n - 1]);
        Assert.Equal(3f, rotated[n - 1]);
        Assert.Equal(10f, rotated.Sum());
    }

    [Fact]
    public void A_small_rotation_keeps_a_centred_blob_centred_and_its_mass()
    {
        // A Gaussian blob (σ 1.5 pixels) one pixel below the centre of a 15 × 15 image, far from the edges.
        const int n = 15;
        float centre = (n - 1) / 2f;
        float[] image = new float[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                float dx = x - centre, dy = y - centre - 1f;
                image[y * n + x] = MathF.Exp(-(dx * dx + dy * dy) / (2f * 1.5f * 1.5f));
            }
        }
        var rotated = new float[n * n];

        ImageAugmentation.Transform(image, rotated, [n, n], 0, 0, rotationDegrees: 8f);

        (double massBefore, double xBefore, double yBefore) = Moments(image, n);
        (double massAfter, double xAfter, double yAfter) = Moments(rotated, n);
        Assert.Equal(massBefore, massAfter, massBefore * 0.02);
        // The centre of mass sits d ≈ 1 pixel below the image centre. Turned 8° counter-clockwise (as
        // displayed, y pointing down) about the image centre, that offset (0, d) becomes (d sin 8°, d cos 8°).
        double offset = yBefore - centre;
        Assert.Equal(1.0, offset, 1e-3);
        Assert.Equal(centre, xBefore, 1e-3);
        Assert.Equal(centre + offset * Math.Sin(8 * Math.PI / 180), xAfter, 0.02);
        Assert.Equal(centre + offset * Math.Cos(8 * Math.PI / 180), yAfter, 0.02);
        Assert.NotEqual(image, rotated);
    }

    [Fact]
    public void Channels_of_a_sample_move_together()
    {
        // [2, 3, 4]: channel 1 is channel 0 times 10.
        float[] image = Enumerable.Range(0, 12).Select(i => (float)i + 1).ToArray();
        image = [.. image, .. image.Select(value => value * 10f)];
        var shifted = new float[24];

        ImageAugmentation.Transform(image, shifted, [2, 3, 4], shiftX: 1, shiftY: 1, rotationDegrees: 0f);

        Assert.Equal(image[0], shifted[1 * 4 + 1]);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(shifted[i] * 10f, shifted[12 + i]);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_augmentations_and_another_seed_others()
    {
        var augmentation = new ImageAugmentation(maxShift: 2, maxRotationDegrees: 15f);
        float[] image = TestData.Uniform(new Rng(1), 8 * 8);

        float[][] first = Augment(augmentation, image, seed: 11);
        float[][] second = Augment(augmentation, image, seed: 11);
        float[][] other = Augment(augmentation, image, seed: 12);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        // Fresh amounts for every sample: not all ten come out the same.
        Assert.True(first.Distinct(new ArrayComparer()).Count() > 1);
    }

    [Fact]
    public void Without_shift_or_rotation_the_sample_is_copied_and_no_random_number_drawn()
    {
        var augmentation = new ImageAugmentation(maxShift: 0, maxRotationDegrees: 0f);
        float[] image = TestData.Uniform(new Rng(2), 3 * 5);
        var copy = new float[15];
        var random = new Rng(3);

        augmentation.Apply(image, copy, [3, 5], random);

        Assert.Equal(image, copy);
        Assert.Equal(new Rng(3).NextUInt64(), random.NextUInt64());
    }

    [Fact]
    public void Fit_augments_the_training_batches_but_not_validation()
    {
        Dataset train = TestData.Classification(40, [2, 3, 7], classes: 10, seed: 1);
        Dataset validation = TestData.Classification(15, [2, 3, 7], classes: 10, seed: 2);
        var plain = new WideClassifier(seed: 5);
        var augmented = new WideClassifier(seed: 5);

        plain.Fit(train, new Sgd(0.1f), epochs: 2, batchSize: 8);
        History history = augmented.Fit(train, new Sgd(0.1f), epochs: 2, batchSize: 8, validation: validation,
            augmentation: new ImageAugmentation(maxShift: 1, maxRotationDegrees: 10f));

        Assert.NotEqual(plain.Parameters, augmented.Parameters);
        // Validation after the last epoch is the plain, deterministic evaluation.
        Assert.Equal(augmented.Evaluate(validation), history.Last!.Validation);
        Assert.Equal(augmented.Evaluate(validation), augmented.Evaluate(validation));
    }

    [Fact]
    public void Fit_refuses_to_augment_samples_that_are_not_images()
    {
        Dataset data = TestData.Classification(10, [9], classes: 3, seed: 1);
        var network = new ReluIdentityClassifier(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => network.Fit(data, new Sgd(), epochs: 1, augmentation: new ImageAugmentation()));

        Assert.Equal("augmentation", error.ParamName);
        Assert.Contains("[height, width]", error.Message);
    }

    [Fact]
    public void Out_of_range_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(maxShift: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(maxRotationDegrees: 181f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(maxRotationDegrees: float.NaN));
        Assert.Throws<ArgumentException>(() => ImageAugmentation.Transform(new float[9], new float[9], [9], 0, 0, 0f));
    }

    private static float[][] Augment(ImageAugmentation augmentation, float[] image, ulong seed)
    {
        var random = new Rng(seed);
        return Enumerable.Range(0, 10).Select(_ =>
        {
            var output = new float[image.Length];
            augmentation.Apply(image, output, [8, 8], random);
            return output;
        }).ToArray();
    }

    private static (double Mass, double X, double Y) Moments(float[] image, int n)
    {
        double mass = 0, x = 0, y = 0;
        for (int row = 0; row < n; row++)
        {
            for (int column = 0; column < n; column++)
            {
                double value = image[row * n + column];
                mass += value;
                x += value * column;
                y += value * row;
            }
        }
        return (mass, x / mass, y / mass);
    }

    private sealed class ArrayComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? left, float[]? right) => left.AsSpan().SequenceEqual(right);

        public int GetHashCode(float[] values) => values.Length == 0 ? 0 : values[0].GetHashCode();
    }
}
