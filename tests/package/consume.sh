#!/usr/bin/env bash
# Does what the README tells a user: pack NetGen into a folder, create a console app with an empty package cache and a
# nuget.config naming that folder, add the package, declare a network, train it and predict. Prints the app's output.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet pack "$repo/src/NetGen" -c Release -o "$work/feed" --nologo -v quiet
mkdir "$work/app"
cd "$work/app"
cat > nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <!-- NetGen's one dependency, Google.Protobuf (managed, for ONNX export), comes from nuget.org as users get it. -->
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG
export NUGET_PACKAGES="$work/packages"   # an empty cache: nothing left over from the repository's own builds
dotnet new console --framework net10.0 --name App --output . --no-restore >/dev/null
dotnet add package NetGen --version "$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/src/NetGen/NetGen.csproj")" >/dev/null
cat > Program.cs <<'PROGRAM'
using NetGen;
using NetGen.Data;
using NetGen.Optimizers;

// XOR of two inputs with noise: a network with a hidden layer learns it, a linear one cannot.
var random = new Random(1);
int count = 400;
float[] features = new float[count * 2];
int[] labels = new int[count];
for (int i = 0; i < count; i++)
{
    int a = random.Next(2), b = random.Next(2);
    features[2 * i] = a + (float)(random.NextDouble() - 0.5) * 0.4f;
    features[2 * i + 1] = b + (float)(random.NextDouble() - 0.5) * 0.4f;
    labels[i] = a ^ b;
}
Dataset data = Dataset.FromLabels(features, [2], labels, classCount: 2);
var network = new Xor(seed: 1);
Console.WriteLine(network.Summary());
network.Fit(data, new Adam(0.05f), epochs: 60, batchSize: 20);
float accuracy = network.Evaluate(data).Accuracy ?? 0f;
Console.WriteLine($"class of (0, 1): {network.PredictClass([0f, 1f])}, of (1, 1): {network.PredictClass([1f, 1f])}");
Console.WriteLine($"training accuracy: {accuracy:F3}");
network.ExportOnnx("xor.onnx");
Console.WriteLine($"xor.onnx: {new FileInfo("xor.onnx").Length} bytes");
return accuracy > 0.95f ? 0 : 1;

[Network(Loss = Loss.CrossEntropy)]
[Input(2)]
[Dense(8, Activation.Tanh, Name = "hidden")]
[Dense(2, Activation.Softmax, Name = "output")]
public partial class Xor;
PROGRAM
dotnet run -c Release
echo "package test: the packed NetGen built, trained, predicted and exported ONNX in a fresh app with an empty package cache"
