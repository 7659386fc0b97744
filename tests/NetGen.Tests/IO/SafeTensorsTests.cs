using System.Buffers.Binary;
using System.Text;
using NetGen.Data;
using NetGen.IO;
using NetGen.Optimizers;
using NetGen.Tests.Networks;

namespace NetGen.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netgen-safetensors-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // BinaryClassifier is 6 → dense1 (5, tanh) → dense2 (1, sigmoid). Its weights as PyTorch would
    // hold them: dense1.weight [5, 6] row-major (out, in), so W1[j, i] = (6j + i) · 0.05 − 0.7.
    private static readonly float[] Dense1Weight = Enumerable.Range(0, 30).Select(k => k * 0.05f - 0.7f).ToArray();
    private static readonly float[] Dense1Bias = [0.1f, -0.2f, 0.3f, -0.4f, 0.5f];
    private static readonly float[] Dense2Weight = [0.6f, -0.5f, 0.4f, -0.3f, 0.2f];
    private static readonly float[] Dense2Bias = [-0.1f];

    // What `safetensors.torch.save_file(model.state_dict(), path, metadata={"format": "pt"})` writes:
    // compact JSON, __metadata__ first, tensors sorted by name with their data in that order.
    private static readonly string PyTorchHeader = Json(
        "{'__metadata__':{'format':'pt'}," +
        "'dense1.bias':{'dtype':'F32','shape':[5],'data_offsets':[0,20]}," +
        "'dense1.weight':{'dtype':'F32','shape':[5,6],'data_offsets':[20,140]}," +
        "'dense2.bias':{'dtype':'F32','shape':[1],'data_offsets':[140,144]}," +
        "'dense2.weight':{'dtype':'F32','shape':[1,5],'data_offsets':[144,164]}}");

    private static byte[] PyTorchFile() =>
        FileBytes(PyTorchHeader, [.. F32(Dense1Bias), .. F32(Dense1Weight), .. F32(Dense2Bias), .. F32(Dense2Weight)]);

    [Fact]
    public void A_file_laid_out_as_PyTorch_writes_it_loads_and_computes_what_PyTorch_would()
    {
        File.WriteAllBytes(PathOf("torch.safetensors"), PyTorchFile());
        var network = new BinaryClassifier(seed: 1);

        network.LoadWeights(PathOf("torch.safetensors"));

        Assert.Equal(Dense1Weight, network.GetParameters("dense1.weight").ToArray());
        Assert.Equal(Dense1Bias, network.GetParameters("dense1.bias").ToArray());
        Assert.Equal(Dense2Weight, network.GetParameters("dense2.weight").ToArray());
        Assert.Equal(Dense2Bias, network.GetParameters("dense2.bias").ToArray());
        // y = σ(W2 tanh(W1 x + b1) + b2), computed here in double: the [out, in] layout is read the way PyTorch means it.
        float[] x = [0.5f, -1f, 0.25f, 2f, -0.75f, 1f];
        double z = Dense2Bias[0];
        for (int j = 0; j < 5; j++)
        {
            double a = Dense1Bias[j];
            for (int i = 0; i < 6; i++)
            {
                a += Dense1Weight[6 * j + i] * (double)x[i];
            }
            z += Dense2Weight[j] * Math.Tanh(a);
        }
        Assert.Equal(1 / (1 + Math.Exp(-z)), network.Predict(x)[0], 5);
    }

    [Fact]
    public void The_writer_produces_the_Python_librarys_bytes()
    {
        // Given in an order the format does not use, to show the writer sorts.
        SafeTensor[] tensors =
        [
            SafeTensor.FromSingles("dense2.weight", [1, 5], Dense2Weight),
            SafeTensor.FromSingles("dense1.weight", [5, 6], Dense1Weight),
            SafeTensor.FromSingles("dense2.bias", [1], Dense2Bias),
            SafeTensor.FromSingles("dense1.bias", [5], Dense1Bias),
        ];

        SafeTensors.Write(PathOf("written.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });

        Assert.Equal(PyTorchFile(), File.ReadAllBytes(PathOf("written.safetensors")));
    }

    [Fact]
    public void The_writer_matches_the_reference_implementations_own_test_vectors()
    {
        // From safetensors/src/tensor.rs (test_serialization_forced_alignement and test_empty): the
        // header is padded with spaces to a multiple of 8, and an empty file with metadata is just the header.
        SafeTensors.Write(PathOf("aligned"), [SafeTensor.FromSingles("attn0", [1, 1, 2, 3], [0, 1, 2, 3, 4, 5])]);
        SafeTensors.Write(PathOf("empty"), [], new Dictionary<string, string> { ["framework"] = "pt" });

        byte[] aligned = [72, 0, 0, 0, 0, 0, 0, 0, .. Ascii(Json("{'attn0':{'dtype':'F32','shape':[1,1,2,3],'data_offsets':[0,24]}}") + "       "), .. F32(0, 1, 2, 3, 4, 5)];
        byte[] empty = [40, 0, 0, 0, 0, 0, 0, 0, .. Ascii(Json("{'__metadata__':{'framework':'pt'}}") + "     ")];
        Assert.Equal(aligned, File.ReadAllBytes(PathOf("aligned")));
        Assert.Equal(empty, File.ReadAllBytes(PathOf("empty")));
        Assert.Empty(SafeTensors.Read(PathOf("empty")).Tensors);
    }

    [Fact]
    public void The_writer_orders_tensors_by_element_type_then_name_as_the_Python_library_does()
    {
        SafeTensors.Write(PathOf("mixed"),
        [
            new SafeTensor("a", SafeTensorsDType.I8, [2], [1, 2]),
            new SafeTensor("c", SafeTensorsDType.F32, [1], F32(3)),
            new SafeTensor("b", SafeTensorsDType.F64, [1], BitConverter.GetBytes(2.0)),
            new SafeTensor("d", SafeTensorsDType.F32, [1], F32(4)),
        ]);

        SafeTensorsFile file = SafeTensors.Read(PathOf("mixed"));

        Assert.Equal(["b", "c", "d", "a"], file.Tensors.Select(tensor => tensor.Name));
        Assert.Equal([1, 2], file["a"].Data.ToArray());
    }

    [Fact]
    public void SaveWeights_writes_every_tensor_under_its_PyTorch_name_with_the_documented_metadata()
    {
        var network = new WideClassifier(seed: 4);

        network.SaveWeights(PathOf("wide.safetensors"));
        SafeTensorsFile file = SafeTensors.Read(PathOf("wide.safetensors"));

        Assert.Equal(["hidden.bias", "hidden.weight", "output.bias", "output.weight"], file.Tensors.Select(tensor => tensor.Name));
        foreach (ParameterTensor tensor in network.Description.Tensors)
        {
            SafeTensor saved = file[tensor.Name];
            Assert.Equal(SafeTensorsDType.F32, saved.DType);
            Assert.Equal(tensor.Shape, saved.Shape.ToArray());
            Assert.Equal(network.GetParameters(tensor.Name).ToArray(), saved.ToSingles());
        }
        Assert.Equal([37, 42], file["hidden.weight"].Shape.ToArray());
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("WideClassifier", file.Metadata["netgen.network"]);
        Assert.Equal("[2, 3, 7]", file.Metadata["netgen.input_shape"]);
        Assert.Equal("10", file.Metadata["netgen.output_size"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", file.Metadata["netgen.version"]);
        Assert.Equal(5, file.Metadata.Count);
    }

    [Fact]
    public void A_trained_model_round_trips_to_the_same_weights_and_predictions()
    {
        Dataset data = TestData.Classification(60, [3, 5], classes: 4, seed: 12);
        var trained = new SigmoidTanhClassifier(seed: 5);
        trained.Fit(data, new Sgd(0.5f), epochs: 20, batchSize: 10);
        var predictions = new float[data.Count * 4];
        trained.Predict(data.Features, predictions);

        trained.SaveWeights(PathOf("trained.safetensors"));
        var loaded = new SigmoidTanhClassifier(seed: 99);
        Assert.NotEqual(trained.Parameters, loaded.Parameters);
        loaded.LoadWeights(PathOf("trained.safetensors"));

        var reloaded = new float[data.Count * 4];
        loaded.Predict(data.Features, reloaded);
        Assert.Equal(trained.Parameters, loaded.Parameters);
        Assert.Equal(predictions, reloaded);
        Assert.All(reloaded, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(trained.Evaluate(data), loaded.Evaluate(data));
    }

    [Fact]
    public void A_trained_cnn_with_batch_norm_round_trips_under_PyTorch_s_conv_names_and_layouts()
    {
        Dataset data = TestData.Classification(40, [1, 14, 14], classes: 2, seed: 13);
        var trained = new RegularizedBarCnn(seed: 6);
        trained.Fit(data, new Adam(0.01f), epochs: 2, batchSize: 8);
        trained.SaveWeights(PathOf("cnn.safetensors"));

        var loaded = new RegularizedBarCnn(seed: 98);
        loaded.LoadWeights(PathOf("cnn.safetensors"));

        // Conv2d(bias=False) + BatchNorm2d: the filters [out, in, kh, kw], no conv bias, and the batch-norm tensors.
        Dictionary<string, int[]> shapes = SafeTensors.Read(PathOf("cnn.safetensors")).Tensors.ToDictionary(tensor => tensor.Name, tensor => tensor.Shape.ToArray());
        Assert.Equal([8, 1, 3, 3], shapes["conv1.weight"]);
        Assert.Equal([16, 8, 3, 3], shapes["conv2.weight"]);
        Assert.False(shapes.ContainsKey("conv1.bias"));
        Assert.Equal([16], shapes["bn2.running_var"]);
        Assert.Contains("bn1.num_batches_tracked", shapes.Keys);
        Assert.Equal(trained.Parameters, loaded.Parameters);
        Assert.Equal(trained.Evaluate(data), loaded.Evaluate(data));
    }

    [Fact]
    public void Input_normalisation_is_saved_with_the_weights_and_restored()
    {
        Dataset data = TestData.Classification(40, [3, 5], classes: 4, seed: 13);
        for (int i = 0; i < data.Features.Length; i++)
        {
            data.Features[i] = 10f + 3f * data.Features[i] + (i % 15);
        }
        var trained = new SigmoidTanhClassifier(seed: 5);
        trained.Fit(data, new Sgd(0.2f), epochs: 3, batchSize: 10, normalizeInputs: true);
        trained.SaveWeights(PathOf("normalised.safetensors"));

        var loaded = new SigmoidTanhClassifier(seed: 6);
        loaded.LoadWeights(PathOf("normalised.safetensors"));

        Assert.NotNull(loaded.InputNormalization);
        Assert.Equal(trained.InputNormalization!.Mean.ToArray(), loaded.InputNormalization!.Mean.ToArray());
        Assert.Equal(trained.InputNormalization.StandardDeviation.ToArray(), loaded.InputNormalization.StandardDeviation.ToArray());
        Assert.Equal(trained.Predict(data.Sample(3)), loaded.Predict(data.Sample(3)));
        Assert.Contains(InputNormalization.MeanTensorName, SafeTensors.Read(PathOf("normalised.safetensors")).Tensors.Select(tensor => tensor.Name));

        // A file without statistics (PyTorch's, or one saved before normalising) clears them.
        new SigmoidTanhClassifier(seed: 7).SaveWeights(PathOf("plain.safetensors"));
        loaded.LoadWeights(PathOf("plain.safetensors"));
        Assert.Null(loaded.InputNormalization);
    }

    [Fact]
    public void Saving_the_same_weights_twice_gives_the_same_bytes()
    {
        new LinearRegressor(seed: 3).SaveWeights(PathOf("first"));
        new LinearRegressor(seed: 3).SaveWeights(PathOf("second"));

        Assert.Equal(File.ReadAllBytes(PathOf("first")), File.ReadAllBytes(PathOf("second")));
    }

    [Fact]
    public void LoadWeights_reports_every_mismatch_at_once_and_changes_nothing()
    {
        SafeTensors.Write(PathOf("wrong.safetensors"),
        [
            SafeTensor.FromSingles("dense1.weight", [4, 6], new float[24]),          // wrong shape
            new SafeTensor("dense2.weight", SafeTensorsDType.I64, [1, 5], new byte[40]), // wrong type
            SafeTensor.FromSingles("dense2.bias", [1], [0.5f]),                       // fine
            SafeTensor.FromSingles("dense3.weight", [2], [1f, 2f]),                   // not in the network
        ]);                                                                           // dense1.bias is missing
        var network = new BinaryClassifier(seed: 2);
        float[] before = (float[])network.Parameters.Clone();

        var e = Assert.Throws<WeightsMismatchException>(() => network.LoadWeights(PathOf("wrong.safetensors")));

        Assert.Equal(
        [
            "dense1.weight is [4, 6] in the file but [5, 6] in BinaryClassifier",
            "dense1.bias [5] is missing from the file",
            "dense2.weight is I64 in the file; weights must be F32, F16, BF16 or F64",
            "dense3.weight [2] is in the file but BinaryClassifier has no such tensor",
        ], e.Problems);
        Assert.Contains(PathOf("wrong.safetensors"), e.Message);
        Assert.Contains("4 problems", e.Message);
        Assert.All(e.Problems, problem => Assert.Contains(problem, e.Message));
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void LoadWeights_rejects_non_finite_weights_and_changes_nothing()
    {
        var source = new BinaryClassifier(seed: 1);
        source.GetParameters("dense1.weight")[7] = float.NaN; // row 1, column 1 of [5, 6]
        source.SaveWeights(PathOf("nan.safetensors"));
        var network = new BinaryClassifier(seed: 2);
        float[] before = (float[])network.Parameters.Clone();

        var e = Assert.Throws<WeightsMismatchException>(() => network.LoadWeights(PathOf("nan.safetensors")));

        Assert.Equal(["dense1.weight holds NaN at element 7 (index [1, 1]); weights must be finite"], e.Problems);
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void Half_bfloat16_and_double_tensors_convert_to_float_as_documented()
    {
        // F16: 1, −2, 65504 (the largest half), 2⁻²⁴ (the smallest subnormal). BF16: the top half of a float's bits.
        ushort[] half = [0x3C00, 0xC000, 0x7BFF, 0x0001];
        ushort[] bfloat = [0x3F80, 0x4049, 0xC2F7];
        double[] doubles = [1.0 / 3, -1e-40, 1e300];
        File.WriteAllBytes(PathOf("types"), FileBytes(
            Json("{'h':{'dtype':'F16','shape':[4],'data_offsets':[0,8]}," +
                 "'b':{'dtype':'BF16','shape':[3],'data_offsets':[8,14]}," +
                 "'d':{'dtype':'F64','shape':[3],'data_offsets':[14,38]}}"),
            [.. half.SelectMany(BitConverter.GetBytes), .. bfloat.SelectMany(BitConverter.GetBytes), .. doubles.SelectMany(BitConverter.GetBytes)]));

        SafeTensorsFile file = SafeTensors.Read(PathOf("types"));

        Assert.Equal([1f, -2f, 65504f, MathF.Pow(2, -24)], file["h"].ToSingles());
        Assert.Equal([1f, 3.140625f, -123.5f], file["b"].ToSingles());
        Assert.Equal([(float)(1.0 / 3), (float)-1e-40, float.PositiveInfinity], file["d"].ToSingles());
    }

    [Fact]
    public void Weights_stored_as_double_load_rounded_to_float()
    {
        var network = new BinaryClassifier(seed: 1);
        SafeTensors.Write(PathOf("f64"), network.Description.Tensors.Select(tensor =>
        {
            double[] values = Enumerable.Range(0, tensor.Length).Select(i => Math.PI * (i + 1) / 7).ToArray();
            return new SafeTensor(tensor.Name, SafeTensorsDType.F64, tensor.Shape, values.SelectMany(BitConverter.GetBytes).ToArray());
        }));

        network.LoadWeights(PathOf("f64"));

        Assert.Equal(Enumerable.Range(0, 30).Select(i => (float)(Math.PI * (i + 1) / 7)), network.GetParameters("dense1.weight").ToArray());
    }

    [Fact]
    public void Integer_tensors_are_read_but_not_converted()
    {
        File.WriteAllBytes(PathOf("ints"), FileBytes(Json("{'steps':{'dtype':'I64','shape':[],'data_offsets':[0,8]}}"), BitConverter.GetBytes(12L)));

        SafeTensor steps = SafeTensors.Read(PathOf("ints"))["steps"];

        Assert.Equal((SafeTensorsDType.I64, 1, 12L), (steps.DType, steps.ElementCount, BitConverter.ToInt64(steps.Data)));
        var e = Assert.Throws<NotSupportedException>(() => steps.ToSingles());
        Assert.Contains("'steps' is I64", e.Message);
    }

    [Fact]
    public void A_file_shorter_than_the_length_field_is_reported()
    {
        File.WriteAllBytes(PathOf("short"), [1, 2, 3]);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("short")));

        Assert.Contains(PathOf("short"), e.Message);
        Assert.Contains("3 bytes long", e.Message);
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_reported_with_both_numbers()
    {
        byte[] bytes = new byte[8 + 20];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        File.WriteAllBytes(PathOf("long-header"), bytes);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("long-header")));

        Assert.Contains(PathOf("long-header"), e.Message);
        Assert.Contains("header length at offset 0 is 1,000 bytes, but only 20 bytes follow it", e.Message);
    }

    [Fact]
    public void A_truncated_file_names_the_tensor_that_runs_past_its_end()
    {
        byte[] whole = PyTorchFile();
        File.WriteAllBytes(PathOf("cut"), whole[..^10]);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("cut")));

        Assert.Contains(PathOf("cut"), e.Message);
        Assert.Contains("'dense2.weight' has data_offsets [144, 164]", e.Message);
        Assert.Contains("holds only 154 bytes", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Malformed_JSON_is_reported_with_its_position()
    {
        File.WriteAllBytes(PathOf("json"), FileBytes(Json("{'a':{'dtype':'F32' 'shape':[1],'data_offsets':[0,4]}}"), F32(1)));

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("json")));

        Assert.Contains(PathOf("json"), e.Message);
        Assert.Contains("JSON header at offset 8 is malformed at file offset 28", e.Message);
    }

    [Fact]
    public void A_header_that_is_not_UTF_8_is_reported_with_the_offending_byte()
    {
        byte[] file = FileBytes(Json("{'a?':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}"), F32(1));
        file[8 + 3] = 0xFF; // the '?' in the name: 0xFF never occurs in UTF-8
        File.WriteAllBytes(PathOf("latin"), file);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("latin")));

        Assert.Contains(PathOf("latin"), e.Message);
        Assert.Contains("not valid UTF-8: byte 0xFF at file offset 11", e.Message);
    }

    [Theory]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'b':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}", 12,
        "tensors 'a' (data_offsets [0, 8]) and 'b' (data_offsets [4, 12]) overlap")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'b':{'dtype':'F32','shape':[2],'data_offsets':[12,20]}}", 20,
        "data section bytes [8, 12) between 'a' and 'b' belong to no tensor")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", 11,
        "3 bytes follow the last tensor, 'a', which ends at data offset 8")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[3],'data_offsets':[0,8]}}", 8,
        "tensor 'a' is F32 [3]: 3 elements × 4 bytes = 12 bytes, but its data_offsets [0, 8] span 8")]
    [InlineData(
        "{'a':{'dtype':'F33','shape':[2],'data_offsets':[0,8]}}", 8,
        "tensor 'a' has dtype \"F33\", which is not a safetensors type NetGen knows (BOOL, U8")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2,-1],'data_offsets':[0,8]}}", 8,
        "dimension 1 of tensor 'a' is -1")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'data_offsets':[8,0]}}", 8,
        "tensor 'a' has data_offsets [8, 0]; its end is before its beginning")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2]}}", 8,
        "tensor 'a' has no \"data_offsets\"")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':2,'data_offsets':[0,8]}}", 8,
        "the \"shape\" of tensor 'a' is the JSON number 2, where a JSON array was expected")]
    [InlineData(
        "{'__metadata__':{'epoch':3},'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", 8,
        "__metadata__ entry 'epoch' is the JSON number 3; metadata values must be strings")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", 8,
        "the header names 'a' twice")]
    [InlineData(
        "{'a':{'dtype':'F64','shape':[2],'dtype':'F32','data_offsets':[0,8]}}", 8,
        "tensor 'a' has \"dtype\" twice")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8],'data_offsets':[0,8]}}", 8,
        "tensor 'a' has \"data_offsets\" twice")]
    [InlineData(
        "{'a':{'dtype':'F32','shape':[2],'sh\\u0061pe':[2],'data_offsets':[0,8]}}", 8,
        "tensor 'a' has \"shape\" twice")]
    [InlineData(
        "{'__metadata__':{'format':'pt','format':'np'},'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", 8,
        "__metadata__ names 'format' twice")]
    [InlineData("[1, 2]", 0, "the header is a JSON array")]
    public void A_malformed_header_is_reported_with_the_tensor_and_the_numbers(string header, int dataLength, string expected)
    {
        File.WriteAllBytes(PathOf("bad"), FileBytes(Json(header), new byte[dataLength]));

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("bad")));

        Assert.Contains(PathOf("bad"), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    // JSON may escape half of a surrogate pair alone; System.Text.Json then fails on reading the string, not on parsing.
    [InlineData("{'a\\ud800':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", "a\\ud800")]
    [InlineData("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'\\udc00':{'dtype':'F32','shape':[0],'data_offsets':[4,4]}}", "\\udc00")]
    [InlineData("{'__metadata__':{'k\\ud800x':'v'},'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", "k\\ud800x")]
    [InlineData("{'__metadata__':{'k':'\\udbff\\udbff'},'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", "\\udbff\\udbff")]
    [InlineData("{'a':{'dtype':'F\\ud83d','shape':[1],'data_offsets':[0,4]}}", "F\\ud83d")]
    public void A_lone_surrogate_escape_in_the_header_is_reported_as_malformed(string header, string escaped)
    {
        File.WriteAllBytes(PathOf("surrogate"), FileBytes(Json(header), F32(1)));
        int offset = 8 + Json(header).IndexOf($"\"{escaped}\"", StringComparison.Ordinal);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("surrogate")));

        Assert.StartsWith(PathOf("surrogate") + ": ", e.Message);
        Assert.Contains($"the JSON string \"{escaped}\" at file offset {offset} escapes a lone surrogate", e.Message);
        // Loading weights or a checkpoint goes through the same reader, and changes nothing.
        var network = new BinaryClassifier(seed: 2);
        float[] before = (float[])network.Parameters.Clone();
        Assert.Throws<InvalidDataException>(() => network.LoadWeights(PathOf("surrogate")));
        Assert.Throws<InvalidDataException>(() => network.LoadCheckpoint(PathOf("surrogate"), new Sgd()));
        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void A_file_that_is_not_safetensors_at_all_is_rejected_before_any_large_allocation()
    {
        // A PNG's first 8 bytes read as a header length of about 7.5 × 10^17.
        File.WriteAllBytes(PathOf("picture.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(PathOf("picture.png")));

        Assert.Contains("not a safetensors file", e.Message);
    }

    [Fact]
    public void LoadWeights_of_a_malformed_file_leaves_the_parameters_alone()
    {
        File.WriteAllBytes(PathOf("cut"), PyTorchFile()[..^1]);
        var network = new BinaryClassifier(seed: 2);
        float[] before = (float[])network.Parameters.Clone();

        Assert.Throws<InvalidDataException>(() => network.LoadWeights(PathOf("cut")));

        Assert.Equal(before, network.Parameters);
    }

    [Fact]
    public void Writing_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        new BinaryClassifier(seed: 1).SaveWeights(PathOf("model.safetensors"));
        var second = new BinaryClassifier(seed: 2);

        second.SaveWeights(PathOf("model.safetensors"));

        Assert.Equal(second.GetParameters("dense1.weight").ToArray(), SafeTensors.Read(PathOf("model.safetensors"))["dense1.weight"].ToSingles());
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_write_keeps_the_old_file()
    {
        new BinaryClassifier(seed: 1).SaveWeights(PathOf("model.safetensors"));
        byte[] before = File.ReadAllBytes(PathOf("model.safetensors"));

        Assert.Throws<ArgumentException>(() => SafeTensors.Write(PathOf("model.safetensors"),
            [SafeTensor.FromSingles("x", [1], [1f]), SafeTensor.FromSingles("x", [1], [2f])]));

        Assert.Equal(before, File.ReadAllBytes(PathOf("model.safetensors")));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_tensor_whose_bytes_do_not_match_its_shape_cannot_be_made()
    {
        var e = Assert.Throws<ArgumentException>(() => new SafeTensor("w", SafeTensorsDType.F16, [2, 3], new byte[10]));

        Assert.Contains("6 elements of 2 bytes need 12 bytes, but 10 were given", e.Message);
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>The format's layout, built by hand: u64 little-endian header length, the JSON padded with spaces to a multiple of 8, the data.</summary>
    private static byte[] FileBytes(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    private static byte[] F32(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return bytes;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>JSON written with single quotes, for readability here.</summary>
    private static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');
}
