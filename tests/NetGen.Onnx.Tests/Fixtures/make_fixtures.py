"""Builds the ONNX import tests' fixtures: small PyTorch models exported by torch.onnx.export.

Run with Debian's PyTorch (torch 1.13, opset 17): /usr/bin/python3 make_fixtures.py
It writes, beside itself, for each model NAME:
  NAME.onnx             the exported graph (input "input" [N, ...], output "output", dynamic batch axis)
  NAME.io.safetensors   "input", a fixed batch, and "output", PyTorch's outputs for it (F32)
and the unmappable fixtures (Unsupported.onnx, TwoInputs.onnx). Seeds are fixed, so reruns give the same files.
"""
import json
import os
import struct

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 3


def save_safetensors(path, tensors):
    """A safetensors file of F32 tensors, as the Python library lays it out (names sorted, header padded to 8)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def export(name, model, sample_shape, outputs=True):
    model.eval()
    torch.manual_seed(1234)
    x = torch.randn(BATCH, *sample_shape)
    path = os.path.join(HERE, name + ".onnx")
    torch.onnx.export(model, (x,), path, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    if not outputs:
        return
    with torch.no_grad():
        y = model(x)
    save_safetensors(os.path.join(HERE, name + ".io.safetensors"), {"input": x.numpy(), "output": y.numpy()})


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 16)
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        return torch.softmax(self.fc2(torch.relu(self.fc1(x))), dim=1)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3), nn.AvgPool2d(2))
        self.classifier = nn.Linear(6 * 2 * 2, 3)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BatchNormMlp(nn.Module):
    """BatchNorm1d between two Linear layers: NetGen fuses it into the first, whose bias goes into the running mean."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 10)
        self.bn1 = nn.BatchNorm1d(10, eps=1e-3)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(10, 4)

    def forward(self, x):
        return torch.softmax(self.fc2(self.drop(torch.relu(self.bn1(self.fc1(x))))), dim=1)


class Decoder(nn.Module):
    """A decoder: Linear, unflatten, transposed convolution, nearest upsampling, convolution."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4 * 3 * 3)
        self.deconv = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv = nn.Conv2d(3, 2, 3, padding=1)

    def forward(self, x):
        x = torch.relu(self.fc(x)).view(-1, 4, 3, 3)
        x = torch.tanh(self.deconv(x))
        return torch.sigmoid(self.conv(self.up(x)))


class ViewNet(nn.Module):
    """view(x.size(0), -1) (a Reshape by a shape computed from Shape), overlapping pooling, batch norm on its own, PReLU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.pool = nn.MaxPool2d(2, stride=1)
        self.norm = nn.BatchNorm2d(2)
        self.fc = nn.Linear(2 * 3 * 3, 3)
        self.act = nn.PReLU()
        self.out = nn.Linear(3, 2)

    def forward(self, x):
        x = self.norm(self.pool(torch.tanh(self.conv(x))))
        return self.out(self.act(self.fc(x.view(x.size(0), -1))))


class Activations(nn.Module):
    """Every activation PyTorch exports as its own node or subgraph, after an input standardisation."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.linspace(-0.5, 0.5, 10))
        self.register_buffer("std", torch.linspace(0.5, 2.0, 10))
        self.fc1 = nn.Linear(10, 12)
        self.fc2 = nn.Linear(12, 12)
        self.fc3 = nn.Linear(12, 12)
        self.fc4 = nn.Linear(12, 12)
        self.fc5 = nn.Linear(12, 12)
        self.fc6 = nn.Linear(12, 12)
        self.out = nn.Linear(12, 1)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = nn.functional.leaky_relu(self.fc1(x), 0.2)
        x = nn.functional.elu(self.fc2(x))
        x = nn.functional.gelu(self.fc3(x))
        x = nn.functional.silu(self.fc4(x))
        x = torch.tanh(self.fc5(x))
        x = nn.functional.softplus(self.fc6(x))
        return torch.sigmoid(self.out(x))


class LstmClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return torch.softmax(self.head(out[:, -1, :]), dim=1)


class GruTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, batch_first=True)
        self.tag = nn.Linear(6, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.tag(out)


class RnnRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 5, batch_first=True)
        self.head = nn.Linear(5, 2)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.head(h[-1])


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 6)
        self.fc2 = nn.Linear(6, 2)

    def forward(self, x):
        return torch.sin(self.fc2(torch.cos(self.fc1(x))))


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 2)
        self.b = nn.Linear(4, 2)

    def forward(self, left, right):
        return self.a(left) + self.b(right)


def netgen_style(name, nodes, initializers, input_shape, output_shape, check=True):
    """A graph written as NetGen's own export writes its layers (names "{layer}.weight", Dropout with a ratio, tied Gemm...)."""
    from onnx import TensorProto, checker, helper, numpy_helper
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *input_shape])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", *output_shape])],
        [numpy_helper.from_array(np.asarray(value), key) for key, value in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="netgen-fixtures")
    model.ir_version = 8
    if check:
        checker.check_model(model)
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def netgen_fixtures():
    """Graphs in the conventions of NetGen's ONNX export, so that what it writes imports back; ONNX Runtime is their reference."""
    from onnx import helper
    rng = np.random.default_rng(7)

    def w(*shape):
        return rng.normal(0, 0.5, shape).astype(np.float32)

    n = helper.make_node
    netgen_style("NetGenDenseNet", [
        n("Sub", ["input", "input_normalization.mean"], ["centred"], name="input_normalization/Sub"),
        n("Div", ["centred", "input_normalization.std"], ["x0"], name="input_normalization/Div"),
        n("Gemm", ["x0", "fc1.weight", "fc1.bias"], ["z1"], name="fc1/Gemm", transB=1),
        n("Relu", ["z1"], ["a1"], name="fc1/Relu"),
        n("Dropout", ["a1", "drop.ratio"], ["d1"], name="drop/Dropout"),
        n("Gemm", ["d1", "fc1.weight", "dec.bias"], ["z2"], name="dec/Gemm", transB=0),
        n("Sigmoid", ["z2"], ["output"], name="dec/Sigmoid"),
    ], {
        "input_normalization.mean": w(8), "input_normalization.std": (np.abs(w(8)) + 0.5).astype(np.float32),
        "fc1.weight": w(5, 8), "fc1.bias": w(5), "drop.ratio": np.float32(0.25), "dec.bias": w(8),
    }, [8], [8])
    netgen_style("NetGenConvNet", [
        n("Conv", ["input", "conv1.weight"], ["z1"], name="conv1/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        n("BatchNormalization", ["z1", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"], ["b1"], name="bn1/BatchNormalization",
          epsilon=1e-5, momentum=0.9),
        n("Relu", ["b1"], ["a1"], name="conv1/Relu"),
        n("MaxPool", ["a1"], ["p1"], name="maxpool1/MaxPool", kernel_shape=[2, 2], strides=[2, 2]),
        n("Flatten", ["p1"], ["f1"], name="flatten1/Flatten", axis=1),
        n("Gemm", ["f1", "dense1.weight", "dense1.bias"], ["z2"], name="dense1/Gemm", transB=1),
        n("Softmax", ["z2"], ["output"], name="dense1/Softmax", axis=-1),
    ], {
        "conv1.weight": w(3, 2, 3, 3), "bn1.weight": w(3), "bn1.bias": w(3), "bn1.running_mean": w(3),
        "bn1.running_var": (np.abs(w(3)) + 0.5).astype(np.float32), "dense1.weight": w(4, 27), "dense1.bias": w(4),
    }, [2, 6, 6], [4])
    netgen_style("NetGenSequenceNet", [
        n("Transpose", ["input"], ["t0"], name="lstm1/Transpose", perm=[1, 0, 2]),
        n("LSTM", ["t0", "lstm1.W", "lstm1.R", "lstm1.B"], ["y1"], name="lstm1/LSTM", hidden_size=4),
        n("Squeeze", ["y1", "lstm1.squeeze_axes"], ["s1"], name="lstm1/Squeeze"),
        n("Transpose", ["s1"], ["h1"], name="lstm1/Transpose_1", perm=[1, 0, 2]),
        n("Transpose", ["h1"], ["t2"], name="gru1/Transpose", perm=[1, 0, 2]),
        n("GRU", ["t2", "gru1.W", "gru1.R", "gru1.B"], ["", "yh2"], name="gru1/GRU", hidden_size=3, linear_before_reset=1),
        n("Squeeze", ["yh2", "gru1.squeeze_axes"], ["h2"], name="gru1/Squeeze"),
        n("Gemm", ["h2", "dense1.weight", "dense1.bias"], ["output"], name="dense1/Gemm", transB=1),
    ], {
        "lstm1.W": w(1, 16, 3), "lstm1.R": w(1, 16, 4), "lstm1.B": w(1, 32), "lstm1.squeeze_axes": np.array([1], np.int64),
        "gru1.W": w(1, 9, 4), "gru1.R": w(1, 9, 3), "gru1.B": w(1, 18), "gru1.squeeze_axes": np.array([0], np.int64),
        "dense1.weight": w(6, 3), "dense1.bias": w(6),
    }, [5, 3], [6])
    netgen_style("NetGenPerStepNet", [
        n("Transpose", ["input"], ["t0"], name="rnn1/Transpose", perm=[1, 0, 2]),
        n("RNN", ["t0", "rnn1.W", "rnn1.R", "rnn1.B"], ["y1"], name="rnn1/RNN", hidden_size=4, activations=["Relu"]),
        n("Squeeze", ["y1", "rnn1.squeeze_axes"], ["s1"], name="rnn1/Squeeze"),
        n("Transpose", ["s1"], ["h1"], name="rnn1/Transpose_1", perm=[1, 0, 2]),
        n("Reshape", ["h1", "dense1.rows"], ["r1"], name="dense1/Reshape"),
        n("Gemm", ["r1", "dense1.weight", "dense1.bias"], ["z2"], name="dense1/Gemm", transB=1),
        n("Tanh", ["z2"], ["a2"], name="dense1/Tanh"),
        n("Reshape", ["a2", "dense1.steps"], ["output"], name="dense1/Reshape_1"),
    ], {
        "rnn1.W": w(1, 4, 3), "rnn1.R": w(1, 4, 4), "rnn1.B": w(1, 8), "rnn1.squeeze_axes": np.array([1], np.int64),
        "dense1.rows": np.array([-1, 4], np.int64), "dense1.weight": w(2, 4), "dense1.bias": w(2),
        "dense1.steps": np.array([-1, 5, 2], np.int64),
    }, [5, 3], [5, 2])
    # Activations without an ONNX op, in the forms NetGen's export writes them.
    netgen_style("NetGenActivationsNet", [
        n("Gemm", ["input", "dense1.weight", "dense1.bias"], ["z1"], name="dense1/Gemm", transB=1),
        n("Mul", ["z1", "z1"], ["sq1"], name="dense1/Mul"),
        n("Mul", ["sq1", "dense1.alpha"], ["asq1"], name="dense1/Mul_1"),
        n("Add", ["one", "asq1"], ["den1"], name="dense1/Add"),
        n("Sqrt", ["den1"], ["root1"], name="dense1/Sqrt"),
        n("Div", ["z1", "root1"], ["a1"], name="dense1/Div"),
        n("Gemm", ["a1", "dense2.weight", "dense2.bias"], ["z2"], name="dense2/Gemm", transB=1),
        n("GreaterOrEqual", ["z2", "zero"], ["pos2"], name="dense2/GreaterOrEqual"),
        n("Mul", ["z2", "z2"], ["sq2"], name="dense2/Mul"),
        n("Add", ["sq2", "one"], ["den2"], name="dense2/Add"),
        n("Sqrt", ["den2"], ["root2"], name="dense2/Sqrt"),
        n("Div", ["z2", "root2"], ["isru2"], name="dense2/Div"),
        n("Where", ["pos2", "z2", "isru2"], ["a2"], name="dense2/Where"),
        n("Gemm", ["a2", "dense3.weight", "dense3.bias"], ["z3"], name="dense3/Gemm", transB=1),
        n("Clip", ["z3", "minus_two", "two"], ["c3"], name="dense3/Clip"),
        n("Abs", ["c3"], ["abs3"], name="dense3/Abs"),
        n("Mul", ["c3", "abs3"], ["cc3"], name="dense3/Mul"),
        n("Mul", ["cc3", "quarter"], ["q3"], name="dense3/Mul_1"),
        n("Sub", ["c3", "q3"], ["a3"], name="dense3/Sub"),
        n("Gemm", ["a3", "dense4.weight", "dense4.bias"], ["z4"], name="dense4/Gemm", transB=1),
        n("Relu", ["z4"], ["r4"], name="dense4/Relu"),
        n("Min", ["z4", "zero"], ["m4"], name="dense4/Min"),
        n("Where", ["dense4.even_units", "r4", "m4"], ["a4"], name="dense4/Where"),
        n("Gemm", ["a4", "dense5.weight", "dense5.bias"], ["output"], name="dense5/Gemm", transB=1),
    ], {
        "dense1.weight": w(6, 6), "dense1.bias": w(6), "dense1.alpha": np.float32(0.5), "one": np.float32(1), "zero": np.float32(0),
        "dense2.weight": w(6, 6), "dense2.bias": w(6), "dense3.weight": w(6, 6), "dense3.bias": w(6),
        "minus_two": np.float32(-2), "two": np.float32(2), "quarter": np.float32(0.25),
        "dense4.weight": w(6, 6), "dense4.bias": w(6), "dense4.even_units": np.arange(6) % 2 == 0,
        "dense5.weight": w(3, 6), "dense5.bias": w(3),
    }, [6], [3])

    # Graphs NetGen cannot declare: a dilated convolution, and batch norm after a convolution's activation (NetGen
    # fuses it before the activation).
    netgen_style("Dilated", [
        n("Conv", ["input", "conv1.weight", "conv1.bias"], ["z1"], name="conv1/Conv", kernel_shape=[3, 3], dilations=[2, 2]),
        n("Flatten", ["z1"], ["f1"], name="flatten1/Flatten"),
        n("Gemm", ["f1", "dense1.weight", "dense1.bias"], ["output"], name="dense1/Gemm", transB=1),
    ], {"conv1.weight": w(2, 1, 3, 3), "conv1.bias": w(2), "dense1.weight": w(3, 8), "dense1.bias": w(3)}, [1, 6, 6], [3])
    netgen_style("ActivationBeforeBatchNorm", [
        n("Conv", ["input", "conv1.weight", "conv1.bias"], ["z1"], name="conv1/Conv", kernel_shape=[3, 3]),
        n("Relu", ["z1"], ["a1"], name="relu/Relu"),
        n("BatchNormalization", ["a1", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"], ["b1"], name="bn1/BatchNormalization"),
        n("Flatten", ["b1"], ["f1"], name="flatten1/Flatten"),
        n("Gemm", ["f1", "dense1.weight", "dense1.bias"], ["output"], name="dense1/Gemm", transB=1),
    ], {
        "conv1.weight": w(2, 1, 3, 3), "conv1.bias": w(2), "bn1.weight": w(2), "bn1.bias": w(2), "bn1.running_mean": w(2),
        "bn1.running_var": (np.abs(w(2)) + 0.5).astype(np.float32), "dense1.weight": w(3, 32), "dense1.bias": w(3),
    }, [1, 6, 6], [3])
    # Weights NetGen cannot load as they are: float64, and float32 kept in an external data file.
    from onnx import TensorProto, numpy_helper
    # (Not a valid model, so not checked: ONNX's Gemm takes one element type. A float64 model would fail at its input.)
    netgen_style("DoubleWeights", [
        n("Gemm", ["input", "dense1.weight", "dense1.bias"], ["output"], name="dense1/Gemm", transB=1),
    ], {"dense1.weight": w(2, 4).astype(np.float64), "dense1.bias": w(2).astype(np.float32)}, [4], [2], check=False)
    external = onnx.load(os.path.join(HERE, "MlpNet.onnx"))
    weight = external.graph.initializer[0]
    weight.ClearField("raw_data")
    weight.data_location = TensorProto.EXTERNAL
    weight.external_data.add(key="location", value="MlpNet.weights.bin")
    with open(os.path.join(HERE, "ExternalData.onnx"), "wb") as f:
        f.write(external.SerializeToString())


def main():
    for name, make, shape in [
        ("MlpNet", Mlp, (20,)),
        ("CnnNet", Cnn, (1, 12, 12)),
        ("ActivationsNet", Activations, (10,)),
        ("BatchNormNet", BatchNormMlp, (8,)),
        ("DecoderNet", Decoder, (6,)),
        ("ViewNet", ViewNet, (1, 6, 6)),
        ("LstmNet", LstmClassifier, (7, 5)),
        ("GruNet", GruTagger, (6, 4)),
        ("RnnNet", RnnRegressor, (5, 3)),
        ("Unsupported", Unsupported, (6,)),
    ]:
        torch.manual_seed(0)
        model = make()
        # Non-trivial running statistics, so that batch norm's import is checked with numbers that matter.
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.data.uniform_(0.5, 1.5)
                module.bias.data.uniform_(-0.5, 0.5)
        export(name, model, shape, outputs=name != "Unsupported")
    netgen_fixtures()
    torch.manual_seed(0)
    model = TwoInputs().eval()
    torch.onnx.export(model, (torch.randn(1, 4), torch.randn(1, 4)), os.path.join(HERE, "TwoInputs.onnx"), opset_version=17,
                      input_names=["left", "right"], output_names=["output"])


if __name__ == "__main__":
    main()
