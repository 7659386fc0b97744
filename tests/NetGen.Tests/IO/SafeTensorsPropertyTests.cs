using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using NetGen.Data;
using NetGen.IO;
using NetGen.Optimizers;
using NetGen.Tests.Networks;
using Xunit.Abstractions;
using static NetGen.Tests.MutatedFiles;

namespace NetGen.Tests.IO;

/// <summary>
/// Mutated safetensors files, weights files and checkpoints, made from small valid ones written here: edits of the
/// JSON header (edge numbers, other strings and values, repeated fields and entries, lone surrogates, stray
/// characters, deep nesting, long arrays), its length field (kept, recomputed, or an edge value) and the bytes
/// (see <see cref="MutatedFiles.ByteEdits"/>). Whatever the bytes, the readers throw only what they document, name
/// the file, allocate in proportion to the file (see <see cref="ReaderProbe"/>), and a failed load leaves the model
/// as it was. CsCheck prints a seed that replays a failure.
/// </summary>
public sealed class SafeTensorsPropertyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-safetensors-properties-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Regex Numbers = new(@"-?\d+(\.\d+)?([eE][+-]?\d+)?");
    private static readonly Regex Strings = new(@"""(?:[^""\\]|\\.)*""");
    private static readonly Regex Arrays = new(@"\[[^\[\]]*\]");
    private static readonly Regex Fields = new(@"""(?:dtype|shape|data_offsets)"":(?:""[^""]*""|\[[^\]]*\])");
    private static readonly Regex MetadataPairs = new(@"""[^""]*"":""[^""]*""");
    private static readonly Regex Entries = new(@"""[^""]*"":\{[^{}]*\}");
    private static readonly Regex EntryStarts = new(@"\{""(?:dtype|[a-z_])");

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static readonly Gen<string> EdgeNumberTexts = Pick(
        "-1", "0", "1", "2", "3", "4", "8", "2147483647", "2147483648", "2147483591", "4294967296", "9223372036854775807",
        "9223372036854775808", "18446744073709551615", "18446744073709551616", "1e400", "1.5", "-0", "1e2", "00", "100000000", "0.0");

    private static readonly Gen<string> EdgeStrings = Pick(
        "\"\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\ud800\\ud800\"", "\"__metadata__\"",
        "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"U8\"", "\"BOOL\"", "\"F8_E4M3\"", "\"F32\"", "\"f32\"",
        "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"NaN\"", "\"-1\"", "\"99999999999\"", "\"1e39\"", "\"Infinity\"",
        "\"Sgd\"", "\"Adam\"", "\"2\"", "\"0000000000000000 0000000000000000 0000000000000000 0000000000000000\"",
        "\"ffffffffffffffff ffffffffffffffff ffffffffffffffff\"", "\"\\u0000\"", "\"\\\\\"", "\"é\"", "\"\\u00e9\"", "\"BatchNormRegressor\"");

    private static readonly Gen<string> EdgeValues = Pick(
        "[]", "[0]", "[1,2,3]", "[[1]]", "{}", "null", "true", "\"x\"", "[-1]", "[0,1e400]", "[1.0,2]",
        "[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "]", Nested(64), Nested(1000));

    private static readonly Gen<string> Fragments = Pick(
        ",", "{", "}", "[", "]", "\"", ":", "\\", "\\ud800", "\\udc00", " ", "\"x\":1,", "\"__metadata__\":{},",
        "\"__metadata__\":{\"format\":\"pt\"},", "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},", "\u0000", "\t\n");

    /// <summary>Copies one string of the header over another: names collide, a dtype becomes a name, a key becomes a value.</summary>
    private static readonly Gen<TextEdit> CopyString = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (p, q) => (TextEdit)(text =>
    {
        MatchCollection matches = Strings.Matches(text);
        if (matches.Count == 0)
        {
            return (text, "no string to copy");
        }
        Match target = matches[p % matches.Count], source = matches[q % matches.Count];
        return (text[..target.Index] + source.Value + text[(target.Index + target.Length)..], $"string at {target.Index} → {Shorten(source.Value)}");
    }));

    private static readonly Regex Opening = new(@"^\{");
    private static readonly Regex Metadata = new(@"""__metadata__"":\{[^{}]*\}");

    /// <summary>Whole entries put first: well formed in themselves, so that they reach the checks after parsing.</summary>
    private static readonly Gen<string> FirstEntries = Pick(
        "{\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},",
        "{\"z\":{\"dtype\":\"F32\",\"shape\":[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "],\"data_offsets\":[0,0]},",
        "{\"z\":{\"dtype\":\"U8\",\"shape\":[0," + string.Join(",", Enumerable.Repeat("2147483647", 2_000)) + "],\"data_offsets\":[0,0]},",
        "{\"z\\ud800\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},",
        "{\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"dtype\":\"F64\"},",
        "{\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},",
        "{\"z\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]},");

    /// <summary>Metadata replaced whole: many keys, a repeated key, a lone surrogate, a value of another kind.</summary>
    private static readonly Gen<string> MetadataObjects = Pick(
        "\"__metadata__\":{" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":\"v\"")) + "}",
        "\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}",
        "\"__metadata__\":{\"k\":\"\\ud800\"}",
        "\"__metadata__\":{\"k\":[\"v\"]}",
        "\"__metadata__\":[]",
        "\"__metadata__\":{}");

    private static readonly Gen<TextEdit> HeaderEdits = Gen.Frequency(
        (1, Replace("opening", Opening, FirstEntries)),
        (1, Replace("metadata", Metadata, MetadataObjects)),
        (4, Replace("number", Numbers, EdgeNumberTexts)),
        (4, Replace("string", Strings, EdgeStrings)),
        (2, CopyString),
        (2, Replace("array", Arrays, EdgeValues)),
        (2, Repeat("field", Fields, ",")),
        (1, Repeat("metadata pair", MetadataPairs, ",")),
        (1, Repeat("entry", Entries, ",")),
        (1, Replace("field", Fields, Pick("", "\"extra\":[1,2]", "\"dtype\":\"F32\"", "\"shape\":[]"))),
        (1, Replace("entry start", EntryStarts, Pick("{\"extra\":{\"dtype\":1},\"dtype\"", "{\"dt\\u0079pe\":\"F32\",\"dtype\"", "{}"))),
        (2, Insert(Fragments)));

    /// <summary>What the length field says after the header was edited: the new length (padded to 8 or not), the old one, or an edge value.</summary>
    private static readonly Gen<Func<long, long, (ulong Length, string Done)>> LengthFields = Gen.Frequency(
        (8, Gen.Const<Func<long, long, (ulong, string)>>((edited, _) => ((ulong)edited, ""))),
        (2, Gen.Const<Func<long, long, (ulong, string)>>((edited, _) => ((ulong)(edited - edited % 8), $"length field rounded down to {edited - edited % 8}"))),
        (1, Gen.Const<Func<long, long, (ulong, string)>>((_, original) => ((ulong)original, $"length field kept at {original}"))),
        (2, Pick(EdgeNumbers).Select<ulong, Func<long, long, (ulong, string)>>(edge => (_, _) => (edge, $"length field = {edge}"))));

    /// <summary>A mutation of one of <paramref name="bases"/>: header edits, then the length field, then byte edits.</summary>
    private static Gen<Mutant> Mutants(params byte[][] bases) => Gen.Select(
        Pick(bases), HeaderEdits.Array[0, 3], LengthFields, ByteEdits.Array[0, 2],
        (original, headerEdits, lengthField, byteEdits) =>
        {
            int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
            string header = Encoding.UTF8.GetString(original, 8, headerLength).TrimEnd(' ');
            (string edited, string done) = Apply(header, headerEdits);
            byte[] json = Encoding.UTF8.GetBytes(edited);
            json = [.. json, .. Enumerable.Repeat((byte)' ', (8 - json.Length % 8) % 8)];
            (ulong length, string lengthDone) = lengthField(json.Length, headerLength);
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            bytes = [.. bytes, .. json, .. original.AsSpan(8 + headerLength)];
            return Apply(bytes, byteEdits, string.Join("; ", new[] { done, lengthDone }.Where(part => part.Length > 0)));
        });

    [Fact]
    public void Read_of_a_mutated_file_throws_only_InvalidDataException_naming_it_and_allocates_in_proportion()
    {
        string path = Path.Combine(_folder, "mutated.safetensors");
        var probe = new ReaderProbe("SafeTensors.Read", output);
        byte[] mixed = ValidFile(path, () => SafeTensors.Write(path,
        [
            SafeTensor.FromSingles("w", [2, 3], [1, 2, 3, 4, 5, 6]),
            new SafeTensor("h", SafeTensorsDType.F16, [2], new byte[4]),
            new SafeTensor("steps", SafeTensorsDType.I64, [], new byte[8]),
            new SafeTensor("mask", SafeTensorsDType.Bool, [3], [1, 0, 1]),
            new SafeTensor("f8", SafeTensorsDType.F8E4M3, [1], [0x38]),
            SafeTensor.FromSingles("empty", [0, 4], []),
        ], new Dictionary<string, string> { ["format"] = "pt", ["note"] = "é \u00e9 ☃" }));
        byte[] weights = ValidFile(path, () => Network().SaveWeights(path));
        SafeTensors.Read(path); // the first call loads types; later ones show what reading costs

        try
        {
            Mutants(mixed, weights).Sample(
                mutant => probe.Check(mutant, path, mutant.Bytes.Length, () => SafeTensors.Read(path), null, typeof(InvalidDataException)),
                iter: Iterations, threads: 1, print: mutant => mutant.ToString());
        }
        finally
        {
            probe.Report();
        }
    }

    [Fact]
    public void LoadWeights_of_a_mutated_file_throws_only_what_it_documents_and_a_failure_changes_nothing()
    {
        string path = Path.Combine(_folder, "mutated-weights.safetensors");
        var probe = new ReaderProbe("Model.LoadWeights", output);
        byte[] weights = ValidFile(path, () => Network().SaveWeights(path));
        BatchNormRegressor target = new(seed: 9);
        target.LoadWeights(path);

        try
        {
            Mutants(weights).Sample(mutant =>
            {
                float[] before = (float[])target.Parameters.Clone();
                InputNormalization? normalization = target.InputNormalization;
                object? loaded = probe.Check(mutant, path, mutant.Bytes.Length, () => { target.LoadWeights(path); return new object(); }, null,
                    typeof(InvalidDataException), typeof(WeightsMismatchException));
                if (loaded is null)
                {
                    Assert.Equal(before, target.Parameters);
                    Assert.Same(normalization, target.InputNormalization);
                }
            }, iter: Iterations, threads: 1, print: mutant => mutant.ToString());
        }
        finally
        {
            probe.Report();
        }
    }

    [Fact]
    public void LoadCheckpoint_of_a_mutated_file_throws_only_what_it_documents_and_a_failure_changes_nothing()
    {
        string path = Path.Combine(_folder, "mutated-checkpoint.safetensors");
        var probe = new ReaderProbe("Model.LoadCheckpoint", output);
        byte[] checkpoint = ValidFile(path, () =>
        {
            BatchNormRegressor source = Network();
            var adam = new Adam(0.01f);
            source.Fit(TestData.Regression(12, 6, 2, seed: 4), adam, epochs: 1, batchSize: 4);
            source.SaveCheckpoint(path, adam, epoch: 1);
        });
        BatchNormRegressor target = new(seed: 9);
        target.LoadCheckpoint(path, new Adam(0.5f));

        try
        {
            Mutants(checkpoint).Sample(mutant =>
            {
                float[] before = (float[])target.Parameters.Clone();
                InputNormalization? normalization = target.InputNormalization;
                var optimizer = new Adam(0.5f);
                object? loaded = probe.Check(mutant, path, mutant.Bytes.Length, () => (object)target.LoadCheckpoint(path, optimizer), null,
                    typeof(InvalidDataException), typeof(WeightsMismatchException));
                if (loaded is null)
                {
                    Assert.Equal(before, target.Parameters);
                    Assert.Same(normalization, target.InputNormalization);
                    Assert.Equal((0.5f, 0L), (optimizer.LearningRate, optimizer.StepCount));
                }
            }, iter: Iterations, threads: 1, print: mutant => mutant.ToString());
        }
        finally
        {
            probe.Report();
        }
    }

    /// <summary>Two batch-norm layers (running statistics, PyTorch's I64 counters) and an input normalisation: every kind of tensor a weights file holds.</summary>
    private static BatchNormRegressor Network()
    {
        var network = new BatchNormRegressor(seed: 3);
        network.InputNormalization = InputNormalization.Compute(TestData.Regression(8, 6, 2, seed: 1));
        return network;
    }

    private static byte[] ValidFile(string path, Action write)
    {
        write();
        return File.ReadAllBytes(path);
    }
}
