using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using NetGen;
using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;

// Builds the same model under the JIT or NativeAOT and prints what CI compares: the kernels chosen, the time from
// process start to the first prediction, and a digest of every test prediction's bits after one epoch of training.
string data = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data");
Console.WriteLine($"kernels: {KernelSelection.Best}, Vector<float>.Count {Vector<float>.Count}");

// What a serving app does first: build the network and answer a request (here, an all-black image).
var network = new DigitClassifier(seed: 1);
int firstGuess = network.PredictClass(new float[DigitClassifier.InputSize]);
TimeSpan startUp = DateTime.Now - Process.GetCurrentProcess().StartTime;
Console.WriteLine($"start-up: {startUp.TotalMilliseconds:F0} ms from process start to the first prediction (class {firstGuess})");

var (train, test) = Idx.LoadMnist(data);

network.Fit(train, new Sgd(0.1f), epochs: 1, batchSize: 100);
float[] outputs = new float[test.Count * DigitClassifier.OutputSize];
network.Predict(test.Features, outputs);
Console.WriteLine($"test accuracy: {network.Evaluate(test).Accuracy:F4}");
Console.WriteLine($"predictions: {Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(outputs.AsSpan())))}");

// The ONNX export runs under NativeAOT too (Google.Protobuf is managed): the same bytes as under the JIT.
byte[] onnx = network.ExportOnnx();
Console.WriteLine($"onnx: {onnx.Length} bytes, {Convert.ToHexString(SHA256.HashData(onnx))}");

[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[Flatten]
[Dense(64, Activation.ReLU, Name = "fc1")]
[Dense(10, Activation.Softmax, Name = "fc2")]
public partial class DigitClassifier;
