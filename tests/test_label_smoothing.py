"""Label smoothing: the classifier trains on t̃ = (1 − ε) t + ε / K.

The smoothed targets by hand, the fused error signal z̄ = y − t̃ against the
Jacobian path (rows of t̃ sum to 1), finite differences of the smoothed loss,
the held-out rows measured against the true labels, and what a smoothed fit
does to the probabilities.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import log_softmax
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier, check_gradients
from skmanualnet._estimators.base import training_problem
from skmanualnet._heads.heads import HEADS
from skmanualnet._training.problem import (
    full_batch_loss,
    split_validation,
    with_label_smoothing,
)

from ._data import make_task


def one_hot(y, n_classes):
    """tᵢₖ = [yᵢ = k], written out without the package's encoder."""
    T = np.zeros((len(y), n_classes))
    T[np.arange(len(y)), y] = 1.0
    return T


def test_softmax_targets_are_smoothed_over_the_classes():
    T = one_hot(np.array([2, 0]), 3).astype(np.uint8)
    smoothed = HEADS["softmax"].smoothed_targets(T, 0.3, np.float64)
    # (1 − 0.3) · 1 + 0.3 / 3 = 0.8 and (1 − 0.3) · 0 + 0.3 / 3 = 0.1
    assert_allclose(smoothed, [[0.1, 0.1, 0.8], [0.8, 0.1, 0.1]], rtol=1e-15)
    assert_allclose(smoothed.sum(axis=1), 1.0, rtol=1e-15)
    assert smoothed.dtype == np.float64


def test_sigmoid_targets_are_smoothed_over_a_label_and_its_complement():
    T = np.array([[1, 0], [0, 1]], dtype=np.uint8)  # two labels (multilabel)
    smoothed = HEADS["logistic"].smoothed_targets(T, 0.2, np.float32)
    # (1 − 0.2) · 1 + 0.2 / 2 = 0.9 and 0.2 / 2 = 0.1: K = 2, not the 2 labels
    assert_allclose(smoothed, [[0.9, 0.1], [0.1, 0.9]], rtol=1e-7)
    assert smoothed.dtype == np.float32


@pytest.mark.parametrize("name", ["softmax", "logistic"])
def test_fused_error_is_the_jacobian_path_for_smoothed_targets(name):
    """z̄ = Jᵀȳ collapses to w (y − t̃): Σₖ t̃ₖ = 1 (softmax), σ′ cancels (sigmoid)."""
    head, rng = HEADS[name], np.random.default_rng(0)
    z = rng.standard_normal((5, 3))
    T = one_hot(rng.integers(0, 3, 5), 3)
    smoothed = head.smoothed_targets(T, 0.25, np.float64)
    w = np.full((5, 1), 1 / 5)
    y = head.link(z.copy(), out=np.empty_like(z))
    fused = head.error(y, smoothed, w, out=np.empty_like(z))
    general = head.jacobian_error(head.jacobian(y), head.y_bar(y, smoothed, w))
    assert_allclose(fused, general, rtol=1e-12, atol=1e-15)
    K = 3 if name == "softmax" else 2
    hand = (y - (0.75 * T + 0.25 / K)) / 5
    assert_allclose(fused, hand, rtol=1e-12, atol=1e-15)


def test_problem_trains_on_smoothed_targets_of_the_labels():
    X, y = make_task("multiclass", n_samples=30)
    problem = training_problem(ManualMLPClassifier(label_smoothing=0.3), X, y)
    assert_allclose(problem.T, 0.7 * one_hot(y, 3) + 0.1, rtol=1e-15)
    assert_array_equal(problem.T_true, one_hot(y, 3))


def test_no_smoothing_leaves_the_problem_as_it_was():
    X, y = make_task("multiclass", n_samples=30)
    problem = training_problem(ManualMLPClassifier(hidden_layer_sizes=(4,)), X, y)
    assert with_label_smoothing(problem, 0.0) is problem
    assert problem.T.dtype == np.uint8 and problem.T_true is None


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_smoothed_loss_gradient_matches_finite_differences(task):
    X, y = make_task(task, n_samples=20)
    model = ManualMLPClassifier(hidden_layer_sizes=(5,), label_smoothing=0.2,
                                random_state=0)  # fmt: skip
    errors = check_gradients(model, X, y)
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6


def test_smoothed_loss_is_the_cross_entropy_against_smoothed_targets():
    X, y = make_task("multiclass", n_samples=20)
    model = ManualMLPClassifier(hidden_layer_sizes=(5,), label_smoothing=0.2,
                                alpha=0.0, random_state=0)  # fmt: skip
    problem = training_problem(model, X, y)
    loss = full_batch_loss(problem, clip=False)(problem.theta)[0]
    z = problem.network.logits(problem.X, problem.theta)
    smoothed = 0.8 * one_hot(y, 3) + 0.2 / 3
    hand = -np.mean(np.sum(smoothed * log_softmax(z, axis=1), axis=1))
    assert loss == pytest.approx(hand, rel=1e-12)


def test_held_out_rows_are_measured_against_the_true_labels():
    X, y = make_task("multiclass", n_samples=40)
    model = ManualMLPClassifier(hidden_layer_sizes=(5,), label_smoothing=0.3)
    problem = training_problem(model, X, y)
    (_, T, _), validation = split_validation(
        problem, 0.25, np.random.RandomState(0), y, lambda z, y, s: 0.0
    )
    assert_array_equal(validation.T, one_hot(validation.y, 3))
    assert_allclose(np.unique(T), [0.1, 0.8], rtol=1e-15)  # 0.7 · t + 0.1


def test_validation_loss_is_the_log_loss_of_the_true_labels():
    X, y = make_task("multiclass", n_samples=60, seed=2)
    model = ManualMLPClassifier(
        hidden_layer_sizes=(5,), label_smoothing=0.3, early_stopping=True,
        early_stopping_metric="loss", validation_fraction=0.25, max_iter=8,
        random_state=0,
    )  # fmt: skip
    # the held-out split the fit draws: the same random_state, past θ₀
    problem = training_problem(clone(model), X, y)
    _, validation = split_validation(problem, 0.25, problem.random_state, y, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    expected = log_loss(validation.y, model.predict_proba(validation.X))
    assert model.best_validation_loss_ == pytest.approx(expected, rel=1e-9)
    assert min(model.loss_curve_) > 0.3  # the smoothed loss stays above H(t̃)


def fitted(label_smoothing):
    X, y = make_task("multiclass", n_samples=60, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ManualMLPClassifier(hidden_layer_sizes=(10,), max_iter=300,
                                    solver="adam", learning_rate_init=0.02,
                                    label_smoothing=label_smoothing,
                                    random_state=0).fit(X, y)  # fmt: skip
    return model, model.predict_proba(X).max(axis=1)


def test_smoothing_makes_the_fitted_probabilities_less_confident():
    plain, plain_confidence = fitted(0.0)
    smoothed, confidence = fitted(0.3)
    assert plain_confidence.mean() > 0.97  # separable: the plain fit is sure
    # the smoothed loss is least at y = t̃: 0.7 + 0.1 = 0.8 on the true class
    assert confidence.mean() < 0.85
    assert smoothed.score(*make_task("multiclass", 60, seed=1)) == 1.0


def test_entropy_floor_of_the_smoothed_loss():
    """The smoothed loss is at least H(t̃) = −0.8 log 0.8 − 2 · 0.1 log 0.1."""
    smoothed, _ = fitted(0.3)
    floor = -(0.8 * np.log(0.8) + 2 * 0.1 * np.log(0.1))
    assert floor <= smoothed.loss_ < floor + 0.05


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.5, "0.1"])
def test_label_smoothing_is_validated(value):
    X, y = make_task("binary")
    with pytest.raises(InvalidParameterError, match="'label_smoothing' parameter"):
        ManualMLPClassifier(label_smoothing=value).fit(X, y)


def test_lbfgs_fits_the_smoothed_targets_of_a_sigmoid_head():
    """A network that can fit every row converges to y = t̃: 1 − ε + ε/2 on the
    true class of binary y (K = 2), for ε = 0.3 0.85."""
    X, y = make_task("binary", n_samples=60, seed=1)
    model = ManualMLPClassifier((20,), solver="lbfgs", alpha=0.0, tol=1e-10,
                                max_iter=2000, label_smoothing=0.3,
                                random_state=0).fit(X, y)  # fmt: skip
    true_class = model.predict_proba(X)[np.arange(len(y)), y]
    assert_allclose(true_class, 0.85, atol=0.01)
