using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Autoencoder;
using MathNet.Numerics.LinearAlgebra;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using NetGen.Training;

// Hinton & Salakhutdinov's deep autoencoders on Fashion-MNIST, against PCA on the same images:
//   dotnet run -c Release --project samples/Autoencoder
// prints both test reconstruction errors (squared error summed over the 784 pixels, averaged over the test images),
// draws the 2-D codes beside PCA's first two components and a grid of test images over their reconstructions, and
// ends with "test reconstruction error: …" (the 30-D autoencoder's) for scripts. --conv trains a convolutional
// autoencoder instead, --noise masking:0.3 or gaussian:0.1 a denoising one.

const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "Folder with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]. " +
                  $"Default: {DebianFashionMnist} if present, else the Fashion-MNIST subset shipped in data/.",
};
var epochsOption = new Option<int>("--epochs") { Description = "Passes over the training data, for each autoencoder.", DefaultValueFactory = _ => 15 };
var batchOption = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 100 };
var learningRateOption = new Option<float>("--lr") { Description = "Adam's learning rate.", DefaultValueFactory = _ => 0.001f };
var limitOption = new Option<int?>("--limit") { Description = "Train (and fit PCA) on the first N training samples only." };
var seedOption = new Option<int>("--seed") { Description = "Seeds initialisation and shuffling.", DefaultValueFactory = _ => 1 };
var outputOption = new Option<DirectoryInfo>("--out") { Description = "Folder for the PNGs.", DefaultValueFactory = _ => new DirectoryInfo(".") };
var convOption = new Option<bool>("--conv") { Description = "Train the convolutional autoencoder (30-number code) instead of the dense ones." };
var noiseOption = new Option<string?>("--noise")
{
    Description = "Train the 30-D autoencoder as a denoising one: masking:0.3 (zero 30 % of the pixels) or gaussian:0.1 (add N(0, 0.1²)), as declared in Networks.cs.",
};

var root = new RootCommand("Train Hinton & Salakhutdinov's deep autoencoders on Fashion-MNIST with NetGen, against PCA.")
{
    dataOption, epochsOption, batchOption, learningRateOption, limitOption, seedOption, outputOption, convOption, noiseOption,
};
root.SetAction(parsed =>
{
    try
    {
        return Run(parsed);
    }
    catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException or TrainingDivergedException)
    {
        Console.Error.WriteLine($"error: {exception.Message}");
        return 1;
    }
});
return root.Parse(args).Invoke();

int Run(ParseResult parsed)
{
    var clock = Stopwatch.StartNew();
    int epochs = parsed.GetValue(epochsOption), batch = parsed.GetValue(batchOption), seed = parsed.GetValue(seedOption);
    float learningRate = parsed.GetValue(learningRateOption);
    string dataDirectory = parsed.GetValue(dataOption)?.FullName
        ?? (Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : Path.Combine(AppContext.BaseDirectory, "data"));
    DirectoryInfo output = parsed.GetValue(outputOption)!;
    output.Create();

    // The labels stay with the data only to colour the codes: an autoencoder ignores them.
    (Dataset train, Dataset test) = Idx.LoadMnist(dataDirectory);
    if (parsed.GetValue(limitOption) is int limit)
    {
        train = train.Take(limit);
    }
    bool fashion = dataDirectory.Contains("fashion", StringComparison.OrdinalIgnoreCase);
    Console.WriteLine($"data: {dataDirectory} ({train.Count:N0} training, {test.Count:N0} test images)");

    Pca pca = Pca.Fit(train.Features, 784, 30);
    Matrix<double> pcaCodes = pca.Encode(test.Features);
    float[] pcaReconstructions = pca.Decode(pcaCodes);
    double pcaError = ReconstructionError(test.Features, pcaReconstructions);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PCA, 30 components: test reconstruction error {pcaError:F2} ({clock.Elapsed.TotalSeconds:F0} s)"));

    // The noise amounts are attributes, fixed at build time: the option picks one of the declared networks.
    string? noise = parsed.GetValue(noiseOption);
    bool conv = parsed.GetValue(convOption);
    (Model network30, string name30) = (conv, noise) switch
    {
        (true, null) => ((Model)new ConvolutionalAutoencoder30(seed), "convolutional 1×28×28 → 16×14×14 → 32×7×7 → 30"),
        (false, null) => (new DeepAutoencoder30(seed), "784-1000-500-250-30"),
        (false, "masking:0.3") => (new MaskingDenoiser30(seed), "denoising (masking 0.3) 784-1000-500-250-30"),
        (false, "gaussian:0.1") => (new GaussianDenoiser30(seed), "denoising (Gaussian σ 0.1) 784-1000-500-250-30"),
        _ => throw new InvalidDataException(conv
            ? "--conv and --noise go separately."
            : $"--noise {noise}: the sample declares masking:0.3 and gaussian:0.1 (see Networks.cs; the amount is an attribute)."),
    };
    float[] reconstructions30 = Train(network30, name30, train, test, epochs, batch, learningRate, clock);
    double error30 = ReconstructionError(test.Features, reconstructions30);

    // One test image of each class, then each method's reconstructions of them.
    int[] shown = Enumerable.Range(0, 10).Select(label => Array.IndexOf(test.Labels!, label)).Where(index => index >= 0).ToArray();
    float[] Pick(float[] images) => shown.SelectMany(index => images.AsSpan(index * 784, 784).ToArray()).ToArray();
    string grid = Path.Combine(output.FullName, "reconstructions.png");
    if (conv || noise is not null)
    {
        ImageGrid.Save(grid, [Pick(test.Features), Pick(reconstructions30), Pick(pcaReconstructions)], shown.Length);
        Console.WriteLine($"rows: test images, the {name30} autoencoder, PCA-30: {grid}");
    }
    else
    {
        var deep2 = new DeepAutoencoder2(seed);
        float[] reconstructions2 = Train(deep2, "784-1000-500-250-2", train, test, epochs, batch, learningRate, clock);
        var codes2 = new float[test.Count * DeepAutoencoder2.CodeSize];
        deep2.Encode(test.Features, codes2);

        string scatter = Path.Combine(output.FullName, "codes.png");
        Pictures.SaveCodes(scatter, codes2, pcaCodes.SubMatrix(0, test.Count, 0, 2).ToArray(), test.Labels!, fashion);
        Console.WriteLine($"2-D codes, autoencoder beside PCA: {scatter}");
        ImageGrid.Save(grid, [Pick(test.Features), Pick(reconstructions30), Pick(pcaReconstructions), Pick(reconstructions2)], shown.Length);
        Console.WriteLine($"rows: test images, 30-D autoencoder, PCA-30, 2-D autoencoder: {grid}");
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total time: {clock.Elapsed.TotalSeconds:F0} s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PCA-30 test reconstruction error: {pcaError:F2}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test reconstruction error: {error30:F2}"));
    return 0;
}

// Fits the autoencoder on the training images, printing each epoch's test reconstruction error; returns its
// reconstructions of the test images.
static float[] Train(Model network, string name, Dataset train, Dataset test, int epochs, int batch, float learningRate, Stopwatch clock)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} autoencoder ({network.Description.ParameterCount:N0} parameters): adam lr {learningRate}, batch {batch}, {epochs} epochs"));
    var reconstructions = new float[test.Features.Length];
    network.Fit(train, new Adam(learningRate), epochs, batch, onEpochEnd: epoch =>
    {
        network.Predict(test.Features, reconstructions);
        double error = ReconstructionError(test.Features, reconstructions);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  epoch {epoch.Epoch}/{epochs}  loss {epoch.Loss:F5}  test reconstruction error {error:F2}  {epoch.SamplesPerSecond:N0} samples/s  ({clock.Elapsed.TotalSeconds:F0} s)"));
    });
    network.Predict(test.Features, reconstructions);
    return reconstructions;
}

// The paper's measure: the squared error summed over an image's pixels, averaged over the images.
static double ReconstructionError(float[] images, float[] reconstructions)
{
    double sum = 0;
    for (int i = 0; i < images.Length; i++)
    {
        double difference = (double)images[i] - reconstructions[i];
        sum += difference * difference;
    }
    return sum / (images.Length / 784);
}
