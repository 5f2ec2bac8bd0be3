"""Where does a training batch's time go, beyond the matrix products?

For each workload of ``bench_epoch.py``, one epoch of our training step is run
piece by piece, with a clock between the pieces, and each piece's median µs per
batch is printed next to the GEMM floor's:

* ``gather``: the shuffled rows of X and T copied into the batch buffers;
* ``fwd+bwd``: forward and backward pass without the penalty (GEMMs, bias,
  φ and φ′, softmax, loss, z̄), and ``elem``, that minus the floor: the
  elementwise work and the Python between the products;
* ``L2``: the penalty (α/2Σs)‖W‖² and its gradient, over all weights;
* ``step``: the Nesterov SGD step on θ;
* ``budget``: what the speed target, the most that ours / floor may be for the
  workload, leaves for everything but the floor.

Run::

    python benchmarks/bench_breakdown.py                   # W1-W4
    python benchmarks/bench_breakdown.py --workloads W2 --repeats 5
"""

import argparse
import dataclasses
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from skmanualnet._base import next_step_optimizer, training_problem
from skmanualnet._losses import l2_penalty
from skmanualnet._network import l2_gradient, loss_and_gradient
from skmanualnet._workspace import Batches, Workspace

try:  # run as a script: python benchmarks/bench_breakdown.py
    from bench_epoch import WORKLOADS, GemmFloor, limit_blas, make_data, make_models
except ModuleNotFoundError:  # imported as benchmarks.bench_breakdown (the docs)
    from .bench_epoch import WORKLOADS, GemmFloor, limit_blas, make_data, make_models

#: The speed targets: the most that ours / floor may be, per workload.
TARGETS = {"W1": 2.5, "W2": 1.2, "W3": 2.3, "W4": 1.25}
PIECES = ("gather", "fwd+bwd", "L2", "step")


def timed_epoch(model, problem, order):
    """µs per batch of each piece, summed over one epoch of our training step."""
    X, T, theta = problem.X, problem.T, problem.theta
    layout, alpha = problem.network.layout, model.alpha
    grad, B = np.empty_like(theta), model.batch_size
    batches, ws = Batches(X, T, None, B), Workspace(layout.layer_units, B, X.dtype)
    optimizer = next_step_optimizer(model, problem)
    no_penalty = dataclasses.replace(problem.network, alpha=0.0)  # L2 timed apart
    W, W_bar = layout.weights(theta), layout.weights(grad)
    spent = dict.fromkeys(PIECES, 0.0)
    n_batches = 0
    for batch in gen_batches(X.shape[0], B):
        t0 = time.perf_counter()
        X_b, T_b, _ = batches.take(order[batch])
        t1 = time.perf_counter()
        loss_and_gradient(theta, grad, no_penalty, X_b, T_b, None, ws)
        t2 = time.perf_counter()
        l2_penalty(W, alpha, X_b.shape[0], ws.coef_scratch)
        l2_gradient(W_bar, W, alpha, X_b.shape[0], ws.coef_scratch)
        t3 = time.perf_counter()
        optimizer.step(theta, grad)
        t4 = time.perf_counter()
        for piece, seconds in zip(PIECES, np.diff([t0, t1, t2, t3, t4]), strict=True):
            spent[piece] += seconds
        n_batches += 1
    return {piece: 1e6 * s / n_batches for piece, s in spent.items()}, n_batches


def breakdown(name, repeats):
    cfg = WORKLOADS[name]
    X, y = make_data(cfg)
    model = make_models(cfg, 1)[0].fit(X, y)  # trained weights, a live optimizer
    problem = training_problem(model, X, y)
    floor = GemmFloor(X, cfg, problem.T.shape[1])
    rng = np.random.default_rng(0)
    rows, floors = [], []
    for _ in range(repeats + 1):  # the first is a warm-up
        pieces, n_batches = timed_epoch(model, problem, rng.permutation(X.shape[0]))
        start = time.perf_counter()
        floor.epoch()
        rows.append(pieces)
        floors.append(1e6 * (time.perf_counter() - start) / n_batches)
    row = {p: float(np.median([r[p] for r in rows[1:]])) for p in PIECES}
    row["floor"] = float(np.median(floors[1:]))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=TARGETS, default=TARGETS)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    limit_blas(None)
    head = ["floor", *PIECES, "elem", "total", "tot/fl", "budget", "target"]
    print("µs per batch (medians)\n" + "workload" + "".join(f"{h:>9}" for h in head))
    for name in args.workloads:
        r = breakdown(name, args.repeats)
        total = sum(r[p] for p in PIECES)
        values = [r["floor"], *(r[p] for p in PIECES), r["fwd+bwd"] - r["floor"]]
        values += [total, total / r["floor"], (TARGETS[name] - 1) * r["floor"]]
        cells = "".join(f"{v:>9.2f}" if v < 10 else f"{v:>9.0f}" for v in values)
        print(f"{name:<8}{cells}{TARGETS[name]:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
