"""Where does a training batch's time go, beyond the matrix products?

For each workload of ``bench_epoch.py``, one epoch of our training step is run
piece by piece, with a clock between the pieces, with the fused kernels off
(the numpy reference) and on (the ``fast`` extra), and each piece's median µs
per batch is printed next to the GEMM floor's:

* ``gather``: the shuffled rows of X and T copied into the batch buffers;
* ``fwd+bwd``: forward and backward pass without the penalty (GEMMs, bias,
  φ and φ′, softmax, loss, z̄, b̄), and ``elem``, that minus the floor: the
  elementwise work and the Python between the products;
* ``L2``: off, the penalty (α/2Σs)‖W‖² and its gradient; on, nothing (0):
  both are in the fused step;
* ``step``: off, the Nesterov SGD step on θ; on, the fused L2 gradient + step,
  which also returns the next batch's ‖W‖²;
* ``budget``: what the speed target, the most that ours / floor may be for the
  workload, leaves for everything but the floor;
* ``moves``: the least time that the gather and the step's memory traffic can
  take, timed as plain copies of the same bytes: a batch of contiguous rows of
  X copied into the batch buffer, and θ, the velocity and W̄ read while θ and
  the velocity are written (``np.copyto`` twice and a sum: five arrays of θ's
  size, as the fused step moves them), back to back on the same arrays, so in
  cache: a lower bound. When ``moves`` exceeds ``budget`` the target cannot be
  met without moving fewer bytes.

``--ablation`` prints instead what each fused kernel buys: µs per training
batch (gather, passes and step, as the epoch loop runs them) with all
kernels, with each group of kernels replaced by the numpy reference in turn
(the update, the hidden layers' bias + φ and φ′ passes, the output head), and
with none.

Like ``bench_epoch.py`` it runs on OpenBLAS's native kernel, and like ``fit``
it runs the epochs of a small network on one BLAS thread (the floor keeps
the machine's threads). Run::

    python benchmarks/bench_breakdown.py                   # W1-W4
    python benchmarks/bench_breakdown.py --workloads W2 --repeats 5
    python benchmarks/bench_breakdown.py --ablation        # what each kernel buys
"""

# ruff: noqa: E402 (the imports follow the re-execution, which must precede numpy)
if __name__ == "__main__":  # OpenBLAS reads its settings once, when numpy loads it
    from native_blas import reexec_without_overrides

    reexec_without_overrides()

import argparse
import dataclasses
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from skmanualnet._estimators.base import next_step_optimizer, training_problem
from skmanualnet._heads.losses import l2_penalty
from skmanualnet._nn.network import l2_gradient, loss_and_gradient
from skmanualnet._nn.workspace import Batches, Workspace
from skmanualnet._training.blas_threads import blas_threads_for

try:  # run as a script: python benchmarks/bench_breakdown.py
    import bench_epoch
except ModuleNotFoundError:  # imported as benchmarks.bench_breakdown (the docs)
    from . import bench_epoch

WORKLOADS, GemmFloor = bench_epoch.WORKLOADS, bench_epoch.GemmFloor
available_modes, limit_blas = bench_epoch.available_modes, bench_epoch.limit_blas
make_data, make_models = bench_epoch.make_data, bench_epoch.make_models

#: The speed targets: the most that ours / floor may be, per workload.
TARGETS = {"W1": 1.6, "W2": 1.2, "W3": 1.6, "W4": 1.25}
PIECES = ("gather", "fwd+bwd", "L2", "step")


def reference_pieces(problem, optimizer, alpha):
    """(pass, penalty, step) of the numpy reference, each a function of the batch."""
    theta, layout = problem.theta, problem.network.layout
    no_penalty = dataclasses.replace(problem.network, alpha=0.0)  # L2 timed apart
    W, grad = layout.weights(theta), np.empty_like(theta)
    W_bar = layout.weights(grad)

    def forward_backward(X_b, T_b, ws):
        loss_and_gradient(theta, grad, no_penalty, X_b, T_b, None, ws)

    def penalty(X_b, ws):
        l2_penalty(W, alpha, X_b.shape[0], ws.coef_scratch)
        l2_gradient(W_bar, W, alpha, X_b.shape[0], ws.coef_scratch)

    return forward_backward, penalty, lambda X_b: optimizer.step(theta, grad)


def fused_pieces(problem, optimizer, alpha):
    """(pass, penalty, step) of the fused kernels, each a function of the batch."""
    from skmanualnet._training._fast import FusedKernels
    from skmanualnet._training._fast import batch_pass as _pass
    from skmanualnet._training._fast import training as _training

    theta, layout = problem.theta, problem.network.layout
    no_penalty = dataclasses.replace(problem.network, alpha=0.0)
    kernels, grad = FusedKernels.of(no_penalty), np.empty_like(theta)
    step = _training.STEPS[type(optimizer)]

    def forward_backward(X_b, T_b, ws):
        _pass.loss_and_gradient(theta, grad, no_penalty, X_b, T_b, None, ws, kernels)

    def penalty(X_b, ws):
        """Nothing: ‖W‖² comes from the last step, the L2 gradient is in the next."""

    def update(X_b):
        step(optimizer, theta, grad, layout.n_coef, alpha / X_b.shape[0])

    return forward_backward, penalty, update


def timed_epoch(model, problem, order, fused):
    """µs per batch of each piece, summed over one epoch of our training step."""
    X, T = problem.X, problem.T
    B, layout = model.batch_size, problem.network.layout
    batches = Batches(X, T, None, B)
    ws = Workspace.for_network(problem.network, B, X.dtype)
    optimizer = next_step_optimizer(model, problem)
    pieces = fused_pieces if fused else reference_pieces
    forward_backward, penalty, step = pieces(problem, optimizer, model.alpha)
    spent = dict.fromkeys(PIECES, 0.0)
    n_batches = 0
    with blas_threads_for(layout.layer_units, B):  # as fit runs its epochs
        for batch in gen_batches(X.shape[0], B):
            t0 = time.perf_counter()
            X_b, T_b, _ = batches.take(order[batch])
            t1 = time.perf_counter()
            forward_backward(X_b, T_b, ws)
            t2 = time.perf_counter()
            penalty(X_b, ws)
            t3 = time.perf_counter()
            step(X_b)
            t4 = time.perf_counter()
            times = np.diff([t0, t1, t2, t3, t4])
            for piece, seconds in zip(PIECES, times, strict=True):
                spent[piece] += seconds
            n_batches += 1
    return {piece: 1e6 * s / n_batches for piece, s in spent.items()}, n_batches


def memory_moves(problem, B, n_batches):
    """µs per batch of the copies that move the gather's and the step's bytes."""
    X, theta = problem.X, problem.theta
    rows = np.empty((B, X.shape[1]), dtype=X.dtype)
    velocity, grad = np.ones_like(theta), np.ones_like(theta)
    theta_out, velocity_out = np.empty_like(theta), np.empty_like(theta)
    start = time.perf_counter()
    for i in range(n_batches):
        first = (i * B) % max(1, X.shape[0] - B)
        np.copyto(rows, X[first : first + B])  # W1-W4: dense X
        np.copyto(theta_out, theta)
        np.copyto(velocity_out, velocity)
        np.add.reduce(grad)
    return 1e6 * (time.perf_counter() - start) / n_batches


def breakdown(name, repeats, modes):
    """{mode: median µs per batch of each piece, and of the floor}."""
    cfg = WORKLOADS[name]
    X, y = make_data(cfg)
    model = make_models(cfg, 1)[0].fit(X, y)  # trained weights, a live optimizer
    floor = GemmFloor(X, cfg, len(np.unique(y)))
    rng = np.random.default_rng(0)
    rows = {mode: [] for mode in modes}
    floors, moves = [], []
    for _ in range(repeats + 1):  # the first is a warm-up
        order = rng.permutation(X.shape[0])
        for mode, fused in modes.items():  # interleaved, on the same weights
            problem = training_problem(model, X, y)
            rows[mode].append(timed_epoch(model, problem, order, fused))
        start = time.perf_counter()
        floor.epoch()
        n_batches = rows["off"][-1][1]
        floors.append(1e6 * (time.perf_counter() - start) / n_batches)
        moves.append(memory_moves(problem, model.batch_size, n_batches))
    result = {}
    for mode in modes:
        pieces = [p for p, _ in rows[mode][1:]]
        result[mode] = {p: float(np.median([r[p] for r in pieces])) for p in PIECES}
        result[mode]["floor"] = float(np.median(floors[1:]))
        result[mode]["moves"] = float(np.median(moves[1:]))
    return result


#: ablation -> which kernel groups run the numpy reference instead
ABLATIONS = {
    "all": (),
    "-update": ("update",),
    "-layers": ("layers",),
    "-head": ("head",),
    "none": ("update", "layers", "head"),
}


def ablated_training(network, optimizer, dropped):
    """A FusedTraining with the ``dropped`` kernel groups on the reference."""
    from skmanualnet._training._fast import FusedKernels, FusedTraining

    kernels = FusedKernels.of(network)
    if "layers" in dropped:
        none = (None,) * len(kernels.forward)
        kernels = dataclasses.replace(kernels, forward=none, backward=none)
    if "head" in dropped:
        kernels = dataclasses.replace(kernels, head=None)
    return FusedTraining(network, optimizer, kernels, "update" not in dropped)


def ablation(name, repeats):
    """{ablation: median µs per training batch}, interleaved over ``repeats``."""
    cfg = WORKLOADS[name]
    X, y = make_data(cfg)
    model = make_models(cfg, 1)[0].fit(X, y)
    rng, times = np.random.default_rng(0), {a: [] for a in ABLATIONS}
    problem = training_problem(model, X, y)  # once: validating copies X
    layout, B = problem.network.layout, model.batch_size
    for _ in range(repeats + 1):  # the first is a warm-up
        order = rng.permutation(X.shape[0])
        for label, dropped in ABLATIONS.items():
            theta = problem.theta.copy()  # each from the same trained weights
            optimizer = next_step_optimizer(model, problem)
            training = ablated_training(problem.network, optimizer, dropped)
            batches = Batches(problem.X, problem.T, None, B)
            ws = Workspace.for_network(problem.network, B, X.dtype)
            grad = np.empty_like(theta)
            training.start_epoch()
            start, n_batches = time.perf_counter(), 0
            with blas_threads_for(layout.layer_units, B):  # as fit runs its epochs
                for batch in gen_batches(X.shape[0], B):
                    X_b, T_b, _ = batches.take(order[batch])
                    training.loss_and_gradient(theta, grad, X_b, T_b, None, ws)
                    training.step(theta, grad)
                    n_batches += 1
            times[label].append(1e6 * (time.perf_counter() - start) / n_batches)
    return {label: float(np.median(t[1:])) for label, t in times.items()}


def ablation_table(args):
    print("µs per training batch (medians); in brackets, what the kernel buys")
    print(f"{'workload':<9}" + "".join(f"{a:>16}" for a in ABLATIONS))
    for name in args.workloads:
        r = ablation(name, args.repeats)
        cells = [f"{r['all']:>16.0f}"]
        cells += [
            f"{r[a]:>8.0f} ({r[a] - r['all']:>+5.0f})" for a in list(ABLATIONS)[1:]
        ]
        print(f"{name:<9}" + "".join(cells), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=TARGETS, default=TARGETS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ablation", action="store_true", help="what each kernel buys")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    limit_blas(None)
    modes = available_modes()
    if args.ablation:
        if "on" not in modes:
            raise SystemExit("--ablation needs numba (pip install -e '.[fast]')")
        return ablation_table(args)
    head = ["floor", *PIECES, "elem", "total", "tot/fl", "budget", "moves", "target"]
    print("µs per batch (medians)")
    print(f"{'workload':<9}{'accel':<6}" + "".join(f"{h:>9}" for h in head))
    for name in args.workloads:
        for mode, r in breakdown(name, args.repeats, modes).items():
            total = sum(r[p] for p in PIECES)
            values = [r["floor"], *(r[p] for p in PIECES), r["fwd+bwd"] - r["floor"]]
            values += [total, total / r["floor"], (TARGETS[name] - 1) * r["floor"]]
            values += [r["moves"]]
            cells = "".join(f"{v:>9.2f}" if v < 10 else f"{v:>9.0f}" for v in values)
            print(f"{name:<9}{mode:<6}{cells}{TARGETS[name]:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
