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


def main():
    for name, make, shape in [
        ("MlpNet", Mlp, (20,)),
        ("CnnNet", Cnn, (1, 12, 12)),
        ("ActivationsNet", Activations, (10,)),
        ("BatchNormNet", BatchNormMlp, (8,)),
        ("DecoderNet", Decoder, (6,)),
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
    torch.manual_seed(0)
    model = TwoInputs().eval()
    torch.onnx.export(model, (torch.randn(1, 4), torch.randn(1, 4)), os.path.join(HERE, "TwoInputs.onnx"), opset_version=17,
                      input_names=["left", "right"], output_names=["output"])


if __name__ == "__main__":
    main()
