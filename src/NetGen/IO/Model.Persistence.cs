using System.Reflection;
using NetGen.Data;
using NetGen.IO;

namespace NetGen;

// Saving and loading weights as safetensors. Everything here goes through Description.Tensors, so
// any tensor the generator adds to that table (batch norm's running statistics, say) is saved and
// loaded like the rest without a change here.
public abstract partial class Model
{
    /// <summary>The <c>format</c> metadata value Hugging Face's tools write for PyTorch weights (<c>save_pretrained</c>) and check when loading.</summary>
    private const string PyTorchFormat = "pt";

    /// <summary>
    /// Saves every tensor of <see cref="ModelDescription.Tensors"/> under its PyTorch name and shape, as
    /// F32, in a safetensors file that PyTorch's <c>safetensors.torch.load_file</c> reads (and
    /// <see cref="LoadWeights"/> reads back). The file appears complete or not at all.
    /// </summary>
    /// <remarks>
    /// The header's <c>__metadata__</c> holds:
    /// <list type="table">
    /// <item><term><c>format</c></term><description><c>pt</c>, as Hugging Face's tools write and expect for PyTorch weights.</description></item>
    /// <item><term><c>netgen.network</c></term><description>the network's class name, e.g. <c>MnistMlp</c>.</description></item>
    /// <item><term><c>netgen.input_shape</c></term><description>one sample's shape, e.g. <c>[28, 28]</c>.</description></item>
    /// <item><term><c>netgen.output_size</c></term><description>outputs per sample, e.g. <c>10</c>.</description></item>
    /// <item><term><c>netgen.version</c></term><description>the NetGen version that wrote the file, e.g. <c>0.1.0</c>.</description></item>
    /// </list>
    /// They are for people and tools; <see cref="LoadWeights"/> ignores them, since a file from PyTorch has none.
    /// When the model has an <see cref="InputNormalization"/>, its statistics are saved too, as
    /// <c>input_normalization.mean</c> and <c>input_normalization.std</c> (each of the input's shape),
    /// so a loaded model normalises its inputs exactly as the saved one did.
    /// The bytes depend only on the weights and the network, so the same weights always give the same file.
    /// </remarks>
    /// <param name="path">The file to create or replace, conventionally ending in <c>.safetensors</c>.</param>
    public void SaveWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<SafeTensor> tensors = ModelTensors();
        var metadata = new Dictionary<string, string>
        {
            ["format"] = PyTorchFormat,
            ["netgen.network"] = Description.Name,
            ["netgen.input_shape"] = SafeTensor.FormatShape(Description.InputShape),
            ["netgen.output_size"] = Description.OutputSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["netgen.version"] = NetGenVersion,
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/> or by PyTorch (<c>safetensors.torch.save_file</c>
    /// of a <c>state_dict</c> with the same layer names) into <see cref="Parameters"/>.
    /// </summary>
    /// <remarks>
    /// Every tensor of the network must be in the file with the same name and shape, and no other
    /// tensor may be; elements may be F32, F16, BF16 or F64 (converted as <see cref="SafeTensor"/>
    /// describes) and must be finite. All of that is checked before anything is copied: on any
    /// problem the parameters are left exactly as they were, and the exception lists every mismatch.
    /// Threads predicting with the model meanwhile read a mix of the old and new weights until it returns; to switch
    /// a server to new weights at once, load them into a new model and swap the reference.
    /// </remarks>
    /// <param name="path">A safetensors file.</param>
    /// <exception cref="WeightsMismatchException">The file is well formed but does not fit this network.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    /// <exception cref="InvalidOperationException">Another thread is training the model (see <see cref="Model"/>'s remarks).</exception>
    public void LoadWeights(string path)
    {
        SafeTensorsFile file = SafeTensors.Read(path);
        var problems = new List<string>();
        StagedModel staged = StageModel(file, problems, "the file");
        foreach (SafeTensor extra in file.Tensors.Where(tensor => !staged.Names.Contains(tensor.Name)))
        {
            problems.Add($"{extra.Name} {extra.ShapeText} is in the file but {Description.Name} has no such tensor");
        }
        if (problems.Count > 0)
        {
            throw new WeightsMismatchException(path, Description.Name, problems);
        }
        bool claimed = BeginTraining(nameof(LoadWeights));
        try
        {
            Apply(staged);
        }
        finally
        {
            EndTraining(claimed);
        }
    }

    /// <summary>The network's tensors, staged from a file but not yet applied, and the file's tensor names they used.</summary>
    private sealed record StagedModel(float[] Parameters, InputNormalization? Normalization, HashSet<string> Names);

    /// <summary>
    /// PyTorch's BatchNorm1d also stores how many batches it has seen, as an int64 scalar, and its strict
    /// <c>load_state_dict</c> wants it: NetGen writes 0 (it only matters to PyTorch's momentum=None mode)
    /// and ignores the value when loading.
    /// </summary>
    private const string BatchesTrackedSuffix = ".num_batches_tracked";

    /// <summary>The batch-norm layers' <c>num_batches_tracked</c> names, one per running-mean tensor.</summary>
    private IEnumerable<string> BatchesTrackedNames() =>
        Description.Tensors
            .Where(tensor => tensor.Role == ParameterRole.RunningMean)
            .Select(tensor => tensor.Name[..tensor.Name.LastIndexOf('.')] + BatchesTrackedSuffix);

    /// <summary>Every parameter tensor (with PyTorch's batch-norm counters), then the input normalisation's statistics if the model has them.</summary>
    private List<SafeTensor> ModelTensors()
    {
        var tensors = new List<SafeTensor>();
        foreach (ParameterTensor tensor in Description.Tensors)
        {
            tensors.Add(SafeTensor.FromSingles(tensor.Name, tensor.Shape, Parameters.AsSpan(tensor.Offset, tensor.Length)));
        }
        foreach (string name in BatchesTrackedNames())
        {
            tensors.Add(new SafeTensor(name, SafeTensorsDType.I64, ReadOnlySpan<int>.Empty, new byte[sizeof(long)]));
        }
        if (InputNormalization is { } normalization)
        {
            tensors.Add(SafeTensor.FromSingles(InputNormalization.MeanTensorName, Description.InputShape, normalization.Mean));
            tensors.Add(SafeTensor.FromSingles(InputNormalization.StandardDeviationTensorName, Description.InputShape, normalization.StandardDeviation));
        }
        return tensors;
    }

    /// <summary>
    /// Checks and converts every parameter tensor, and the input normalisation (both statistics or
    /// neither), from <paramref name="file"/> into a copy; each problem becomes a sentence in <paramref name="problems"/>.
    /// </summary>
    private StagedModel StageModel(SafeTensorsFile file, List<string> problems, string source)
    {
        float[] parameters = new float[Parameters.Length];
        // The counters are optional (NetGen reads nothing from them), so a file without them loads too.
        var names = new HashSet<string>(BatchesTrackedNames(), StringComparer.Ordinal);
        foreach (ParameterTensor tensor in Description.Tensors)
        {
            names.Add(tensor.Name);
            StageFromFile(file, tensor.Name, tensor.Shape, parameters.AsSpan(tensor.Offset, tensor.Length), problems, source);
        }

        InputNormalization? normalization = null;
        bool hasMean = file.TryGetTensor(InputNormalization.MeanTensorName, out _);
        bool hasDeviation = file.TryGetTensor(InputNormalization.StandardDeviationTensorName, out _);
        if (hasMean != hasDeviation)
        {
            problems.Add($"{source} has only one of {InputNormalization.MeanTensorName} and {InputNormalization.StandardDeviationTensorName}");
        }
        else if (hasMean)
        {
            names.Add(InputNormalization.MeanTensorName);
            names.Add(InputNormalization.StandardDeviationTensorName);
            float[] mean = new float[Description.InputSize], deviation = new float[Description.InputSize];
            int before = problems.Count;
            StageFromFile(file, InputNormalization.MeanTensorName, Description.InputShape, mean, problems, source);
            StageFromFile(file, InputNormalization.StandardDeviationTensorName, Description.InputShape, deviation, problems, source);
            if (problems.Count == before)
            {
                try
                {
                    normalization = new InputNormalization(mean, deviation);
                }
                catch (ArgumentException error)
                {
                    problems.Add($"the input normalisation is unusable: {error.Message}");
                }
            }
        }
        return new StagedModel(parameters, normalization, names);
    }

    private void Apply(StagedModel staged)
    {
        staged.Parameters.CopyTo(Parameters, 0);
        InputNormalization = staged.Normalization;
    }

    /// <summary>
    /// Checks the tensor <paramref name="name"/> of <paramref name="file"/> — there, of
    /// <paramref name="shape"/>, of a float type — and converts it into <paramref name="destination"/>,
    /// checking that every value is finite. Each problem becomes one sentence in <paramref name="problems"/>
    /// (a wrong shape and a wrong type are both reported), for a <see cref="WeightsMismatchException"/>.
    /// The sentences name the file as <c>the file</c>; pass <c>"the checkpoint"</c> or the like instead.
    /// </summary>
    private void StageFromFile(
        SafeTensorsFile file, string name, int[] shape, Span<float> destination, List<string> problems, string source = "the file")
    {
        if (!file.TryGetTensor(name, out SafeTensor? found))
        {
            problems.Add($"{name} {SafeTensor.FormatShape(shape)} is missing from {source}");
            return;
        }
        bool fits = true;
        if (!found.Shape.SequenceEqual(shape))
        {
            problems.Add($"{name} is {found.ShapeText} in {source} but {SafeTensor.FormatShape(shape)} in {Description.Name}");
            fits = false;
        }
        if (!found.CanConvertToSingle)
        {
            problems.Add($"{name} is {found.DTypeName} in {source}; weights must be {SafeTensor.ConvertibleTypes}");
            fits = false;
        }
        if (!fits)
        {
            return;
        }
        found.CopyTo(destination);
        int bad = FiniteValues.IndexOfFirstNonFinite(destination);
        if (bad >= 0)
        {
            problems.Add(FormattableString.Invariant(
                $"{name} holds {destination[bad]} at element {bad:N0} (index {SafeTensor.FormatShape(Unravel(bad, shape))}); weights must be finite"));
        }
    }

    /// <summary>The informational version without the source-control suffix (<c>0.1.0</c>, not <c>0.1.0+3c5ac70…</c>).</summary>
    private static string NetGenVersion =>
        typeof(Model).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>A row-major flat index as one index per dimension, e.g. 785 in [500, 784] → [1, 1].</summary>
    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
