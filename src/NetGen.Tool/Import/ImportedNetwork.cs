using NetGen.IO;

namespace NetGen.Tool.Import;

/// <summary>What <see cref="OnnxImporter.Import"/> made of a model: the declaration's text and the weights to save beside it.</summary>
public sealed class ImportedNetwork
{
    internal ImportedNetwork(string className, string declaration, IReadOnlyList<SafeTensor> tensors, IReadOnlyList<string> notes)
    {
        ClassName = className;
        Declaration = declaration;
        Tensors = tensors;
        Notes = notes;
    }

    /// <summary>The declared partial class's name; the files are <c>{ClassName}.cs</c> and <c>{ClassName}.safetensors</c>.</summary>
    public string ClassName { get; }

    /// <summary>The C# source: a header comment, <c>using NetGen;</c>, the namespace, the attributes one per line, the class.</summary>
    public string Declaration { get; }

    /// <summary>Every tensor the network loads, under NetGen's names (PyTorch's), F32.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>What the importer changed on the way, as sentences (a layer name mapped to NetGen's form); also in the declaration's header.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// Writes <c>{ClassName}.cs</c> and <c>{ClassName}.safetensors</c> into <paramref name="directory"/>: each to a temporary
    /// file first, then both renamed, so that a failure leaves neither new file behind.
    /// </summary>
    /// <returns>The paths of the declaration and of the weights.</returns>
    public (string Declaration, string Weights) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        string declaration = Path.Combine(directory, ClassName + ".cs");
        string weights = Path.Combine(directory, ClassName + ".safetensors");
        string stamp = Guid.NewGuid().ToString("N");
        string declarationTemporary = Path.Combine(directory, $".{ClassName}.cs.{stamp}.import");
        string weightsTemporary = Path.Combine(directory, $".{ClassName}.safetensors.{stamp}.import");
        bool weightsPlaced = false;
        try
        {
            File.WriteAllText(declarationTemporary, Declaration);
            SafeTensors.Write(weightsTemporary, Tensors, new Dictionary<string, string> { ["format"] = "pt", ["netgen.network"] = ClassName });
            File.Move(weightsTemporary, weights, overwrite: true);
            weightsPlaced = true;
            File.Move(declarationTemporary, declaration, overwrite: true);
        }
        catch
        {
            File.Delete(declarationTemporary);
            File.Delete(weightsTemporary);
            if (weightsPlaced)
            {
                File.Delete(weights);
            }
            throw;
        }
        return (declaration, weights);
    }
}
