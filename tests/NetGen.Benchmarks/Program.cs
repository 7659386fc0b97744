using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Running;
using NetGen.Benchmarks;
using NetGen.Kernels;

// dotnet run -c Release --project tests/NetGen.Benchmarks -- e2e [--epochs N]   NetGen's reference workloads
// dotnet run -c Release --project tests/NetGen.Benchmarks -- compare [--epochs N] [--runs R] [--only autoencoder,cnn]  NetGen and PyTorch side by side, workload by workload, with ratios (medians and ranges of R rounds)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- regularization              a training step with and without batch norm + dropout
// dotnet run -c Release --project tests/NetGen.Benchmarks -- cnn-profile                 each pass of the reference CNN's training step, timed alone
// dotnet run -c Release --project tests/NetGen.Benchmarks -- mlp-profile                 each pass of the reference MLP's training step, and Fit per batch
// dotnet run -c Release --project tests/NetGen.Benchmarks -- autoencoder-profile         the compare autoencoder's step: the generated passes, Adam's update, Fit per batch
// dotnet run -c Release --project tests/NetGen.Benchmarks -- serving [--runs R]          batch-1 predictions per second of the reference MLP from 1, 2 and 4 threads sharing one model (medians of R rounds)
// dotnet run -c Release --project tests/NetGen.Benchmarks -- peak                        the FMA peak of the kernels' instruction set, on one thread and on the kernels' threads
// dotnet run -c Release --project tests/NetGen.Benchmarks -- kernels [BenchmarkDotNet args]  the kernels per instruction set
// Any mode but kernels takes --isa avx512|avx2|portable: NetGen's kernels on that instruction set instead of the widest the machine has.

string mode = args.Length > 0 ? args[0] : "e2e";
int epochs = ReadOption(args, "--epochs", 5);
int isaAt = Array.IndexOf(args, "--isa");
InstructionSet instructionSet = KernelSelection.Best;
if (isaAt >= 0 && (isaAt + 1 >= args.Length || !Enum.TryParse(args[isaAt + 1], ignoreCase: true, out instructionSet) || !Enum.IsDefined(instructionSet)))
{
    Console.Error.WriteLine($"--isa needs one of: avx512, avx2, portable (got '{(isaAt + 1 < args.Length ? args[isaAt + 1] : "")}')");
    return 2;
}
if (instructionSet > KernelSelection.Best)
{
    Console.Error.WriteLine($"--isa {instructionSet}: this machine runs at most {KernelSelection.Best}");
    return 2;
}
using IDisposable kernels = KernelSelection.Use(instructionSet);
if (mode != "kernels")
{
    // BenchmarkDotNet runs each benchmark in a process of its own, after its own warm-up.
    QuietMachine.WaitForOthers();
}
switch (mode)
{
    case "e2e":
        EndToEnd.Run(epochs);
        return 0;
    case "compare":
        int onlyAt = Array.IndexOf(args, "--only");
        string[]? only = onlyAt >= 0 && onlyAt + 1 < args.Length ? args[onlyAt + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
        return Compare.Run(epochs, ReadOption(args, "--runs", 1), only);
    case "regularization":
        RegularizationCost.Run();
        return 0;
    case "cnn-profile":
        CnnProfile.Run();
        return 0;
    case "mlp-profile":
        MlpProfile.Run();
        return 0;
    case "autoencoder-profile":
        AutoencoderProfile.Run();
        return 0;
    case "serving":
        ServingThroughput.Run(ReadOption(args, "--runs", 5));
        return 0;
    case "peak":
        FmaPeak.Run();
        return 0;
    case "kernels":
        BenchmarkSwitcher.FromAssembly(typeof(KernelBenchmarks).Assembly).Run(args[1..]);
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use e2e, compare, regularization, cnn-profile, mlp-profile, serving, peak or kernels");
        return 2;
}

static int ReadOption(string[] args, string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
