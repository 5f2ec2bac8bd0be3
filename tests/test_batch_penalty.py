"""The penalty of a mini-batch: divided by the batch's own weight sum Σs_b
(scikit-learn's convention, the default), or, with
``penalty_scaling="mean_batch"``, by the weight of a mean full batch
S̄ = (Σs / n) · B, the same for every batch.

Under the default a remainder batch of r rows carries a penalty B / r times
that of a full batch: with alpha=1, 201 rows (a batch of 200 and one of 1)
collapse the weights where 200 rows fit well. The option removes that, and is
the default model whenever every batch is full and unweighted.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._heads.heads import HEADS
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.init import initial_parameters
from skmanualnet._nn.network import Network, ParameterLayout, loss_and_gradient
from skmanualnet._nn.workspace import Workspace

from ._data import make_regression_task, make_task


def _scores(n_rows, alpha, penalty_scaling="batch"):
    """Training accuracy on the first ``n_rows`` rows of three data sets."""
    scores = []
    for seed in range(3):
        X, y = make_classification(n_samples=400, n_features=10, random_state=seed)
        X, y = X[:n_rows], y[:n_rows]
        model = ManualMLPClassifier(
            alpha=alpha, random_state=0, penalty_scaling=penalty_scaling
        )
        scores.append(model.fit(X, y).score(X, y))
    return np.array(scores)


def _penalty_cost(n_rows, penalty_scaling="batch"):
    """What alpha=1 costs in accuracy against alpha=1e-4, on each data set."""
    return _scores(n_rows, 1e-4, penalty_scaling) - _scores(
        n_rows, 1.0, penalty_scaling
    )


def test_by_default_a_one_row_remainder_batch_collapses_the_fit():
    assert (_scores(200, 1.0) > 0.9).all()
    assert (_scores(201, 1.0) < 0.6).all()  # about chance: the weights shrank
    assert (_penalty_cost(200) < 0.05).all()
    assert (_penalty_cost(201) > 0.25).all()


def test_mean_batch_scaling_removes_the_remainder_effect():
    """With "mean_batch", alpha=1 costs as little on 201 rows as on 200 (what is
    left of the gap between 200 and 201 rows comes from the one-row batch's
    data step, and is there with alpha=1e-4 too)."""
    cost = _penalty_cost(201, "mean_batch")
    assert (np.abs(cost) < 0.05).all(), cost
    assert (_scores(201, 1.0, "mean_batch") > 0.8).all()


def _weights(model):
    return [*model.coefs_, *model.intercepts_]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_full_unweighted_batches_give_the_default_model_bit_for_bit(task, solver):
    X, y = make_task(task, n_samples=120)
    params = dict(hidden_layer_sizes=(6,), alpha=0.5, batch_size=30, max_iter=10)
    default = ManualMLPClassifier(solver=solver, random_state=0, **params).fit(X, y)
    option = ManualMLPClassifier(
        solver=solver, random_state=0, penalty_scaling="mean_batch", **params
    ).fit(X, y)
    for a, b in zip(_weights(default), _weights(option), strict=True):
        assert_array_equal(a, b)
    assert default.loss_curve_ == option.loss_curve_


def test_lbfgs_has_one_batch_so_the_option_changes_nothing():
    X, y = make_regression_task("one-target", n_samples=90)
    s = np.random.RandomState(0).uniform(0.1, 3, len(y))
    models = [
        ManualMLPRegressor((6,), solver="lbfgs", alpha=1.0, max_iter=30,
                           random_state=0, penalty_scaling=scaling).fit(X, y, s)
        for scaling in ("batch", "mean_batch")
    ]  # fmt: skip
    for a, b in zip(*map(_weights, models), strict=True):
        assert_array_equal(a, b)


def _network(units, alpha, penalty_weight_sum=None):
    return Network(
        ParameterLayout(units),
        (ACTIVATIONS["tanh"],),
        HEADS["softmax"],
        alpha,
        penalty_weight_sum,
    )


def test_the_penalty_term_and_gradient_use_the_given_weight_sum():
    """L = data + (α / (2P)) Σ‖W‖², ∇ = data ∇ + (α / P) W for P the penalty's
    weight sum, whatever the batch's own Σs (here 8.75)."""
    X, y = make_task("multiclass", n_samples=7)
    T = np.eye(3)[y]
    s = np.linspace(0.5, 2.0, len(X))
    units = [X.shape[1], 5, 3]
    data, penalised = _network(units, 0.0), _network(units, 3.0, 40.0)
    tanh, rng = (ACTIVATIONS["tanh"],), np.random.RandomState(0)
    theta = initial_parameters(data.layout, tanh, "glorot_uniform", rng, np.float64)
    ws = Workspace(units, len(X), np.float64)
    grad_data, grad = np.empty_like(theta), np.empty_like(theta)
    loss_data = loss_and_gradient(theta, grad_data, data, X, T, s, ws, clip=False)
    loss = loss_and_gradient(theta, grad, penalised, X, T, s, ws, clip=False)
    W, n_coef = data.layout.weights(theta), data.layout.n_coef
    assert loss - loss_data == pytest.approx(3.0 / 80.0 * np.sum(W**2), rel=1e-12)
    assert_allclose(grad[:n_coef] - grad_data[:n_coef], 3.0 / 40.0 * W, rtol=1e-12)
    assert_array_equal(grad[n_coef:], grad_data[n_coef:])


@pytest.mark.parametrize("value", ["dataset", "", None, 1])
def test_penalty_scaling_is_validated(value):
    X, y = make_task("binary")
    with pytest.raises(InvalidParameterError, match="'penalty_scaling' parameter"):
        ManualMLPClassifier(penalty_scaling=value).fit(X, y)
