using System.Diagnostics;
using System.Globalization;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Reporting;

/// <summary>
/// Shows training as Keras does: one line per finished epoch with its metrics and, on a terminal,
/// a live progress bar under them for the epoch in progress, with its running loss and the time
/// remaining. When output is redirected (a log file, CI) there is no bar, only the lines.
/// Add it to <c>Fit</c>'s callbacks.
/// </summary>
/// <remarks>
/// An epoch's line reads
/// <c>epoch 3/10 - 1.2s - loss: 0.4321 - accuracy: 0.8765 - f1: 0.8712 - val_loss: 0.4567 - val_accuracy: 0.8500 - val_f1: 0.8433 - lr: 0.1 - 25,000 samples/s</c>
/// for a classifier (with <c>top_k</c> when measured), <c>… - loss: 0.0123 - mae: 0.0812 - rmse: 0.1109 - r2: 0.9876 - val_loss: …</c>
/// for a regressor (the validation figures only when there is validation), the same on every machine whatever its culture.
/// The bar is drawn by Spectre.Console on its own refresh thread; the training thread only stores
/// numbers into it, and rewrites its text at most four times a second.
/// </remarks>
public sealed class TrainingProgress : Callback
{
    /// <summary>How often the bar's text (the running loss) is rewritten: formatting a string per mini-batch would cost more than the step.</summary>
    private static readonly TimeSpan TextInterval = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter? _output;
    private LiveBar? _bar;

    /// <summary>A bar on the console when it is an interactive terminal; plain lines on standard output otherwise.</summary>
    public TrainingProgress()
    {
    }

    /// <summary>Always plain lines, one per epoch, to <paramref name="output"/> (a log file, a test's writer).</summary>
    public TrainingProgress(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>
    /// One epoch as a line: epoch, duration, the training metrics that fit the network (<see cref="Evaluation.FormatLine"/>),
    /// the validation ones when present, learning rate and throughput. Invariant culture.
    /// </summary>
    /// <param name="metrics">The epoch.</param>
    /// <param name="epochs">The last epoch of the run, shown as "epoch 3/10".</param>
    public static string FormatEpoch(EpochMetrics metrics, int epochs)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        string validation = metrics.Validation is Evaluation result ? " - " + result.FormatLine("val_") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {metrics.Epoch}/{epochs} - {metrics.Duration.TotalSeconds:F1}s - {metrics.Training.FormatLine()}" +
            $"{validation} - lr: {metrics.LearningRate:G6} - {metrics.SamplesPerSecond:N0} samples/s");
    }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        bool interactive = _output is null && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        _bar = interactive ? LiveBar.Start() : null;
    }

    /// <inheritdoc />
    public override void OnEpochBegin(TrainingContext context) =>
        _bar?.BeginEpoch(string.Create(CultureInfo.InvariantCulture, $"epoch {context.Epoch}/{context.Epochs}"), context.TrainingSamples);

    /// <inheritdoc />
    public override void OnBatchEnd(TrainingContext context)
    {
        if (_bar is null)
        {
            return;
        }
        _bar.Advance(context.SamplesSeen);
        if (_bar.TextIsStale(TextInterval))
        {
            string metric = context.EpochAccuracy is float accuracy
                ? string.Create(CultureInfo.InvariantCulture, $"acc {accuracy:F4}")
                : string.Create(CultureInfo.InvariantCulture, $"mae {context.EpochMeanAbsoluteError:F4}");
            _bar.SetText(string.Create(CultureInfo.InvariantCulture, $"epoch {context.Epoch}/{context.Epochs} · loss {context.EpochLoss:F4} · {metric}"));
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        string line = FormatEpoch(metrics, context.Epochs);
        if (_bar is not null)
        {
            _bar.EndEpoch(line);
            return;
        }
        TextWriter output = _output ?? Console.Out;
        output.WriteLine(line);
        output.Flush();
    }

    /// <inheritdoc />
    public override void OnTrainEnd(TrainingContext context)
    {
        _bar?.Stop();
        _bar = null;
    }

    /// <summary>
    /// Spectre.Console's live progress display, driven from outside. Its API runs the work inside
    /// <c>Progress.StartAsync(work)</c>; training runs outside it instead, so the "work" given here just
    /// waits until <see cref="Stop"/> while Spectre's own thread redraws the bar. One bar, for the
    /// current epoch; a finished epoch's bar gives way to its line, which Spectre prints above the display.
    /// </summary>
    private sealed class LiveBar
    {
        private readonly TaskCompletionSource _finished;
        private readonly Task _display;
        private readonly ProgressContext _progress;
        private ProgressTask? _epoch;
        private long _textWritten;

        private LiveBar(TaskCompletionSource finished, Task display, ProgressContext progress)
        {
            _finished = finished;
            _display = display;
            _progress = progress;
        }

        public static LiveBar Start()
        {
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = new TaskCompletionSource<ProgressContext>(TaskCreationOptions.RunContinuationsAsynchronously);
            Task display = AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 30 }, new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(progress =>
                {
                    started.SetResult(progress);
                    return finished.Task;
                });
            // Either the display is up, or it failed before calling us (e.g. another live display is running).
            Task.WaitAny(started.Task, display);
            if (!started.Task.IsCompleted)
            {
                display.GetAwaiter().GetResult();
                throw new InvalidOperationException("The progress display ended before it started.");
            }
            return new LiveBar(finished, display, started.Task.Result);
        }

        public void BeginEpoch(string text, int samples)
        {
            _epoch = _progress.AddTask(Markup.Escape(text), maxValue: samples);
            _textWritten = Stopwatch.GetTimestamp();
        }

        public void Advance(int samplesSeen) => _epoch!.Value = samplesSeen;

        public bool TextIsStale(TimeSpan interval) => Stopwatch.GetElapsedTime(_textWritten) >= interval;

        public void SetText(string text)
        {
            _epoch!.Description = Markup.Escape(text);
            _textWritten = Stopwatch.GetTimestamp();
        }

        public void EndEpoch(string line)
        {
            _progress.RemoveTask(_epoch!);
            _epoch = null;
            AnsiConsole.WriteLine(line);
        }

        public void Stop()
        {
            _finished.TrySetResult();
            _display.GetAwaiter().GetResult();
        }
    }
}
