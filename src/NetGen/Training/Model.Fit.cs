using System.Diagnostics;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Training;

namespace NetGen;

// The training loop: Fit checks its arguments and prepares the data, then runs epochs of
// mini-batches, calling the callbacks around each. Nothing in an epoch allocates.
public abstract partial class Model
{
    /// <summary>
    /// Trains with mini-batch gradient descent: every epoch visits each training sample once, in a
    /// fresh random order when <paramref name="shuffle"/> is set; each mini-batch's averaged gradient
    /// goes to <paramref name="optimizer"/>. The last batch of an epoch may be smaller.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Everything is an optional, named argument, as in Keras's <c>fit</c>: a call reads as the list of
    /// what differs from the defaults, and calls written for fewer options keep compiling.
    /// Schedules, early stopping, checkpoints and progress are <paramref name="callbacks"/>.
    /// </para>
    /// <para>
    /// Each mini-batch is gathered into one buffer: samples copied (through
    /// <paramref name="augmentation"/> when given), then normalised by <see cref="InputNormalization"/>.
    /// Validation uses <see cref="Evaluate(Dataset)"/>: normalised, never augmented.
    /// </para>
    /// <para>
    /// One <c>Fit</c> at a time: another on a different thread, or any other training call there (see
    /// <see cref="Model"/>'s remarks), throws <see cref="InvalidOperationException"/> while this one runs. Inference
    /// on other threads meanwhile is safe and never disturbs training (the training itself is bit for bit the same);
    /// it computes with the weights as they are at that moment, possibly part-way through an optimizer step.
    /// </para>
    /// </remarks>
    /// <param name="training">The training data; its samples must match the network's input.</param>
    /// <param name="optimizer">Updates the parameters, e.g. <c>new Sgd(0.1f)</c>.</param>
    /// <param name="epochs">
    /// The epoch to train up to: the number of passes, or, with <paramref name="resumeFrom"/>, the last
    /// epoch counted from the start of the original run (Keras's <c>epochs</c> with <c>initial_epoch</c>).
    /// </param>
    /// <param name="batchSize">Samples per gradient step.</param>
    /// <param name="validation">Evaluated after each epoch, if given (never trained on).</param>
    /// <param name="shuffle">Reorder the samples every epoch (from the model's seed).</param>
    /// <param name="onEpochEnd">Called after each epoch with its metrics, before the callbacks' <see cref="Callback.OnEpochEnd"/>.</param>
    /// <param name="callbacks">Hooks run around every epoch and mini-batch, in this order (see <see cref="Callback"/>).</param>
    /// <param name="validationSplit">
    /// Instead of <paramref name="validation"/>: hold out the last round(n × split) training samples, taken
    /// before any shuffling (as Keras does), and validate on them. 0 for none.
    /// </param>
    /// <param name="normalizeInputs">
    /// Standardise the inputs with per-feature statistics of the training samples (after the split),
    /// stored in <see cref="InputNormalization"/> — unless the model already has one (set by you, an
    /// earlier <c>Fit</c>, or a checkpoint), which is kept so that the inputs keep meaning the same.
    /// </param>
    /// <param name="augmentation">Random shifts and rotations of each training sample (image inputs only).</param>
    /// <param name="resumeFrom">
    /// A checkpoint (see <see cref="SaveCheckpoint"/>) to continue from: parameters, normalisation,
    /// optimizer state, learning rate and random state are loaded, and training continues with the
    /// epoch after the checkpoint's, exactly as if it had never stopped.
    /// </param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <returns>The metrics of every epoch this call ran.</returns>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">
    /// The model is already being trained: by a <c>Fit</c> on another thread (training is single-owner; see
    /// <see cref="Model"/>'s remarks), or by this very thread (a callback calling <c>Fit</c>).
    /// </exception>
    public History Fit(
        Dataset training,
        Optimizer optimizer,
        int epochs,
        int batchSize = 32,
        Dataset? validation = null,
        bool shuffle = true,
        Action<EpochMetrics>? onEpochEnd = null,
        IReadOnlyList<Callback>? callbacks = null,
        double validationSplit = 0,
        bool normalizeInputs = false,
        ImageAugmentation? augmentation = null,
        string? resumeFrom = null,
        CancellationToken cancellationToken = default) =>
        Owning(() => FitClaimed(training, nameof(training), optimizer, epochs, batchSize, validation, shuffle, onEpochEnd, callbacks, validationSplit,
            normalizeInputs, augmentation, resumeFrom, cancellationToken));

    /// <summary>Runs <paramref name="fit"/> holding the model for training, as every <c>Fit</c> overload does.</summary>
    private History Owning(Func<History> fit)
    {
        if (!BeginTraining(nameof(Fit)))
        {
            throw new InvalidOperationException(
                $"{Description.Name}.Fit was called while this thread is already training the model (a callback calling Fit?); one Fit must end before the next begins.");
        }
        try
        {
            return fit();
        }
        finally
        {
            EndTraining(claimed: true);
        }
    }

    /// <summary><c>Fit</c> of <paramref name="training"/>, which the caller passed as its argument <paramref name="trainingName"/>, once it holds the model.</summary>
    private History FitClaimed(
        Dataset training,
        string trainingName,
        Optimizer optimizer,
        int epochs,
        int batchSize,
        Dataset? validation,
        bool shuffle,
        Action<EpochMetrics>? onEpochEnd,
        IReadOnlyList<Callback>? callbacks,
        double validationSplit,
        bool normalizeInputs,
        ImageAugmentation? augmentation,
        string? resumeFrom,
        CancellationToken cancellationToken)
    {
        // An autoencoder's targets are its samples (its clean inputs: noise layers corrupt inside the network).
        training = ForReconstruction(training)!;
        validation = ForReconstruction(validation);
        Callback[] hooks = CheckFitArguments(training, trainingName, optimizer, epochs, batchSize, validation, augmentation, callbacks);
        if (TrainsOnLabels(training))
        {
            // A binary classifier learns the labels 0 and 1 themselves (see RequireCompatible): one target column,
            // made once here, beside the same features.
            training = training.WithLabelTargets();
        }

        int trainingCount = training.Count;
        if (validationSplit != 0)
        {
            if (validation is not null)
            {
                throw new ArgumentException("Give validation data or a validation split, not both.", nameof(validationSplit));
            }
            (trainingCount, validation) = HoldOutValidation(training, validationSplit);
        }

        int firstEpoch = 1;
        if (resumeFrom is not null)
        {
            firstEpoch = LoadCheckpoint(resumeFrom, optimizer) + 1;
        }
        else
        {
            optimizer.Bind(Description);
        }
        if (normalizeInputs && _inputNormalization is null)
        {
            InputNormalization = InputNormalization.Compute(training.Features.AsSpan(0, trainingCount * training.SampleSize), training.SampleSize);
        }

        GrowBuffers(Math.Min(batchSize, trainingCount));
        var history = new History();
        var context = new TrainingContext(this, optimizer, firstEpoch, epochs, trainingCount, batchSize, validation is not null, history);
        var plan = new EpochPlan(training, new int[trainingCount], batchSize, shuffle, augmentation, validation, hooks);
        RunEpochs(plan, context, onEpochEnd, cancellationToken);
        return history;
    }

    /// <summary>Checks what <c>Fit</c> was given, before anything changes; returns the callbacks as an array (iterated without allocation).</summary>
    private Callback[] CheckFitArguments(
        Dataset training, string trainingName, Optimizer optimizer, int epochs, int batchSize, Dataset? validation, ImageAugmentation? augmentation,
        IReadOnlyList<Callback>? callbacks)
    {
        RequireCompatible(training, trainingName);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (validation is not null)
        {
            RequireCompatible(validation, nameof(validation));
        }
        if (training.Count == 0)
        {
            throw new ArgumentException("The training data set is empty.", trainingName);
        }
        RequireValidData(training, "training", trainingName);
        if (validation is not null)
        {
            RequireValidData(validation, "validation", nameof(validation));
        }
        if (augmentation is not null && Description.InputShape.Length is not (2 or 3))
        {
            throw new ArgumentException(
                $"{Description.Name} takes samples of {Dataset.FormatShape(Description.InputShape)}; image augmentation needs [height, width] or [channels, height, width].",
                nameof(augmentation));
        }
        Callback[] hooks = callbacks is null ? [] : [.. callbacks];
        if (Array.FindIndex(hooks, hook => hook is null) is int missing and >= 0)
        {
            throw new ArgumentException($"Callback {missing} is null.", nameof(callbacks));
        }
        return hooks;
    }

    /// <summary>The epochs from <see cref="TrainingContext.FirstEpoch"/> to <see cref="TrainingContext.Epochs"/>, with the callbacks around them.</summary>
    private void RunEpochs(EpochPlan plan, TrainingContext context, Action<EpochMetrics>? onEpochEnd, CancellationToken cancellationToken)
    {
        Callback[] hooks = plan.Callbacks;
        int begun = 0;
        try
        {
            for (; begun < hooks.Length; begun++)
            {
                hooks[begun].OnTrainBegin(context);
            }
            for (int epoch = context.FirstEpoch; epoch <= context.Epochs && !context.StopTraining; epoch++)
            {
                context.BeginEpoch(epoch);
                foreach (Callback hook in hooks)
                {
                    hook.OnEpochBegin(context);
                }
                if (context.StopTraining)
                {
                    break;
                }
                EpochMetrics metrics = TrainEpoch(plan, context, cancellationToken);
                context.History.Add(metrics);
                onEpochEnd?.Invoke(metrics);
                foreach (Callback hook in hooks)
                {
                    hook.OnEpochEnd(context, metrics);
                }
            }
        }
        catch (Exception error)
        {
            context.Failure = error;
            throw;
        }
        finally
        {
            // Every callback whose OnTrainBegin completed gets its OnTrainEnd (in list order, as in Keras),
            // however training ends; one whose OnTrainBegin never ran has nothing to end.
            for (int i = 0; i < begun; i++)
            {
                hooks[i].OnTrainEnd(context);
            }
        }
    }

    /// <summary>
    /// What one <c>Fit</c> call trains on, the same for all its epochs. <c>Order</c> is the
    /// buffer for an epoch's sample order, <c>[training samples]</c>, refilled every epoch.
    /// </summary>
    private sealed record EpochPlan(
        Dataset Training, int[] Order, int BatchSize, bool Shuffle, ImageAugmentation? Augmentation, Dataset? Validation, Callback[] Callbacks);

    /// <summary>One pass over the training samples, then validation; returns the epoch's metrics.</summary>
    private EpochMetrics TrainEpoch(EpochPlan plan, TrainingContext context, CancellationToken cancellationToken)
    {
        // A fresh permutation of 0…n−1 every epoch rather than a reshuffle of the last one: the order then
        // depends on the generator's state alone, which a checkpoint saves, so a resumed run shuffles
        // exactly as an uninterrupted one.
        int[] order = plan.Order;
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (plan.Shuffle)
        {
            _random.Shuffle(order);
        }

        float learningRate = context.Optimizer.LearningRate;
        int inputSize = Description.InputSize, outputSize = Description.OutputSize;
        long started = Stopwatch.GetTimestamp();
        for (int start = 0, batchIndex = 0; start < order.Length && !context.StopTraining; start += plan.BatchSize, batchIndex++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(plan.BatchSize, order.Length - start);
            context.BeginBatch(batchIndex);
            foreach (Callback hook in plan.Callbacks)
            {
                hook.OnBatchBegin(context);
            }

            GatherBatch(plan.Training, order.AsSpan(start, batch), plan.Augmentation, inputSize, outputSize);
            Span<float> inputs = _batchInputs.AsSpan(0, batch * inputSize);
            Span<float> targets = _batchTargets.AsSpan(0, batch * outputSize);
            SaveRunningStatistics();
            float loss = ForwardBackward(inputs, targets, batch);
            if (!float.IsFinite(loss))
            {
                RestoreRunningStatistics();
                throw new TrainingDivergedException(
                    $"{Description.Name}: the training loss is {loss} at epoch {context.Epoch}, mini-batch {batchIndex} " +
                    $"(samples {start}–{start + batch - 1} of the shuffled order). {UnchangedAfterDivergence()}: the values " +
                    "that produced it. A smaller learning rate usually helps.",
                    context.Epoch, batchIndex, loss, context.History);
            }
            context.EndBatch(loss, OutputBuffer[..(batch * outputSize)], targets, batch);
            context.Optimizer.Step(Parameters, Gradients);

            foreach (Callback hook in plan.Callbacks)
            {
                hook.OnBatchEnd(context);
            }
        }
        TimeSpan duration = Stopwatch.GetElapsedTime(started);
        Evaluation? validationResult = plan.Validation is null ? null : Evaluate(plan.Validation);
        return new EpochMetrics(
            context.Epoch,
            WithModelMetrics(context.EpochTraining(), plan.Training.Features.AsSpan(0, plan.Order.Length * inputSize), plan.Order.Length),
            validationResult,
            duration,
            context.SamplesSeen / Math.Max(duration.TotalSeconds, 1e-9),
            learningRate);
    }

    /// <summary>
    /// Copies the samples named by <paramref name="indices"/> into the contiguous batch buffers as the
    /// network will see them: augmented (each sample with its own random shift and angle), then normalised.
    /// </summary>
    private void GatherBatch(Dataset data, ReadOnlySpan<int> indices, ImageAugmentation? augmentation, int inputSize, int outputSize)
    {
        if (augmentation is null)
        {
            BatchGather.Run(data, indices, _batchInputs, _batchTargets);
        }
        else
        {
            // One sample after another: each draws its shift and angle from the model's generator, in order. An
            // autoencoder's target is the sample as augmented (before normalisation), which it is to reproduce.
            for (int i = 0; i < indices.Length; i++)
            {
                Span<float> input = _batchInputs.AsSpan(i * inputSize, inputSize);
                augmentation.Apply(data.Sample(indices[i]), input, Description.InputShape, _random);
                ReadOnlySpan<float> target = Description.IsAutoencoder ? input : data.Target(indices[i]);
                target.CopyTo(_batchTargets.AsSpan(i * outputSize, outputSize));
            }
        }
        _inputNormalization?.Apply(_batchInputs.AsSpan(0, indices.Length * inputSize));
    }

    /// <summary>
    /// Keras's <c>validation_split</c>: the last round(n × split) samples, in the data's own order (before
    /// any shuffling, so the same samples every epoch and every run), become the validation set. Training
    /// then uses samples [0, returned count) in place; only the held-out part is copied.
    /// </summary>
    private static (int TrainingCount, Dataset Validation) HoldOutValidation(Dataset training, double validationSplit)
    {
        if (!(validationSplit > 0 && validationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "The validation split must be a fraction in (0, 1), or 0 for none.");
        }
        int validationCount = (int)Math.Round(training.Count * validationSplit, MidpointRounding.AwayFromZero);
        if (validationCount < 1 || validationCount >= training.Count)
        {
            throw new ArgumentException(
                $"A validation split of {validationSplit} of {training.Count} samples holds out {validationCount}; each side needs at least one sample.",
                nameof(validationSplit));
        }
        int trainingCount = training.Count - validationCount;
        return (trainingCount, training.Slice(trainingCount, validationCount));
    }
}
