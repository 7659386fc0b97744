using System.Globalization;
using NetGen.Data;
using NetGen.IO;
using NetGen.Optimizers;
using NetGen.Randomness;

namespace NetGen;

// Checkpoints: everything training needs to continue exactly where it stopped, in one safetensors
// file written atomically (SafeTensors.Write goes through a temporary file and a rename).
public abstract partial class Model
{
    /// <summary>The format version in <see cref="CheckpointKey"/>; bump it when the layout changes.</summary>
    private const string CheckpointVersion = "1";

    private const string CheckpointKey = "netgen.checkpoint";
    private const string NetworkKey = "netgen.network";
    private const string EpochKey = "netgen.epoch";
    private const string OptimizerKey = "netgen.optimizer";
    private const string OptimizerStepKey = "netgen.optimizer.step";
    private const string LearningRateKey = "netgen.learning_rate";
    private const string RandomStateKey = "netgen.rng";

    /// <summary>Optimizer buffers are stored as tensors named <c>optimizer.&lt;buffer&gt;</c>, e.g. <c>optimizer.exp_avg</c>.</summary>
    private const string OptimizerTensorPrefix = "optimizer.";

    /// <summary>
    /// Saves what training needs to continue exactly: the parameters, the <see cref="InputNormalization"/>,
    /// the optimizer's step count, buffers and learning rate, the random generator's state and the number
    /// of completed epochs. <c>Fit(…, resumeFrom: path)</c> or <see cref="LoadCheckpoint"/> read it back;
    /// <see cref="Training.ModelCheckpoint"/> writes one during training. The file appears complete or not at all.
    /// </summary>
    /// <remarks>
    /// The format is a safetensors file, so any safetensors reader can open it:
    /// <list type="table">
    /// <item><term>tensors</term><description>
    /// every parameter tensor under its PyTorch name and shape (as <c>SaveWeights</c> writes them);
    /// <c>input_normalization.mean</c> and <c>input_normalization.std</c>, shaped like one sample, when the
    /// model has a normalisation; <c>optimizer.&lt;buffer&gt;</c>, <c>[ParameterCount]</c>, per optimizer buffer
    /// (e.g. <c>optimizer.exp_avg</c>); all F32.
    /// </description></item>
    /// <item><term>metadata</term><description>
    /// <c>netgen.checkpoint</c> (format version, 1), <c>netgen.network</c> (class name),
    /// <c>netgen.epoch</c> (epochs completed), <c>netgen.optimizer</c> (class name),
    /// <c>netgen.optimizer.step</c>, <c>netgen.learning_rate</c> (round-trip decimal) and <c>netgen.rng</c>
    /// (the four xoshiro256** words, 16 hex digits each, space-separated).
    /// </description></item>
    /// </list>
    /// </remarks>
    /// <param name="path">The file to create or replace, e.g. <c>checkpoint.safetensors</c>.</param>
    /// <param name="optimizer">The optimizer training with this model.</param>
    /// <param name="epoch">Epochs completed; training resumes with the next.</param>
    public void SaveCheckpoint(string path, Optimizer optimizer, int epoch)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        OptimizerState state = optimizer.ExportState();

        List<SafeTensor> tensors = ModelTensors();
        foreach ((string name, float[] buffer) in state.Buffers)
        {
            tensors.Add(SafeTensor.FromSingles(OptimizerTensorPrefix + name, [buffer.Length], buffer));
        }

        RngState random = _random.ExportState();
        var metadata = new Dictionary<string, string>
        {
            [CheckpointKey] = CheckpointVersion,
            [NetworkKey] = Description.Name,
            [EpochKey] = epoch.ToString(CultureInfo.InvariantCulture),
            [OptimizerKey] = state.OptimizerName,
            [OptimizerStepKey] = state.Step.ToString(CultureInfo.InvariantCulture),
            // "R" prints the shortest decimal that parses back to the same float, bit for bit.
            [LearningRateKey] = optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            [RandomStateKey] = string.Create(CultureInfo.InvariantCulture, $"{random.S0:x16} {random.S1:x16} {random.S2:x16} {random.S3:x16}"),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> into this model and
    /// <paramref name="optimizer"/> (an optimizer of the same type and hyper-parameters as the one saved):
    /// the next training step is then bit for bit the one the saving run would have taken.
    /// Everything is checked first; on any problem nothing in the model is changed.
    /// </summary>
    /// <returns>The number of epochs the checkpoint had completed; training continues with the next.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed NetGen checkpoint.</exception>
    /// <exception cref="WeightsMismatchException">It is one, but for another network or optimizer; every mismatch is listed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is training the model (see <see cref="Model"/>'s remarks).</exception>
    public int LoadCheckpoint(string path, Optimizer optimizer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(optimizer);
        SafeTensorsFile file = SafeTensors.Read(path);
        CheckpointHeader header = ReadCheckpointHeader(file);

        var problems = new List<string>();
        if (header.Network != Description.Name)
        {
            problems.Add($"the checkpoint is of {header.Network}");
        }
        string optimizerName = optimizer.GetType().Name;
        if (header.Optimizer != optimizerName)
        {
            problems.Add($"the checkpoint's optimizer is {header.Optimizer}, but the one given is {optimizerName}");
        }

        // Stage everything, checking as we go; the model changes only once all of it fits.
        StagedModel staged = StageModel(file, problems, "the checkpoint");
        HashSet<string> expected = staged.Names;
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in file.Tensors)
        {
            if (expected.Contains(tensor.Name))
            {
                // Already staged. Checked first, so that a layer named "optimizer" keeps its tensors.
            }
            else if (tensor.Name.StartsWith(OptimizerTensorPrefix, StringComparison.Ordinal) && tensor.CanConvertToSingle)
            {
                buffers[tensor.Name[OptimizerTensorPrefix.Length..]] = tensor.ToSingles();
            }
            else
            {
                problems.Add($"{tensor.Name} {tensor.ShapeText} is in the checkpoint but {Description.Name} has no such tensor");
            }
        }
        if (problems.Count > 0)
        {
            throw new WeightsMismatchException(path, Description.Name, problems);
        }

        bool claimed = BeginTraining(nameof(LoadCheckpoint));
        try
        {
            // The optimizer first: ImportState checks the buffers against the bound model and changes nothing if they do not fit.
            optimizer.Bind(Description);
            try
            {
                optimizer.ImportState(new OptimizerState(header.Optimizer, header.Step, buffers));
            }
            catch (ArgumentException error)
            {
                throw new WeightsMismatchException(path, Description.Name, [$"the optimizer state does not fit: {error.Message}"]);
            }
            optimizer.LearningRate = header.LearningRate;
            Apply(staged);
            _random.ImportState(header.RandomState);
            return header.Epoch;
        }
        finally
        {
            EndTraining(claimed);
        }
    }

    /// <summary>The checkpoint's metadata, parsed and checked.</summary>
    private sealed record CheckpointHeader(string Network, int Epoch, string Optimizer, long Step, float LearningRate, RngState RandomState);

    private static CheckpointHeader ReadCheckpointHeader(SafeTensorsFile file)
    {
        string path = file.Path;
        string Entry(string key) => file.Metadata.TryGetValue(key, out string? value)
            ? value
            : throw FileErrors.Invalid(path, $"the metadata has no '{key}'; this is not a NetGen checkpoint (Model.SaveCheckpoint writes them).");

        string version = Entry(CheckpointKey);
        if (version != CheckpointVersion)
        {
            throw FileErrors.Invalid(path, $"the checkpoint format is version {version}; this NetGen reads version {CheckpointVersion}.");
        }
        if (!int.TryParse(Entry(EpochKey), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
        {
            throw FileErrors.Invalid(path, $"'{EpochKey}' is \"{Entry(EpochKey)}\"; it must be a whole number of epochs.");
        }
        if (!long.TryParse(Entry(OptimizerStepKey), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
        {
            throw FileErrors.Invalid(path, $"'{OptimizerStepKey}' is \"{Entry(OptimizerStepKey)}\"; it must be a whole number of steps.");
        }
        if (!float.TryParse(Entry(LearningRateKey), NumberStyles.Float, CultureInfo.InvariantCulture, out float learningRate)
            || !(learningRate >= 0f) || !float.IsFinite(learningRate))
        {
            throw FileErrors.Invalid(path, $"'{LearningRateKey}' is \"{Entry(LearningRateKey)}\"; it must be a finite rate, not negative.");
        }
        return new CheckpointHeader(Entry(NetworkKey), epoch, Entry(OptimizerKey), step, learningRate, ParseRandomState(Entry(RandomStateKey), path));
    }

    /// <summary>Four 16-digit hex words, as <see cref="SaveCheckpoint"/> writes them; not all zero.</summary>
    private static RngState ParseRandomState(string text, string path)
    {
        string[] words = text.Split(' ');
        var values = new ulong[4];
        bool valid = words.Length == 4;
        for (int i = 0; valid && i < 4; i++)
        {
            valid = words[i].Length == 16 && ulong.TryParse(words[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out values[i]);
        }
        if (!valid || (values[0] | values[1] | values[2] | values[3]) == 0)
        {
            throw FileErrors.Invalid(path, $"'{RandomStateKey}' is \"{text}\"; it must be four 16-digit hexadecimal words, not all zero.");
        }
        return new RngState(values[0], values[1], values[2], values[3]);
    }
}
