"""Decoupled weight decay: W ← W − η λ W after each optimizer step.

One step of a fit against the hand computation, for sgd and adam, on the dense
network and on a layer sequence (whose non-decaying groups are left alone);
λ = 0 is the step without decay; lbfgs refuses it.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor, trace_step
from skmanualnet._estimators.base import training_problem
from skmanualnet._training.optimizers import SGD, Adam, decoupled_decay
from skmanualnet._training.problem import full_batch_loss

from ._data import make_regression_task, make_task


def test_decoupled_decay_shrinks_by_eta_lambda():
    W = np.array([1.0, -2.0, 4.0])
    decoupled_decay(W, 0.1, 0.5, None)  # 1 − 0.1 · 0.5 = 0.95
    assert_allclose(W, [0.95, -1.9, 3.8], rtol=1e-15)
    W = np.array([1.0, -2.0])
    decoupled_decay(W, 0.1, 0.5, np.array([0.0, 2.0]))  # r = 0: kept; r = 2: 0.9
    assert_allclose(W, [1.0, -1.8], rtol=1e-15)


def adam_step_by_hand(theta, grad, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """Adam's first step from m = v = 0, written out: η_t m / (√v + ε)."""
    m, v = (1 - beta_1) * grad, (1 - beta_2) * grad**2
    lr_t = lr * np.sqrt(1 - beta_2) / (1 - beta_1)
    return theta - lr_t * m / (np.sqrt(v) + epsilon)


def one_step(solver, weight_decay, **params):
    """A fit of one full-batch step (alpha = 0, no momentum), its θ₀, the
    gradient at θ₀, and the fitted model."""
    X, y = make_task("multiclass", n_samples=24, seed=4)
    model = ManualMLPClassifier(
        hidden_layer_sizes=(5,), solver=solver, weight_decay=weight_decay,
        alpha=0.0, momentum=0.0, batch_size=24, max_iter=1, shuffle=False,
        learning_rate_init=0.1, random_state=0, **params,
    )  # fmt: skip
    problem = training_problem(model, X, y)
    theta = problem.theta.copy()
    grad = full_batch_loss(problem)(theta)[1].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model, problem, theta, grad


def fitted_theta(model, problem):
    """θ after the fit, in the problem's layout."""
    if model._theta is not None:
        return model._theta
    return problem.network.layout.pack(model.coefs_, model.intercepts_, np.float64)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_one_step_is_the_step_then_the_decay_of_the_weights(solver):
    model, problem, theta, grad = one_step(solver, weight_decay=0.3)
    stepped = (
        theta - 0.1 * grad if solver == "sgd" else adam_step_by_hand(theta, grad, 0.1)
    )
    n_W = problem.network.layout.n_coef
    expected = stepped.copy()
    expected[:n_W] *= 1 - 0.1 * 0.3  # η λ, with η = η₀ (not Adam's η_t)
    actual = fitted_theta(model, problem)
    assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)
    # the biases: no decay (a decay would move them by η λ = 3 %)
    assert_allclose(actual[n_W:], stepped[n_W:], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_one_step_decays_only_the_groups_that_decay(solver):
    """Layer norm's γ and β and the biases sit after the decaying weights."""
    model, problem, theta, grad = one_step(solver, 0.3, normalization="layer")
    layout = problem.network.layout
    n_W = layout.n_decayed
    assert 0 < n_W < theta.size
    step = (
        theta - 0.1 * grad if solver == "sgd" else adam_step_by_hand(theta, grad, 0.1)
    )
    expected = step.copy()
    expected[:n_W] *= 1 - 0.1 * 0.3 * layout.decay
    actual = fitted_theta(model, problem)
    assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)
    assert_allclose(actual[n_W:], step[n_W:], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_no_weight_decay_is_the_plain_step(solver):
    model, problem, theta, grad = one_step(solver, weight_decay=0.0)
    plain = (
        theta - 0.1 * grad if solver == "sgd" else adam_step_by_hand(theta, grad, 0.1)
    )
    assert_allclose(fitted_theta(model, problem), plain, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make", [
    lambda: SGD(7, np.float64, 0.1, "constant", 0.9, True, 0.5),
    lambda: Adam(7, np.float64, 0.1, 0.9, 0.999, 1e-8),
])  # fmt: skip
def test_zero_weight_decay_leaves_the_step_bit_for_bit(make):
    rng = np.random.default_rng(0)
    theta, grad = rng.standard_normal(7), rng.standard_normal(7)
    plain, decayed = make(), make()
    decayed.weight_decay, decayed.n_decayed = 0.0, 5
    a, b = theta.copy(), theta.copy()
    for _ in range(3):
        plain.step(a, grad.copy())
        decayed.step(b, grad.copy())
    assert_array_equal(a, b)
    assert not decayed.decay_weights(b)


def test_sgd_decay_follows_the_decayed_learning_rate():
    """The decay's η is the step's: invscaling lowers both."""
    optimizer = SGD(3, np.float64, 0.1, "invscaling", 0.0, False, 0.5)
    optimizer.weight_decay, optimizer.n_decayed = 0.5, 2
    optimizer.epoch_end(samples_seen=3)  # η = 0.1 / 4^0.5 = 0.05
    theta = np.array([1.0, 2.0, 3.0])
    optimizer.step(theta, np.zeros(3))
    assert_allclose(theta, [1 - 0.05 * 0.5, 2 * (1 - 0.05 * 0.5), 3.0], rtol=1e-15)


def test_weight_decay_shrinks_the_fitted_weights():
    X, y = make_regression_task("one-target", n_samples=60)
    norms = []
    for weight_decay in (0.0, 0.5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = ManualMLPRegressor(hidden_layer_sizes=(8,), solver="adam",
                                       learning_rate_init=0.01, max_iter=60,
                                       weight_decay=weight_decay,
                                       random_state=0).fit(X, y)  # fmt: skip
        norms.append(sum(np.sum(W**2) for W in model.coefs_))
    assert norms[1] < 0.8 * norms[0]


def test_lbfgs_refuses_weight_decay():
    X, y = make_task("binary")
    with pytest.raises(ValueError, match=r"weight_decay=0\.1 needs solver='sgd' or"):
        ManualMLPClassifier(solver="lbfgs", weight_decay=0.1).fit(X, y)
    ManualMLPClassifier(solver="lbfgs", weight_decay=0.0, max_iter=5).fit(X, y)


@pytest.mark.parametrize("value", [-0.1, "0.1", None])
def test_weight_decay_is_validated(value):
    X, y = make_regression_task("one-target", n_samples=20)
    with pytest.raises(InvalidParameterError, match="'weight_decay' parameter"):
        ManualMLPRegressor(weight_decay=value).fit(X, y)


def test_trace_shows_the_decay_and_steps_with_it():
    X, y = make_task("multiclass", n_samples=24, seed=4)
    params = dict(hidden_layer_sizes=(4,), solver="sgd", momentum=0.0, alpha=0.0,
                  learning_rate_init=0.1, random_state=0)  # fmt: skip
    plain = trace_step(ManualMLPClassifier(**params), X, y)
    decayed = trace_step(ManualMLPClassifier(weight_decay=0.5, **params), X, y)
    assert "λ" not in str(plain)
    assert "λ = 0.5" in str(decayed) and "then W ← W − η λ r ⊙ W" in str(decayed)
    for l in (1, 2):  # ΔW = −η W̄ − η λ (W − η W̄), Δb unchanged
        W_new = (decayed.W[l] - 0.1 * decayed.W_bar[l]) * (1 - 0.1 * 0.5)
        assert_allclose(decayed.W_update[l], W_new - decayed.W[l], rtol=1e-10)
        assert_allclose(decayed.b_update[l], plain.b_update[l], rtol=1e-12)
