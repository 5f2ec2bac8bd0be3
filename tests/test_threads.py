"""Threads and reproducibility, as the user guide states them: concurrent
predictions from one fitted model are safe, concurrent fits of different models
are independent, a fit rewrites the weights arrays in place (so prediction
during a fit of the same object is not safe), and a fixed BLAS thread count
gives bit-identical fits."""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._training.blas_threads import one_thread_pays

from ._data import make_regression_task, make_task
from .test_callbacks import EpochRecorder

X, Y = make_task("multiclass", n_samples=300, n_features=6)


def _fitted(**params):
    params = {
        "hidden_layer_sizes": (32, 16),
        "max_iter": 20,
        "random_state": 0,
        **params,
    }
    return ManualMLPClassifier(**params).fit(X, Y)


def _weights(model):
    return [*model.coefs_, *model.intercepts_]


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_concurrent_predictions_equal_sequential_ones(method):
    model = _fitted()
    chunks = np.array_split(np.arange(len(X)), 12)
    sequential = [getattr(model, method)(X[rows]) for rows in chunks * 4]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(
            pool.map(lambda rows: getattr(model, method)(X[rows]), chunks * 4)
        )
    for a, b in zip(sequential, concurrent, strict=True):
        assert_array_equal(a, b)


def test_concurrent_fits_of_different_models_equal_sequential_fits():
    XR, yR = make_regression_task("one-target", n_samples=200)
    seeds = range(4)

    def fit(seed):
        return ManualMLPRegressor((16,), max_iter=15, random_state=seed).fit(XR, yR)

    sequential = [fit(seed) for seed in seeds]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(fit, seeds))
    for one, other in zip(sequential, concurrent, strict=True):
        for a, b in zip(_weights(one), _weights(other), strict=True):
            assert_array_equal(a, b)


class _Snapshots(EpochRecorder):
    """A callback that keeps, at the end of each epoch, the estimator's weight
    arrays themselves and a copy of their values."""

    def __init__(self):
        super().__init__()
        self.arrays, self.values = [], []

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == "epoch":
            self.arrays.append(estimator.coefs_[0])
            self.values.append(estimator.coefs_[0].copy())


def test_a_fit_writes_the_weights_it_predicts_with_in_place():
    """Why predict during a fit of the same object is unsafe: it would read
    coefs_ while the optimizer overwrites them, batch by batch."""
    snapshots = _Snapshots()
    model = ManualMLPClassifier((8,), max_iter=5, batch_size=50, random_state=0)
    model.set_callbacks(snapshots).fit(X, Y)
    assert len(snapshots.arrays) == 5
    assert all(array is model.coefs_[0] for array in snapshots.arrays)
    assert not np.array_equal(snapshots.values[0], snapshots.values[-1])
    assert_array_equal(snapshots.arrays[0], model.coefs_[0])  # the last epoch's


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_a_fixed_blas_thread_count_gives_bit_identical_fits(solver):
    with threadpool_limits(limits=1, user_api="blas"):
        one = _fitted(solver=solver)
        other = _fitted(solver=solver)
    for a, b in zip(_weights(one), _weights(other), strict=True):
        assert_array_equal(a, b)


# --- one BLAS thread for the epochs of a network whose products are small ----


def _blas_threads():
    return {lib["filepath"]: lib["num_threads"] for lib in threadpool_info()
            if lib["user_api"] == "blas"}  # fmt: skip


class _ThreadCounts(EpochRecorder):
    """A callback that records the BLAS thread counts at the end of each epoch."""

    def __init__(self):
        super().__init__()
        self.counts = []

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == "epoch":
            self.counts.append(set(_blas_threads().values()))


@pytest.mark.parametrize(
    "hidden, batch_size, during",
    [
        ((1024,), 100, {1}),  # 100 · 6 · 1024 = 614 k multiply-adds: one thread
        ((256, 64), 50, {1}),  # 50 · 256 · 64 = 819 k, the largest product
        ((256, 256), 256, {1}),  # 256 · 256 · 256 = 16.8 M (W6's): one thread
        ((128, 1024), 300, {2}),  # 300 · 128 · 1024 = 39.3 M > SMALL_PRODUCT: both
        ((32, 16), 300, {2}),  # 300 · 6 · 32 = 58 k: BLAS keeps one thread itself
    ],
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_epochs_of_a_small_network_run_on_one_blas_thread(
    solver, hidden, batch_size, during
):
    counts = _ThreadCounts()
    model = ManualMLPClassifier(
        hidden, solver=solver, batch_size=batch_size, max_iter=2, random_state=0
    ).set_callbacks(counts)
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, Y)
        assert _blas_threads() == before  # restored
    assert counts.counts == [during, during]
    assert one_thread_pays([6, *hidden, 3], min(batch_size, len(X))) == (during == {1})


def _one_thread_fit(seed):
    # 100 · 6 · 1024 multiply-adds a product: trained on one BLAS thread
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _fitted(hidden_layer_sizes=(1024,), batch_size=100, max_iter=3,
                       random_state=seed)  # fmt: skip


def test_concurrent_small_fits_restore_the_thread_count_when_the_last_ends():
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with ThreadPoolExecutor(max_workers=4) as pool:
            fitted = list(pool.map(_one_thread_fit, range(8)))
        assert _blas_threads() == before
    assert len(fitted) == 8
