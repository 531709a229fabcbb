"""The speed benchmark's network written directly in numpy: 784-256-10 ReLU MLP, softmax
cross-entropy, SGD, float64, batch 128, shuffled each epoch. Prints seconds per epoch after a
warm-up epoch. Usage: mlp_numpy.py EPOCHS (reads $DEEPTOY_DATA/mnist)."""
import gzip, os, sys, time
import numpy as np

def idx(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header)

root = os.path.join(os.environ["DEEPTOY_DATA"], "mnist")
x = idx(os.path.join(root, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 784) / 255.0
labels = idx(os.path.join(root, "train-labels-idx1-ubyte.gz"), 8).astype(np.int64)
n = len(labels)
rng = np.random.default_rng(42)
W1 = rng.normal(0, np.sqrt(2 / 784), (784, 256)); b1 = np.zeros(256)
W2 = rng.normal(0, np.sqrt(2 / 256), (256, 10)); b2 = np.zeros(10)
lr, batch = 0.1, 128

def epoch():
    global W1, b1, W2, b2
    order = rng.permutation(n)
    total, batches = 0.0, 0
    for s in range(0, n, batch):
        i = order[s:s + batch]
        xb, yb, B = x[i], labels[i], len(i)
        h = np.maximum(xb @ W1 + b1, 0)
        z = h @ W2 + b2
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        total += -logp[np.arange(B), yb].mean(); batches += 1
        dz = np.exp(logp); dz[np.arange(B), yb] -= 1; dz /= B
        dW2 = h.T @ dz; db2 = dz.sum(axis=0)
        dh = (dz @ W2.T) * (h > 0)
        dW1 = xb.T @ dh; db1 = dh.sum(axis=0)
        W1 -= lr * dW1; b1 -= lr * db1; W2 -= lr * dW2; b2 -= lr * db2
    return total / batches

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
epoch()  # warm-up
for e in range(epochs):
    t = time.perf_counter(); loss = epoch(); s = time.perf_counter() - t
    print(f"numpy   epoch {e + 1}: {s:.3f} s  (mean loss {loss:.4f})")
