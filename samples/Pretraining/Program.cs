using System.CommandLine;
using System.Globalization;
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;
using NetGen.Reporting;
using Pretraining;

// Does unsupervised pre-training help a deep sigmoid network that has few labels? The course's question, answered on
// Fashion-MNIST: fine-tune 784-500-500-500-10 on 1,000 labelled images from random weights, from RBM pre-training and
// from denoising-autoencoder pre-training on all 60,000 images, over several seeds.
//   dotnet run -c Release --project samples/Pretraining
//   dotnet run -c Release --project samples/Pretraining -- --rbm-features

const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = $"An MNIST-format folder (train-images-idx3-ubyte[.gz], …). Default: {DebianFashionMnist} if present, else the subset shipped in data/.",
};
var labelledOption = new Option<int>("--labelled") { Description = "Labelled training images for fine-tuning.", DefaultValueFactory = _ => 1000 };
var unlabelledOption = new Option<int>("--unlabelled") { Description = "Training images, labels ignored, for pre-training.", DefaultValueFactory = _ => 60000 };
var pretrainEpochsOption = new Option<int>("--pretrain-epochs") { Description = "Epochs per pre-trained layer.", DefaultValueFactory = _ => 5 };
var finetuneEpochsOption = new Option<int>("--finetune-epochs") { Description = "Epochs of supervised fine-tuning.", DefaultValueFactory = _ => 50 };
var seedsOption = new Option<int>("--seeds") { Description = "Runs per starting point, with seeds 1, 2, …", DefaultValueFactory = _ => 3 };
var filtersOption = new Option<FileInfo>("--filters") { Description = "The first RBM's filters as a PNG grid.", DefaultValueFactory = _ => new FileInfo("rbm-filters.png") };
var samplesOption = new Option<FileInfo>("--samples") { Description = "Samples from the first RBM's Gibbs chains as a PNG grid.", DefaultValueFactory = _ => new FileInfo("rbm-samples.png") };
var featuresOption = new Option<bool>("--rbm-features") { Description = "Instead: an RBM's 256 features of the pixels, then a softmax classifier on them." };

var root = new RootCommand("Greedy layer-wise pre-training, then fine-tuning, on Fashion-MNIST with few labels.")
{
    dataOption, labelledOption, unlabelledOption, pretrainEpochsOption, finetuneEpochsOption, seedsOption, filtersOption, samplesOption, featuresOption,
};
root.SetAction(parsed =>
{
    try
    {
        return parsed.GetValue(featuresOption) ? FeaturesAndSoftmax(parsed) : CompareStarts(parsed);
    }
    catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException or TrainingDivergedException)
    {
        Console.Error.WriteLine($"error: {exception.Message}");
        return 1;
    }
});
return root.Parse(args).Invoke();

(Dataset Labelled, Dataset Unlabelled, Dataset Test) Load(ParseResult parsed)
{
    string directory = parsed.GetValue(dataOption)?.FullName
        ?? (Directory.Exists(DebianFashionMnist) ? DebianFashionMnist : Path.Combine(AppContext.BaseDirectory, "data"));
    (Dataset train, Dataset test) = Idx.LoadMnist(directory);
    Dataset labelled = train.Take(parsed.GetValue(labelledOption));
    Dataset unlabelled = train.Take(parsed.GetValue(unlabelledOption));
    Console.WriteLine($"data: {directory}: {labelled.Count:N0} labelled and {unlabelled.Count:N0} unlabelled training images, {test.Count:N0} test images");
    return (labelled, unlabelled, test);
}

int CompareStarts(ParseResult parsed)
{
    (Dataset labelled, Dataset unlabelled, Dataset test) = Load(parsed);
    int pretrainEpochs = parsed.GetValue(pretrainEpochsOption), finetuneEpochs = parsed.GetValue(finetuneEpochsOption), seeds = parsed.GetValue(seedsOption);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"network: 784-500-500-500-10, sigmoid; pre-training {pretrainEpochs} epochs per layer, batch 32 (RBMs: CD-1, SGD 0.1; " +
        $"denoising autoencoders: 25% masking, Adam 0.001); fine-tuning {finetuneEpochs} epochs (Adam 0.001, batch 32)"));

    var accuracies = new Dictionary<string, List<float>>();
    foreach ((string start, PretrainingMethod? method) in new (string, PretrainingMethod?)[]
             {
                 ("random initialisation", null),
                 ("RBM pre-training", PretrainingMethod.RestrictedBoltzmannMachine),
                 ("denoising-autoencoder pre-training", PretrainingMethod.DenoisingAutoencoder),
             })
    {
        accuracies[start] = [];
        for (int seed = 1; seed <= seeds; seed++)
        {
            var network = new DeepSigmoidNetwork(seed);
            if (method is { } pretraining)
            {
                // CD's estimate is the classic SGD update; the autoencoders' cross-entropy is averaged over 784 pixels, which
                // plain SGD at 0.1 barely moves, so they take Adam.
                Func<Optimizer> optimizer = pretraining == PretrainingMethod.RestrictedBoltzmannMachine ? () => new Sgd(0.1f) : () => new Adam(0.001f);
                IReadOnlyList<LayerPretraining> layers = network.Pretrain(unlabelled, pretraining, optimizer, pretrainEpochs, batchSize: 32);
                foreach (LayerPretraining layer in layers)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  seed {seed}, {layer.Layer}: reconstruction error {layer.History.Epochs[0].Loss:F4} → {layer.History.Epochs[^1].Loss:F4}"));
                }
                if (seed == 1 && pretraining == PretrainingMethod.RestrictedBoltzmannMachine)
                {
                    DrawFirstMachine(parsed, network, (BoltzmannMachine)layers[0].Teacher, test);
                }
            }
            network.Fit(labelled, new Adam(0.001f), finetuneEpochs, batchSize: 32);
            float accuracy = network.Evaluate(test).Accuracy!.Value;
            accuracies[start].Add(accuracy);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{start}, seed {seed}: test accuracy {accuracy:F4}"));
        }
    }

    Console.WriteLine();
    Console.WriteLine($"| start ({labelled.Count:N0} labels) | test accuracy, mean ± sd over {seeds} seeds |");
    Console.WriteLine("|---|---|");
    foreach ((string start, List<float> values) in accuracies)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {start} | {mean:F4} ± {sd:F4} |"));
    }
    return 0;
}

void DrawFirstMachine(ParseResult parsed, DeepSigmoidNetwork network, BoltzmannMachine machine, Dataset test)
{
    string filters = parsed.GetValue(filtersOption)!.FullName;
    network.SaveFilterImages("fc1.weight", filters);
    Console.WriteLine($"  the first RBM's filters: {filters}");
    // Ten chains from test images, each drawn after 1, 10, 100 and 1,000 Gibbs steps.
    float[] start = test.Features.AsSpan(0, 10 * 784).ToArray();
    var rows = new List<float[]> { (float[])start.Clone() };
    float[] chain = (float[])start.Clone();
    int done = 0;
    foreach (int steps in new[] { 1, 10, 100, 1000 })
    {
        machine.Sample(chain, steps - done, seed: steps);
        done = steps;
        rows.Add((float[])chain.Clone());
    }
    string samples = parsed.GetValue(samplesOption)!.FullName;
    ImageGrid.Save(samples, rows, columns: 10);
    Console.WriteLine($"  Gibbs chains from 10 test images after 1, 10, 100 and 1,000 steps: {samples}");
}

int FeaturesAndSoftmax(ParseResult parsed)
{
    (Dataset labelled, Dataset unlabelled, Dataset test) = Load(parsed);
    var machine = new PixelFeatures(seed: 1);
    Console.WriteLine("RBM: 784 binary visible × 256 hidden, persistent CD-1, SGD 0.05, batch 10 (scikit-learn BernoulliRBM's defaults but the rate)");
    machine.Fit(unlabelled, new Sgd(0.05f), parsed.GetValue(pretrainEpochsOption), batchSize: 10, onEpochEnd: epoch =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  epoch {epoch.Epoch}: reconstruction error {epoch.Loss:F4}, {epoch.SamplesPerSecond:N0} samples/s")));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pseudo-likelihood of the test images: {machine.PseudoLikelihood(test.Features):F2}"));

    Dataset Features(Dataset data)
    {
        var features = new float[data.Count * PixelFeatures.HiddenSize];
        machine.Transform(data.Features, features);
        return Dataset.FromLabels(features, [PixelFeatures.HiddenSize], data.Labels!, 10);
    }
    var classifier = new FeatureClassifier(seed: 1);
    classifier.Fit(Features(labelled), new Adam(0.01f), parsed.GetValue(finetuneEpochsOption), batchSize: 32);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy: {classifier.Evaluate(Features(test)).Accuracy:F4}"));
    return 0;
}
