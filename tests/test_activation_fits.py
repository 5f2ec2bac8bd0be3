"""Every new activation through the estimators: classifier and regressor,
float32 and float64, dense and sparse, L-BFGS, partial_fit and warm start."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor

from ._data import make_task

NEW = ["leaky_relu", "elu", "softplus", "gelu", "silu", "mish"]
ESTIMATORS = [ManualMLPClassifier, ManualMLPRegressor]


def _data(estimator, n_samples=60):
    X, y = make_task("multiclass", n_samples=n_samples, seed=1)
    if estimator is ManualMLPRegressor:
        y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    return X, y


def _model(estimator, activation, **params):
    params = {**dict(hidden_layer_sizes=(6, 5), max_iter=4, batch_size=16,
                     random_state=0, shuffle=False), **params}  # fmt: skip
    return estimator(activation=activation, **params)


def _weights(model):
    return model.coefs_ + model.intercepts_


def _assert_same(a, b, rtol):
    for p, q in zip(_weights(a), _weights(b), strict=True):
        assert_allclose(p, q, rtol=rtol, atol=rtol * np.abs(q).max())


@pytest.mark.parametrize("activation", NEW)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_sparse_and_float32_input_train_the_same_model(estimator, activation):
    X, y = _data(estimator)
    X[np.abs(X) < 0.7] = 0
    dense = _model(estimator, activation).fit(X, y)
    on_sparse = _model(estimator, activation).fit(sparse.csr_matrix(X), y)
    _assert_same(on_sparse, dense, rtol=1e-10)
    single = _model(estimator, activation).fit(X.astype(np.float32), y)
    assert all(w.dtype == np.float32 for w in _weights(single))
    _assert_same(single, dense, rtol=1e-3)
    assert single.predict(X.astype(np.float32)).shape == dense.predict(X).shape


@pytest.mark.parametrize("activation", NEW)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_partial_fit_and_warm_start_continue_the_same_epochs(estimator, activation):
    """Two partial_fit epochs, and a 2 + 2 warm start, are one fit of 2 and 4."""
    X, y = _data(estimator)
    extra = {"classes": np.unique(y)} if estimator is ManualMLPClassifier else {}
    stepped = _model(estimator, activation)
    for _ in range(2):
        stepped.partial_fit(X, y, **extra)
    _assert_same(stepped, _model(estimator, activation, max_iter=2).fit(X, y), 1e-12)
    warm = _model(estimator, activation, max_iter=2, warm_start=True)
    warm.fit(X, y).fit(X, y)
    _assert_same(warm, _model(estimator, activation).fit(X, y), rtol=1e-12)


@pytest.mark.parametrize("activation", NEW)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_lbfgs_trains_below_what_one_epoch_of_sgd_reaches(estimator, activation):
    X, y = _data(estimator)
    one_epoch = _model(estimator, activation, max_iter=1).fit(X, y)
    lbfgs = _model(estimator, activation, solver="lbfgs", max_iter=40).fit(X, y)
    assert np.isfinite(lbfgs.loss_)
    assert lbfgs.loss_ < 0.7 * one_epoch.loss_curve_[0]
