using System.CommandLine;
using System.Globalization;
using Mnist;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Training;

// Trains the course's MLP on MNIST-format data and reports test accuracy.
//   dotnet run -c Release --project samples/Mnist -- --activation relu --optimizer adam --lr 0.001

const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "Folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]. " +
                  $"Default: {DebianFashionMnist} if present, else the Fashion-MNIST subset shipped in data/.",
};
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training data (0 with --load: evaluate only).", DefaultValueFactory = _ => 5 };
var batchOption = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 100 };
var learningRateOption = new Option<float?>("--lr") { Description = "Learning rate (default 0.1 for sgd and momentum, 1 for adadelta, 0.001 otherwise)." };
var limitOption = new Option<int?>("--limit") { Description = "Train on the first N training samples only." };
var seedOption = new Option<int>("--seed") { Description = "Seeds initialisation, shuffling and augmentation.", DefaultValueFactory = _ => 1 };
var activationOption = new Option<string>("--activation") { Description = "Hidden-layer activation.", DefaultValueFactory = _ => "sigmoid" };
activationOption.AcceptOnlyFromAmong("sigmoid", "relu");
var optimizerOption = new Option<string>("--optimizer") { Description = "The optimizer.", DefaultValueFactory = _ => "sgd" };
optimizerOption.AcceptOnlyFromAmong("sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam", "nadam", "adamw");
var weightDecayOption = new Option<float>("--weight-decay") { Description = "L2 weight decay λ on weights (not biases).", DefaultValueFactory = _ => 0f };
var scheduleOption = new Option<string>("--lr-schedule")
{
    Description = "constant; 1/t (η/√(t+1) per epoch); step (halve every 2 epochs); exp (×0.9 per epoch); plateau (halve when validation loss stops improving).",
    DefaultValueFactory = _ => "constant",
};
scheduleOption.AcceptOnlyFromAmong("constant", "1/t", "step", "exp", "plateau");
var earlyStoppingOption = new Option<int?>("--early-stopping") { Description = "Stop after N epochs without a better validation loss, and keep the best weights." };
var validationSplitOption = new Option<double>("--validation-split")
{
    Description = "Hold out this fraction of the training data for validation (0.1 by default when --early-stopping or --lr-schedule plateau needs it). The test set is never used to decide anything.",
};
var normalizeOption = new Option<bool>("--normalize") { Description = "Standardise each pixel with the training set's mean and standard deviation." };
var augmentOption = new Option<bool>("--augment") { Description = "Randomly shift (±2 pixels) and rotate (±10°) training images every mini-batch." };
var saveOption = new Option<FileInfo?>("--save") { Description = "Write the trained weights to this safetensors file (fc1.weight [500, 784], …)." };
var loadOption = new Option<FileInfo?>("--load") { Description = "Read weights from this safetensors file before training." };
var checkpointOption = new Option<FileInfo?>("--checkpoint") { Description = "Write a checkpoint (weights, optimizer, epoch, random state) after every epoch." };
var resumeOption = new Option<FileInfo?>("--resume") { Description = "Continue the run saved in this checkpoint, up to --epochs in total." };
var batchNormOption = new Option<bool>("--batchnorm") { Description = "Batch-normalise every hidden layer (bn1, bn2)." };
var dropoutOption = new Option<float>("--dropout") { Description = "Dropout rate after every hidden layer, in [0, 1).", DefaultValueFactory = _ => 0f };
var plotOption = new Option<FileInfo>("--plot") { Description = "Where to draw the loss and accuracy curves.", DefaultValueFactory = _ => new FileInfo("training.png") };

var root = new RootCommand("Train a 784-500-500-10 network on MNIST-format data with NetGen.")
{
    dataOption, epochsOption, batchOption, learningRateOption, limitOption, seedOption, activationOption, optimizerOption,
    weightDecayOption, scheduleOption, earlyStoppingOption, validationSplitOption, normalizeOption, augmentOption,
    saveOption, loadOption, checkpointOption, resumeOption, batchNormOption, dropoutOption, plotOption,
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
    string activation = parsed.GetValue(activationOption)!;
    string optimizerName = parsed.GetValue(optimizerOption)!;
    string schedule = parsed.GetValue(scheduleOption)!;
    int? patience = parsed.GetValue(earlyStoppingOption);
    string dataDirectory = parsed.GetValue(dataOption)?.FullName
        ?? (Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : Path.Combine(AppContext.BaseDirectory, "data"));

    (Dataset train, Dataset test) = Idx.LoadMnist(dataDirectory);
    if (parsed.GetValue(limitOption) is int limit)
    {
        train = train.Take(limit);
    }

    bool batchNorm = parsed.GetValue(batchNormOption);
    float dropout = parsed.GetValue(dropoutOption);
    Model network = CreateNetwork(activation == "relu", batchNorm, dropout, seed);
    if (parsed.GetValue(loadOption) is { } load)
    {
        network.LoadWeights(load.FullName);
        Console.WriteLine($"loaded weights from {load.FullName}");
    }
    float learningRate = parsed.GetValue(learningRateOption) ?? DefaultLearningRate(optimizerName);
    Optimizer optimizer = CreateOptimizer(optimizerName, learningRate);
    optimizer.WeightDecay = parsed.GetValue(weightDecayOption);

    var callbacks = new List<Callback>();
    bool needsValidation = patience is not null || schedule == "plateau";
    double validationSplit = parsed.GetValue(validationSplitOption) is > 0 and var split ? split : needsValidation ? 0.1 : 0;
    if (ScheduleCallback(schedule, learningRate) is { } scheduler)
    {
        callbacks.Add(scheduler);
    }
    if (patience is int epochsWithoutImprovement)
    {
        callbacks.Add(new EarlyStopping(TrainingMetric.ValidationLoss, epochsWithoutImprovement));
    }
    if (parsed.GetValue(checkpointOption) is { } checkpoint)
    {
        callbacks.Add(new ModelCheckpoint(checkpoint.FullName));
    }

    Console.WriteLine($"data: {dataDirectory} ({train.Count:N0} training, {test.Count:N0} test samples)");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"network: {network.Description.Name}, 784-500-500-10 {activation}{(batchNorm ? " + batch norm" : "")}{(dropout > 0 ? $" + dropout {dropout}" : "")}, " +
        $"{network.Description.ParameterCount:N0} parameters; " +
        $"{optimizerName} lr {learningRate}, {schedule} schedule, batch {batch}, seed {seed}"));

    if (epochs > 0)
    {
        History history = network.Fit(
            train, optimizer, epochs, batch,
            validationSplit: validationSplit,
            normalizeInputs: parsed.GetValue(normalizeOption),
            augmentation: parsed.GetValue(augmentOption) ? new ImageAugmentation() : null,
            resumeFrom: parsed.GetValue(resumeOption)?.FullName,
            callbacks: callbacks,
            // The test set is evaluated only to report it, never to choose anything.
            onEpochEnd: epoch => Console.WriteLine(EpochLine(epoch, epochs, network.Evaluate(test))));
        if (history.Epochs.Count > 0)
        {
            string plot = parsed.GetValue(plotOption)!.FullName;
            history.SavePlot(plot);
            Console.WriteLine($"plot: {plot}");
        }
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

static string EpochLine(EpochMetrics epoch, int epochs, Evaluation test)
{
    string validation = epoch.Validation is Evaluation held ? $"  validation accuracy {held.Accuracy:F4}" : "";
    return string.Create(CultureInfo.InvariantCulture,
        $"epoch {epoch.Epoch}/{epochs}  loss {epoch.Loss:F4}  accuracy {epoch.Accuracy:F4}{validation}  " +
        $"test accuracy {test.Accuracy:F4}  lr {epoch.LearningRate:G4}  {epoch.SamplesPerSecond:N0} samples/s");
}

static Model CreateNetwork(bool relu, bool batchNorm, float dropout, int seed)
{
    Model network = (relu, batchNorm, dropout > 0) switch
    {
        (false, false, false) => new MnistMlp(seed),
        (true, false, false) => new MnistReluMlp(seed),
        (false, false, true) => new MnistDropoutMlp(seed),
        (true, false, true) => new MnistReluDropoutMlp(seed),
        (false, true, _) => new MnistBatchNormMlp(seed),
        (true, true, _) => new MnistReluBatchNormMlp(seed),
    };
    foreach (DropoutLayer layer in network.Description.DropoutLayers)
    {
        network.SetDropoutRate(layer.Name, dropout);
    }
    return network;
}

static float DefaultLearningRate(string optimizer) => optimizer switch
{
    "sgd" or "momentum" => 0.1f,
    "adadelta" => 1f,
    _ => 0.001f,
};

static Optimizer CreateOptimizer(string name, float learningRate) => name switch
{
    "sgd" => new Sgd(learningRate),
    "momentum" => new Momentum(learningRate),
    "adagrad" => new Adagrad(learningRate),
    "rmsprop" => new RmsProp(learningRate),
    "adadelta" => new Adadelta(learningRate),
    "adam" => new Adam(learningRate),
    "nadam" => new Nadam(learningRate),
    "adamw" => new AdamW(learningRate),
    _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown optimizer."),
};

static Callback? ScheduleCallback(string schedule, float learningRate) => schedule switch
{
    "1/t" => new LearningRateScheduler(LearningRateSchedule.InverseSquareRootDecay(learningRate)),
    "step" => new LearningRateScheduler(LearningRateSchedule.StepDecay(learningRate, every: 2)),
    "exp" => new LearningRateScheduler(LearningRateSchedule.ExponentialDecay(learningRate, gamma: 0.9f)),
    "plateau" => new ReduceLearningRateOnPlateau(),
    _ => null,
};
