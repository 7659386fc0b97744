using NetGen.Optimizers;

namespace NetGen.Tests.Optimizers;

/// <summary>Clipping by global norm, as PyTorch's <c>clip_grad_norm_</c> then the optimizer's step.</summary>
public sealed class GradientClippingTests
{
    [Fact]
    public void Gradients_over_the_norm_are_scaled_to_it_and_others_left_alone()
    {
        // ‖(3, 4, 0, 12)‖ = 13: clipped to 1, each gradient is scaled by 1 / (13 + 1e-6).
        float[] gradients = [3, 4, 0, 12];
        float[] parameters = [1, 1, 1, 1];
        var sgd = new Sgd(0.5f) { GlobalClipNorm = 1f };

        sgd.Step(parameters, gradients);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(1 - 0.5 * gradients[i] / (13 + 1e-6), parameters[i], 6);
        }
        Assert.Equal([3f, 4, 0, 12], gradients);

        float[] small = [0.3f, 0.4f, 0, 0];
        float[] untouched = [1, 1, 1, 1];
        sgd.Step(untouched, small);
        Assert.Equal([1 - 0.15f, 1 - 0.2f, 1, 1], untouched);
    }

    [Fact]
    public void Every_optimizer_clips_before_its_rule_and_allocates_nothing_after_the_first_clip()
    {
        // The same step from gradients pre-scaled by hand and from clipping: an Adam step sees only the scaled ones.
        var random = new Randomness.Rng(3);
        float[] gradients = TestData.Uniform(random, 1000).Select(g => 5 * g).ToArray();
        double norm = Math.Sqrt(gradients.Sum(g => (double)g * g));
        float[] scaled = gradients.Select(g => (float)(g * (2.0 / (norm + 1e-6)))).ToArray();
        float[] clippedParameters = new float[1000], expectedParameters = new float[1000];
        var clipping = new Adam(0.01f) { GlobalClipNorm = 2f };
        var reference = new Adam(0.01f);

        clipping.Step(clippedParameters, gradients);
        reference.Step(expectedParameters, scaled);

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(expectedParameters[i], clippedParameters[i], 6);
        }
        Assert.Equal(0, AllocationCounter.BytesAllocatedBy(() => clipping.Step(clippedParameters, gradients)));
    }

    [Fact]
    public void A_negative_or_non_finite_norm_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f) { GlobalClipNorm = -1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f) { GlobalClipNorm = float.NaN });
    }
}
