namespace NetGen.Kernels;

/// <summary>
/// The rectifiers whose slope depends on the unit or the element, not on z alone — parametric ReLU
/// (a learned slope per unit), randomized leaky ReLU (a random slope per element in training) and
/// bipolar ReLU (the sign depends on the unit's parity) — as their own passes over a layer's
/// pre-activations [B, O] (B = batch, O = units). The product before them runs with the identity,
/// and each pass applies the layer's dropout too, so the order stays activation → dropout.
/// </summary>
/// <remarks>
/// Forward: <c>values</c> holds z on entry and a on exit, and z is copied to <c>preActivation</c>.
/// Backward: <c>delta</c> holds dL/da on entry (a after dropout) and dL/dz on exit.
/// </remarks>
public static class UnitActivations
{
    /// <summary>PReLU's initial slope, as PyTorch's.</summary>
    public const float InitialPReLUSlope = 0.25f;

    /// <summary>RReLU's range of slopes in training, PyTorch's defaults [1/8, 1/3]; inference uses their mean.</summary>
    public const float RReLULower = 1f / 8f, RReLUUpper = 1f / 3f;

    /// <summary>a = z for z ≥ 0, αⱼ z below, then dropout.</summary>
    public static void PReLUForward(Span<float> values, Span<float> preActivation, ReadOnlySpan<float> slopes, int batch, int units, DropoutParameters dropout)
    {
        Require(values, preActivation, slopes, batch, units);
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < batch * units; i++)
        {
            float z = values[i];
            preActivation[i] = z;
            float a = z >= 0f ? z : slopes[i % units] * z;
            values[i] = mask.IsActive ? a * DropoutMask.Scale(mask, (uint)i) : a;
        }
    }

    /// <summary>
    /// dL/dz = dL/da ⊙ (z ≥ 0 ? 1 : αⱼ) (through the mask), and Σ_b dL/da · min(z, 0) added into dL/dαⱼ (the caller
    /// clears the gradients once per backward pass).
    /// </summary>
    public static void PReLUBackward(
        Span<float> delta, ReadOnlySpan<float> preActivation, ReadOnlySpan<float> slopes, Span<float> slopeGradient, int batch, int units, DropoutParameters dropout)
    {
        Require(delta, preActivation, slopes, batch, units);
        Dense.RequireLength(slopeGradient, units, nameof(slopeGradient), "[O]");
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < batch * units; i++)
        {
            float z = preActivation[i];
            float upstream = mask.IsActive ? delta[i] * DropoutMask.Scale(mask, (uint)i) : delta[i];
            if (z >= 0f)
            {
                delta[i] = upstream;
            }
            else
            {
                slopeGradient[i % units] += upstream * z;
                delta[i] = upstream * slopes[i % units];
            }
        }
    }

    /// <summary>
    /// a = z for z ≥ 0, r z below, then dropout; r is drawn per element from [1/8, 1/3] by a hash of
    /// (<paramref name="slopeKey"/>, index) in training, and is 11/48 in inference.
    /// </summary>
    public static void RReLUForward(Span<float> values, Span<float> preActivation, int batch, int units, bool training, ulong slopeKey, DropoutParameters dropout)
    {
        Require(values, preActivation, batch, units);
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < batch * units; i++)
        {
            float z = values[i];
            preActivation[i] = z;
            float a = z >= 0f ? z : RReLUSlope(training, slopeKey, (uint)i) * z;
            values[i] = mask.IsActive ? a * DropoutMask.Scale(mask, (uint)i) : a;
        }
    }

    /// <summary>dL/dz = dL/da ⊙ (z ≥ 0 ? 1 : r), with the same r as the forward pass.</summary>
    public static void RReLUBackward(Span<float> delta, ReadOnlySpan<float> preActivation, int batch, int units, ulong slopeKey, DropoutParameters dropout)
    {
        Require(delta, preActivation, batch, units);
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < batch * units; i++)
        {
            float upstream = mask.IsActive ? delta[i] * DropoutMask.Scale(mask, (uint)i) : delta[i];
            delta[i] = preActivation[i] >= 0f ? upstream : upstream * RReLUSlope(training: true, slopeKey, (uint)i);
        }
    }

    /// <summary>a = max(0, z) on even units and min(0, z) on odd units, then dropout.</summary>
    public static void BipolarReLUForward(Span<float> values, Span<float> preActivation, int batch, int units, DropoutParameters dropout)
    {
        Require(values, preActivation, batch, units);
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < batch * units; i++)
        {
            float z = values[i];
            preActivation[i] = z;
            float a = (i % units) % 2 == 0 ? MathF.Max(z, 0f) : MathF.Min(z, 0f);
            values[i] = mask.IsActive ? a * DropoutMask.Scale(mask, (uint)i) : a;
        }
    }

    /// <summary>dL/dz = dL/da where the unit's half passes z (z &gt; 0 on even units, z &lt; 0 on odd), else 0.</summary>
    public static void BipolarReLUBackward(Span<float> delta, ReadOnlySpan<float> preActivation, int batch, int units, DropoutParameters dropout)
    {
        Require(delta, preActivation, batch, units);
        var mask = new DropoutArguments { Rate = dropout.Rate, Key = dropout.Key };
        for (int i = 0; i < batch * units; i++)
        {
            float z = preActivation[i];
            bool passes = (i % units) % 2 == 0 ? z > 0f : z < 0f;
            float upstream = mask.IsActive ? delta[i] * DropoutMask.Scale(mask, (uint)i) : delta[i];
            delta[i] = passes ? upstream : 0f;
        }
    }

    /// <summary>The slope below zero: uniform in [1/8, 1/3] from the element's hash in training, their mean in inference.</summary>
    private static float RReLUSlope(bool training, ulong key, uint index) =>
        training
            ? RReLULower + (RReLUUpper - RReLULower) * ((DropoutMask.Hash(key, index) >> 8) * (1f / (1 << 24)))
            : (RReLULower + RReLUUpper) / 2f;

    private static void Require(Span<float> values, ReadOnlySpan<float> preActivation, ReadOnlySpan<float> slopes, int batch, int units)
    {
        Require(values, preActivation, batch, units);
        Dense.RequireLength(slopes, units, nameof(slopes), "[O]");
    }

    private static void Require(Span<float> values, ReadOnlySpan<float> preActivation, int batch, int units)
    {
        Dense.RequireLength(values, batch * units, nameof(values), "[B, O]");
        Dense.RequireLength(preActivation, batch * units, nameof(preActivation), "[B, O]");
    }
}
