using System.Diagnostics;
using System.Runtime.InteropServices;
using NetGen.Data;
using OnnxImport;

// Predicts the 1,000 Fashion-MNIST test images shipped in samples/Mnist/data with a CNN trained in PyTorch, and
// compares every class probability with PyTorch's own (saved by train_in_pytorch.py).
//   dotnet run -c Release --project samples/OnnxImport
// FashionCnn.cs and FashionCnn.safetensors came from:
//   dotnet run --project src/NetGen.Tool -- import samples/OnnxImport/fashion_cnn.onnx --class FashionCnn --namespace OnnxImport --out samples/OnnxImport

string folder = AppContext.BaseDirectory;
var model = new FashionCnn();
model.LoadWeights(Path.Combine(folder, "FashionCnn.safetensors"));
Console.WriteLine(model.Description);

(_, Dataset test) = Idx.LoadMnist(Path.Combine(folder, "data"));
float[] probabilities = new float[test.Count * FashionCnn.OutputSize];
var clock = Stopwatch.StartNew();
model.Predict(test.Features, probabilities);
clock.Stop();

float[] pytorch = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, "pytorch_probabilities.bin"))).ToArray();
if (pytorch.Length != probabilities.Length)
{
    Console.Error.WriteLine($"pytorch_probabilities.bin holds {pytorch.Length} numbers; {test.Count} images × {FashionCnn.OutputSize} classes are {probabilities.Length}.");
    return 1;
}
float largest = 0f;
int agree = 0, correct = 0, pytorchCorrect = 0;
for (int image = 0; image < test.Count; image++)
{
    ReadOnlySpan<float> ours = probabilities.AsSpan(image * FashionCnn.OutputSize, FashionCnn.OutputSize);
    ReadOnlySpan<float> theirs = pytorch.AsSpan(image * FashionCnn.OutputSize, FashionCnn.OutputSize);
    for (int k = 0; k < ours.Length; k++)
    {
        largest = MathF.Max(largest, MathF.Abs(ours[k] - theirs[k]));
    }
    int ourClass = ArgMax(ours), theirClass = ArgMax(theirs), label = test.Labels![image];
    agree += ourClass == theirClass ? 1 : 0;
    correct += ourClass == label ? 1 : 0;
    pytorchCorrect += theirClass == label ? 1 : 0;
}
Console.WriteLine($"predicted {test.Count:N0} images in {clock.Elapsed.TotalMilliseconds:F1} ms");
Console.WriteLine($"same class as PyTorch for {agree:N0} of {test.Count:N0} images; largest |NetGen − PyTorch| over {probabilities.Length:N0} probabilities: {largest:E2}");
Console.WriteLine($"test accuracy: {(double)correct / test.Count:F4} (PyTorch: {(double)pytorchCorrect / test.Count:F4})");
return largest <= 1e-5f ? 0 : 1;

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        best = values[i] > values[best] ? i : best;
    }
    return best;
}
