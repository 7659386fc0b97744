using System.Numerics;
using System.Runtime.Intrinsics;
using NetGen.Data;
using NetGen.Kernels;
using NetGen.Tests.Networks;
using NetGen.Tests.Training;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Every element-wise activation against its formula evaluated independently in double precision:
/// the scalar forward pass at points from the curves' bends out to ±float.MaxValue, the derivative
/// against central differences of the formula, and the vector forms on every instruction set this
/// machine runs against the scalar ones. Then the generated networks against a double-precision
/// forward pass, which shows that each declared activation, with its Alpha, reached the kernels.
/// </summary>
public sealed class ActivationTests
{
    /// <summary>
    /// Float rounds to 6e-8 relatively; the kernels' formulas (exp, log, a polynomial) add a few
    /// roundings more. 2e-6 relative with a 2e-7 floor near zero passes them all and still fails
    /// any wrong term or constant, which is off by far more.
    /// </summary>
    private const double ForwardRelative = 2e-6, ForwardAbsolute = 2e-7;

    /// <summary>
    /// a' computed from a float a carries a's rounding, scaled by how sharply a' varies with a; 1e-5
    /// relative with a 1e-6 floor holds for all but SQNL, whose own tolerance says why.
    /// </summary>
    private const double DerivativeRelative = 1e-5, DerivativeAbsolute = 1e-6;

    public static TheoryData<string> Activations() => new(Cases.Keys);

    /// <summary>The activations whose derivative is written through a alone.</summary>
    public static TheoryData<string> ActivationsWithDerivativesThroughTheOutput() => new(Cases.Keys.Where(name => !Cases[name].NeedsInput));

    public static TheoryData<string, InstructionSet> ActivationsOnEveryInstructionSet() => OnEveryInstructionSet(Cases.Keys);

    public static TheoryData<string, InstructionSet> TinyValuesOnEveryInstructionSet() => OnEveryInstructionSet(TinyValues.Keys);

    private static TheoryData<string, InstructionSet> OnEveryInstructionSet(IEnumerable<string> activations)
    {
        var data = new TheoryData<string, InstructionSet>();
        foreach (string activation in activations)
        {
            foreach (InstructionSet instructionSet in KernelPaths.InstructionSets)
            {
                data.Add(activation, instructionSet);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Forward_matches_the_formula_and_stays_finite_wherever_it_is(string activation)
    {
        ActivationCase test = Cases[activation];
        foreach (float z in Points)
        {
            double expected = test.Reference.Function(z);
            float actual = test.Forward(z);
            if (Math.Abs(expected) <= float.MaxValue)
            {
                Assert.True(float.IsFinite(actual), $"{activation}({z:R}) is {actual}, but the formula gives {expected:R}");
            }
            AssertClose(expected, actual, ForwardAbsolute, ForwardRelative, $"{activation}({z:R})");
        }
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Derivative_from_z_and_a_matches_central_differences_of_the_formula(string activation)
    {
        ActivationCase test = Cases[activation];
        ReferenceActivation reference = test.Reference;
        int compared = 0;
        foreach (float z in Points)
        {
            // A step relative to |z|: the formula is smooth on that scale everywhere but at its kinks and bends.
            double h = 1e-4 * Math.Max(1, Math.Abs(z));
            if (reference.Kinks.Concat(reference.Bends).Any(point => Math.Abs(z - point) < 2 * h))
            {
                continue;
            }
            double expected = (reference.Function(z + h) - reference.Function(z - h)) / (2 * h);
            float actual = test.Derivative(z, test.Forward(z));
            AssertClose(expected, actual, reference.DerivativeTolerance ?? DerivativeAbsolute, DerivativeRelative, $"{activation}'({z:R})");
            compared++;
        }
        Assert.True(compared > Points.Length / 2, $"Only {compared} points were away from {activation}'s kinks.");
    }

    [Theory]
    [MemberData(nameof(ActivationsWithDerivativesThroughTheOutput))]
    public void Derivative_ignores_z_where_it_says_it_does_not_need_it(string activation)
    {
        ActivationCase test = Cases[activation];
        // A layer with such an activation keeps no z, so the kernels pass none: NaN for z would show through.
        foreach (float z in Points)
        {
            float a = test.Forward(z);
            Assert.Equal(test.Derivative(z, a), test.Derivative(float.NaN, a));
        }
    }

    [Theory]
    [MemberData(nameof(ActivationsOnEveryInstructionSet))]
    public void Vector_forms_agree_with_the_scalar_ones(string activation, InstructionSet instructionSet)
    {
        ActivationCase test = Cases[activation];
        float[] z = Points;
        float[] expectedA = z.Select(test.Forward).ToArray();
        float[] expectedDerivative = z.Select((value, i) => test.Derivative(value, expectedA[i])).ToArray();
        // Where f' does not need z, the vector form gets NaN for z, as in the scalar test above.
        float[] zForDerivative = test.NeedsInput ? z : z.Select(_ => float.NaN).ToArray();

        (float[] a, float[] derivative) = test.Vector(instructionSet, z, expectedA, zForDerivative);

        for (int i = 0; i < z.Length; i++)
        {
            AssertClose(expectedA[i], a[i], ForwardAbsolute, ForwardRelative, $"{instructionSet} {activation}({z[i]:R})");
            AssertClose(expectedDerivative[i], derivative[i], DerivativeAbsolute, DerivativeRelative, $"{instructionSet} {activation}'({z[i]:R})");
        }
    }

    /// <summary>
    /// Where an activation's value is tiny, its documentation promises it relatively accurate (an erfc with
    /// relative error for GELU, ln(1 + u) and e^x − 1 taken accurately for softplus, ELU and arsinh):
    /// absolute accuracy alone, which the other tests check, would let such values be 0 or off by half.
    /// </summary>
    [Theory]
    [MemberData(nameof(TinyValuesOnEveryInstructionSet))]
    public void Tiny_values_are_relatively_accurate(string activation, InstructionSet instructionSet)
    {
        ActivationCase test = Cases[activation];
        float[] z = TinyValues[activation];
        (float[] vector, _) = test.Vector(instructionSet, z, z, z);
        for (int i = 0; i < z.Length; i++)
        {
            double expected = test.Reference.Function(z[i]);
            Assert.True(Math.Abs(test.Forward(z[i]) - expected) <= 1e-5 * Math.Abs(expected), $"{activation}({z[i]:R}) = {test.Forward(z[i]):R}, expected {expected:R}");
            Assert.True(Math.Abs(vector[i] - expected) <= 1e-5 * Math.Abs(expected), $"{instructionSet} {activation}({z[i]:R}) = {vector[i]:R}, expected {expected:R}");
        }
    }

    /// <summary>16 points each (a whole register of every width): far out in a left tail, or just beside 0.</summary>
    private static readonly Dictionary<string, float[]> TinyValues = new()
    {
        ["GELU"] = Enumerable.Range(0, 16).Select(i => -3f - i * 0.5f).ToArray(),
        ["softplus"] = Enumerable.Range(0, 16).Select(i => -3f - i * 5f).ToArray(),
        ["ELU α = 3"] = Enumerable.Range(0, 16).Select(i => -MathF.Pow(10, -1 - i * 0.5f)).ToArray(),
        ["SELU"] = Enumerable.Range(0, 16).Select(i => -MathF.Pow(10, -1 - i * 0.5f)).ToArray(),
        ["arsinh"] = Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? 1 : -1) * MathF.Pow(10, -1 - i * 0.5f)).ToArray(),
    };

    public static TheoryData<InstructionSet> EveryInstructionSet() => KernelPaths.EachInstructionSet();

    /// <summary>
    /// The vector e^x every exponential activation is built on, at 300,000 points from where it rounds to 0 to where it
    /// overflows and at its edge cases, against double precision: within one ulp where the result is normal (Cephes'
    /// polynomial measures 0.998 of one at its worst), within one step of the subnormals below that, and ∞, 0, 1 and NaN
    /// exactly where they belong.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryInstructionSet))]
    public void Vector_exponential_is_within_one_ulp_from_underflow_to_overflow(InstructionSet instructionSet)
    {
        const int Points = 300_000;
        const double SmallestNormal = 1.1754943508222875e-38; // 2⁻¹²⁶
        float[] x = new float[Points + 16];
        for (int i = 0; i < Points; i++)
        {
            x[i] = -106f + i * (196f / Points);
        }
        float[] edges = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-30f, -1e-30f, 88.72283f, 88.7229f, -87.33654f, -103.27893f, -103.97208f, -104f, 89f, float.MaxValue, float.MinValue];
        edges.CopyTo(x, Points);

        float[] e = instructionSet switch
        {
            InstructionSet.Avx512 => VectorExp<Avx512, Vector512<float>>(x),
            InstructionSet.Avx2 => VectorExp<Avx2, Vector256<float>>(x),
            _ => VectorExp<PortableSimd, Vector<float>>(x),
        };

        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Exp(x[i]);
            string where = $"{instructionSet} e^{x[i]:R} = {e[i]:R}, expected {expected:R}";
            if (double.IsNaN(expected))
            {
                Assert.True(float.IsNaN(e[i]), where);
            }
            else if (expected > float.MaxValue)
            {
                Assert.True(float.IsPositiveInfinity(e[i]), where);
            }
            else if (expected >= SmallestNormal)
            {
                float rounded = (float)expected;
                Assert.True(Math.Abs(e[i] - expected) <= MathF.BitIncrement(rounded) - rounded, where);
            }
            else
            {
                Assert.True(Math.Abs(e[i] - expected) <= float.Epsilon, where);
            }
        }
        Assert.Equal(1f, e[Points + 3]);
        Assert.Equal(0f, e[Points + 2]);
    }

    private static float[] VectorExp<TSimd, TVector>(float[] x)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        var e = new float[x.Length];
        for (int i = 0; i < x.Length; i += TSimd.Width)
        {
            TSimd.Store(TSimd.Exp(TSimd.Load(ref x[i], 0)), ref e[i], 0);
        }
        return e;
    }

    [Fact]
    public void SELU_keeps_a_standard_normal_input_at_zero_mean_and_unit_variance()
    {
        // The property λ and α were solved for (Klambauer et al. 2017): for z ~ N(0, 1), E[a] = 0 and E[a²] = 1.
        // Midpoint rule over [−10, 10]; the grid is symmetric about the kink at 0.
        const double step = 1e-3;
        double mean = 0, secondMoment = 0;
        for (int i = 0; i < 20_000; i++)
        {
            double z = -10 + (i + 0.5) * step;
            double weight = Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI) * step;
            double a = SELU.Forward((float)z);
            mean += weight * a;
            secondMoment += weight * a * a;
        }
        Assert.Equal(0, mean, 1e-5);
        Assert.Equal(1, secondMoment, 1e-5);
    }

    public static TheoryData<string> ActivationNetworks() => new(ReferenceNetworks.Names);

    [Theory]
    [MemberData(nameof(ActivationNetworks))]
    public void Generated_forward_pass_matches_a_double_precision_one(string network)
    {
        Model model = GradientCheckTests.Create(network);
        ReferenceNetwork reference = ReferenceNetworks.For(model)!;
        Dataset data = TestData.Regression(9, model.Description.InputSize, model.Description.OutputSize, seed: 5, low: -2f, high: 2f);

        float[] actual = model.Forward(data.Features, data.Count).ToArray();
        double[] expected = reference.Outputs(model.Description, model.Parameters, data.Features, data.Count);

        for (int i = 0; i < expected.Length; i++)
        {
            // Float sums of a few dozen products round to about 1e-6; a wrong activation or Alpha is off by far more.
            AssertClose(expected[i], actual[i], 1e-5, 1e-5, $"{network} output {i}");
        }
    }

    private static void AssertClose(double expected, float actual, double absolute, double relative, string what)
    {
        bool close = expected == actual
            || Math.Abs(actual - expected) <= absolute + relative * Math.Abs(expected)
            || (Math.Abs(expected) > float.MaxValue && float.IsInfinity(actual) && Math.Sign(actual) == Math.Sign(expected));
        Assert.True(close, $"{what}: {actual:R}, expected {expected:R} (difference {actual - expected:E2})");
    }

    /// <summary>
    /// Where the activations are checked: a fine grid over [−12, 12], where every curve bends, with 0
    /// and ±2 (SQNL's corners) on it and just beside them; and ±10ᵏ from the smallest subnormal to
    /// float.MaxValue, where anything that squares or exponentiates z overflows unless written with care.
    /// </summary>
    private static readonly float[] Points = CreatePoints();

    private static float[] CreatePoints()
    {
        var points = new List<float>();
        for (int i = -1200; i <= 1200; i++)
        {
            points.Add(i * 0.01f);
        }
        foreach (float corner in new[] { 0f, 2f, -2f })
        {
            points.AddRange([corner, corner + 1e-6f, corner - 1e-6f, corner + 1e-3f, corner - 1e-3f]);
        }
        for (int exponent = -45; exponent <= 38; exponent++)
        {
            float magnitude = (float)Math.Pow(10, exponent);
            points.AddRange([magnitude, -magnitude]);
        }
        points.AddRange([float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon]);
        // Whole registers of every width, so the vector test needs no scalar tail.
        while (points.Count % 16 != 0)
        {
            points.Add(0.5f);
        }
        return points.ToArray();
    }

    /// <summary>Every activation struct, with the α values worth checking, beside its reference formula.</summary>
    private static readonly Dictionary<string, ActivationCase> Cases = new[]
    {
        Case<Identity>(ReferenceActivations.Identity),
        Case<Sigmoid>(ReferenceActivations.Sigmoid),
        Case<Tanh>(ReferenceActivations.Tanh),
        Case<ReLU>(ReferenceActivations.ReLU),
        Case<BinaryStep>(ReferenceActivations.BinaryStep),
        Case<ArcTan>(ReferenceActivations.ArcTan),
        Case<ArSinh>(ReferenceActivations.ArSinh),
        Case<Softsign>(ReferenceActivations.Softsign),
        Case<ISRU<DefaultISRUAlpha>>(ReferenceActivations.ISRU(1)),
        Case<ISRU<Three>>(ReferenceActivations.ISRU(3)),
        Case<ISRLU<DefaultISRUAlpha>>(ReferenceActivations.ISRLU(1)),
        Case<ISRLU<Quarter>>(ReferenceActivations.ISRLU(0.25)),
        Case<SQNL>(ReferenceActivations.SQNL),
        Case<LeakyReLU<DefaultLeakyReLUSlope>>(ReferenceActivations.LeakyReLU(0.01)),
        Case<LeakyReLU<Quarter>>(ReferenceActivations.LeakyReLU(0.25)),
        Case<ELU<DefaultELUAlpha>>(ReferenceActivations.ELU(1)),
        Case<ELU<Three>>(ReferenceActivations.ELU(3)),
        Case<SELU>(ReferenceActivations.SELU),
        Case<GELU>(ReferenceActivations.GELU),
        Case<SiLU>(ReferenceActivations.SiLU),
        Case<Softplus>(ReferenceActivations.Softplus),
    }.ToDictionary(test => test.Reference.Name);

    private readonly struct Quarter : IActivationParameter
    {
        public static float Value => 0.25f;
    }

    private readonly struct Three : IActivationParameter
    {
        public static float Value => 3f;
    }

    /// <summary>
    /// An activation struct's members as delegates, made where its type is known, so one test body
    /// serves them all. <see cref="Vector"/> computes a = f(z) and f'(z, a) on one instruction set.
    /// </summary>
    private sealed record ActivationCase(
        ReferenceActivation Reference,
        bool NeedsInput,
        Func<float, float> Forward,
        Func<float, float, float> Derivative,
        Func<InstructionSet, float[], float[], float[], (float[] A, float[] Derivative)> Vector);

    private static ActivationCase Case<TActivation>(ReferenceActivation reference)
        where TActivation : IActivation =>
        new(reference, TActivation.DerivativeNeedsInput, TActivation.Forward, TActivation.Derivative,
            (instructionSet, z, a, zForDerivative) => instructionSet switch
            {
                InstructionSet.Avx512 => ApplyVector<Avx512, Vector512<float>, TActivation>(z, a, zForDerivative),
                InstructionSet.Avx2 => ApplyVector<Avx2, Vector256<float>, TActivation>(z, a, zForDerivative),
                _ => ApplyVector<PortableSimd, Vector<float>, TActivation>(z, a, zForDerivative),
            });

    /// <summary>f(z) and f'(z', a) register by register; the lengths are whole registers.</summary>
    private static (float[] A, float[] Derivative) ApplyVector<TSimd, TVector, TActivation>(float[] z, float[] a, float[] zForDerivative)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
        where TActivation : IActivation
    {
        var forward = new float[z.Length];
        var derivative = new float[z.Length];
        for (int i = 0; i < z.Length; i += TSimd.Width)
        {
            TSimd.Store(TActivation.Forward<TSimd, TVector>(TSimd.Load(ref z[i], 0)), ref forward[i], 0);
            TVector slope = TActivation.Derivative<TSimd, TVector>(TSimd.Load(ref zForDerivative[i], 0), TSimd.Load(ref a[i], 0));
            TSimd.Store(slope, ref derivative[i], 0);
        }
        return (forward, derivative);
    }
}

/// <summary>
/// An activation as the tests know it, independently of the kernels: f in double precision, written
/// straight from its definition, and where it is not smooth.
/// </summary>
/// <param name="Name">How test names show it, e.g. <c>ELU α = 3</c>.</param>
/// <param name="Function">f(z); unused for softmax, which acts on a whole row.</param>
/// <param name="Kinks">Where f or f' jumps: a finite difference across one measures no derivative.</param>
/// <param name="Bends">Where only f'' jumps: a finite difference across one is off by O(step).</param>
/// <param name="DerivativeTolerance">How far a' read from a float a may be from the true a', absolutely, where the usual bound does not hold.</param>
internal sealed record ReferenceActivation(
    string Name, Func<double, double> Function, double[] Kinks, double[] Bends, double? DerivativeTolerance = null);

/// <summary>The course's activation table, and the rest, in double precision.</summary>
internal static class ReferenceActivations
{
    public static readonly ReferenceActivation Identity = Smooth("identity", z => z);
    public static readonly ReferenceActivation Sigmoid = Smooth("sigmoid", z => 1 / (1 + Math.Exp(-z)));
    public static readonly ReferenceActivation Tanh = Smooth("tanh", Math.Tanh);
    public static readonly ReferenceActivation ReLU = new("ReLU", z => Math.Max(z, 0), Kinks: [0], Bends: []);
    public static readonly ReferenceActivation BinaryStep = new("binary step", z => z >= 0 ? 1 : 0, Kinks: [0], Bends: []);
    public static readonly ReferenceActivation ArcTan = Smooth("arctan", Math.Atan);
    public static readonly ReferenceActivation ArSinh = Smooth("arsinh", Math.Asinh);
    public static readonly ReferenceActivation Softsign = new("softsign", z => z / (1 + Math.Abs(z)), Kinks: [], Bends: [0]);

    /// <summary>
    /// The table's piecewise definition. a' from a is √(1 − |a|): just short of |z| = 2 it rests on the
    /// last few bits of a, so it may be off by up to √(2⁻²⁵) ≈ 1.7e-4 there.
    /// </summary>
    public static readonly ReferenceActivation SQNL = new(
        "SQNL", z => z > 2 ? 1 : z >= 0 ? z - z * z / 4 : z >= -2 ? z + z * z / 4 : -1, Kinks: [], Bends: [-2, 0, 2], DerivativeTolerance: 2e-4);

    public static readonly ReferenceActivation SELU = new(
        "SELU", z => SeluScale * (z > 0 ? z : SeluAlpha * (Math.Exp(z) - 1)), Kinks: [0], Bends: []);

    public static readonly ReferenceActivation GELU = Smooth("GELU", z => z * NormalDistribution(z));
    public static readonly ReferenceActivation SiLU = Smooth("SiLU", z => z / (1 + Math.Exp(-z)));
    public static readonly ReferenceActivation Softplus = Smooth("softplus", z => Math.Max(z, 0) + Log1p(Math.Exp(-Math.Abs(z))));

    /// <summary>Softmax over a row; <see cref="ReferenceNetwork"/> applies it, never element by element.</summary>
    public static readonly ReferenceActivation Softmax = Smooth("softmax", _ => throw new InvalidOperationException("Softmax acts on a row."));

    public static ReferenceActivation ISRU(double alpha) => Smooth($"ISRU α = {alpha}", z => z / Math.Sqrt(1 + alpha * z * z));

    public static ReferenceActivation ISRLU(double alpha) =>
        new($"ISRLU α = {alpha}", z => z >= 0 ? z : z / Math.Sqrt(1 + alpha * z * z), Kinks: [], Bends: []);

    public static ReferenceActivation LeakyReLU(double slope) =>
        new($"leaky ReLU α = {slope}", z => z >= 0 ? z : slope * z, Kinks: [0], Bends: []);

    /// <summary>With α = 1 the slopes meet at 0 (a bend); with any other α they do not (a kink).</summary>
    public static ReferenceActivation ELU(double alpha) =>
        new($"ELU α = {alpha}", z => z > 0 ? z : alpha * (Math.Exp(z) - 1), Kinks: alpha == 1 ? [] : [0], Bends: alpha == 1 ? [0] : []);

    /// <summary>Klambauer et al.'s λ and α, as the paper and PyTorch give them.</summary>
    private const double SeluScale = 1.0507009873554804934193349852946, SeluAlpha = 1.6732632423543772848170429916717;

    private static ReferenceActivation Smooth(string name, Func<double, double> function) => new(name, function, Kinks: [], Bends: []);

    /// <summary>
    /// Φ(z), the standard normal distribution function, as ½ (1 ± erf(|z|/√2)) near 0 and through
    /// erfc's continued fraction in the tails, so that it is relatively accurate there too.
    /// </summary>
    private static double NormalDistribution(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2);
        double upperTail = x < 2 ? (1 - Erf(x)) / 2 : Erfc(x) / 2;
        return z < 0 ? upperTail : 1 - upperTail;
    }

    /// <summary>
    /// erf x = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (Abramowitz and Stegun 7.1.6): every term is
    /// positive, so the sum loses nothing to cancellation.
    /// </summary>
    private static double Erf(double x)
    {
        double term = x, sum = x;
        for (int n = 1; term > 1e-18 * sum; n++)
        {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }

    /// <summary>
    /// erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))) (A&amp;S 7.1.14), for x ≥ 2,
    /// where 200 levels converge to double precision.
    /// </summary>
    private static double Erfc(double x)
    {
        double fraction = x;
        for (int n = 200; n >= 1; n--)
        {
            fraction = x + n / 2.0 / fraction;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / fraction;
    }

    /// <summary>ln(1 + u) for 0 ≤ u ≤ 1, by its series where 1 + u would round u away.</summary>
    private static double Log1p(double u) => u < 1e-4 ? u - u * u / 2 + u * u * u / 3 : Math.Log(1 + u);
}
