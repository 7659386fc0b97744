using System.CommandLine;
using NetGen.Tool.Import;

namespace NetGen.Tool;

/// <summary>The <c>netgen</c> command line; <see cref="Run"/> is what <c>Main</c> runs, callable in-process.</summary>
public static class NetGenCommand
{
    /// <summary>Parses <paramref name="args"/> and runs the command; 0 on success, 1 (message on standard error) on failure.</summary>
    public static int Run(string[] args)
    {
        var model = new Argument<FileInfo>("model") { Description = "The ONNX model to import (.onnx)." };
        var className = new Option<string>("--class") { Description = "The network's class name; the files are NAME.cs and NAME.safetensors.", Required = true };
        var namespaceName = new Option<string?>("--namespace") { Description = "The namespace of the declaration (none by default)." };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Where to write the files (default: the current directory).",
            DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
        };
        var import = new Command("import", "Write a NetGen declaration (NAME.cs) and its weights (NAME.safetensors) for an ONNX model.")
        {
            model, className, namespaceName, output,
        };
        import.SetAction(parsed =>
        {
            try
            {
                ImportedNetwork network = OnnxImporter.Import(parsed.GetValue(model)!.FullName, parsed.GetValue(className)!, parsed.GetValue(namespaceName));
                (string declaration, string weights) = network.Write(parsed.GetValue(output)!.FullName);
                Console.Out.WriteLine($"wrote {declaration}");
                Console.Out.WriteLine($"wrote {weights}");
                foreach (string note in network.Notes)
                {
                    Console.Out.WriteLine($"note: {note}");
                }
                return 0;
            }
            catch (Exception exception) when (exception is OnnxImportException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {exception.Message}");
                return 1;
            }
        });
        var root = new RootCommand("NetGen's command-line tool.") { import };
        return root.Parse(args).Invoke();
    }
}
