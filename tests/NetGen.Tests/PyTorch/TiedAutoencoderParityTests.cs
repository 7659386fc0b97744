using System.Globalization;
using System.Text.Json;
using NetGen.Tests.Networks;

namespace NetGen.Tests.PyTorch;

/// <summary>
/// A tied autoencoder's weights file is a PyTorch state dict: the decoder layers hold only their biases and use the
/// encoder weights transposed, as a module calling <c>F.linear(x, enc.weight.t(), dec.bias)</c> does. NetGen's file
/// loads strictly into that module and gives the same reconstructions and gradients; PyTorch's file loads back.
/// </summary>
public sealed class TiedAutoencoderParityTests
{
    private const string Script = PyTorchScript.SafeTensorsPython + """
        import sys
        import torch.nn as nn
        import torch.nn.functional as F

        class Bias(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.bias = nn.Parameter(torch.zeros(n))

        class TiedDenseAutoencoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc1, self.code = nn.Linear(8, 5), nn.Linear(5, 3)
                self.dec1, self.dec2 = Bias(5), Bias(8)

            def forward(self, x):
                h = torch.tanh(self.enc1(x))
                c = torch.tanh(self.code(h))
                d = torch.tanh(F.linear(c, self.code.weight.t(), self.dec1.bias))
                return torch.sigmoid(F.linear(d, self.enc1.weight.t(), self.dec2.bias))

        netgen_file, torch_file, samples = sys.argv[1], sys.argv[2], sys.argv[3]
        model = TiedDenseAutoencoder()
        model.load_state_dict(load(netgen_file), strict=True)
        x = torch.tensor([[float(v) for v in row.split(',')] for row in samples.split(';')])
        y = model(x)
        F.mse_loss(y, x).backward()
        result = {'outputs': y.detach().flatten().tolist(),
                  'gradients': {name: p.grad.flatten().tolist() for name, p in model.named_parameters()}}
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
        save(model.state_dict(), torch_file)
        result['stepped_outputs'] = model(x).detach().flatten().tolist()
        print(json.dumps(result))
        """;

    [SkippableFact]
    public void A_tied_autoencoder_interchanges_weights_with_the_equivalent_PyTorch_module()
    {
        Skip.If(PyTorchScript.MissingReason is not null, PyTorchScript.MissingReason);
        string netgenFile = Path.Combine(Path.GetTempPath(), $"tied-netgen-{Guid.NewGuid():N}.safetensors");
        string torchFile = Path.Combine(Path.GetTempPath(), $"tied-torch-{Guid.NewGuid():N}.safetensors");
        try
        {
            var network = (TiedDenseAutoencoder)Training.GradientCheckTests.Randomised(new TiedDenseAutoencoder(seed: 51));
            network.SaveWeights(netgenFile);
            float[] samples = TestData.Regression(4, 8, 8, seed: 52, low: 0.05f, high: 0.95f).Features;
            string text = string.Join(';', samples.Chunk(8).Select(row => string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

            using JsonDocument torch = JsonDocument.Parse(PyTorchScript.Run(Script, netgenFile, torchFile, text));

            var outputs = new float[samples.Length];
            network.Predict(samples, outputs);
            AssertClose(Floats(torch.RootElement.GetProperty("outputs")), outputs, "outputs");
            network.ComputeGradients(samples, samples, 4);
            foreach (JsonProperty gradient in torch.RootElement.GetProperty("gradients").EnumerateObject())
            {
                AssertClose(Floats(gradient.Value), network.GetGradients(gradient.Name).ToArray(), gradient.Name);
            }
            Assert.Equal(6, torch.RootElement.GetProperty("gradients").EnumerateObject().Count());

            var loaded = new TiedDenseAutoencoder(seed: 53);
            loaded.LoadWeights(torchFile);
            loaded.Predict(samples, outputs);
            AssertClose(Floats(torch.RootElement.GetProperty("stepped_outputs")), outputs, "outputs after PyTorch's step");
        }
        finally
        {
            File.Delete(netgenFile);
            File.Delete(torchFile);
        }
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(value => (float)value.GetDouble()).ToArray();

    /// <summary>Equal within 1e-5 relative to the largest magnitude, PyTorch's float32 against NetGen's.</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * scale, $"{what}[{i}]: PyTorch {expected[i]}, NetGen {actual[i]}");
        }
    }
}
