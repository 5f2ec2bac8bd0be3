"""One BLAS thread for the epochs of a network whose products are small.

A batch's products for a small network take tens of µs each; split between
two BLAS threads, each product ends with the threads waiting for each other,
and the elementwise passes and the update that follow read arrays half
written by the other core (and write θ, which the other core has just read).
Below :data:`SMALL_PRODUCT` multiply-adds per layer and batch one thread is
faster: ``benchmarks/bench_epoch.py`` against ``--all-threads`` compares the
two on W1 (digits, hidden 100, batch 200: 1.3 M) and on W6 (the tabular
recipe, 256 × 256 at batch 256: 16.8 M, whose products take about 1 ms on
one thread and whose epochs, with another process on the second core, took
0.71-0.76 s on one thread and 4.2-5.6 s on two), and ``--threads 1`` shows
what one thread costs W2 (784 × 256 at batch 200: 40 M).
A product's last bits can depend on the thread count (BLAS kernels tile it
by threads): the epochs of a small network give the same weights whatever
the machine's thread count.

The limit is the process's (BLAS has one thread count for all its callers):
fits running at the same time in several threads share it, set by the first
to start and restored by the last to finish.
"""

import functools
import threading
from contextlib import contextmanager, nullcontext
from itertools import pairwise

from .._lazy_import import import_optional

#: Multiply-adds of a layer's product with one batch, B · n_in · n_out, below
#: which a network's epochs run on one BLAS thread ...
SMALL_PRODUCT = 2**25
#: ... unless all its products are below this many, which OpenBLAS runs on one
#: thread by itself: then the limit is not set, and a tiny fit does not pay
#: for finding the BLAS libraries (threadpoolctl: 20-40 ms once a process).
SINGLE_THREADED_PRODUCT = 2**18


@functools.cache
def _controller():
    """threadpoolctl's view of the loaded BLAS libraries (found once: 5 ms)."""
    return import_optional("threadpoolctl").ThreadpoolController()


class _SharedLimit:
    """One BLAS thread while at least one holder is inside :meth:`held`."""

    def __init__(self):
        self._lock = threading.Lock()
        self._holders = 0
        self._limit = None

    @contextmanager
    def held(self):
        with self._lock:
            if self._holders == 0:
                self._limit = _controller().limit(limits=1, user_api="blas")
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    self._limit.restore_original_limits()
                    self._limit = None


_ONE_THREAD = _SharedLimit()


def one_thread_pays(layer_units, batch_size):
    """Whether the largest layer product with a batch is small enough to run
    faster on one thread (below :data:`SMALL_PRODUCT`) and large enough for
    BLAS to split it (:data:`SINGLE_THREADED_PRODUCT` or more)."""
    largest = batch_size * max(n_in * n_out for n_in, n_out in pairwise(layer_units))
    return SINGLE_THREADED_PRODUCT <= largest < SMALL_PRODUCT


def blas_threads_for(layer_units, batch_size):
    """A context for a network's epochs: one BLAS thread where that pays
    (:func:`one_thread_pays`), else the threads BLAS has."""
    if one_thread_pays(layer_units, batch_size):
        return _ONE_THREAD.held()
    return nullcontext()
