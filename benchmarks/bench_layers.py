"""What does each layer option cost per epoch, against the dense network?

For each workload, in one run: seconds per epoch of a ``ManualMLPClassifier``
fit (adam, fixed seed, exactly ``--epochs`` epochs) with

* ``dense``: every layer option at its default, the numpy path
  (``accelerate=False``): the dense network and its preallocated workspace;
* ``dense-fused``: the same with the compiled kernels (``accelerate=True``,
  only when numba, the ``fast`` extra, is installed);
* ``layered``: the same dense network, but trained through the layered path
  (:mod:`skmanualnet._nn`, a sequence of Dense and activation layers): what
  the sequence itself costs before any layer is added;
* one row per layer option alone (``dropout=0.1``, ``normalization="batch"``
  …), which trains the layered network on the numpy path.

``layered`` is a real fit: no option adds nothing and still leaves the dense
path (``dropout=0.0`` stays dense), so for that row the estimator's choice of
architecture is replaced by one that has no option on but is not ``dense``,
and the estimator builds the sequence as it does for any option. Each row
thus times the same code (``fit``: batches, forward, backward, penalty, adam
step, the epoch loop), and the same model for ``dense``, ``dense-fused`` and
``layered`` (the ``acc`` column: training accuracy). Times are medians over
``--repeats`` fits run in turn (rows interleaved, so that noise hits them
alike); ``/dense`` is the median of the per-repeat ratios. ``peak-MiB`` is
the peak memory traced during one more fit (tracemalloc), ``mem/dense`` its
ratio to the dense fit's. The script runs on OpenBLAS's native kernel: it
re-executes itself without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (see
``native_blas.py``) and prints what threadpoolctl reports. Run::

    python benchmarks/bench_layers.py --threads 1       # both workloads (~8 min)
    python benchmarks/bench_layers.py --workloads tabular --repeats 3
    python benchmarks/bench_layers.py --quick           # smoke test, seconds

Sample output (2-core AMD EPYC VM under load, ``--threads 1``, 2026-12-07,
see benchmarks/README.md for the machine, the digits table and what the
numbers mean)::

    tabular: 10000 rows, 20-256-256, 2 classes, batch 256, adam, 5 epochs a fit
    option        s/epoch  /dense  peak-MiB mem/dense     acc  layers
    dense          0.4138    1.00      8.50      1.00  0.9684       -
    dense-fused    0.3169    0.80      7.96      0.94  0.9684       -
    layered        0.4303    1.11      7.52      0.89  0.9684       5
    dropout        0.6582    1.52      9.53      1.12  0.9668       7
    batch-norm     0.6155    1.75     10.10      1.19  0.9764       7
    layer-norm     0.7246    1.87      9.09      1.07  0.9784       7
    input-scale    0.4760    1.24      7.57      0.89  0.9691       6
    periodic       1.5517    3.86     15.45      1.82  0.9693       6
    piecewise      0.9686    2.12     13.67      1.61  0.9717       6
    param-act      0.4787    1.18      8.62      1.01  0.9687       5
"""

# ruff: noqa: E402 (the imports follow the re-execution, which must precede numpy)
if __name__ == "__main__":  # OpenBLAS reads its settings once, when numpy loads it
    from native_blas import reexec_without_overrides

    reexec_without_overrides()

import argparse
import dataclasses
import warnings
from contextlib import contextmanager, nullcontext
from unittest import mock

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skmanualnet._estimators.base
from skmanualnet import ManualMLPClassifier
from skmanualnet._estimators.architecture import Architecture, resolve_architecture
from skmanualnet._estimators.base import fitted_sequence

try:  # run as a script: python benchmarks/bench_layers.py
    import bench_epoch
except ModuleNotFoundError:  # imported as benchmarks.bench_layers (the docs)
    from . import bench_epoch

fit_time, peak_mib = bench_epoch.fit_time, bench_epoch.peak_mib
available_modes, limit_blas = bench_epoch.available_modes, bench_epoch.limit_blas

#: name -> data and model (digits: 61 features, its 3 constant pixels dropped,
#: which the piecewise-linear embedding refuses to bin).
WORKLOADS = {
    "tabular": dict(data="synth", n=10000, d=20, k=2, hidden=(256, 256), batch=256,
                    epochs=5),
    "digits": dict(data="digits", hidden=(100,), batch=200, epochs=20),
}  # fmt: skip
#: row -> the estimator's layer options (``layered``: none, on the layered path)
OPTIONS = {
    "dense": {},
    "dense-fused": {},
    "layered": {},
    "dropout": dict(dropout=0.1),
    "batch-norm": dict(normalization="batch"),
    "layer-norm": dict(normalization="layer"),
    "input-scale": dict(input_scale=True),
    "periodic": dict(input_embedding="periodic"),
    "piecewise": dict(input_embedding="piecewise_linear"),
    "param-act": dict(parametric_activation=True),
}


class DenseAsLayers(Architecture):
    """No layer option on, yet not ``dense``: the estimator builds the dense
    network as a sequence of Dense and activation layers."""

    dense = False


@contextmanager
def layered_path():
    """Fits inside train the dense network through the layered path."""

    def resolve(estimator, n_hidden, n_features):
        resolved = resolve_architecture(estimator, n_hidden, n_features)
        return DenseAsLayers(**dataclasses.asdict(resolved))

    with mock.patch.object(
        skmanualnet._estimators.base, "resolve_architecture", resolve
    ):
        yield


def make_data(cfg, quick):
    """X, y of the workload (with ``quick``, a tenth of the rows, at least
    three batches); constant features dropped, the others standardised."""
    if cfg["data"] == "digits":
        X, y = load_digits(return_X_y=True)
    else:
        X, y = make_classification(
            cfg["n"], cfg["d"], n_informative=cfg["d"] // 2, n_classes=cfg["k"],
            random_state=0,
        )  # fmt: skip
    n = max(len(X) // 10, 3 * cfg["batch"]) if quick else len(X)
    X, y = X[:n], y[:n]
    return StandardScaler().fit_transform(X[:, X.std(axis=0) > 0]), y


def make_model(cfg, epochs, options):
    """The adam classifier of the workload, with the row's layer ``options``."""
    return ManualMLPClassifier(
        hidden_layer_sizes=cfg["hidden"], batch_size=cfg["batch"], solver="adam",
        learning_rate_init=1e-3, alpha=1e-4, shuffle=True, random_state=0,
        tol=0.0, n_iter_no_change=10**6, max_iter=epochs, **options,
    )  # fmt: skip


def rows_to_run():
    """The rows, without ``dense-fused`` when numba is not installed."""
    fused = "on" in available_modes()
    return [row for row in OPTIONS if row != "dense-fused" or fused]


def run_row(row, model, X, y, measure):
    """``measure(model, X, y, accelerate)`` for the row: fused or numpy, on
    the dense or the layered path."""
    path = layered_path() if row == "layered" else nullcontext()
    with path:
        return measure(model, X, y, row == "dense-fused")


def n_layers(model):
    """How many layers the fitted model's sequence has; 0 for the dense network."""
    sequence = fitted_sequence(model)
    return 0 if sequence is None else len(sequence[0].layers)


def bench_workload(cfg, epochs, repeats, quick):
    """name -> dict(s, ratio, mib, mem ratio, acc) for every row."""
    X, y = make_data(cfg, quick)
    rows = rows_to_run()
    models = {row: make_model(cfg, epochs, OPTIONS[row]) for row in rows}
    for row in rows:  # warm-up (and the kernels' loading)
        run_row(row, make_model(cfg, 1, OPTIONS[row]), X, y, fit_time)
    times = {row: [] for row in rows}
    for _ in range(repeats):  # interleaved, so that noise hits all rows alike
        for row in rows:
            times[row].append(run_row(row, models[row], X, y, fit_time))
    dense = np.array(times["dense"])
    result = {}
    for row in rows:
        mib = run_row(row, make_model(cfg, epochs, OPTIONS[row]), X, y, peak_mib)
        result[row] = dict(
            s=float(np.median(times[row])),
            ratio=float(np.median(np.array(times[row]) / dense)),
            mib=mib,
            acc=models[row].score(X, y),
            layers=n_layers(models[row]),
        )
    for row in rows:
        result[row]["mem"] = result[row]["mib"] / result["dense"]["mib"]
    return (*X.shape, len(np.unique(y))), result


HEADER = f"{'option':<12}{'s/epoch':>9}{'/dense':>8}{'peak-MiB':>10}"
HEADER += f"{'mem/dense':>10}{'acc':>8}{'layers':>8}"


def print_table(name, cfg, shape, epochs, result):
    """The workload's title line, then a row per option."""
    n_rows, n_features, n_classes = shape
    units = "-".join(map(str, [n_features, *cfg["hidden"]]))
    print(f"\n{name}: {n_rows} rows, {units}, {n_classes} classes, batch "
          f"{cfg['batch']}, adam, {epochs} epochs a fit")  # fmt: skip
    print(HEADER)
    for row, r in result.items():
        print(
            f"{row:<12}{r['s']:>9.4f}{r['ratio']:>8.2f}{r['mib']:>10.2f}"
            f"{r['mem']:>10.2f}{r['acc']:>8.4f}{r['layers'] or '-':>8}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=WORKLOADS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, help="epochs per fit (default: each's)")
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test run")
    parser.add_argument("--threads", type=int, help="cap BLAS threads (all rows)")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.epochs = 1, 1
    warnings.simplefilter("ignore", ConvergenceWarning)
    limit_blas(args.threads)
    for name in args.workloads:
        cfg = WORKLOADS[name]
        epochs = args.epochs or cfg["epochs"]
        shape, result = bench_workload(cfg, epochs, args.repeats, args.quick)
        print_table(name, cfg, shape, epochs, result)


if __name__ == "__main__":
    main()
