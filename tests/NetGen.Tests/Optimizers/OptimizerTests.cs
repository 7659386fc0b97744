using NetGen.Optimizers;

namespace NetGen.Tests.Optimizers;

/// <summary>
/// Each optimizer against its published update rule, worked out here in double precision line by
/// line from the paper or the course (not from the optimizer's code), on a 37-element buffer so the
/// vector loop and the tail both run. The hyper-parameters are far from the defaults on purpose: an ε
/// of 1e-3 against squared gradients of 1e-4 tells ε inside a square root from ε outside it, a β of
/// 0.8 shows a missing bias correction.
/// </summary>
public sealed class OptimizerTests
{
    private const int Steps = 3;
    private const int N = OptimizerCases.Length;

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        const float eta = 0.05f;
        float[] actual = OptimizerCases.Run(new Sgd(eta), Steps);

        double[] theta = Start();
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                theta[i] -= eta * g[i];
            }
        }
        AssertClose(theta, actual);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Momentum_accumulates_a_velocity(bool nesterov)
    {
        const float eta = 0.05f, mu = 0.8f;
        var optimizer = new Momentum(eta, mu, nesterov);
        float[] actual = OptimizerCases.Run(optimizer, Steps);

        // Sutskever et al. 2013: v ← μv − ηg, θ ← θ + v; Nesterov (Keras): θ ← θ + μv − ηg with the new v.
        double[] theta = Start(), v = new double[N];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                v[i] = mu * v[i] - eta * g[i];
                theta[i] += nesterov ? mu * v[i] - eta * g[i] : v[i];
            }
        }
        AssertClose(theta, actual);
        AssertClose(v, optimizer.ExportState().Buffers["velocity"]);
    }

    [Fact]
    public void Momentum_equals_the_course_form_while_the_rate_is_constant()
    {
        // The course: ∇̄ ← ∇ + β∇̄, θ ← θ − η∇̄ (PyTorch's buffer), which is v = −η∇̄ rewritten.
        const float eta = 0.05f, beta = 0.8f;
        float[] actual = OptimizerCases.Run(new Momentum(eta, beta), Steps);

        double[] theta = Start(), average = new double[N];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                average[i] = g[i] + beta * average[i];
                theta[i] -= eta * average[i];
            }
        }
        AssertClose(theta, actual);
    }

    [Fact]
    public void Adagrad_divides_by_the_root_of_the_summed_squares_plus_epsilon()
    {
        // The course: γ ← γ + g², ∇̄ = g / √(γ + ε), θ ← θ − η∇̄ (ε inside the root).
        const float eta = 0.05f, epsilon = 1e-3f;
        var optimizer = new Adagrad(eta, epsilon);
        float[] actual = OptimizerCases.Run(optimizer, Steps);

        double[] theta = Start(), gamma = new double[N];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                gamma[i] += g[i] * g[i];
                theta[i] -= eta * g[i] / Math.Sqrt(gamma[i] + epsilon);
            }
        }
        AssertClose(theta, actual);
        AssertClose(gamma, optimizer.ExportState().Buffers["sum"]);
    }

    [Fact]
    public void RmsProp_divides_by_the_root_of_a_moving_average_of_squares_plus_epsilon()
    {
        // The course: γ ← βγ + (1 − β)g², ∇̄ = g / √(γ + ε), θ ← θ − η∇̄.
        const float eta = 0.01f, beta = 0.8f, epsilon = 1e-3f;
        var optimizer = new RmsProp(eta, beta, epsilon);
        float[] actual = OptimizerCases.Run(optimizer, Steps);

        double[] theta = Start(), gamma = new double[N];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                gamma[i] = beta * gamma[i] + (1 - beta) * g[i] * g[i];
                theta[i] -= eta * g[i] / Math.Sqrt(gamma[i] + epsilon);
            }
        }
        AssertClose(theta, actual);
        AssertClose(gamma, optimizer.ExportState().Buffers["square_avg"]);
    }

    [Fact]
    public void Adadelta_follows_algorithm_1_of_zeilers_paper()
    {
        const float eta = 0.5f, rho = 0.8f, epsilon = 1e-3f;
        var optimizer = new Adadelta(eta, rho, epsilon);
        float[] actual = OptimizerCases.Run(optimizer, Steps);

        double[] theta = Start(), squares = new double[N], updates = new double[N];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                squares[i] = rho * squares[i] + (1 - rho) * g[i] * g[i];                   // E[g²]
                double delta = Math.Sqrt(updates[i] + epsilon) / Math.Sqrt(squares[i] + epsilon) * g[i];
                updates[i] = rho * updates[i] + (1 - rho) * delta * delta;               // E[Δx²]
                theta[i] -= eta * delta;
            }
        }
        AssertClose(theta, actual);
        AssertClose(squares, optimizer.ExportState().Buffers["square_avg"]);
        AssertClose(updates, optimizer.ExportState().Buffers["acc_delta"]);
    }

    [Fact]
    public void Adam_follows_algorithm_1_of_kingma_and_ba()
    {
        const float alpha = 0.01f, beta1 = 0.8f, beta2 = 0.9f, epsilon = 1e-3f;
        var optimizer = new Adam(alpha, beta1, beta2, epsilon);
        float[] actual = OptimizerCases.Run(optimizer, Steps);

        double[] theta = Start(), m = new double[N], v = new double[N];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            for (int i = 0; i < N; i++)
            {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= alpha * mHat / (Math.Sqrt(vHat) + epsilon);
            }
        }
        AssertClose(theta, actual);
        AssertClose(m, optimizer.ExportState().Buffers["exp_avg"]);
        AssertClose(v, optimizer.ExportState().Buffers["exp_avg_sq"]);
    }

    [Fact]
    public void Nadam_follows_dozats_algorithm_with_the_momentum_schedule_of_pytorch()
    {
        const float eta = 0.01f, beta1 = 0.8f, beta2 = 0.9f, epsilon = 1e-3f;
        var optimizer = new Nadam(eta, beta1, beta2, epsilon);
        float[] actual = OptimizerCases.Run(optimizer, Steps);

        // As torch.optim.NAdam writes it (momentum_decay ψ = 0.004): two separate steps, along g and along m.
        static double Mu(int t) => beta1 * (1 - 0.5 * Math.Pow(0.96, t * 0.004));
        double[] theta = Start(), m = new double[N], v = new double[N];
        double muProduct = 1;
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t);
            muProduct *= Mu(t);
            double muProductNext = muProduct * Mu(t + 1);
            for (int i = 0; i < N; i++)
            {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double denominator = Math.Sqrt(v[i] / (1 - Math.Pow(beta2, t))) + epsilon;
                theta[i] -= eta * (1 - Mu(t)) / (1 - muProduct) * g[i] / denominator;
                theta[i] -= eta * Mu(t + 1) / (1 - muProductNext) * m[i] / denominator;
            }
        }
        AssertClose(theta, actual);
        AssertClose(m, optimizer.ExportState().Buffers["exp_avg"]);
    }

    [Fact]
    public void AdamW_shrinks_weights_by_eta_lambda_theta_then_takes_an_adam_step_from_the_raw_gradient()
    {
        // Loshchilov & Hutter, as PyTorch applies it: θ ← θ − ηλθ (weights only), then Adam's update.
        const float alpha = 0.01f, beta1 = 0.8f, beta2 = 0.9f, epsilon = 1e-3f, lambda = 0.5f;
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        int n = model.ParameterCount;
        var optimizer = new AdamW(alpha, beta1, beta2, epsilon, lambda);
        optimizer.Bind(model);
        float[] actual = OptimizerCases.Run(optimizer, Steps, n);

        double[] theta = Start(n), m = new double[n], v = new double[n];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(t, n);
            for (int i = 0; i < n; i++)
            {
                if (OptimizerCases.IsWeight(i))
                {
                    theta[i] -= alpha * lambda * theta[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= alpha * mHat / (Math.Sqrt(vHat) + epsilon);
            }
        }
        AssertClose(theta, actual);
    }

    [Fact]
    public void The_learning_rate_can_change_between_steps()
    {
        // A schedule sets the rate every epoch; the next step must use it.
        var optimizer = new Sgd(0.1f);
        float[] parameters = [1f, 2f, 3f];
        optimizer.Step(parameters, [1f, 1f, 1f]);
        optimizer.LearningRate = 0.5f;
        optimizer.Step(parameters, [1f, 1f, 1f]);

        Assert.Equal([0.4f, 1.4f, 2.4f], parameters, (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Equal(2, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void Every_element_is_updated_the_same_way_in_the_vector_loop_and_in_the_tail(string name)
    {
        // One 37-element buffer (whole vectors, then a tail) against 37 one-element buffers (all tail).
        float[] together = OptimizerCases.Run(OptimizerCases.Create(name), Steps);

        float[] start = OptimizerCases.StartingPoint();
        Optimizer[] single = start.Select(_ => OptimizerCases.Create(name)).ToArray();
        float[] apart = (float[])start.Clone();
        for (int t = 1; t <= Steps; t++)
        {
            float[] g = OptimizerCases.Gradient(t);
            for (int i = 0; i < N; i++)
            {
                single[i].Step(apart.AsSpan(i, 1), g.AsSpan(i, 1));
            }
        }

        Assert.Equal(apart, together);
        Assert.NotEqual(start, together);
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void A_step_allocates_nothing_once_the_state_exists(string name)
    {
        ModelDescription model = OptimizerCases.TwoLayerDescription();
        Optimizer optimizer = OptimizerCases.Create(name);
        optimizer.WeightDecay = 0.1f; // the path with one loop per run of weights or biases
        optimizer.Bind(model);
        float[] parameters = OptimizerCases.StartingPoint(model.ParameterCount);
        float[] gradient = OptimizerCases.Gradient(1, model.ParameterCount);
        optimizer.Step(parameters, gradient);

        long allocated = AllocationCounter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                optimizer.Step(parameters, gradient);
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Mismatched_buffers_are_refused_naming_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => new Adam().Step(new float[5], new float[4]));
        Assert.Contains("5 parameters but 4 gradients", error.Message);

        var bound = new Adam();
        bound.Bind(OptimizerCases.TwoLayerDescription());
        var wrongSize = Assert.Throws<ArgumentException>(() => bound.Step(new float[57], new float[57]));
        Assert.Contains("works on 58 parameters", wrongSize.Message);
        Assert.Contains("57", wrongSize.Message);
    }

    private static double[] Start(int length = N) => Array.ConvertAll(OptimizerCases.StartingPoint(length), x => (double)x);

    private static double[] Gradient(int step, int length = N) => Array.ConvertAll(OptimizerCases.Gradient(step, length), x => (double)x);

    /// <summary>
    /// Element-wise agreement to float precision: the optimizers compute in float, the references in
    /// double, and each step's rounding is about 1e-7 of the values (|θ| &lt; 5 here). Any wrong term —
    /// a missing bias correction, ε in the wrong place — moves some element by 1e-3 or more.
    /// </summary>
    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double tolerance = 2e-6 * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
