"""learning_rate_init='auto': η₀ = 0.05 / D for sgd, D = max(1, RMS of X) ·
max(1, RMS of T), measured once per fresh fit; 1e-3 for adam.

On standardized X, D = 1 and η₀ is today's 0.05; on raw inputs the steps shrink
with the input's scale, which keeps training out of the chaotic regime where
float32 and float64 fits of the same data part ways (sklearn's
test_mlp_classifier_dtypes_casting, reproduced below with our own code).
"""

import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.datasets import load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier
from skmanualnet._estimators.params import data_scale, input_rms

from ._data import make_task


def _eta(model):
    return model._optimizer.learning_rate_init


def _rms(X):
    return np.sqrt(np.mean(np.square(X, dtype=np.float64)))


def test_input_rms_is_the_root_mean_square_entry():
    X = np.random.RandomState(0).uniform(-3, 5, size=(40, 6))
    assert input_rms(X) == pytest.approx(_rms(X), rel=1e-14)
    s = np.random.RandomState(1).uniform(0, 2, size=40)
    weighted = np.sqrt(np.sum(s[:, None] * X**2) / (6 * s.sum()))
    assert input_rms(X, s) == pytest.approx(weighted, rel=1e-14)
    assert input_rms(X.astype(np.float32)) == pytest.approx(_rms(X), rel=1e-6)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_input_rms_of_sparse_X_is_that_of_the_dense_X(fmt):
    X = sparse.random(30, 8, density=0.3, format=fmt, random_state=0) * 7
    s = np.random.RandomState(2).uniform(0, 2, size=30)
    assert input_rms(X, s) == pytest.approx(input_rms(X.toarray(), s), rel=1e-14)
    # duplicate entries (a non-canonical CSR) are summed before squaring
    dup = sparse.csr_matrix(([1.0, 2.0, 3.0], [0, 0, 1], [0, 2, 3]), shape=(2, 2))
    assert input_rms(dup) == pytest.approx(
        np.sqrt((3**2 + 3**2) / 4)
    )  # [[3, 0], [0, 3]]


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_input_rms_of_sparse_X_does_not_copy_its_entries(fmt):
    """The squares are summed a block of rows at a time: a copy of X's entries
    (X.multiply(X) holds nnz values and indices) would outgrow X itself."""
    X = sparse.random(20000, 200, density=0.1, format=fmt, random_state=0)
    tracemalloc.start()
    input_rms(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < X.data.nbytes / 2  # a copy of the entries: 1.5 nbytes or more


def test_input_rms_past_the_float_range_is_finite():
    X = np.full((5, 4), 1e154)  # legal (below √max), but ‖x‖² overflows
    assert input_rms(X) == pytest.approx(1e154, rel=1e-12)


def test_data_scale_is_one_for_standardized_X_and_class_indicators():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)  # constant pixels: RMS below 1
    T = np.eye(10)[y]
    assert data_scale(X, T) == 1.0
    assert data_scale(4 * X, T) == pytest.approx(4 * input_rms(X), rel=1e-14)
    assert data_scale(X, 5 * T) == pytest.approx(5 * np.sqrt(0.1), rel=1e-14)


@pytest.mark.parametrize("c", [1, 4, 30])
def test_sgd_steps_shrink_with_the_scale_of_X_and_adam_keeps_its_own(c):
    X, y = load_wine(return_X_y=True)
    X = c * StandardScaler().fit_transform(X)
    sgd = ManualMLPClassifier((5,), max_iter=2, random_state=0).fit(X, y)
    assert _eta(sgd) == pytest.approx(0.05 / c, rel=1e-12)
    adam = ManualMLPClassifier((5,), solver="adam", max_iter=2).fit(X, y)
    assert _eta(adam) == 0.001
    fixed = ManualMLPClassifier((5,), learning_rate_init=0.3, max_iter=2).fit(X, y)
    assert _eta(fixed) == 0.3


def test_sample_and_class_weights_weigh_the_rows_of_the_scale():
    X, y = make_task("binary", n_samples=40, seed=4)
    X[y == 1] *= 20  # the rows of class 1 are far larger
    ones = np.where(y == 1, 1.0, 0.0)
    by_samples = ManualMLPClassifier((3,), max_iter=1).fit(X, y, sample_weight=ones)
    expected = 0.05 / input_rms(X[y == 1])
    assert _eta(by_samples) == pytest.approx(expected, rel=1e-12)
    by_class = ManualMLPClassifier((3,), max_iter=1, class_weight={0: 0, 1: 1})
    assert _eta(by_class.fit(X, y)) == pytest.approx(expected, rel=1e-12)


def test_the_scale_is_measured_on_all_rows_before_the_early_stopping_split():
    X, y = make_task("multiclass", n_samples=60, seed=5)
    X *= np.random.RandomState(0).uniform(1, 40, size=(60, 1))  # rows of all sizes
    model = ManualMLPClassifier((4,), early_stopping=True, max_iter=3).fit(X, y)
    assert _eta(model) == pytest.approx(0.05 / input_rms(X), rel=1e-12)


def _chunks():
    X, y = make_task("multiclass", n_samples=60, seed=6)
    return (3 * X[:30], y[:30]), (300 * X[30:], y[30:])  # the second far larger


def test_partial_fit_keeps_the_step_size_of_the_first_call():
    (X1, y1), (X2, y2) = _chunks()
    model = ManualMLPClassifier((4,), random_state=0)
    model.partial_fit(X1, y1, classes=[0, 1, 2])
    optimizer, eta = model._optimizer, _eta(model)
    velocity = optimizer.carried.copy()
    assert eta == pytest.approx(0.05 / input_rms(X1), rel=1e-12)
    model.partial_fit(X2, y2)
    # resumed, not restarted: a copy of the fitted optimizer carries on, and the
    # fitted one is left as it was (what a failed call restores)
    assert model._optimizer.settings == optimizer.settings
    assert_array_equal(optimizer.carried, velocity)
    assert not np.array_equal(model._optimizer.carried, velocity)
    assert _eta(model) == eta
    # a restarted optimizer (a changed setting) starts from the kept η too
    model.set_params(momentum=0.5).partial_fit(X2, y2)
    assert model._optimizer is not optimizer
    assert _eta(model) == eta


def test_warm_start_keeps_the_step_size_and_a_fresh_fit_measures_again():
    (X1, y1), (X2, y2) = _chunks()
    model = ManualMLPClassifier((4,), max_iter=3, warm_start=True, random_state=0)
    eta = _eta(model.fit(X1, y1))
    model.set_params(nesterovs_momentum=False).fit(X2, y2)  # a new optimizer
    assert _eta(model) == eta
    model.set_params(warm_start=False).fit(X2, y2)
    assert _eta(model) == pytest.approx(0.05 / input_rms(X2), rel=1e-12)


def _fit_and_predict(X_train, y_train, X_test, dtype, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ManualMLPClassifier(**params).fit(X_train.astype(dtype), y_train)
    X_test = X_test.astype(dtype)
    return model, model.predict(X_test), model.predict_proba(X_test)


@pytest.mark.parametrize("seed", range(10))
def test_float32_and_float64_agree_on_raw_binary_digits(seed):
    """sklearn's test_mlp_classifier_dtypes_casting, with our defaults: binary
    digits, raw pixel values 0-16, rows :300 to fit, the rest to predict; equal
    predictions and probabilities within 1 %. sklearn runs random_state=1."""
    X, y = load_digits(n_class=2, return_X_y=True)
    params = dict(
        alpha=1e-5, hidden_layer_sizes=(5, 3), random_state=seed, max_iter=100, tol=0.1
    )
    _, pred_64, proba_64 = _fit_and_predict(
        X[:300], y[:300], X[300:], np.float64, **params
    )
    _, pred_32, proba_32 = _fit_and_predict(
        X[:300], y[:300], X[300:], np.float32, **params
    )
    assert_array_equal(pred_64, pred_32)
    assert_allclose(proba_64, proba_32, rtol=1e-2)


@pytest.mark.parametrize("seed", range(4))
def test_training_on_raw_digits_is_not_chaotic(seed):
    """Ten classes, raw pixels: at the old constant η₀ = 0.05 the float32 and
    float64 fits part ways (up to a third of the test labels differ); the
    scaled step keeps them together to float32's precision."""
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, _ = train_test_split(
        X, y, test_size=0.4, stratify=y, random_state=seed
    )
    params = dict(hidden_layer_sizes=(30,), random_state=seed)
    m64, pred_64, proba_64 = _fit_and_predict(X_tr, y_tr, X_te, np.float64, **params)
    m32, pred_32, proba_32 = _fit_and_predict(X_tr, y_tr, X_te, np.float32, **params)
    assert m64.n_iter_ == m32.n_iter_
    assert_array_equal(pred_64, pred_32)
    # 1e-5 on the numpy reference, 3.4e-3 on the compiled kernels (seed 1),
    # which round float32 sums in another order; at η₀ = 0.05 it is 0.47-1.0
    assert_allclose(proba_64, proba_32, rtol=0, atol=1e-2)
