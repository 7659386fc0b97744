using System.Globalization;
using System.Text.Json;
using NetGen.Tests.Networks;

namespace NetGen.Tests.PyTorch;

/// <summary>
/// A recurrent network's weights file is the state dict of <c>torch.nn.LSTM</c> / <c>GRU</c> / <c>RNN</c>
/// (<c>batch_first=True</c>) followed by a <c>Linear</c> on the last step: it loads strictly into that module and gives
/// the same outputs and gradients (within 1e-4 relative); PyTorch's file after an SGD step loads back and agrees.
/// </summary>
public sealed class RecurrentTorchParityTests
{
    private const string Script = PyTorchScript.SafeTensorsPython + """
        import sys
        import torch.nn as nn
        import torch.nn.functional as F

        class Sequence(nn.Module):
            def __init__(self, kind):
                super().__init__()
                self.rnn = getattr(nn, kind)(3, 4, batch_first=True)
                self.fc = nn.Linear(4, 2)

            def forward(self, x):
                out, _ = self.rnn(x)
                return self.fc(out[:, -1, :])

        kind, netgen_file, torch_file, samples, targets = sys.argv[1:6]
        model = Sequence(kind)
        model.load_state_dict(load(netgen_file), strict=True)
        x = torch.tensor([[float(v) for v in row.split(',')] for row in samples.split(';')]).reshape(-1, 5, 3)
        y = torch.tensor([[float(v) for v in row.split(',')] for row in targets.split(';')])
        out = model(x)
        F.mse_loss(out, y).backward()
        result = {'outputs': out.detach().flatten().tolist(),
                  'gradients': {name: p.grad.flatten().tolist() for name, p in model.named_parameters()}}
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
        save(model.state_dict(), torch_file)
        result['stepped_outputs'] = model(x).detach().flatten().tolist()
        print(json.dumps(result))
        """;

    [SkippableTheory]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    [InlineData("RNN")]
    public void A_recurrent_network_interchanges_weights_with_the_PyTorch_module(string kind)
    {
        Skip.If(PyTorchScript.MissingReason is not null, PyTorchScript.MissingReason);
        Model Create(int seed) => kind switch
        {
            "LSTM" => new TorchLstmRegressor(seed),
            "GRU" => new TorchGruRegressor(seed),
            _ => new TorchRnnRegressor(seed),
        };
        string netgenFile = Path.Combine(Path.GetTempPath(), $"rnn-netgen-{Guid.NewGuid():N}.safetensors");
        string torchFile = Path.Combine(Path.GetTempPath(), $"rnn-torch-{Guid.NewGuid():N}.safetensors");
        try
        {
            Model network = Training.GradientCheckTests.Randomised(Create(71));
            network.SaveWeights(netgenFile);
            global::NetGen.Data.Dataset data = TestData.Regression(4, 15, 2, seed: 72, low: -1f, high: 1f);
            static string Rows(float[] values, int width) =>
                string.Join(';', values.Chunk(width).Select(row => string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

            using JsonDocument torch = JsonDocument.Parse(PyTorchScript.Run(Script, kind, netgenFile, torchFile, Rows(data.Features, 15), Rows(data.Targets, 2)));

            var outputs = new float[4 * 2];
            network.Predict(data.Features, outputs);
            AssertClose(Floats(torch.RootElement.GetProperty("outputs")), outputs, "outputs");
            network.ComputeGradients(data.Features, data.Targets, 4);
            foreach (JsonProperty gradient in torch.RootElement.GetProperty("gradients").EnumerateObject())
            {
                AssertClose(Floats(gradient.Value), network.GetGradients(gradient.Name).ToArray(), gradient.Name);
            }
            Assert.Equal(6, torch.RootElement.GetProperty("gradients").EnumerateObject().Count());

            Model loaded = Create(73);
            loaded.LoadWeights(torchFile);
            loaded.Predict(data.Features, outputs);
            AssertClose(Floats(torch.RootElement.GetProperty("stepped_outputs")), outputs, "outputs after PyTorch's step");
        }
        finally
        {
            File.Delete(netgenFile);
            File.Delete(torchFile);
        }
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(value => (float)value.GetDouble()).ToArray();

    /// <summary>Equal within 1e-4 relative to the largest magnitude, PyTorch's float32 against NetGen's.</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * scale, $"{what}[{i}]: PyTorch {expected[i]}, NetGen {actual[i]}");
        }
    }
}
