"""What does TrainingMonitor cost per epoch, on the workloads of bench_epoch.py?

For each workload, seconds per epoch of the same fit without a monitor
(``off``) and with ``TrainingMonitor()`` (``on``: a probe pass of 256 rows
after every epoch, and one at epoch 0), the fits interleaved, and the median
of ``on / off`` over the repeats (medians of 3 by default); ``+ms/ep`` is the
median added time per epoch. The fits are those of bench_epoch.py (sgd,
Nesterov momentum, exactly E epochs), with the package's default
``accelerate`` setting. Like it, the script runs on OpenBLAS's native kernel.
Run::

    python benchmarks/bench_monitor.py                    # W1-W3
    python benchmarks/bench_monitor.py --workloads W1 --repeats 5
    python benchmarks/bench_monitor.py --quick            # smoke test

Sample output (2-core VM under load from other jobs, 2026-12-07: noisy; see
benchmarks/README.md)::

    workload      n  ep    off/s     on/s  on/off   +ms/ep
    W1         1797  10   0.0090   0.0120    1.34     3.19
    W3        20000   3   0.2921   0.3686    1.26    76.46
"""

# ruff: noqa: E402 (the imports follow the re-execution, which must precede numpy)
if __name__ == "__main__":  # OpenBLAS reads its settings once, when numpy loads it
    from native_blas import reexec_without_overrides

    reexec_without_overrides()

import argparse
import gc
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import TrainingMonitor

try:  # run as a script: python benchmarks/bench_monitor.py
    import bench_epoch
except ModuleNotFoundError:  # imported as benchmarks.bench_monitor (the docs)
    from . import bench_epoch

#: W1-W3 of bench_epoch.py, with fewer epochs per fit (the cost is per epoch).
EPOCHS = {"W1": 10, "W2": 2, "W3": 3}


def seconds_per_epoch(model, X, y):
    """Seconds per epoch of one fit of ``model``."""
    gc.collect()
    start = time.perf_counter()
    model.fit(X, y)
    return (time.perf_counter() - start) / model.n_iter_


def bench_workload(cfg, epochs, repeats):
    """{"off", "on", "on/off", "+ms/ep"}: medians over ``repeats`` interleaved fits."""
    X, y = bench_epoch.make_data(cfg)
    bench_epoch.make_models(cfg, 1)[0].fit(X, y)  # warm-up
    off, on = [], []
    for _ in range(repeats):
        off.append(seconds_per_epoch(bench_epoch.make_models(cfg, epochs)[0], X, y))
        watched = bench_epoch.make_models(cfg, epochs)[0]
        on.append(seconds_per_epoch(watched.set_callbacks(TrainingMonitor()), X, y))
    off, on = np.array(off), np.array(on)
    return {
        "off": float(np.median(off)),
        "on": float(np.median(on)),
        "on/off": float(np.median(on / off)),
        "+ms/ep": float(np.median(on - off)) * 1e3,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=EPOCHS, default=list(EPOCHS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test run")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    bench_epoch.limit_blas(None)
    print(f"{'workload':<8}{'n':>7}{'ep':>4}{'off/s':>9}{'on/s':>9}{'on/off':>8}"
          f"{'+ms/ep':>9}")  # fmt: skip
    for name in args.workloads:
        cfg, epochs, repeats = (
            dict(bench_epoch.WORKLOADS[name]),
            EPOCHS[name],
            args.repeats,
        )
        if args.quick:
            cfg["n"], epochs, repeats = min(cfg["n"], 1000), 2, 1
        r = bench_workload(cfg, epochs, repeats)
        print(f"{name:<8}{cfg['n']:>7}{epochs:>4}{r['off']:>9.4f}{r['on']:>9.4f}"
              f"{r['on/off']:>8.2f}{r['+ms/ep']:>9.2f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
