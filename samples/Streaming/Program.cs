using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Randomness;
using NetGen.Training;
using Streaming;

// Forecasts a noisy sum of sines one sample ahead: an LSTM trained with Fit on windows of the signal, then run on a
// stream it has not seen, one sample per Step call, as a sensor or audio loop would run it. Prints the forecast's
// error against the naive forecast (the next sample equals this one), then Step's latency and allocation.
//   dotnet run -c Release --project samples/Streaming

var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training windows.", DefaultValueFactory = _ => 20 };
var batchOption = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 32 };
var learningRateOption = new Option<float>("--lr") { Description = "Adam's learning rate.", DefaultValueFactory = _ => 0.005f };
var trainOption = new Option<int>("--train") { Description = "Samples of signal to train on (one window ends at each).", DefaultValueFactory = _ => 8000 };
var streamOption = new Option<int>("--stream") { Description = "Samples of unseen signal streamed through Step to measure the error.", DefaultValueFactory = _ => 4000 };
var noiseOption = new Option<float>("--noise") { Description = "Standard deviation of the Gaussian noise added to the signal (its sines' amplitudes are 1, 0.5 and 0.3).", DefaultValueFactory = _ => 0.05f };
var callsOption = new Option<int>("--calls") { Description = "Step calls timed for the latency.", DefaultValueFactory = _ => 200_000 };
var seedOption = new Option<int>("--seed") { Description = "Seeds the noise, initialisation and shuffling.", DefaultValueFactory = _ => 1 };

var root = new RootCommand("Forecast a signal one step ahead with an LSTM, streaming one sample per Step call.")
{
    epochsOption, batchOption, learningRateOption, trainOption, streamOption, noiseOption, callsOption, seedOption,
};
root.SetAction(Run);
return root.Parse(args).Invoke();

int Run(ParseResult parsed)
{
    int seed = parsed.GetValue(seedOption);
    int trainLength = parsed.GetValue(trainOption), streamLength = parsed.GetValue(streamOption);
    float noise = parsed.GetValue(noiseOption);
    const int Window = Forecaster.Window;
    if (trainLength <= Window || streamLength < 1)
    {
        Console.Error.WriteLine($"error: --train must exceed the window ({Window} samples) and --stream must be positive");
        return 2;
    }

    // One signal, the stream following the training part: the forecaster is scored on samples it never trained on.
    float[] signal = Signal(trainLength + streamLength, noise, (ulong)seed);

    // Every window of the training part, each [Window, 1], its target the sample after it.
    int windows = trainLength - Window;
    var features = new float[windows * Window];
    var targets = new float[windows];
    for (int n = 0; n < windows; n++)
    {
        signal.AsSpan(n, Window).CopyTo(features.AsSpan(n * Window, Window));
        targets[n] = signal[n + Window];
    }
    Dataset train = Dataset.FromTargets(features, [Window, 1], targets, 1);

    var forecaster = new Forecaster(seed);
    int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption);
    float learningRate = parsed.GetValue(learningRateOption);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"signal: sin(2πt/40) + 0.5 sin(2πt/17 + 1) + 0.3 sin(2πt/9 + 2) + N(0, {noise}²); {trainLength:N0} samples to train on, {streamLength:N0} streamed"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"network: {forecaster.Description.Name}, windows of {Window} → LSTM 32 → 1, {forecaster.Description.ParameterCount:N0} parameters; " +
        $"adam lr {learningRate}, batch {batch}, {windows:N0} windows, seed {seed}"));
    // Gradient clipping keeps an occasional exploding step through time from undoing the epochs before it.
    forecaster.Fit(train, new Adam(learningRate) { GlobalClipNorm = 1f }, epochs, batch, onEpochEnd: epoch =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch.Epoch}/{epochs}  loss {epoch.Loss:F5}  RMSE {Math.Sqrt(epoch.Loss):F4}  {epoch.SamplesPerSecond:N0} windows/s")));

    // Streaming: one Step per sample, the state carried from the training part's end into the unseen stream, so the
    // first forecasts already see history. Each forecast is of the sample after the one just given.
    var x = new float[1];
    var forecast = new float[1];
    forecaster.ResetState();
    for (int t = 0; t < trainLength; t++)
    {
        x[0] = signal[t];
        forecaster.Step(x, forecast);
    }
    double squaredError = 0, naiveSquaredError = 0;
    for (int t = trainLength; t < trainLength + streamLength - 1; t++)
    {
        x[0] = signal[t];
        forecaster.Step(x, forecast);
        double next = signal[t + 1];
        squaredError += (forecast[0] - next) * (forecast[0] - next);
        naiveSquaredError += (signal[t] - next) * (signal[t] - next);
    }
    int scored = streamLength - 1;
    double rmse = Math.Sqrt(squaredError / scored), naive = Math.Sqrt(naiveSquaredError / scored);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"streaming: RMSE {rmse:F4} over {scored:N0} unseen samples; the naive last-value forecast {naive:F4} ({naive / rmse:F1}× the error); the noise alone {noise:F4}"));

    (double median, double p99, long allocated) = Latency(forecaster, signal, parsed.GetValue(callsOption));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"step latency: median {median:F3} µs, p99 {p99:F3} µs over {parsed.GetValue(callsOption):N0} calls, {allocated} bytes allocated"));
    return 0;
}

// A sum of three sines of incommensurate periods, so the pattern never repeats exactly, plus white Gaussian noise.
static float[] Signal(int length, float noise, ulong seed)
{
    var random = new Rng(seed);
    var signal = new float[length];
    for (int t = 0; t < length; t++)
    {
        signal[t] = (float)(Math.Sin(2 * Math.PI * t / 40) + 0.5 * Math.Sin(2 * Math.PI * t / 17 + 1) + 0.3 * Math.Sin(2 * Math.PI * t / 9 + 2))
                    + noise * random.NextGaussian();
    }
    return signal;
}

// Step's latency, one call at a time as a real-time loop makes them: each call timed alone from the raw ticks (a call
// takes about a microsecond, finer than TimeSpan's 100 ns), after a second of calls so the JIT's optimised code runs.
// The bytes this thread allocates over all the timed calls: a real-time loop must not wake the garbage collector.
static (double Median, double P99, long Allocated) Latency(Forecaster forecaster, float[] signal, int calls)
{
    var x = new float[1];
    var forecast = new float[1];
    long warmUp = Stopwatch.GetTimestamp();
    for (int t = 0; Stopwatch.GetElapsedTime(warmUp).TotalSeconds < 1; t++)
    {
        x[0] = signal[t % signal.Length];
        forecaster.Step(x, forecast);
    }
    var ticks = new long[calls];
    long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < calls; i++)
    {
        x[0] = signal[i % signal.Length];
        long start = Stopwatch.GetTimestamp();
        forecaster.Step(x, forecast);
        ticks[i] = Stopwatch.GetTimestamp() - start;
    }
    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    Array.Sort(ticks);
    double Microseconds(long t) => t * 1e6 / Stopwatch.Frequency;
    return (Microseconds(ticks[calls / 2]), Microseconds(ticks[Math.Min(calls - 1, calls * 99 / 100)]), allocated);
}
