using Google.Protobuf;
using NetGen.IO;
using NetGen.Onnx;
using Onnx;

namespace NetGen;

public abstract partial class Model
{
    /// <summary>
    /// Writes the network's inference graph as an ONNX model (opset 17), to run wherever ONNX runs: ONNX Runtime,
    /// a browser, a phone. The file holds what <c>Predict</c> computes, input normalisation included: batch norm in
    /// inference form with its running statistics, dropout as the identity it is in inference, noise layers left out.
    /// </summary>
    /// <remarks>
    /// The graph has one input, <c>input</c> [batch, one sample's shape], and one output, <c>output</c>
    /// [batch, the output layer's shape], the batch left free. Weights keep the model's names (<c>fc1.weight</c>,
    /// <c>conv1.bias</c>, <c>bn1.running_mean</c>); a recurrent layer's are stored as ONNX's LSTM, GRU and RNN take
    /// them, as <c>{layer}.W</c>, <c>.R</c> and <c>.B</c> in ONNX's gate order. Activations ONNX has no operator for
    /// (GELU and SiLU at this opset, ISRU, ISRLU, SQNL, binary step, bipolar ReLU) are small subgraphs of standard
    /// operators. The file is written whole or not at all. Safe to call while other threads predict; not while one
    /// trains, whose half-applied step the file would hold.
    /// </remarks>
    /// <param name="path">The file to create or replace, conventionally ending in <c>.onnx</c>.</param>
    /// <exception cref="NotSupportedException">The model has no ONNX form.</exception>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelProto model = ToOnnx();
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>The ONNX model <see cref="ExportOnnx(string)"/> writes, as bytes.</summary>
    public byte[] ExportOnnx()
    {
        return ToOnnx().ToByteArray();
    }

    private ModelProto ToOnnx()
    {
        var graph = new OnnxGraph(this, Description.Name);
        int[] inputShape = Description.InputShape;
        graph.AddInput("input", inputShape);
        string x = _inputNormalization is { } normalization ? graph.Normalize("input", normalization, inputShape) : "input";
        x = AddOnnxLayers(graph, x);
        graph.AddOutput(x, "output", OnnxOutputShape);
        var model = new ModelProto
        {
            IrVersion = OnnxGraph.IrVersion,
            ProducerName = "NetGen",
            ProducerVersion = NetGenVersion,
            Graph = graph.Proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxGraph.OpsetVersion });
        // What the graph cannot say, for netgen import to give back the same declaration; other tools ignore it.
        model.MetadataProps.Add(new StringStringEntryProto { Key = "netgen.network", Value = Description.Name });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "netgen.loss", Value = Description.Loss.ToString() });
        if (Description.Code is { } code)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = "netgen.autoencoder", Value = code.Name });
        }
        return model;
    }

    /// <summary>One sample's output as the graph gives it: the output layer's shape ([10], [1, 28, 28], [steps, units]).</summary>
    private protected virtual int[] OnnxOutputShape => Description.Layers[^1].OutputShape;

    /// <summary>
    /// Adds the network's layers to <paramref name="graph"/>, from <paramref name="input"/>, the value holding the
    /// (normalised) input; returns the value holding the output. Generated for every declared network.
    /// </summary>
    /// <exception cref="NotSupportedException">The model has no ONNX form.</exception>
    protected virtual string AddOnnxLayers(OnnxGraph graph, string input) =>
        throw new NotSupportedException($"{Description.Name} has no ONNX form.");
}
