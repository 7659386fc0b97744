"""scikit-learn's side of compare's rbm row: BernoulliRBM (persistent CD-1) on Fashion-MNIST, timed, then its
features into LogisticRegression. NetGen's side (EndToEnd.RbmTraining) uses the same images, hidden units, learning
rate, batch and epochs. Prints RESULT lines as pytorch_reference.py does.
    python3 sklearn_rbm.py [rbm]     (Debian: apt-get install python3-sklearn)"""
import gzip, os, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import BernoulliRBM

D = "/usr/share/datasets/fashion-mnist"
IMAGES = int(os.environ.get("RBM_IMAGES", "10000"))
EPOCHS = int(os.environ.get("RBM_EPOCHS", "5"))
HIDDEN, RATE, BATCH = 256, 0.05, 10

def load_images(p):
    with gzip.open(p, "rb") as f: b = f.read()
    n, r, c = (int.from_bytes(b[i:i+4], "big") for i in (4, 8, 12))
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, r * c).astype(np.float32) / 255.0

def load_labels(p):
    with gzip.open(p, "rb") as f: b = f.read()
    return np.frombuffer(b, np.uint8, offset=8).astype(np.int64)

def out(k, v):
    print(f"RESULT {k} = {v}", flush=True)

if __name__ == "__main__":
    X = load_images(f"{D}/train-images-idx3-ubyte.gz")[:IMAGES]; Y = load_labels(f"{D}/train-labels-idx1-ubyte.gz")[:IMAGES]
    XT = load_images(f"{D}/t10k-images-idx3-ubyte.gz"); YT = load_labels(f"{D}/t10k-labels-idx1-ubyte.gz")
    rbm = BernoulliRBM(n_components=HIDDEN, learning_rate=RATE, batch_size=BATCH, n_iter=EPOCHS, random_state=0)
    t0 = time.perf_counter(); rbm.fit(X); t = time.perf_counter() - t0
    print(f"  sklearn BernoulliRBM: {IMAGES} images x {EPOCHS} epochs in {t:.1f}s, pseudo-likelihood {rbm.score_samples(XT).mean():.2f}", flush=True)
    out("rbm_cd_train_samples_per_s", round(IMAGES * EPOCHS / t))
    classifier = LogisticRegression(max_iter=1000).fit(rbm.transform(X), Y)
    out("rbm_features_test_accuracy", round(float((classifier.predict(rbm.transform(XT)) == YT).mean()), 4))
