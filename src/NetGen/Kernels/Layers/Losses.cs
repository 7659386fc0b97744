using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Loss values and the output layer's δ = dL/dz, for a batch of B rows of O outputs.
/// Every loss is a mean over the batch, so each δ carries the factor 1/B.
/// </summary>
public static class Losses
{
    /// <summary>Below this a probability is treated as this, so that log p stays finite for the loss value.</summary>
    private const double SmallestProbability = 1e-12;

    /// <summary>(1 / (B·O)) Σ (a − y)².</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, int batch, int outputs)
    {
        double sum = 0;
        for (int i = 0; i < batch * outputs; i++)
        {
            double difference = output[i] - target[i];
            sum += difference * difference;
        }
        return (float)(sum / (batch * outputs));
    }

    /// <summary>(1 / B) Σ_b −Σ_k y log p, after a softmax.</summary>
    public static float CategoricalCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> target, int batch, int outputs)
    {
        double sum = 0;
        for (int i = 0; i < batch * outputs; i++)
        {
            if (target[i] != 0f)
            {
                sum -= target[i] * Math.Log(Math.Max(probabilities[i], SmallestProbability));
            }
        }
        return (float)(sum / batch);
    }

    /// <summary>
    /// (1 / N) Σ −[y log p + (1 − y) log(1 − p)] over N sigmoid outputs: N = B for one unit per sample, N = B·O where every
    /// output is a probability of its own (the caller passes that product as <paramref name="batch"/>).
    /// </summary>
    public static float BinaryCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> target, int batch)
    {
        // A register of logarithms at a time (an autoencoder's loss takes two per pixel, 78,400 per batch of 100), each
        // register's terms summed in double.
        var smallest = new Vector<float>((float)SmallestProbability);
        double sum = 0;
        int i = 0;
        for (; i + Vector<float>.Count <= batch; i += Vector<float>.Count)
        {
            var p = new Vector<float>(probabilities.Slice(i));
            var y = new Vector<float>(target.Slice(i));
            Vector<float> terms = y * Vector.Log(Vector.Max(p, smallest)) + (Vector<float>.One - y) * Vector.Log(Vector.Max(Vector<float>.One - p, smallest));
            sum -= Vector.Sum(terms);
        }
        for (; i < batch; i++)
        {
            double p = probabilities[i], y = target[i];
            sum -= y * Math.Log(Math.Max(p, SmallestProbability)) + (1 - y) * Math.Log(Math.Max(1 - p, SmallestProbability));
        }
        return (float)(sum / batch);
    }

    /// <summary>
    /// δ = (p − y) / B: the gradient of cross-entropy through a softmax (or of binary cross-entropy
    /// through a sigmoid) with respect to z. The exp/log Jacobians cancel, which is why the course
    /// pairs these two.
    /// </summary>
    public static void ProbabilityMinusTargetDelta(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> target, Span<float> delta, int batch, int outputs)
    {
        int count = batch * outputs;
        Dense.RequireLength(delta, count, nameof(delta), "[B, O]");
        var scale = new Vector<float>(1f / batch);
        int i = 0;
        for (; i + Vector<float>.Count <= count; i += Vector<float>.Count)
        {
            ((new Vector<float>(probabilities.Slice(i)) - new Vector<float>(target.Slice(i))) * scale).CopyTo(delta.Slice(i));
        }
        for (; i < count; i++)
        {
            delta[i] = (probabilities[i] - target[i]) / batch;
        }
    }

    /// <summary>
    /// δ = (2 / (B·O)) (a − y) ⊙ f'(z): mean squared error through an element-wise activation;
    /// <paramref name="preActivation"/> (z) is read only when the activation's derivative needs it.
    /// </summary>
    public static void MeanSquaredErrorDelta<TActivation>(
        ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta, int batch, int outputs, ReadOnlySpan<float> preActivation = default)
        where TActivation : IActivation
    {
        int count = batch * outputs;
        Dense.RequireLength(delta, count, nameof(delta), "[B, O]");
        if (TActivation.DerivativeNeedsInput)
        {
            Dense.RequireLength(preActivation, count, nameof(preActivation), "[B, O]");
        }
        float scale = 2f / count;
        for (int i = 0; i < count; i++)
        {
            float z = TActivation.DerivativeNeedsInput ? preActivation[i] : 0f;
            delta[i] = scale * (output[i] - target[i]) * TActivation.Derivative(z, output[i]);
        }
    }

    /// <summary>
    /// δ = J_softmaxᵀ g with g = (2 / (B·O)) (p − y): δₖ = pₖ (gₖ − Σⱼ gⱼ pⱼ). Mean squared error
    /// after a softmax is allowed (with a warning) but learns slowly; cross-entropy is the pairing to use.
    /// </summary>
    public static void MeanSquaredErrorSoftmaxDelta(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> target, Span<float> delta, int batch, int outputs)
    {
        Dense.RequireLength(delta, batch * outputs, nameof(delta), "[B, O]");
        float scale = 2f / (batch * outputs);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(b * outputs, outputs);
            ReadOnlySpan<float> y = target.Slice(b * outputs, outputs);
            Span<float> d = delta.Slice(b * outputs, outputs);
            float weighted = 0f;
            for (int k = 0; k < outputs; k++)
            {
                weighted += scale * (p[k] - y[k]) * p[k];
            }
            for (int k = 0; k < outputs; k++)
            {
                d[k] = p[k] * (scale * (p[k] - y[k]) - weighted);
            }
        }
    }
}

/// <summary>Row-wise softmax: each sample's outputs become probabilities.</summary>
public static class Softmax
{
    /// <summary>p = e^(z − max z) / Σ e^(z − max z) for each of the <paramref name="batch"/> rows, in place.</summary>
    /// <remarks>
    /// Three passes: each row shifted by its maximum (so no e^z overflows and the largest term is e^0 = 1), then e^
    /// over the whole block at once, then each row divided by its sum. A row of 10 classes fills less than one
    /// AVX-512 register, so the exponentials are taken across rows, as one flat array, rather than one scalar
    /// <c>MathF.Exp</c> per element (docs/performance.md, exp).
    /// </remarks>
    public static void Rows(Span<float> values, int batch, int width)
    {
        Dense.RequireLength(values, batch * width, nameof(values), "[B, O]");
        Span<float> block = values[..(batch * width)];
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = block.Slice(b * width, width);
            float max = float.NegativeInfinity;
            foreach (float z in row)
            {
                max = MathF.Max(max, z);
            }
            foreach (ref float z in row)
            {
                z -= max;
            }
        }
        switch (KernelSelection.Current)
        {
            case InstructionSet.Avx512:
                ExponentialsInPlace<Avx512, Vector512<float>>(block);
                break;
            case InstructionSet.Avx2:
                ExponentialsInPlace<Avx2, Vector256<float>>(block);
                break;
            default:
                ExponentialsInPlace<PortableSimd, Vector<float>>(block);
                break;
        }
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = block.Slice(b * width, width);
            float sum = 0f;
            foreach (float e in row)
            {
                sum += e;
            }
            float inverse = 1f / sum;
            foreach (ref float e in row)
            {
                e *= inverse;
            }
        }
    }

    /// <summary>x ← e^x for every element: whole registers, then the last few through the same formula one at a time.</summary>
    private static void ExponentialsInPlace<TSimd, TVector>(Span<float> values)
        where TSimd : struct, ISimd<TSimd, TVector>
        where TVector : struct
    {
        ref float first = ref MemoryMarshal.GetReference(values);
        int i = 0;
        for (; i + TSimd.Width <= values.Length; i += TSimd.Width)
        {
            TSimd.Store(TSimd.Exp(TSimd.Load(ref first, i)), ref first, i);
        }
        for (; i < values.Length; i++)
        {
            values[i] = ScalarLane.Exp(values[i]);
        }
    }
}
