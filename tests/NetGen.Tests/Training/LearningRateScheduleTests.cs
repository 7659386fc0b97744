using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using NetGen.Training;
using static NetGen.Tests.Training.TrainingCallbackTestKit;

namespace NetGen.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void One_over_t_decay_divides_by_the_square_root_of_the_epochs_so_far_plus_one()
    {
        LearningRateSchedule schedule = LearningRateSchedule.InverseSquareRootDecay(0.1f);

        // η_t = η / √(t + 1): η, η/√2, η/√3, η/2 for the first four epochs.
        Assert.Equal(0.1f, schedule.RateAt(0));
        Assert.Equal(0.1f / MathF.Sqrt(2f), schedule.RateAt(1), 7);
        Assert.Equal(0.1f / MathF.Sqrt(3f), schedule.RateAt(2), 7);
        Assert.Equal(0.05f, schedule.RateAt(3), 7);
    }

    [Fact]
    public void Step_exponential_and_constant_schedules_follow_their_formulas()
    {
        LearningRateSchedule step = LearningRateSchedule.StepDecay(0.1f, every: 3, factor: 0.5f);
        LearningRateSchedule exponential = LearningRateSchedule.ExponentialDecay(1f, gamma: 0.9f);
        LearningRateSchedule constant = LearningRateSchedule.Constant(0.3f);

        Assert.Equal([0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f], Enumerable.Range(0, 7).Select(step.RateAt));
        Assert.Equal(0.81f, exponential.RateAt(2), 6);
        Assert.Equal(0.9f * 0.9f * 0.9f * 0.9f * 0.9f, exponential.RateAt(5), 6);
        Assert.All(Enumerable.Range(0, 5), t => Assert.Equal(0.3f, constant.RateAt(t)));
    }

    [Fact]
    public void The_scheduler_sets_every_step_of_an_epoch_to_its_rate_and_the_history_records_it()
    {
        // 12 samples in batches of 5: three steps per epoch.
        Dataset data = TestData.Classification(12, [9], classes: 3, seed: 1);
        LearningRateSchedule schedule = LearningRateSchedule.InverseSquareRootDecay(0.2f);
        var optimizer = new RateRecorder(1f);

        History history = new ReluIdentityClassifier(seed: 1).Fit(
            data, optimizer, epochs: 4, batchSize: 5, callbacks: [new LearningRateScheduler(schedule)]);

        float[] expected = Enumerable.Range(0, 4).Select(schedule.RateAt).ToArray();
        Assert.Equal(expected, history.Epochs.Select(epoch => epoch.LearningRate));
        Assert.Equal(expected.SelectMany(rate => new[] { rate, rate, rate }), optimizer.Rates);
    }

    [Fact]
    public void A_schedule_that_gives_a_bad_rate_stops_training_naming_the_epoch()
    {
        Dataset data = TestData.Classification(12, [9], classes: 3, seed: 1);
        var schedule = LearningRateSchedule.FromFunction(t => t < 2 ? 0.1f : -0.1f);

        var error = Assert.Throws<InvalidOperationException>(() => new ReluIdentityClassifier(seed: 1).Fit(
            data, new Sgd(0.1f), epochs: 5, callbacks: [new LearningRateScheduler(schedule)]));

        Assert.Contains("epoch 3", error.Message);
        Assert.Contains("-0.1", error.Message);
    }

    [Fact]
    public void Schedules_reject_bad_settings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.InverseSquareRootDecay(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(0.1f, every: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(0.1f, every: 2, factor: 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.ExponentialDecay(0.1f, gamma: 0f));
    }

    [Fact]
    public void Plateau_halves_the_rate_whenever_the_validation_loss_fails_to_improve()
    {
        // The course's recipe with patience 1: keep the rate while the validation error improves, else halve it.
        var optimizer = new Sgd(0.1f);
        var plateau = new ReduceLearningRateOnPlateau();

        float[] rates = Run(plateau, Context(new ReluIdentityClassifier(), optimizer), 1.0f, 0.8f, 0.85f, 0.9f, 0.7f, 0.75f);

        Assert.Equal([0.1f, 0.1f, 0.05f, 0.025f, 0.025f, 0.0125f], rates);
    }

    [Fact]
    public void Plateau_waits_for_patience_epochs_and_counts_afresh_after_a_reduction()
    {
        var optimizer = new Sgd(0.1f);
        var plateau = new ReduceLearningRateOnPlateau(patience: 2, factor: 0.1f);

        float[] rates = Run(plateau, Context(new ReluIdentityClassifier(), optimizer), 1.0f, 1.1f, 1.2f, 1.3f, 1.4f);

        Assert.Equal(0.1f, rates[1]);
        Assert.Equal(0.01f, rates[2], 7);
        Assert.Equal(0.01f, rates[3], 7);
        Assert.Equal(0.001f, rates[4], 7);
    }

    [Fact]
    public void Plateau_counts_only_improvements_larger_than_min_delta_and_stops_at_the_floor()
    {
        var optimizer = new Sgd(0.1f);
        var plateau = new ReduceLearningRateOnPlateau(minDelta: 0.05f, minRate: 0.04f);

        float[] rates = Run(plateau, Context(new ReluIdentityClassifier(), optimizer), 1.0f, 0.97f, 0.9f, 0.89f);

        // 0.97 is within min-delta of 1.0: no improvement, halve; 0.9 improves; 0.89 does not, and the floor holds.
        Assert.Equal([0.1f, 0.05f, 0.05f, 0.04f], rates);
    }

    [Fact]
    public void Plateau_on_accuracy_treats_higher_as_better()
    {
        var optimizer = new Sgd(0.1f);
        var plateau = new ReduceLearningRateOnPlateau(monitor: TrainingMetric.ValidationAccuracy);
        TrainingContext context = Context(new ReluIdentityClassifier(), optimizer);
        plateau.OnTrainBegin(context);

        plateau.OnEpochEnd(context, Epoch(1, validationLoss: 9f, validationAccuracy: 0.5f));
        plateau.OnEpochEnd(context, Epoch(2, validationLoss: 9f, validationAccuracy: 0.6f));
        float afterImprovement = optimizer.LearningRate;
        plateau.OnEpochEnd(context, Epoch(3, validationLoss: 0f, validationAccuracy: 0.55f));

        Assert.Equal(0.1f, afterImprovement);
        Assert.Equal(0.05f, optimizer.LearningRate);
    }

    [Fact]
    public void Plateau_needs_validation_and_says_so()
    {
        Dataset data = TestData.Classification(12, [9], classes: 3, seed: 1);

        var error = Assert.Throws<InvalidOperationException>(() => new ReluIdentityClassifier(seed: 1).Fit(
            data, new Sgd(0.1f), epochs: 2, callbacks: [new ReduceLearningRateOnPlateau()]));

        Assert.Contains("ValidationLoss", error.Message);
        Assert.Contains("validation", error.Message);
    }

    /// <summary>Remembers the learning rate of every step; leaves the parameters alone.</summary>
    private sealed class RateRecorder(float learningRate) : Optimizer(learningRate)
    {
        public List<float> Rates { get; } = [];

        public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => Rates.Add(LearningRate);
    }
}
