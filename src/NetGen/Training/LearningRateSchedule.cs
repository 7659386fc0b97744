using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// A learning rate as a function of the epoch, for <see cref="LearningRateScheduler"/>. The
/// course's reason: far from the optimum large steps help, close to it they overshoot, so take
/// smaller ones as training goes on.
/// </summary>
/// <remarks>
/// <para>
/// <b>t counts epochs</b>: t = 0 during the first epoch, 1 during the second, and so on; the rate
/// is set once per epoch, before its first mini-batch (the lecture: "reduce the learning rate by
/// some factor every few epochs"). A schedule is a pure function of t that carries its own initial
/// rate η, so a run resumed from a checkpoint at epoch k gets exactly the rates of an uninterrupted
/// one.
/// </para>
/// <para>
/// The course's other recipe — keep the rate while the validation error improves, then halve
/// it — depends on the metrics rather than on t: that is <see cref="ReduceLearningRateOnPlateau"/>.
/// </para>
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for the epoch that has <paramref name="completedEpochs"/> epochs before it (t in the formulas).</summary>
    public abstract float RateAt(int completedEpochs);

    /// <summary>ηₜ = η: the rate never changes.</summary>
    public static LearningRateSchedule Constant(float rate) => new ConstantSchedule(CheckRate(rate, nameof(rate)));

    /// <summary>
    /// The deck's "1/t decay": ηₜ = η / √(t + 1), with t the number of completed epochs, so the first
    /// epoch runs at η, the second at η/√2, the fourth at η/2.
    /// </summary>
    public static LearningRateSchedule InverseSquareRootDecay(float initialRate) => new InverseSquareRootSchedule(CheckRate(initialRate));

    /// <summary>Step decay: ηₜ = η · factor^⌊t / every⌋ — the rate is multiplied by <paramref name="factor"/> every <paramref name="every"/> epochs.</summary>
    public static LearningRateSchedule StepDecay(float initialRate, int every, float factor = 0.5f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        return new StepSchedule(CheckRate(initialRate), every, CheckFactor(factor, nameof(factor)));
    }

    /// <summary>Exponential decay: ηₜ = η · γᵗ, with 0 &lt; γ ≤ 1.</summary>
    public static LearningRateSchedule ExponentialDecay(float initialRate, float gamma) =>
        new ExponentialSchedule(CheckRate(initialRate), CheckFactor(gamma, nameof(gamma)));

    /// <summary>Any rule: <paramref name="rateAt"/> maps t (completed epochs) to a positive, finite rate.</summary>
    public static LearningRateSchedule FromFunction(Func<int, float> rateAt)
    {
        ArgumentNullException.ThrowIfNull(rateAt);
        return new FunctionSchedule(rateAt);
    }

    private static float CheckRate(float rate, string name = "initialRate")
    {
        if (!(rate > 0f) || !float.IsFinite(rate))
        {
            throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be a positive, finite number.");
        }
        return rate;
    }

    private static float CheckFactor(float factor, string name)
    {
        if (!(factor > 0f && factor <= 1f))
        {
            throw new ArgumentOutOfRangeException(name, factor, "A decay factor must be in (0, 1].");
        }
        return factor;
    }

    private static string Format(float value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private sealed class ConstantSchedule(float rate) : LearningRateSchedule
    {
        public override float RateAt(int completedEpochs) => rate;

        public override string ToString() => $"constant η = {Format(rate)}";
    }

    private sealed class InverseSquareRootSchedule(float initialRate) : LearningRateSchedule
    {
        public override float RateAt(int completedEpochs) => (float)(initialRate / Math.Sqrt(completedEpochs + 1.0));

        public override string ToString() => $"1/t decay η/√(t+1), η = {Format(initialRate)}";
    }

    private sealed class StepSchedule(float initialRate, int every, float factor) : LearningRateSchedule
    {
        public override float RateAt(int completedEpochs) => (float)(initialRate * Math.Pow(factor, completedEpochs / every));

        public override string ToString() => $"step decay η·{Format(factor)}^⌊t/{every}⌋, η = {Format(initialRate)}";
    }

    private sealed class ExponentialSchedule(float initialRate, float gamma) : LearningRateSchedule
    {
        public override float RateAt(int completedEpochs) => (float)(initialRate * Math.Pow(gamma, completedEpochs));

        public override string ToString() => $"exponential decay η·{Format(gamma)}^t, η = {Format(initialRate)}";
    }

    private sealed class FunctionSchedule(Func<int, float> rateAt) : LearningRateSchedule
    {
        public override float RateAt(int completedEpochs) => rateAt(completedEpochs);

        public override string ToString() => "custom schedule";
    }
}

/// <summary>
/// Sets the optimizer's learning rate from a <see cref="LearningRateSchedule"/> at the start of
/// every epoch (Keras's <c>LearningRateScheduler</c>). The rate used is recorded in
/// <see cref="EpochMetrics.LearningRate"/>.
/// </summary>
/// <param name="schedule">The rate per epoch, e.g. <c>LearningRateSchedule.InverseSquareRootDecay(0.1f)</c>.</param>
public sealed class LearningRateScheduler(LearningRateSchedule schedule) : Callback
{
    /// <summary>The schedule followed.</summary>
    public LearningRateSchedule Schedule { get; } = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <inheritdoc />
    public override void OnEpochBegin(TrainingContext context)
    {
        int completedEpochs = context.Epoch - 1;
        float rate = Schedule.RateAt(completedEpochs);
        if (!(rate > 0f) || !float.IsFinite(rate))
        {
            throw new InvalidOperationException(
                $"The learning-rate schedule ({Schedule}) gave {rate} for epoch {context.Epoch} (t = {completedEpochs}); a rate must be positive and finite.");
        }
        context.Optimizer.LearningRate = rate;
    }
}
