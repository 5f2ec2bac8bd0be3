"""How much of the speed target's budget do the memory-bound pieces leave?

The targets of ``bench_breakdown.py`` allow (target − 1) × floor µs per batch
beyond the matrix products. Two pieces of every training batch move memory
rather than compute: the gather of the batch's shuffled rows, and the update
of θ (read θ, W̄ and the velocity, write θ and the velocity). This script
times each alone, on the machine's memory, and the update where training runs
it: right after the products that read θ. Columns, µs per batch, medians over
``--repeats`` rounds of ``--batches`` batches each, in one run:

* ``floor``: the GEMM floor per batch (``bench_epoch.GemmFloor``);
* ``budget``: (target − 1) × floor;
* ``gather``: the rows of X and T of a fresh permutation copied into the batch
  buffers (``Batches.take``, as training takes them), alone;
* ``copy``: as many rows of X, contiguous (T left out): what bandwidth alone
  asks for them;
* ``step``: the fused L2 gradient + Nesterov step alone, after a 64 MiB write
  has evicted θ, W̄ and the velocity from the caches; ``hot``: the same in
  cache;
* ``after-W``: the step right after a forward and a backward product of the
  first layer (``X_b W¹`` and ``X_bᵀ Z̄¹``) that read a copy of W¹;
  ``after-θ``: the same products reading θ's own W¹, as training does, so that
  the step writes what the other core's BLAS thread has just read;
* ``least``: (floor + gather + hot) / floor: no loop that gathers shuffled
  rows and updates θ, with nothing else at all, is faster on this machine;
* ``in-place``: (floor + gather + after-θ) / floor: the same, with the step
  as training meets it.

The training loop itself pays more for both pieces than they cost here alone
(``bench_breakdown.py`` times them inside the loop): this script says how much
of the budget is spoken for before anything else runs.

``--blocked`` prints instead what updating W¹ block by block would buy: the
product W̄¹ = X_bᵀ Z̄¹ and the update of W¹ run on all 784 rows of W¹ at once
(1 block, as training does), or a block of rows at a time, each block updated
right after its rows of W̄¹ are computed, while they are still in cache: µs
per batch of the products and updates together, for 1 to 16 blocks.

Needs the ``fast`` extra (numba). Like ``bench_epoch.py`` it runs on
OpenBLAS's native kernel. Run::

    python benchmarks/bench_memory.py                    # W1-W4
    python benchmarks/bench_memory.py --workloads W2 W4 --repeats 7
    python benchmarks/bench_memory.py --blocked --workloads W2 W4
"""

# ruff: noqa: E402 (the imports follow the re-execution, which must precede numpy)
if __name__ == "__main__":  # OpenBLAS reads its settings once, when numpy loads it
    from native_blas import reexec_without_overrides

    reexec_without_overrides()

import argparse
import time
from itertools import pairwise

import numpy as np

from skmanualnet._nn.network import ParameterLayout
from skmanualnet._nn.workspace import Batches
from skmanualnet._training.optimizers import SGD

try:  # run as a script: python benchmarks/bench_memory.py
    import bench_breakdown
    import bench_epoch
except ModuleNotFoundError:  # imported as a package module
    from . import bench_breakdown, bench_epoch

COLUMNS = ("floor", "budget", "gather", "copy", "step", "hot", "after-W", "after-θ")
RATIOS = ("least", "in-place", "target")
EVICT_BYTES = 64 * 2**20  # twice this machine's L3


def per_batch(action, n_batches, before=None):
    """Median µs of ``action(i)`` over ``n_batches`` calls; ``before(i)``, if
    given, runs untimed ahead of each."""
    times = []
    for i in range(n_batches):
        if before is not None:
            before(i)
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return 1e6 * float(np.median(times))


class MemoryPieces:
    """The gather and the update of one workload, timed alone and after products."""

    def __init__(self, cfg):
        from skmanualnet._training._fast.training import sgd_step

        X, y = bench_epoch.make_data(cfg)
        k, B, dtype = len(np.unique(y)), cfg["batch"], X.dtype
        layout = ParameterLayout([X.shape[1], *cfg["hidden"], k])
        rng = np.random.default_rng(0)
        self.X, self.B, self.cfg = X, B, cfg
        self.batches = Batches(X, np.eye(k, dtype=np.uint8)[y], None, B)
        self.contiguous = np.empty((B, X.shape[1]), dtype)
        self.theta = (rng.standard_normal(layout.size) * 0.05).astype(dtype)
        self.grad = (rng.standard_normal(layout.size) * 1e-3).astype(dtype)
        self.optimizer = SGD(layout.size, dtype, 0.01, "constant", 0.9, True, 0.5)
        n_weights, decay = layout.n_coef, 1e-4 / B
        self.step = lambda _: sgd_step(
            self.optimizer, self.theta, self.grad, n_weights, decay
        )
        (W1, *_), _ = layout.unpack(self.theta)
        (self.W1_bar, *_), _ = layout.unpack(self.grad)
        self.W1, self.W1_copy = W1, W1.copy()
        self.z = np.empty((B, W1.shape[1]), dtype)
        self.z_bar = (rng.standard_normal((B, W1.shape[1])) * 1e-3).astype(dtype)
        self.evictor = np.empty(EVICT_BYTES // 8)
        self.floor = bench_epoch.GemmFloor(X, cfg, k)

    def gather(self, n_batches):
        order = np.random.default_rng(1).permutation(self.X.shape[0])
        B = self.B
        return per_batch(lambda i: self.batches.take(order[i * B : (i + 1) * B]),
                         n_batches)  # fmt: skip

    def copy(self, n_batches):
        last = self.X.shape[0] - self.B

        def rows(i):
            first = (i * 7919 * self.B) % last  # far apart, as shuffled rows are
            np.copyto(self.contiguous, self.X[first : first + self.B])

        return per_batch(rows, n_batches)

    def products(self, W):
        """The first layer's forward and weight-gradient products, reading W."""
        X_b = self.batches.take(np.arange(self.B))[0]

        def run(_):
            np.dot(X_b, W, out=self.z)
            np.dot(X_b.T, self.z_bar, out=self.W1_bar)

        return run

    def timings(self, n_batches):
        """µs per batch of each column but the budget."""
        start = time.perf_counter()
        self.floor.epoch()
        epoch_batches = -(-self.X.shape[0] // self.B)
        return {
            "floor": 1e6 * (time.perf_counter() - start) / epoch_batches,
            "gather": self.gather(n_batches),
            "copy": self.copy(n_batches),
            "step": per_batch(self.step, n_batches, lambda _: self.evictor.fill(1)),
            "hot": per_batch(self.step, n_batches),
            "after-W": per_batch(self.step, n_batches, self.products(self.W1_copy)),
            "after-θ": per_batch(self.step, n_batches, self.products(self.W1)),
        }


BLOCKS = (1, 2, 4, 8, 16)


def blocked_update(pieces, n_blocks):
    """W̄¹ = X_bᵀ Z̄¹ and the update of W¹, ``n_blocks`` blocks of W¹'s rows
    at a time, each block updated right after its rows of W̄¹."""
    from skmanualnet._training._fast.update import sgd_update

    X_b = pieces.batches.take(np.arange(pieces.B))[0]
    n_in, width = pieces.W1.shape
    opt, cast = pieces.optimizer, pieces.theta.dtype.type
    scalars = (cast(1e-4 / pieces.B), cast(opt.learning_rate), cast(opt.momentum))
    bounds = np.linspace(0, n_in, n_blocks + 1).astype(int)

    def run(_):
        np.dot(X_b, pieces.W1, out=pieces.z)  # the forward product reads W¹
        for first, last in pairwise(bounds):
            np.dot(X_b[:, first:last].T, pieces.z_bar, out=pieces.W1_bar[first:last])
            flat = slice(first * width, last * width)
            sgd_update(pieces.theta[flat], pieces.grad[flat], opt.carried[flat],
                       (last - first) * width, *scalars, True)  # fmt: skip

    return run


def blocked_table(args):
    print("µs per batch: W̄¹ = X_bᵀ Z̄¹ and W¹'s update, by blocks of W¹'s rows")
    names = [f"{b} block" + "s" * (b > 1) for b in BLOCKS]
    print(f"{'workload':<9}" + "".join(f"{name:>10}" for name in names))
    for name in args.workloads:
        pieces = MemoryPieces(bench_epoch.WORKLOADS[name])
        runs = {b: blocked_update(pieces, b) for b in BLOCKS}
        for run in runs.values():  # warm-up
            per_batch(run, 2)
        rounds = [{b: per_batch(run, args.batches) for b, run in runs.items()}
                  for _ in range(args.repeats)]  # fmt: skip
        cells = "".join(f"{np.median([r[b] for r in rounds]):>10.0f}" for b in BLOCKS)
        print(f"{name:<9}{cells}", flush=True)


def measure(name, repeats, n_batches):
    """{column: median over rounds} for workload ``name``, bound included."""
    pieces = MemoryPieces(bench_epoch.WORKLOADS[name])
    pieces.timings(2)  # warm-up: kernels loaded, buffers touched
    rounds = [pieces.timings(n_batches) for _ in range(repeats)]
    row = {key: float(np.median([r[key] for r in rounds])) for key in rounds[0]}
    target = bench_breakdown.TARGETS[name]
    row["budget"] = (target - 1) * row["floor"]
    row["least"] = (row["floor"] + row["gather"] + row["hot"]) / row["floor"]
    row["in-place"] = (row["floor"] + row["gather"] + row["after-θ"]) / row["floor"]
    row["target"] = target
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    choices = bench_breakdown.TARGETS
    parser.add_argument("--workloads", nargs="+", choices=choices, default=choices)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batches", type=int, default=60, help="timed per round")
    parser.add_argument("--blocked", action="store_true", help="W¹ updated by blocks")
    args = parser.parse_args()
    bench_epoch.limit_blas(None)
    if not bench_epoch.numba_installed():
        raise SystemExit("bench_memory.py needs numba (pip install -e '.[fast]')")
    if args.blocked:
        return blocked_table(args)
    print("µs per batch (medians)")
    print(f"{'workload':<9}" + "".join(f"{c:>9}" for c in COLUMNS + RATIOS))
    for name in args.workloads:
        row = measure(name, args.repeats, args.batches)
        cells = "".join(f"{row[c]:>9.0f}" for c in COLUMNS)
        cells += "".join(f"{row[c]:>9.2f}" for c in RATIOS)
        print(f"{name:<9}{cells}", flush=True)


if __name__ == "__main__":
    main()
