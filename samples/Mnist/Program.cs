using System.CommandLine;
using System.Globalization;
using Mnist;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;

// Trains the course's MLP on MNIST-format data and reports test accuracy.
//   dotnet run -c Release --project samples/Mnist -- --activation relu --epochs 5

const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "Folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]. " +
                  $"Default: {DebianFashionMnist} if present, else the Fashion-MNIST subset shipped in data/.",
};
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 5 };
var batchOption = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 100 };
var learningRateOption = new Option<float>("--lr") { Description = "SGD learning rate.", DefaultValueFactory = _ => 0.1f };
var limitOption = new Option<int?>("--limit") { Description = "Train on the first N training samples only." };
var seedOption = new Option<int>("--seed") { Description = "Seeds initialisation and shuffling.", DefaultValueFactory = _ => 1 };
var activationOption = new Option<string>("--activation") { Description = "Hidden-layer activation.", DefaultValueFactory = _ => "sigmoid" };
activationOption.AcceptOnlyFromAmong("sigmoid", "relu");

var root = new RootCommand("Train a 784-500-500-10 network on MNIST-format data with NetGen.")
{
    dataOption, epochsOption, batchOption, learningRateOption, limitOption, seedOption, activationOption,
};
root.SetAction(parsed =>
{
    try
    {
        return Train(parsed);
    }
    catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException or TrainingDivergedException)
    {
        // Bad data or a diverged run: say what and where, without a stack trace.
        Console.Error.WriteLine($"error: {exception.Message}");
        return 1;
    }
});
return root.Parse(args).Invoke();

int Train(ParseResult parsed)
{
    int epochs = parsed.GetValue(epochsOption);
    int batch = parsed.GetValue(batchOption);
    float learningRate = parsed.GetValue(learningRateOption);
    int seed = parsed.GetValue(seedOption);
    string activation = parsed.GetValue(activationOption)!;
    string dataDirectory = parsed.GetValue(dataOption)?.FullName
        ?? (Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : Path.Combine(AppContext.BaseDirectory, "data"));

    (Dataset train, Dataset test) = Idx.LoadMnist(dataDirectory);
    if (parsed.GetValue(limitOption) is int limit)
    {
        train = train.Take(limit);
    }

    Model network = activation == "relu" ? new MnistReluMlp(seed) : new MnistMlp(seed);
    Console.WriteLine($"data: {dataDirectory} ({train.Count:N0} training, {test.Count:N0} test samples)");
    Console.WriteLine($"network: {network.Description.Name}, 784-500-500-10 {activation}, {network.Description.ParameterCount:N0} parameters; SGD lr {learningRate}, batch {batch}, seed {seed}");

    network.Fit(train, new Sgd(learningRate), epochs, batch, validation: test, onEpochEnd: epoch => Console.WriteLine(
        string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch.Epoch}/{epochs}  loss {epoch.Loss:F4}  accuracy {epoch.Accuracy:F4}  " +
            $"test accuracy {epoch.Validation!.Value.Accuracy:F4}  {epoch.SamplesPerSecond:N0} samples/s")));

    Evaluation result = network.Evaluate(test);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test loss: {result.Loss:F4}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {result.Accuracy:F4}"));
    return 0;
}
