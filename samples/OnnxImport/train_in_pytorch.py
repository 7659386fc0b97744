"""Trains a small CNN on Fashion-MNIST in PyTorch and exports it to ONNX, for `netgen import`.

Run with Debian's PyTorch (bash ../../../shared/bench/setup_torch.sh installs it):

    /usr/bin/python3 samples/OnnxImport/train_in_pytorch.py

Writes, next to this script:
  fashion_cnn.onnx             the trained model, torch.onnx.export at opset 17 with a free batch dimension
  pytorch_probabilities.bin    PyTorch's class probabilities for the 1,000 test images of samples/Mnist/data,
                               float32 [1000, 10], little-endian, for the .NET app to compare against
Trains on the full Fashion-MNIST where Debian's dataset-fashion-mnist is installed, else on the 4,000 images
samples/Mnist/data ships.
"""
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED = os.path.join(HERE, "..", "Mnist", "data")
FULL = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def images(folder, name):
    return torch.from_numpy(idx(os.path.join(folder, f"{name}-images-idx3-ubyte.gz")).astype(np.float32) / 255.0).unsqueeze(1)


def labels(folder, name):
    return torch.from_numpy(idx(os.path.join(folder, f"{name}-labels-idx1-ubyte.gz")).astype(np.int64))


class FashionCnn(nn.Module):
    """1×28×28 → conv 3×3 (8, same) + batch norm + ReLU → max pool → conv 3×3 (16) + ReLU → max pool → 64 → 10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 64)
        self.fc2 = nn.Linear(64, 10)
        self.dropout = nn.Dropout(0.25)
        # Set for the export, so that the graph ends in softmax and predicts class probabilities as a NetGen
        # classifier does; training uses the logits, which CrossEntropyLoss wants.
        self.probabilities = False

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = self.dropout(torch.relu(self.fc1(torch.flatten(x, 1))))
        x = self.fc2(x)
        return torch.softmax(x, dim=1) if self.probabilities else x


def main():
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    folder = FULL if os.path.exists(os.path.join(FULL, "train-images-idx3-ubyte.gz")) else SHIPPED
    train_x, train_y = images(folder, "train"), labels(folder, "train")
    print(f"training on {len(train_x)} images from {folder}")

    model = FashionCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = nn.CrossEntropyLoss()
    epochs = 3
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_x))
        total = 0.0
        for start in range(0, len(order), 100):
            batch = order[start:start + 100]
            optimizer.zero_grad()
            loss = loss_function(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(order):.4f}")

    model.eval()
    model.probabilities = True
    deployed = model
    test_x, test_y = images(SHIPPED, "t10k"), labels(SHIPPED, "t10k")
    with torch.no_grad():
        probabilities = deployed(test_x)
    accuracy = (probabilities.argmax(1) == test_y).float().mean().item()
    print(f"PyTorch test accuracy on the shipped 1,000 images: {accuracy:.4f}")

    torch.onnx.export(
        deployed, test_x[:1], os.path.join(HERE, "fashion_cnn.onnx"), opset_version=17,
        input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    probabilities.numpy().astype("<f4").tofile(os.path.join(HERE, "pytorch_probabilities.bin"))
    print("wrote fashion_cnn.onnx and pytorch_probabilities.bin")


if __name__ == "__main__":
    sys.exit(main())
