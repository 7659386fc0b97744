using System.CommandLine;
using System.Globalization;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Training;
using SequenceClassifier;

// Trains an LSTM on Fashion-MNIST read row by row (28 steps of 28 pixels) and reports test accuracy last.
//   dotnet run -c Release --project samples/SequenceClassifier -- --epochs 5

const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "Folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]. " +
                  $"Default: {DebianFashionMnist} if present, else the Fashion-MNIST subset shipped in data/.",
};
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training data (0 with --load: evaluate only).", DefaultValueFactory = _ => 3 };
var batchOption = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 64 };
var learningRateOption = new Option<float>("--lr") { Description = "Adam's learning rate.", DefaultValueFactory = _ => 0.001f };
var clipOption = new Option<float?>("--clip") { Description = "Scale the gradients down to this global L2 norm where they exceed it (PyTorch's clip_grad_norm_)." };
var limitOption = new Option<int?>("--limit") { Description = "Train on the first N training samples only." };
var seedOption = new Option<int>("--seed") { Description = "Seeds initialisation and shuffling.", DefaultValueFactory = _ => 1 };
var saveOption = new Option<FileInfo?>("--save") { Description = "Write the trained weights to this safetensors file (lstm.weight_ih_l0 [512, 28], …, fc.weight [10, 128])." };
var loadOption = new Option<FileInfo?>("--load") { Description = "Read weights from this safetensors file before training." };
var plotOption = new Option<FileInfo>("--plot") { Description = "Where to draw the loss and accuracy curves.", DefaultValueFactory = _ => new FileInfo("training.png") };

var root = new RootCommand("Train an LSTM on Fashion-MNIST read row by row with NetGen.")
{
    dataOption, epochsOption, batchOption, learningRateOption, clipOption, limitOption, seedOption, saveOption, loadOption, plotOption,
};
root.SetAction(parsed =>
{
    try
    {
        return Train(parsed);
    }
    catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException
                                          or TrainingDivergedException or NetGen.IO.WeightsMismatchException)
    {
        // Bad data, a weights file that does not fit, or a diverged run: say what and where, without a stack trace.
        Console.Error.WriteLine($"error: {exception.Message}");
        return 1;
    }
});
return root.Parse(args).Invoke();

int Train(ParseResult parsed)
{
    int epochs = parsed.GetValue(epochsOption);
    int batch = parsed.GetValue(batchOption);
    int seed = parsed.GetValue(seedOption);
    float learningRate = parsed.GetValue(learningRateOption);
    string dataDirectory = parsed.GetValue(dataOption)?.FullName
        ?? (Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : Path.Combine(AppContext.BaseDirectory, "data"));

    // Idx gives each image as [28, 28], row-major: exactly 28 steps of 28 features, so no copy is needed.
    (Dataset train, Dataset test) = Idx.LoadMnist(dataDirectory);
    if (parsed.GetValue(limitOption) is int limit)
    {
        train = train.Take(limit);
    }

    var network = new RowLstmNetwork(seed);
    if (parsed.GetValue(loadOption) is { } load)
    {
        network.LoadWeights(load.FullName);
        Console.WriteLine($"loaded weights from {load.FullName}");
    }
    var optimizer = new Adam(learningRate);
    string clipping = "";
    if (parsed.GetValue(clipOption) is float clip)
    {
        optimizer.GlobalClipNorm = clip;
        clipping = string.Create(CultureInfo.InvariantCulture, $", gradients clipped to norm {clip}");
    }
    Console.WriteLine($"data: {dataDirectory} ({train.Count:N0} training, {test.Count:N0} test samples)");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"network: {network.Description.Name}, 28 rows of 28 pixels → LSTM 128 (last step) → 10, " +
        $"{network.Description.ParameterCount:N0} parameters; adam lr {learningRate}{clipping}, batch {batch}, seed {seed}"));

    var samplesPerSecond = new List<double>();
    if (epochs > 0)
    {
        History history = network.Fit(
            train, optimizer, epochs, batch,
            // The test set is evaluated only to report it, never to choose anything.
            onEpochEnd: epoch =>
            {
                samplesPerSecond.Add(epoch.SamplesPerSecond);
                Console.WriteLine(EpochLine(epoch, epochs, network.Evaluate(test)));
            });
        string plot = parsed.GetValue(plotOption)!.FullName;
        history.SavePlot(plot);
        Console.WriteLine($"plot: {plot}");
        // The median epoch: the first carries the JIT's warm-up, and these shared machines wander.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"training: {Median(samplesPerSecond):N0} samples/s (median of {samplesPerSecond.Count} epoch{(samplesPerSecond.Count == 1 ? "" : "s")})"));
    }

    if (parsed.GetValue(saveOption) is { } save)
    {
        network.SaveWeights(save.FullName);
        Console.WriteLine($"saved weights to {save.FullName}");
    }
    Evaluation result = network.Evaluate(test);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test loss: {result.Loss:F4}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {result.Accuracy:F4}"));
    return 0;
}

static string EpochLine(EpochMetrics epoch, int epochs, Evaluation test) => string.Create(CultureInfo.InvariantCulture,
    $"epoch {epoch.Epoch}/{epochs}  loss {epoch.Loss:F4}  accuracy {epoch.Accuracy:F4}  test accuracy {test.Accuracy:F4}  {epoch.SamplesPerSecond:N0} samples/s");

static double Median(List<double> values)
{
    double[] sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
