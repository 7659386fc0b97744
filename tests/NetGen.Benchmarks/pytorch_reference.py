#!/usr/bin/python3
# PyTorch reference for `dotnet run -c Release --project tests/NetGen.Benchmarks -- compare`.
# The team benchmark script (shared/bench/torch_reference.py), kept here so the comparison runs from the repository.
"""PyTorch CPU reference benchmarks on Fashion-MNIST.
Run: bash setup_torch.sh once, then bash torch_reference.sh [sections...]
sections: matmul mlp_sgd infer infer_small mlp_adam cnn autoencoder lstm lstm_step  (default: all)
Every figure is printed as a line "RESULT name = value"; DATA_DIR overrides the data folder.
"""
import gzip, sys, time, statistics, os, json
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

THREADS = int(os.environ.get("BENCH_THREADS", "2"))
torch.set_num_threads(THREADS)
torch.manual_seed(0); np.random.seed(0)
D = os.environ.get("DATA_DIR", "/usr/share/datasets/fashion-mnist")

def load_images(p):
    with gzip.open(p, "rb") as f: b = f.read()
    assert int.from_bytes(b[0:4], "big") == 2051
    n, r, c = (int.from_bytes(b[i:i+4], "big") for i in (4, 8, 12))
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, r * c).astype(np.float32) / 255.0

def load_labels(p):
    with gzip.open(p, "rb") as f: b = f.read()
    assert int.from_bytes(b[0:4], "big") == 2049
    return np.frombuffer(b, np.uint8, offset=8).astype(np.int64)

Xtr = torch.from_numpy(load_images(f"{D}/train-images-idx3-ubyte.gz"))
Ytr = torch.from_numpy(load_labels(f"{D}/train-labels-idx1-ubyte.gz"))
Xte = torch.from_numpy(load_images(f"{D}/t10k-images-idx3-ubyte.gz"))
Yte = torch.from_numpy(load_labels(f"{D}/t10k-labels-idx1-ubyte.gz"))
assert Xtr.shape == (60000, 784) and Xte.shape == (10000, 784)
R = {}
def out(k, v):
    R[k] = v; print(f"RESULT {k} = {v}", flush=True)

def mlp(act):
    return nn.Sequential(nn.Linear(784, 500), act(), nn.Linear(500, 500), act(), nn.Linear(500, 10))

def accuracy(model, X, Y, bs=1000):
    model.eval(); c = 0
    with torch.no_grad():
        for i in range(0, len(X), bs):
            c += (model(X[i:i+bs]).argmax(1) == Y[i:i+bs]).sum().item()
    model.train(); return c / len(X)

def train_epoch(model, opt, X, Y, bs):
    """one shuffled epoch; returns (seconds, mean loss). Loss = softmax+CE (F.cross_entropy on logits)."""
    perm = torch.randperm(len(X)); tot = 0.0; nb = 0
    t0 = time.perf_counter()
    for i in range(0, len(X), bs):
        idx = perm[i:i+bs]; xb = X[idx]; yb = Y[idx]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward(); opt.step()
        tot += loss.item(); nb += 1
    return time.perf_counter() - t0, tot / nb

def run_mlp(tag, act, mkopt, epochs=int(os.environ.get("BENCH_EPOCHS", "5")), bs=100, canonical=None):
    torch.manual_seed(0)
    m = mlp(act); opt = mkopt(m.parameters()); rates = []
    for e in range(1, epochs + 1):
        t, l = train_epoch(m, opt, Xtr, Ytr, bs)
        print(f"  {tag} epoch {e}: {t:.2f}s  {len(Xtr)/t:.0f} samples/s  loss {l:.4f}", flush=True)
        out(f"{tag}_epoch{e}_samples_per_s", round(len(Xtr) / t)); rates.append(len(Xtr) / t)
    out(f"{tag}_test_acc_after_{epochs}ep", accuracy(m, Xte, Yte))
    if canonical:  # median over epochs after the first (warm-up)
        out(canonical, round(statistics.median(rates[1:] or rates)))
    return m

def sec_mlp_sgd():
    return run_mlp("mlp_sigmoid_sgd0.1_b100", nn.Sigmoid, lambda p: torch.optim.SGD(p, lr=0.1), canonical="mlp_sgd_train_samples_per_s")

def sec_mlp_adam():
    run_mlp("mlp_relu_adam1e-3_b100", nn.ReLU, lambda p: torch.optim.Adam(p, lr=1e-3))

def sec_infer(model=None):
    if model is None:
        torch.manual_seed(0); model = mlp(nn.Sigmoid)
    model.eval()
    with torch.no_grad():
        xs = [Xte[i:i+1] for i in range(10000)]
        for x in xs[:1000]: model(x)  # warmup
        meds = []
        for rep in range(3):
            lat = []
            for x in xs:
                t0 = time.perf_counter_ns(); model(x); lat.append(time.perf_counter_ns() - t0)
            lat.sort(); meds.append(lat[5000] / 1e3)
            out(f"mlp_b1_latency_us_rep{rep}", dict(median=round(lat[5000]/1e3, 2), p10=round(lat[1000]/1e3, 2), p90=round(lat[9000]/1e3, 2), p99=round(lat[9900]/1e3, 2)))
        out("mlp_b1_latency_us", round(statistics.median(meds), 2))
        # batch 1000 throughput over the 10k test set
        for _ in range(3): model(Xte[:1000])
        tps = []
        for rep in range(5):
            t0 = time.perf_counter()
            for i in range(0, 10000, 1000): model(Xte[i:i+1000])
            tps.append(10000 / (time.perf_counter() - t0))
        out("mlp_b1000_infer_samples_per_s_spread", dict(median=round(statistics.median(tps)), min=round(min(tps)), max=round(max(tps))))
        out("mlp_b1000_infer_samples_per_s", round(statistics.median(tps)))

def sec_infer_small():
    """batch-1 latency of a small net (784-128-10 ReLU), where per-call overhead dominates"""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).eval()
    with torch.no_grad():
        xs = [Xte[i:i+1] for i in range(10000)]
        for x in xs[:1000]: model(x)
        lat = []
        for x in xs:
            t0 = time.perf_counter_ns(); model(x); lat.append(time.perf_counter_ns() - t0)
        lat.sort()
        out("small_mlp_b1_latency_us_spread", dict(median=round(lat[5000]/1e3, 2), p10=round(lat[1000]/1e3, 2), p90=round(lat[9000]/1e3, 2)))
        out("small_mlp_b1_latency_us", round(lat[5000]/1e3, 2))

class CNN(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 32, 5); s.c2 = nn.Conv2d(32, 64, 5)
        s.f1 = nn.Linear(64 * 4 * 4, 128); s.f2 = nn.Linear(128, 10)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 2)   # 28->24->12
        x = F.max_pool2d(F.relu(s.c2(x)), 2)   # 12->8->4
        return s.f2(F.relu(s.f1(x.flatten(1))))  # 1024->128->10

def sec_cnn(epochs=2, bs=64, timebox=240.0):
    torch.manual_seed(0)
    m = CNN(); opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    X = Xtr.view(-1, 1, 28, 28); XT = Xte.view(-1, 1, 28, 28)
    # probe: time 200 batches first to decide whether a full epoch fits the time-box
    perm = torch.randperm(len(X)); t0 = time.perf_counter(); n = 0
    for b in range(200):
        idx = perm[b*bs:(b+1)*bs]
        opt.zero_grad(set_to_none=True); loss = F.cross_entropy(m(X[idx]), Ytr[idx]); loss.backward(); opt.step(); n += len(idx)
    t = time.perf_counter() - t0
    out("cnn_b64_adam_200batch_probe_samples_per_s", round(n / t))
    out("cnn_train_samples_per_s", round(n / t))
    est = len(X) / (n / t)
    print(f"  CNN estimated epoch time {est:.0f}s", flush=True)
    if est > timebox:
        out("cnn_note", f"epoch est {est:.0f}s > {timebox}s; reported 200-batch extrapolation only")
        return
    for e in range(1, epochs + 1):
        t, l = train_epoch(m, opt, X, Ytr, bs)
        print(f"  cnn epoch {e}: {t:.1f}s {len(X)/t:.0f} samples/s loss {l:.4f}", flush=True)
        out(f"cnn_b64_adam_epoch{e}_samples_per_s", round(len(X) / t))
    out(f"cnn_test_acc_after_{epochs}ep_plus_200batch_probe", accuracy(m, XT, Yte))

def sec_autoencoder(epochs=int(os.environ.get("BENCH_EPOCHS", "5")), bs=100):
    """Hinton & Salakhutdinov's 784-1000-500-250-30 autoencoder, mirrored decoder, sigmoid units, linear code,
    trained on the images alone with binary cross-entropy per pixel (NetGen's ReferenceAutoencoder), Adam 1e-3, batch 100."""
    torch.manual_seed(0)
    sizes = [784, 1000, 500, 250, 30]
    layers = []
    for i in range(4):  # encoder: sigmoid after each layer but the code
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < 3: layers.append(nn.Sigmoid())
    for i in range(4, 0, -1):  # decoder: the mirror, sigmoid everywhere (outputs are pixels in [0, 1])
        layers += [nn.Linear(sizes[i], sizes[i - 1]), nn.Sigmoid()]
    m = nn.Sequential(*layers); opt = torch.optim.Adam(m.parameters(), lr=1e-3); rates = []
    for e in range(1, epochs + 1):
        perm = torch.randperm(len(Xtr)); tot = 0.0; nb = 0
        t0 = time.perf_counter()
        for i in range(0, len(Xtr), bs):
            xb = Xtr[perm[i:i+bs]]
            opt.zero_grad(set_to_none=True)
            loss = F.binary_cross_entropy(m(xb), xb)
            loss.backward(); opt.step()
            tot += loss.item(); nb += 1
        t = time.perf_counter() - t0
        print(f"  autoencoder epoch {e}: {t:.2f}s  {len(Xtr)/t:.0f} samples/s  loss {tot/nb:.5f}", flush=True)
        out(f"autoencoder_epoch{e}_samples_per_s", round(len(Xtr) / t)); rates.append(len(Xtr) / t)
    out("autoencoder_train_samples_per_s", round(statistics.median(rates[1:] or rates)))

class RowLSTM(nn.Module):
    """Fashion-MNIST read row by row: 28 steps of 28 pixels, the last step's h [128] to 10 logits (NetGen's ReferenceRowLstm)."""
    def __init__(s):
        super().__init__()
        s.lstm = nn.LSTM(28, 128, batch_first=True); s.fc = nn.Linear(128, 10)
    def forward(s, x):
        out, _ = s.lstm(x.view(-1, 28, 28))
        return s.fc(out[:, -1])

def sec_lstm(epochs=min(2, int(os.environ.get("BENCH_EPOCHS", "5"))), bs=64):
    """the row-by-row LSTM, Adam 1e-3, batch 64: median epoch after the first (or the one), then test accuracy"""
    torch.manual_seed(0)
    m = RowLSTM(); opt = torch.optim.Adam(m.parameters(), lr=1e-3); rates = []
    for e in range(1, epochs + 1):
        t, l = train_epoch(m, opt, Xtr, Ytr, bs)
        print(f"  lstm epoch {e}: {t:.2f}s  {len(Xtr)/t:.0f} samples/s  loss {l:.4f}", flush=True)
        out(f"lstm_epoch{e}_samples_per_s", round(len(Xtr) / t)); rates.append(len(Xtr) / t)
    out("lstm_train_samples_per_s", round(statistics.median(rates[1:] or rates)))
    out("lstm_test_accuracy", accuracy(m, Xte, Yte))

def sec_lstm_step(calls=20000):
    """one LSTM step at batch 1 on one input feature, state carried, then a linear read-out of h (NetGen's StepLstmH):
    nn.LSTMCell, and nn.LSTM on a 1-step sequence; the faster of the two is the figure"""
    for H in (16, 32, 64, 128):
        torch.manual_seed(0)
        cell = nn.LSTMCell(1, H); lstm = nn.LSTM(1, H, batch_first=True); fc = nn.Linear(H, 1)
        xs = [torch.rand(1, 1) * 2 - 1 for _ in range(1024)]
        with torch.no_grad():
            def time_cell():
                h, c = torch.zeros(1, H), torch.zeros(1, H)
                for i in range(2000): h, c = cell(xs[i & 1023], (h, c)); fc(h)
                lat = []
                for i in range(calls):
                    x = xs[i & 1023]
                    t0 = time.perf_counter_ns(); h, c = cell(x, (h, c)); fc(h); lat.append(time.perf_counter_ns() - t0)
                return statistics.median(lat) / 1e3
            def time_lstm():
                seq = [x.view(1, 1, 1) for x in xs]; state = (torch.zeros(1, 1, H), torch.zeros(1, 1, H))
                for i in range(2000): y, state = lstm(seq[i & 1023], state); fc(y)
                lat = []
                for i in range(calls):
                    x = seq[i & 1023]
                    t0 = time.perf_counter_ns(); y, state = lstm(x, state); fc(y); lat.append(time.perf_counter_ns() - t0)
                return statistics.median(lat) / 1e3
            cell_us, lstm_us = time_cell(), time_lstm()
        out(f"lstm_step_h{H}_lstmcell_latency_us", round(cell_us, 2))
        out(f"lstm_step_h{H}_lstm_latency_us", round(lstm_us, 2))
        out(f"lstm_step_h{H}_latency_us", round(min(cell_us, lstm_us), 2))

def sec_matmul():
    for (M, K, N) in [(1000, 1000, 1000), (100, 784, 500)]:
        a = torch.randn(M, K); b = torch.randn(K, N); c = torch.empty(M, N)
        flop = 2.0 * M * K * N
        reps = max(1, int(2e9 / flop))  # ~2 GFLOP per timing
        for _ in range(3): torch.mm(a, b, out=c)
        g = []
        for _ in range(15):
            t0 = time.perf_counter()
            for _ in range(reps): torch.mm(a, b, out=c)
            g.append(flop * reps / (time.perf_counter() - t0) / 1e9)
        out(f"matmul_{M}x{K}x{N}_gflops_spread", dict(best=round(max(g), 1), median=round(statistics.median(g), 1), min=round(min(g), 1)))
        out(f"gemm_{M}x{K}x{N}_gflops", round(statistics.median(g), 1))

if __name__ == "__main__":
    secs = sys.argv[1:] or ["matmul", "mlp_sgd", "infer", "infer_small", "mlp_adam", "cnn", "autoencoder", "lstm", "lstm_step"]
    print("torch", torch.__version__, "threads", torch.get_num_threads(),
          "OPENBLAS_CORETYPE", os.environ.get("OPENBLAS_CORETYPE", "<unset>"), flush=True)
    model = None
    for s in secs:
        print(f"== {s}", flush=True)
        if s == "mlp_sgd": model = sec_mlp_sgd()
        elif s == "infer": sec_infer(model)
        else: globals()[f"sec_{s}"]()
    print("RESULTS_JSON " + json.dumps(R), flush=True)
