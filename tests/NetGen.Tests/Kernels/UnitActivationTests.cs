using NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The unit-wise rectifiers' forward passes against their definitions, and PReLU's slope gradient added into its slice
/// (the gradients are otherwise checked through generated networks).
/// </summary>
public sealed class UnitActivationTests
{
    private const int Batch = 50, Units = 40;

    [Fact]
    public void Parametric_ReLU_scales_negative_inputs_by_each_units_slope_and_keeps_z()
    {
        float[] z = Values(), values = (float[])z.Clone(), kept = new float[z.Length];
        float[] slopes = Enumerable.Range(0, Units).Select(unit => unit * 0.01f).ToArray();

        UnitActivations.PReLUForward(values, kept, slopes, Batch, Units, DropoutParameters.None);

        Assert.Equal(z, kept);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(z[i] >= 0 ? z[i] : slopes[i % Units] * z[i], values[i]);
        }
    }

    [Fact]
    public void Parametric_ReLU_adds_its_slope_gradient_into_what_the_slice_holds()
    {
        float[] z = Values(), upstream = TestData.Uniform(new Randomness.Rng(10), Batch * Units), delta = (float[])upstream.Clone();
        float[] slopes = Enumerable.Range(0, Units).Select(unit => unit * 0.01f).ToArray();
        float[] before = TestData.Uniform(new Randomness.Rng(11), Units), slopeGradient = (float[])before.Clone();

        UnitActivations.PReLUBackward(delta, z, slopes, slopeGradient, Batch, Units, DropoutParameters.None);

        for (int unit = 0; unit < Units; unit++)
        {
            double sum = Enumerable.Range(0, Batch).Select(row => row * Units + unit).Where(i => z[i] < 0).Sum(i => (double)upstream[i] * z[i]);
            Assert.Equal(before[unit] + sum, slopeGradient[unit], 1e-5);
        }
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(z[i] >= 0 ? upstream[i] : upstream[i] * slopes[i % Units], delta[i]);
        }
    }

    [Fact]
    public void Randomized_ReLU_draws_slopes_in_its_range_in_training_and_uses_their_mean_in_inference()
    {
        float[] z = Enumerable.Repeat(-1f, Batch * Units).ToArray();
        float[] training = (float[])z.Clone(), again = (float[])z.Clone(), other = (float[])z.Clone(), inference = (float[])z.Clone();
        var kept = new float[z.Length];

        UnitActivations.RReLUForward(training, kept, Batch, Units, training: true, slopeKey: 3, DropoutParameters.None);
        UnitActivations.RReLUForward(again, kept, Batch, Units, training: true, slopeKey: 3, DropoutParameters.None);
        UnitActivations.RReLUForward(other, kept, Batch, Units, training: true, slopeKey: 4, DropoutParameters.None);
        UnitActivations.RReLUForward(inference, kept, Batch, Units, training: false, slopeKey: 3, DropoutParameters.None);

        float[] slopes = training.Select(a => -a).ToArray();
        Assert.All(slopes, slope => Assert.InRange(slope, 1f / 8, 1f / 3));
        Assert.InRange(slopes.Average(), 11f / 48 - 0.01f, 11f / 48 + 0.01f);
        Assert.Equal(training, again);
        Assert.NotEqual(training, other);
        Assert.All(inference, a => Assert.Equal(-11f / 48, a, 6));
    }

    [Fact]
    public void Bipolar_ReLU_keeps_the_positive_half_on_even_units_and_the_negative_half_on_odd_units()
    {
        float[] z = Values(), values = (float[])z.Clone(), kept = new float[z.Length];

        UnitActivations.BipolarReLUForward(values, kept, Batch, Units, DropoutParameters.None);

        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(i % Units % 2 == 0 ? Math.Max(z[i], 0f) : Math.Min(z[i], 0f), values[i]);
        }
    }

    private static float[] Values() => TestData.Uniform(new Randomness.Rng(9), Batch * Units);
}
