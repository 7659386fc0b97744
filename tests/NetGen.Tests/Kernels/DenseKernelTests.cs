using NetGen.Kernels;
using NetGen.Randomness;

namespace NetGen.Tests.Kernels;

/// <summary>The blocked kernels against plain triple loops in double, over sizes that hit every tile and tail.</summary>
public sealed class DenseKernelTests
{
    /// <summary>Float sums of up to 100 products of numbers in [−1, 1] round to within about 1e-5; a wrong index is off by ~0.1.</summary>
    private const double Tolerance = 1e-4;

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 3, 5, 2 }, { 4, 16, 2 }, { 5, 17, 3 }, { 8, 33, 7 }, { 13, 40, 9 }, { 100, 64, 10 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_applies_weights_bias_and_activation(int batch, int inputs, int outputs)
    {
        var random = new Rng(1);
        float[] x = TestData.Uniform(random, batch * inputs), w = TestData.Uniform(random, outputs * inputs), b = TestData.Uniform(random, outputs);
        var actual = new float[batch * outputs];

        Dense.Forward<Tanh>(x, w, b, actual, batch, inputs, outputs);

        for (int row = 0; row < batch; row++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double z = b[o];
                for (int i = 0; i < inputs; i++)
                {
                    z += (double)x[row * inputs + i] * w[o * inputs + i];
                }
                Assert.Equal(Math.Tanh(z), actual[row * outputs + o], Tolerance);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Parameter_gradients_are_delta_transposed_times_input(int batch, int inputs, int outputs)
    {
        var random = new Rng(2);
        float[] delta = TestData.Uniform(random, batch * outputs), x = TestData.Uniform(random, batch * inputs);
        float[] dW = Enumerable.Repeat(float.NaN, outputs * inputs).ToArray(), db = Enumerable.Repeat(float.NaN, outputs).ToArray();

        Dense.ParameterGradients(delta, x, dW, db, batch, inputs, outputs);

        for (int o = 0; o < outputs; o++)
        {
            Assert.Equal(Enumerable.Range(0, batch).Sum(row => (double)delta[row * outputs + o]), db[o], Tolerance);
            for (int i = 0; i < inputs; i++)
            {
                double expected = Enumerable.Range(0, batch).Sum(row => (double)delta[row * outputs + o] * x[row * inputs + i]);
                Assert.Equal(expected, dW[o * inputs + i], Tolerance);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Input_delta_is_delta_times_weights_times_the_derivative(int batch, int inputs, int outputs)
    {
        var random = new Rng(3);
        float[] delta = TestData.Uniform(random, batch * outputs), w = TestData.Uniform(random, outputs * inputs);
        float[] a = TestData.Uniform(random, batch * inputs).Select(value => 0.5f + 0.4f * value).ToArray(); // sigmoid outputs in (0, 1)
        var actual = new float[batch * inputs];

        Dense.InputDelta<Sigmoid>(delta, w, a, actual, batch, inputs, outputs);

        for (int row = 0; row < batch; row++)
        {
            for (int i = 0; i < inputs; i++)
            {
                double sum = Enumerable.Range(0, outputs).Sum(o => (double)delta[row * outputs + o] * w[o * inputs + i]);
                double derivative = a[row * inputs + i] * (1.0 - a[row * inputs + i]);
                Assert.Equal(sum * derivative, actual[row * inputs + i], Tolerance);
            }
        }
    }

    [Fact]
    public void Kernels_name_the_argument_whose_length_is_wrong()
    {
        var error = Assert.Throws<ArgumentException>(() => Dense.Forward<Identity>(new float[6], new float[3], new float[2], new float[6], 3, 2, 2));

        Assert.Equal("weight", error.ParamName);
        Assert.Contains("weight [O, I] needs 4 numbers but has 3", error.Message);
    }

    [Theory]
    [InlineData(-30f)]
    [InlineData(-2f)]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(30f)]
    public void Vector_and_scalar_activations_agree(float z)
    {
        var vector = new System.Numerics.Vector<float>(z);
        Assert.Equal(Sigmoid.Forward(z), Sigmoid.Forward(vector)[0], 6);
        Assert.Equal(Tanh.Forward(z), Tanh.Forward(vector)[0], 6);
        Assert.Equal(ReLU.Forward(z), ReLU.Forward(vector)[0]);
        Assert.Equal(MathF.Tanh(z), Tanh.Forward(z));
        Assert.Equal(1.0 / (1.0 + Math.Exp(-z)), Sigmoid.Forward(z), 6);
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_survive_large_logits()
    {
        float[] logits = [1000f, 1001f, 999f, -5f, 0f, 5f];

        Softmax.Rows(logits, batch: 2, width: 3);

        Assert.Equal(1f, logits[0] + logits[1] + logits[2], 6);
        Assert.Equal(1f, logits[3] + logits[4] + logits[5], 6);
        Assert.Equal(Math.Exp(1) / (1 + Math.Exp(1) + Math.Exp(-1)), logits[1], 6);
        Assert.All(logits, p => Assert.True(float.IsFinite(p)));
    }
}
