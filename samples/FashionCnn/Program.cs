using System.CommandLine;
using System.Globalization;
using FashionCnn;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Training;

// Trains a two-convolution network on Fashion-MNIST and reports test accuracy and training throughput.
//   dotnet run -c Release --project samples/FashionCnn -- --epochs 10

const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "Folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]. " +
                  $"Default: {DebianFashionMnist} if present, else the Fashion-MNIST subset shipped in data/.",
};
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training data (0 with --load: evaluate only).", DefaultValueFactory = _ => 10 };
var batchOption = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 64 };
var learningRateOption = new Option<float>("--lr") { Description = "Adam's learning rate.", DefaultValueFactory = _ => 0.001f };
var limitOption = new Option<int?>("--limit") { Description = "Train on the first N training samples only." };
var seedOption = new Option<int>("--seed") { Description = "Seeds initialisation and shuffling.", DefaultValueFactory = _ => 1 };
var saveOption = new Option<FileInfo?>("--save") { Description = "Write the trained weights to this safetensors file (c1.weight [32, 1, 5, 5], …)." };
var loadOption = new Option<FileInfo?>("--load") { Description = "Read weights from this safetensors file before training." };
var plotOption = new Option<FileInfo>("--plot") { Description = "Where to draw the loss and accuracy curves.", DefaultValueFactory = _ => new FileInfo("training.png") };
var filtersOption = new Option<FileInfo?>("--filters") { Description = "Draw the first layer's 32 learned 5×5 filters as one PNG grid." };
var batchNormOption = new Option<bool>("--batchnorm") { Description = "Batch-normalise each convolution's channels (bn1, bn2), with dropout after it and after f1." };
var dropoutOption = new Option<float>("--dropout") { Description = "With --batchnorm: the dropout rate after each convolution and f1, in [0, 1).", DefaultValueFactory = _ => 0.1f };

var root = new RootCommand("Train a two-convolution network on Fashion-MNIST with NetGen.")
{
    dataOption, epochsOption, batchOption, learningRateOption, limitOption, seedOption, saveOption, loadOption, plotOption, filtersOption,
    batchNormOption, dropoutOption,
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

    (Dataset train, Dataset test) = Idx.LoadMnist(dataDirectory);
    if (parsed.GetValue(limitOption) is int limit)
    {
        train = train.Take(limit);
    }

    bool regularized = parsed.GetValue(batchNormOption);
    Model network = regularized ? new FashionCnnRegularizedNetwork(seed) : new FashionCnnNetwork(seed);
    foreach (DropoutLayer layer in network.Description.DropoutLayers)
    {
        network.SetDropoutRate(layer.Name, parsed.GetValue(dropoutOption));
    }
    if (parsed.GetValue(loadOption) is { } load)
    {
        network.LoadWeights(load.FullName);
        Console.WriteLine($"loaded weights from {load.FullName}");
    }
    Console.WriteLine($"data: {dataDirectory} ({train.Count:N0} training, {test.Count:N0} test samples)");
    string regularizers = regularized ? string.Create(CultureInfo.InvariantCulture, $" + batch norm + dropout {parsed.GetValue(dropoutOption)}") : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"network: {network.Description.Name}, conv 5×5×32 → max-pool 2 → conv 5×5×64 → max-pool 2 → 128 → 10, ReLU{regularizers}, " +
        $"{network.Description.ParameterCount:N0} parameters; adam lr {learningRate}, batch {batch}, seed {seed}"));

    var samplesPerSecond = new List<double>();
    if (epochs > 0)
    {
        History history = network.Fit(
            train, new Adam(learningRate), epochs, batch,
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
    if (parsed.GetValue(filtersOption) is { } filters)
    {
        network.SaveFilterImages("c1.weight", filters.FullName);
        Console.WriteLine($"filters: {filters.FullName}");
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
