using System.Reflection;
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
    /// The bytes depend only on the weights and the network, so the same weights always give the same file.
    /// </remarks>
    /// <param name="path">The file to create or replace, conventionally ending in <c>.safetensors</c>.</param>
    public void SaveWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IEnumerable<SafeTensor> tensors = Description.Tensors.Select(
            tensor => SafeTensor.FromSingles(tensor.Name, tensor.Shape, Parameters.AsSpan(tensor.Offset, tensor.Length)));
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
    /// </remarks>
    /// <param name="path">A safetensors file.</param>
    /// <exception cref="WeightsMismatchException">The file is well formed but does not fit this network.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    public void LoadWeights(string path)
    {
        SafeTensorsFile file = SafeTensors.Read(path);
        var problems = new List<string>();
        // Staged in a copy, so that Parameters change only once every tensor has been checked and converted.
        float[] staged = (float[])Parameters.Clone();
        foreach (ParameterTensor tensor in Description.Tensors)
        {
            StageFromFile(file, tensor.Name, tensor.Shape, staged.AsSpan(tensor.Offset, tensor.Length), problems);
        }
        var names = Description.Tensors.Select(tensor => tensor.Name).ToHashSet(StringComparer.Ordinal);
        foreach (SafeTensor extra in file.Tensors.Where(tensor => !names.Contains(tensor.Name)))
        {
            problems.Add($"{extra.Name} {extra.ShapeText} is in the file but {Description.Name} has no such tensor");
        }
        if (problems.Count > 0)
        {
            throw new WeightsMismatchException(path, Description.Name, problems);
        }
        staged.CopyTo(Parameters, 0);
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
        int bad = IndexOfNonFinite(destination);
        if (bad >= 0)
        {
            problems.Add(FormattableString.Invariant(
                $"{name} holds {destination[bad]} at element {bad:N0} (index {SafeTensor.FormatShape(Unravel(bad, shape))}); weights must be finite"));
        }
    }

    /// <summary>The informational version without the source-control suffix (<c>0.1.0</c>, not <c>0.1.0+3c5ac70…</c>).</summary>
    private static string NetGenVersion =>
        typeof(Model).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

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
