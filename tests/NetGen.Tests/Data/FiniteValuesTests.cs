using NetGen.Data;

namespace NetGen.Tests.Data;

/// <summary>
/// The finiteness check Fit runs over the training set, which reads whole registers and searches only the first one
/// that is not all finite: every position of a data set whose length is no multiple of a register (77 floats, so
/// there is a tail after the registers of 8 or 16), for NaN, +∞ and −∞, must be found at its own sample and offset.
/// </summary>
public sealed class FiniteValuesTests
{
    private const int Samples = 7, SampleSize = 11;

    [Fact]
    public void Extreme_but_finite_numbers_pass()
    {
        float[] features = new float[Samples * SampleSize];
        float[] extremes = [float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, -0f, 1e-40f];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = extremes[i % extremes.Length];
        }

        Assert.Null(Data(features).FindNonFinite());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_number_is_found_wherever_it_is(float bad)
    {
        for (int position = 0; position < Samples * SampleSize; position++)
        {
            float[] features = Enumerable.Range(0, Samples * SampleSize).Select(i => i * 0.5f - 10f).ToArray();
            features[position] = bad;
            if (position + 5 < features.Length)
            {
                features[position + 5] = float.NaN; // a later one, in the same register or the next: the first is named
            }

            Assert.Equal((position / SampleSize, position % SampleSize), Data(features).FindNonFinite());
        }
    }

    private static Dataset Data(float[] features) =>
        Dataset.FromLabels(features, [SampleSize], Enumerable.Range(0, Samples).Select(i => i % 3).ToArray(), 3);
}
