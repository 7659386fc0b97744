#!/usr/bin/python3
"""Loads the weights this sample saves (--save FILE) into the same network in PyTorch and reports its test accuracy,
which should equal the sample's: the layer names (c1, c2, f1, f2), layouts ([out, in, kh, kw], [out, in]) and the
flattening order ([C, H, W]) are PyTorch's.

    dotnet run -c Release --project samples/FashionCnn -- --epochs 1 --save cnn.safetensors
    /usr/bin/python3 samples/FashionCnn/load_in_pytorch.py cnn.safetensors [data folder]

Needs Debian's python3-torch; safetensors' format is read here directly (8-byte header length, JSON header, raw
little-endian data), since the safetensors package is not in Debian.
"""
import json, struct, gzip, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

def load_safetensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8+n]); data = b[8+n:]
    out = {}
    for k, v in header.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[v["dtype"]]
        out[k] = torch.from_numpy(np.frombuffer(data[s:e], dtype=dtype).reshape(v["shape"]).copy())
    return out
# The module of shared/bench/torch_reference.py.
class CNN(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 32, 5); s.c2 = nn.Conv2d(32, 64, 5)
        s.f1 = nn.Linear(64 * 4 * 4, 128); s.f2 = nn.Linear(128, 10)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 2)
        x = F.max_pool2d(F.relu(s.c2(x)), 2)
        return s.f2(F.relu(s.f1(x.flatten(1))))
state = load_safetensors(sys.argv[1])
print({k: list(v.shape) for k, v in state.items()})
m = CNN(); m.load_state_dict(state, strict=True)
D = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{D}/t10k-images-idx3-ubyte.gz") as f: X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
with gzip.open(f"{D}/t10k-labels-idx1-ubyte.gz") as f: Y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
with torch.no_grad():
    logits = m(torch.from_numpy(X))
print(f"test accuracy: {(logits.argmax(1).numpy() == Y).mean():.4f} (PyTorch, with NetGen's weights)")
