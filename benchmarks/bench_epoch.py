"""How long does one training epoch take, against scikit-learn and a GEMM floor?

For each workload, in one run: seconds per epoch of ManualMLPClassifier with
the fused kernels off (the numpy reference, ``accelerate=False``) and on
(``accelerate=True``, the ``fast`` extra), of scikit-learn's MLPClassifier
with identical parameters (sgd, Nesterov momentum 0.9, η₀ = 0.01, same batch
size and seed, exactly ``--epochs`` epochs), and of the *floor*: only the
matrix products one epoch of forward + backward needs (per batch and layer
a@W, aᵀ@z̄, and z̄@Wᵀ except for the first layer) into preallocated arrays,
timed on one BLAS thread and on all of them, the faster counted. W6 is the
tabular recipe's network (periodic input embedding, parametric activations,
dropout, adam): it trains on the layered numpy path (there are no fused
kernels for it, so it has no "on" columns), its floor adds the embedding's
per-feature products and the first layer's z̄@Wᵀ, and scikit-learn's column
is the plain MLP of the same widths, solver and batches (it has no such
layers).
Also the peak traced memory of each fit (tracemalloc, in a separate fit) and
the final training accuracy. The script runs on OpenBLAS's native kernel: it
re-executes itself without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (see
``native_blas.py``) and prints what threadpoolctl reports. Run::

    python benchmarks/bench_epoch.py                  # W1-W6, see README
    python benchmarks/bench_epoch.py --workloads W1 W3 --repeats 5
    python benchmarks/bench_epoch.py --scaling        # ours as n and width grow
    python benchmarks/bench_epoch.py --first-fit      # fresh processes, iris
    python benchmarks/bench_epoch.py --quick          # smoke test, a few seconds

Sample output (2-core AMD EPYC VM, 2026-12-01, see benchmarks/README.md for
the machine, the versions and the full results)::

    workload      n  ep sklearn/s  floor/s   off/s    on/s  off/fl  on/fl sk/off  sk/on
    W2        60000   3    2.0982   1.1298  1.9234  1.4030    1.70   1.25   1.14   1.50
    W3        20000   5    0.3333   0.0603  0.1527  0.0889    2.42   1.47   2.24   3.75

(cut here: then the peak MiB of each fit, off, on and sklearn, and the
training accuracy of each).
"""

# ruff: noqa: E402 (the imports follow the re-execution, which must precede numpy)
if __name__ == "__main__":  # OpenBLAS reads its settings once, when numpy loads it
    from native_blas import reexec_without_overrides

    reexec_without_overrides()

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from contextlib import nullcontext
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, config_context
from skmanualnet._training import blas_threads as _blas_threads
from skmanualnet._training.accelerate import numba_installed

try:  # run as a script: python benchmarks/bench_epoch.py
    from native_blas import environment_line
except ModuleNotFoundError:  # imported as benchmarks.bench_epoch (the docs)
    from .native_blas import environment_line

#: name -> data set and model shape; ``epochs`` is the default number per fit.
W2 = dict(data="synth", n=60000, d=784, k=10, hidden=(256,), batch=200, epochs=3)
WORKLOADS = {
    "W1": dict(data="digits", n=1797, hidden=(100,), batch=200, epochs=20),
    "W2": W2,
    "W3": dict(data="synth", n=20000, d=50, k=5, hidden=(64,) * 3, batch=32, epochs=5),
    "W4": {**W2, "dtype": np.float32},
    "W5": {**W2, "density": 0.05},  # scipy CSR, 95 % of the entries zeroed
    # the tabular recipe's network: the layered path (no fused kernels)
    "W6": dict(
        data="synth",
        n=10000,
        d=20,
        k=2,
        hidden=(256,) * 3,
        batch=256,
        epochs=3,
        layers=dict(
            dropout=0.15,
            input_embedding="periodic",
            embedding_size=8,
            parametric_activation=True,
        ),
        solver="adam",
    ),  # fmt: skip
}
#: the two ways ours runs: ``accelerate`` off (numpy reference) and on (fused)
MODES = {"off": False, "on": True}


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
    """Ours and scikit-learn's MLPClassifier with the same parameters; a
    workload's layer options are ours only (scikit-learn's is the plain
    network of the same widths, solver and batches)."""
    params = dict(hidden_layer_sizes=cfg["hidden"], batch_size=cfg["batch"])
    if cfg.get("solver", "sgd") == "sgd":
        params.update(solver="sgd", momentum=0.9, nesterovs_momentum=True)
        params.update(learning_rate_init=0.01)
    else:
        params.update(solver=cfg["solver"], learning_rate_init=0.001)
    params.update(alpha=1e-4, shuffle=True, random_state=0)
    params.update(tol=0.0, n_iter_no_change=10**6, max_iter=epochs)  # exactly E
    return ManualMLPClassifier(**params, **cfg.get("layers", {})), MLPClassifier(
        **params
    )


class GemmFloor:
    """The matrix products of one epoch's forward + backward, into fixed buffers.

    Per batch and dense layer a@W, aᵀ@z̄, and z̄@Wᵀ (for the first layer only
    when a layer below it has parameters: a periodic input embedding); with
    that embedding, its per-feature products too, over the (d, B, k) stack:
    u_j V_j, u_jᵀ ē_j and ē_j V_jᵀ.
    """

    def __init__(self, X, cfg, n_classes):
        rng = np.random.default_rng(0)
        dtype, B = X.dtype, cfg["batch"]
        k = cfg.get("layers", {}).get("embedding_size")
        d = X.shape[1]
        width = d * k if k else d
        units = [width, *cfg["hidden"], n_classes if n_classes > 2 else 1]
        self.X = rng.standard_normal((X.shape[0], width)).astype(dtype)  # dense
        self.W = [
            (rng.standard_normal((i, o)) / np.sqrt(i)).astype(dtype)
            for i, o in zip(units[:-1], units[1:], strict=True)
        ]
        self.W_bar = [np.empty_like(W) for W in self.W]
        self.a = [np.empty((B, o), dtype) for o in units[1:]]
        self.z_bar = [rng.standard_normal((B, o)).astype(dtype) for o in units[1:]]
        self.a_bar = [np.empty((B, i), dtype) for i in units[:-1]]
        self.B, self.first_input_error = B, bool(k)
        self.embedding = None
        if k:  # u, V, e (= ē here), V̄, ū
            u = rng.standard_normal((d, B, k)).astype(dtype)
            V = (rng.standard_normal((d, k, k)) / np.sqrt(k)).astype(dtype)
            self.embedding = (
                u,
                V,
                np.empty_like(u),
                np.empty_like(V),
                np.empty_like(u),
            )

    def embedding_products(self, m):
        """u_j V_j, u_jᵀ ē_j and ē_j V_jᵀ for every feature j, m rows."""
        u, V, e, V_bar, u_bar = self.embedding
        u, e, u_bar = u[:, :m], e[:, :m], u_bar[:, :m]
        np.matmul(u, V, out=e)
        np.matmul(u.transpose(0, 2, 1), e, out=V_bar)
        np.matmul(e, V.transpose(0, 2, 1), out=u_bar)

    def epoch(self):
        n = self.X.shape[0]
        for start in range(0, n, self.B):
            X_b = self.X[start : start + self.B]
            m = X_b.shape[0]
            if self.embedding is not None:
                self.embedding_products(m)
            a = [X_b] + [a[:m] for a in self.a]
            for l, W in enumerate(self.W):
                np.dot(a[l], W, out=a[l + 1])
            for l in range(len(self.W) - 1, -1, -1):
                z_bar = self.z_bar[l][:m]
                np.dot(a[l].T, z_bar, out=self.W_bar[l])
                if l > 0 or self.first_input_error:
                    np.dot(z_bar, self.W[l].T, out=self.a_bar[l][:m])


def floor_time(floor, epochs):
    """Seconds per floor epoch: the faster of one BLAS thread and all of them
    (what the fastest bare-numpy epoch of these products takes here)."""
    times = []
    for threads in (1, None):
        with _threads(threads):
            start = time.perf_counter()
            for _ in range(epochs):
                floor.epoch()
            times.append((time.perf_counter() - start) / epochs)
    return min(times)


def _threads(threads):
    """A context with the BLAS capped at ``threads`` (None: as it is)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the floor then runs with the threads BLAS has
        threads = None
    if threads is None:
        return nullcontext()
    return threadpool_limits(threads, user_api="blas")


def fit_time(model, X, y, accelerate=False):
    """Seconds per epoch of one fit."""
    gc.collect()
    with config_context(accelerate=accelerate):
        start = time.perf_counter()
        model.fit(X, y)
        return (time.perf_counter() - start) / model.n_iter_


def peak_mib(model, X, y, accelerate=False):
    """Peak memory traced during one fit, in MiB."""
    gc.collect()
    with config_context(accelerate=accelerate):
        tracemalloc.start()
        model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20


def touch_memory(gib):
    """First touch of fresh pages is very slow on this machine: pay it up front."""
    np.ones(int(gib * 2**30) // 8).fill(2.0)


def available_modes(cfg=None):
    """off, and on when numba (the ``fast`` extra) is installed and the
    workload's network has fused kernels (a network with layer options has
    none: it trains on the numpy path either way)."""
    fused = numba_installed() and not (cfg or {}).get("layers")
    return {k: v for k, v in MODES.items() if v is False or fused}


def bench_workload(cfg, epochs, repeats):
    X, y = make_data(cfg)
    modes = available_modes(cfg)
    ours = {mode: make_models(cfg, epochs)[0] for mode in modes}
    theirs = make_models(cfg, epochs)[1]
    floor = GemmFloor(X, cfg, len(np.unique(y)))
    for flag in modes.values():  # warm-up (and the kernels' loading)
        fit_time(make_models(cfg, 1)[0], X, y, flag)
    make_models(cfg, 1)[1].fit(X, y)
    floor.epoch()
    times = {**{mode: [] for mode in modes}, "sklearn": [], "floor": []}
    for _ in range(repeats):  # interleaved, so that noise hits all columns alike
        for mode, flag in modes.items():
            times[mode].append(fit_time(ours[mode], X, y, flag))
        times["sklearn"].append(fit_time(theirs, X, y))
        times["floor"].append(floor_time(floor, epochs))
    row = {key: float(np.median(t)) for key, t in times.items()}
    # ratios per repeat, then the median: neighbours in time share the noise
    for mode in modes:
        ours_t = np.array(times[mode])
        row[f"{mode}/fl"] = float(np.median(ours_t / times["floor"]))
        row[f"sk/{mode}"] = float(np.median(np.array(times["sklearn"]) / ours_t))
        row[f"acc-{mode}"] = ours[mode].score(X, y)
        row[f"MiB-{mode}"] = peak_mib(make_models(cfg, epochs)[0], X, y, modes[mode])
    row["acc-sk"] = theirs.score(X, y)
    row["MiB-sk"] = peak_mib(make_models(cfg, epochs)[1], X, y)
    return row


def limit_blas(threads):
    """Print the BLAS libraries in use; cap their threads if ``threads`` is set."""
    print(environment_line())
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
    if numba_installed():
        import numba

        print(f"accelerator: numba {numba.__version__}")
    else:
        print("accelerator: numba not installed, the 'on' columns are left out")


COLUMNS = {  # column -> (width, format)
    "sklearn": (10, ".4f"), "floor": (9, ".4f"), "off": (8, ".4f"), "on": (8, ".4f"),
    "off/fl": (8, ".2f"), "on/fl": (7, ".2f"), "sk/off": (7, ".2f"),
    "sk/on": (7, ".2f"), "MiB-off": (8, ".1f"), "MiB-on": (7, ".1f"),
    "MiB-sk": (7, ".1f"), "acc-off": (8, ".4f"), "acc-on": (7, ".4f"),
    "acc-sk": (7, ".4f"),
}  # fmt: skip


def main_table(args):
    header = {"sklearn": "sklearn/s", "floor": "floor/s", "off": "off/s", "on": "on/s"}
    print(f"{'workload':<8}{'n':>7}{'ep':>4}", end="")
    print("".join(f"{header.get(c, c):>{w}}" for c, (w, _) in COLUMNS.items()))
    for name in args.workloads:
        cfg = dict(WORKLOADS[name])
        epochs = args.epochs or cfg["epochs"]
        if args.quick:
            cfg["n"] = max(cfg["n"] // 20, min(cfg["n"], 2000))
            epochs = 2
        r = bench_workload(cfg, epochs, args.repeats)
        cells = [
            f"{r[c]:>{w}{f}}" if c in r else f"{'-':>{w}}"
            for c, (w, f) in COLUMNS.items()
        ]
        print(f"{name:<8}{cfg['n']:>7}{epochs:>4}" + "".join(cells), flush=True)


def scaling_table(args):
    """Ours on W3-like shapes as n doubles, then as the hidden width doubles."""
    base = dict(WORKLOADS["W3"])
    epochs = 2 if args.quick else args.epochs or base["epochs"]
    n_values = [1000, 2000] if args.quick else [5000, 10000, 20000, 40000]
    widths = [32, 64] if args.quick else [32, 64, 128, 256]
    cases = [dict(n=n) for n in n_values]
    cases += [dict(n=n_values[-2], hidden=(w,) * 3) for w in widths]
    modes = available_modes()
    head = "".join(f"{f's/ep-{m}':>10}{f'us/smp-{m}':>11}" for m in modes)
    print(f"{'n':>7}  {'hidden':<16}" + head + f"{'peak MiB':>10}{'X MiB':>8}")
    for case in cases:
        cfg = {**base, **case}
        X, y = make_data(cfg)
        cells = ""
        for flag in modes.values():
            ours = make_models(cfg, 1)[0]
            fit_time(ours, X, y, flag)  # warm-up
            ours.set_params(max_iter=epochs)
            t = float(
                np.median([fit_time(ours, X, y, flag) for _ in range(args.repeats)])
            )
            cells += f"{t:>10.4f}{1e6 * t / cfg['n']:>11.2f}"
        mem = peak_mib(ours, X, y, flag)
        print(
            f"{cfg['n']:>7}  {cfg['hidden']!s:<16}{cells}{mem:>10.2f}"
            f"{X.nbytes / 2**20:>8.2f}",
            flush=True,
        )


FIRST_FIT = """
import json, resource, sys, time, warnings
start = time.perf_counter()
import skmanualnet
from sklearn.datasets import load_iris
imported = time.perf_counter()
X, y = load_iris(return_X_y=True)
warnings.simplefilter("ignore")
loaded = time.perf_counter()
skmanualnet.ManualMLPClassifier().fit(X, y)
done = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(import_s=imported - start, fit_s=done - loaded,
                      numba="numba" in sys.modules, rss_mib=rss)))
"""


def first_fit(setting, cache_dir):
    """One fresh process: import, then the first fit (iris, default model)."""
    env = {**os.environ, "SKMANUALNET_ACCELERATE": setting}
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FIT], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def first_fit_table(args):
    """Time to the first fit in a fresh process, iris, the default model."""
    cases = {"off (0)": ("0", None), "auto": ("auto", None)}
    if numba_installed():
        cases["on (1), cached"] = ("1", None)
        cases["on (1), cold cache"] = ("1", "fresh")
    print(f"{'accelerate':<20}{'import s':>10}{'fit s':>8}{'numba':>7}{'RSS MiB':>9}")
    first_fit("1" if numba_installed() else "0", None)  # the on-disk cache, filled
    for label, (setting, cache_dir) in cases.items():
        runs = []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as fresh:
                runs.append(first_fit(setting, fresh if cache_dir else None))
        row = {k: float(np.median([r[k] for r in runs])) for k in runs[0]}
        print(
            f"{label:<20}{row['import_s']:>10.3f}{row['fit_s']:>8.3f}"
            f"{'yes' if row['numba'] else 'no':>7}{row['rss_mib']:>9.0f}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=WORKLOADS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, help="epochs per fit (default: each's)")
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test run")
    parser.add_argument("--scaling", action="store_true", help="print scaling table")
    parser.add_argument("--first-fit", action="store_true", help="time to first fit")
    parser.add_argument("--touch-gib", type=float, default=2.0)
    parser.add_argument("--threads", type=int, help="cap BLAS threads (all columns)")
    parser.add_argument(
        "--all-threads",
        action="store_true",
        help="small networks too train on all BLAS threads (for comparison)",
    )
    args = parser.parse_args()
    if args.all_threads:  # lift the one-thread rule of small networks
        _blas_threads.SMALL_PRODUCT = 0
    if args.quick:
        args.repeats, args.touch_gib = 1, min(args.touch_gib, 0.25)
    warnings.simplefilter("ignore", ConvergenceWarning)
    limit_blas(args.threads)
    if args.first_fit:
        return first_fit_table(args)
    touch_memory(args.touch_gib)
    if args.scaling:
        scaling_table(args)
    else:
        main_table(args)


if __name__ == "__main__":
    main()
