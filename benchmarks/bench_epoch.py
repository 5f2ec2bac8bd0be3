"""How long does one training epoch take, against scikit-learn and a GEMM floor?

For each workload, in one run: seconds per epoch of ManualMLPClassifier, of
scikit-learn's MLPClassifier with identical parameters (sgd, Nesterov momentum
0.9, η₀ = 0.01, same batch size and seed, exactly ``--epochs`` epochs), and of
the *floor*: only the matrix products one epoch of forward + backward needs
(per batch and layer a@W, aᵀ@z̄, and z̄@Wᵀ except for the first layer) into
preallocated arrays. Also the peak traced memory of each fit (tracemalloc, in a
separate fit) and the final training accuracy. Run::

    python benchmarks/bench_epoch.py                  # W1-W5, see README
    python benchmarks/bench_epoch.py --workloads W1 W3 --repeats 5
    python benchmarks/bench_epoch.py --scaling        # ours as n and width grow
    python benchmarks/bench_epoch.py --quick          # smoke test, a few seconds

Sample output (2-core AMD EPYC VM, OpenBLAS 0.3.31 with 2 threads, numpy 2.4.6,
scikit-learn 1.9.1, skmanualnet f91a2cc, 2026-11-24; see benchmarks/README.md)::

    workload      n  ep  ours/s  sklearn/s  floor/s  ours/sk  ours/fl  MiB-ours  MiB-sk
    W1         1797  20  0.0029     0.0058   0.0011     0.51     2.62       0.9     0.9
    W2        60000   3  0.8731     1.0098   0.5847     0.86     1.49      11.1    12.4
    W3        20000   5  0.0800     0.1927   0.0350     0.42     2.26       1.5     1.5
    W4        60000   3  0.6463     0.7871   0.3344     0.83     1.91       6.9     6.9
    W5        60000   3  0.5187     0.8058   0.7052     0.65     0.72      11.4    11.4

(the accuracy columns are cut here: 0.9794, 0.9424, 0.9625, 0.9425 and 0.1757
for ours, the same for sklearn except 0.9423 on W4). For W5 the floor is the
*dense* GEMM floor.
"""

import argparse
import gc
import time
import tracemalloc
import warnings
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

#: name -> data set and model shape; ``epochs`` is the default number per fit.
W2 = dict(data="synth", n=60000, d=784, k=10, hidden=(256,), batch=200, epochs=3)
WORKLOADS = {
    "W1": dict(data="digits", n=1797, hidden=(100,), batch=200, epochs=20),
    "W2": W2,
    "W3": dict(data="synth", n=20000, d=50, k=5, hidden=(64,) * 3, batch=32, epochs=5),
    "W4": {**W2, "dtype": np.float32},
    "W5": {**W2, "density": 0.05},  # scipy CSR, 95 % of the entries zeroed
}


@cache
def synthetic(n, d, k):
    """make_classification with fixed seeds (cached: W2, W4 and W5 share it)."""
    return make_classification(
        n, d, n_informative=min(d, 40), n_redundant=0, n_classes=k, random_state=0
    )


def make_data(cfg):
    if cfg["data"] == "digits":
        X, y = load_digits(return_X_y=True)
        X = StandardScaler().fit_transform(X)[: cfg["n"]]
        y = y[: cfg["n"]]
    else:
        X, y = synthetic(cfg["n"], cfg["d"], cfg["k"])
    X = X.astype(cfg.get("dtype", np.float64))
    if "density" in cfg:  # zero 95 % of the entries at random, fixed seed
        keep = np.random.default_rng(5).random(X.shape) < cfg["density"]
        X = sparse.csr_matrix(X * keep)
    return X, y


def make_models(cfg, epochs):
    params = dict(hidden_layer_sizes=cfg["hidden"], batch_size=cfg["batch"])
    params.update(solver="sgd", momentum=0.9, nesterovs_momentum=True, alpha=1e-4)
    params.update(learning_rate_init=0.01, shuffle=True, random_state=0)
    params.update(tol=0.0, n_iter_no_change=10**6, max_iter=epochs)  # exactly E
    return ManualMLPClassifier(**params), MLPClassifier(**params)


class GemmFloor:
    """The matrix products of one epoch's forward + backward, into fixed buffers."""

    def __init__(self, X, cfg, n_classes):
        rng = np.random.default_rng(0)
        dtype, B = X.dtype, cfg["batch"]
        units = [X.shape[1], *cfg["hidden"], n_classes]
        self.X = rng.standard_normal(X.shape).astype(dtype)  # dense, even for W5
        self.W = [
            (rng.standard_normal((i, o)) / np.sqrt(i)).astype(dtype)
            for i, o in zip(units[:-1], units[1:], strict=True)
        ]
        self.W_bar = [np.empty_like(W) for W in self.W]
        self.a = [np.empty((B, o), dtype) for o in units[1:]]
        self.z_bar = [rng.standard_normal((B, o)).astype(dtype) for o in units[1:]]
        self.a_bar = [np.empty((B, i), dtype) for i in units[1:-1]]
        self.B = B

    def epoch(self):
        n = self.X.shape[0]
        for start in range(0, n, self.B):
            X_b = self.X[start : start + self.B]
            m = X_b.shape[0]
            a = [X_b] + [a[:m] for a in self.a]
            for l, W in enumerate(self.W):
                np.dot(a[l], W, out=a[l + 1])
            for l in range(len(self.W) - 1, -1, -1):
                z_bar = self.z_bar[l][:m]
                np.dot(a[l].T, z_bar, out=self.W_bar[l])
                if l > 0:
                    np.dot(z_bar, self.W[l].T, out=self.a_bar[l - 1][:m])


def fit_time(model, X, y):
    """Seconds per epoch of one fit."""
    gc.collect()
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / model.n_iter_


def peak_mib(model, X, y):
    """Peak memory traced during one fit, in MiB."""
    gc.collect()
    tracemalloc.start()
    model.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def touch_memory(gib):
    """First touch of fresh pages is very slow on this machine: pay it up front."""
    np.ones(int(gib * 2**30) // 8).fill(2.0)


def bench_workload(cfg, epochs, repeats):
    X, y = make_data(cfg)
    ours, theirs = make_models(cfg, epochs)
    floor = GemmFloor(X, cfg, len(np.unique(y)))
    for model in make_models(cfg, 1):  # warm-up
        model.fit(X, y)
    floor.epoch()
    times = {"ours": [], "sklearn": [], "floor": []}
    for _ in range(repeats):  # interleaved, so that noise hits all columns alike
        times["ours"].append(fit_time(ours, X, y))
        times["sklearn"].append(fit_time(theirs, X, y))
        start = time.perf_counter()
        for _ in range(epochs):
            floor.epoch()
        times["floor"].append((time.perf_counter() - start) / epochs)
    row = {key: float(np.median(t)) for key, t in times.items()}
    # ratios per repeat, then the median: neighbours in time share the noise
    ours_t = np.array(times["ours"])
    row["vs_sk"] = float(np.median(ours_t / times["sklearn"]))
    row["vs_floor"] = float(np.median(ours_t / times["floor"]))
    row["acc_ours"], row["acc_sk"] = ours.score(X, y), theirs.score(X, y)
    memory_models = make_models(cfg, epochs)
    row["mem_ours"], row["mem_sk"] = (peak_mib(m, X, y) for m in memory_models)
    return row


def limit_blas(threads):
    """Print the BLAS libraries in use; cap their threads if ``threads`` is set."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        print(
            "BLAS: unknown (pip install threadpoolctl, or the benchmark extra: "
            'pip install -e ".[benchmark]")'
        )
        return
    if threads:
        threadpool_limits(threads, user_api="blas")  # stays in force until exit
    for lib in threadpool_info():
        if lib["user_api"] == "blas":
            print(
                f"BLAS: {lib['internal_api']} {lib['version']} {lib['architecture']}, "
                f"{lib['num_threads']} threads ({Path(lib['filepath']).parent.name})"
            )


def main_table(args):
    head = "  ours/s  sklearn/s  floor/s  ours/sk  ours/fl  MiB-ours  MiB-sk"
    print(f"{'workload':<8}{'n':>7}{'ep':>4}" + head + "  acc-ours  acc-sk")
    for name in args.workloads:
        cfg = dict(WORKLOADS[name])
        epochs = args.epochs or cfg["epochs"]
        if args.quick:
            cfg["n"] = max(cfg["n"] // 20, min(cfg["n"], 2000))
            epochs = 2
        r = bench_workload(cfg, epochs, args.repeats)
        print(
            f"{name:<8}{cfg['n']:>7}{epochs:>4}{r['ours']:>8.4f}{r['sklearn']:>11.4f}"
            f"{r['floor']:>9.4f}{r['vs_sk']:>9.2f}{r['vs_floor']:>9.2f}"
            f"{r['mem_ours']:>10.1f}{r['mem_sk']:>8.1f}"
            f"{r['acc_ours']:>10.4f}{r['acc_sk']:>8.4f}",
            flush=True,
        )


def scaling_table(args):
    """Ours on W3-like shapes as n doubles, then as the hidden width doubles."""
    base = dict(WORKLOADS["W3"])
    epochs = 2 if args.quick else args.epochs or base["epochs"]
    n_values = [1000, 2000] if args.quick else [5000, 10000, 20000, 40000]
    widths = [32, 64] if args.quick else [32, 64, 128, 256]
    cases = [dict(n=n) for n in n_values]
    cases += [dict(n=n_values[-2], hidden=(w,) * 3) for w in widths]
    head = f"{'s/epoch':>9}{'us/sample':>11}{'peak MiB':>10}{'X MiB':>8}"
    print(f"{'n':>7}  {'hidden':<16}" + head)
    for case in cases:
        cfg = {**base, **case}
        X, y = make_data(cfg)
        ours = make_models(cfg, epochs)[0]
        ours.set_params(max_iter=1).fit(X, y)  # warm-up
        ours.set_params(max_iter=epochs)
        t = float(np.median([fit_time(ours, X, y) for _ in range(args.repeats)]))
        mem = peak_mib(ours, X, y)
        print(
            f"{cfg['n']:>7}  {cfg['hidden']!s:<16}{t:>9.4f}"
            f"{1e6 * t / cfg['n']:>11.2f}{mem:>10.2f}{X.nbytes / 2**20:>8.2f}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=WORKLOADS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, help="epochs per fit (default: each's)")
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test run")
    parser.add_argument("--scaling", action="store_true", help="print scaling table")
    parser.add_argument("--touch-gib", type=float, default=2.0)
    parser.add_argument("--threads", type=int, help="cap BLAS threads (all columns)")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.touch_gib = 1, min(args.touch_gib, 0.25)
    warnings.simplefilter("ignore", ConvergenceWarning)
    limit_blas(args.threads)
    touch_memory(args.touch_gib)
    if args.scaling:
        scaling_table(args)
    else:
        main_table(args)


if __name__ == "__main__":
    main()
