using System.Globalization;
using System.Text;
using NetGen.Kernels;
using NetGen.Randomness;
using NetGen.Tests.PyTorch;
using Xunit.Abstractions;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The transposed convolution and upsampling kernels against PyTorch's <c>conv_transpose2d</c> and
/// <c>interpolate(mode='nearest')</c> on the same numbers, in double there. Runs where Debian's torch is installed
/// (<c>shared/bench/setup_torch.sh</c>) and is reported skipped, with the reason, where it is not.
/// </summary>
public sealed class DecoderTorchParityTests(ITestOutputHelper output)
{
    /// <summary>C_in, H, W, C_out, k, stride, padding, output padding.</summary>
    private static readonly int[][] Transposed =
    [
        [3, 4, 4, 2, 3, 1, 0, 0],
        [3, 4, 5, 2, 3, 1, 1, 0],
        [2, 4, 4, 3, 3, 2, 0, 0],
        [2, 4, 3, 3, 3, 2, 1, 0],
        [2, 4, 4, 1, 3, 2, 1, 1],
        [4, 3, 5, 2, 3, 2, 0, 1],
        [32, 7, 7, 16, 3, 2, 1, 1],
    ];

    /// <summary>C, H, W, scale.</summary>
    private static readonly int[][] Upsampled = [[3, 4, 5, 2], [2, 3, 3, 3], [1, 2, 7, 1]];

    private const int Batch = 2;

    [SkippableFact]
    public void Conv_transpose_and_upsampling_match_pytorch()
    {
        Skip.If(PyTorchScript.MissingReason is not null, PyTorchScript.MissingReason);
        var random = new Rng(11);
        var script = new StringBuilder("import torch\nimport torch.nn.functional as F\ntorch.set_default_dtype(torch.float64)\n");
        script.AppendLine("def t(values, shape): return torch.tensor(values).reshape(shape)");
        script.AppendLine("def show(y): print(' '.join(repr(v) for v in y.flatten().tolist()))");
        var expected = new List<float[]>();
        foreach (int[] c in Transposed)
        {
            var shape = new ConvTransposeShape(c[0], c[1], c[2], c[3], c[4], c[4], c[5], c[5], c[6], c[6], c[7], c[7]);
            float[] x = TestData.Uniform(random, Batch * shape.InputSize), w = TestData.Uniform(random, shape.WeightSize);
            float[] b = TestData.Uniform(random, shape.OutputChannels), y = new float[Batch * shape.OutputSize];
            ConvTranspose.Forward<Identity>(x, w, b, y, Batch, shape, new float[ConvTranspose.ScratchSize(shape)]);
            expected.Add(y);
            script.AppendLine(CultureInfo.InvariantCulture,
                $"show(F.conv_transpose2d(t({List(x)}, ({Batch}, {c[0]}, {c[1]}, {c[2]})), t({List(w)}, ({c[0]}, {c[3]}, {c[4]}, {c[4]})), t({List(b)}, ({c[3]},)), stride={c[5]}, padding={c[6]}, output_padding={c[7]}))");
        }
        foreach (int[] c in Upsampled)
        {
            float[] x = TestData.Uniform(random, Batch * c[0] * c[1] * c[2]), y = new float[x.Length * c[3] * c[3]];
            Upsampling.Forward(x, y, Batch, c[0], c[1], c[2], c[3]);
            expected.Add(y);
            script.AppendLine(CultureInfo.InvariantCulture,
                $"show(F.interpolate(t({List(x)}, ({Batch}, {c[0]}, {c[1]}, {c[2]})), scale_factor={c[3]}, mode='nearest'))");
        }

        string[] lines = PyTorchScript.Run(script.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < expected.Count; i++)
        {
            double[] torch = lines[i].Split(' ').Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(torch.Length, expected[i].Length);
            double worst = torch.Zip(expected[i]).Max(pair => Math.Abs(pair.First - pair.Second));
            output.WriteLine($"case {i}: {torch.Length} outputs, max |NetGen − PyTorch| {worst:E2}");
            Assert.True(worst < 1e-5, $"case {i}: max difference {worst}");
        }
    }

    private static string List(float[] values) =>
        "[" + string.Join(", ", values.Select(value => ((double)value).ToString("R", CultureInfo.InvariantCulture))) + "]";
}
