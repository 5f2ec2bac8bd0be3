"""y with a single class: fitted as scikit-learn's MLPClassifier fits it.

sklearn's MLPClassifier binarizes one class into a single all-zero target
column, trains one logistic output towards it, and predicts that class for
every row. We fit the same network (same weights, loss curve, epochs, side by
side below) and make the rest coherent with ``classes_``: ``predict_proba`` has
one column, of ones (sklearn returns two columns, the second for a class that
is not in ``classes_``; ``test_difference_one_class_probabilities_are_one_column``
in test_parity_sklearn.py), ``predict_log_proba`` one column of zeros, and
``decision_function`` the output logit the network was trained on.
"""

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skmanualnet import ManualMLPClassifier, check_gradients, trace_step
from skmanualnet._heads.losses import prior_binary_cross_entropy, prior_cross_entropy

from ._data import make_task

PARAMS = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)


def _one_class(label=3, n_samples=30):
    X, _ = make_task("binary", n_samples=n_samples, seed=1)
    return X, np.full(n_samples, label)


def _fit_both(X, y, **params):
    params = {**PARAMS, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ManualMLPClassifier(**params).fit(X, y)
        theirs = MLPClassifier(**params).fit(X, y)
    return ours, theirs


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", learning_rate_init=0.05),
        dict(solver="adam", learning_rate_init=0.01),
        dict(solver="lbfgs"),
        dict(solver="sgd", learning_rate_init=0.05, early_stopping=True),
    ],
    ids=["sgd", "adam", "lbfgs", "early-stopping"],
)
def test_same_network_as_sklearn(params):
    X, y = _one_class()
    ours, theirs = _fit_both(X, y, **params)
    assert_array_equal(ours.classes_, theirs.classes_)
    assert (ours.n_outputs_, ours.out_activation_) == (1, "logistic")
    assert (theirs.n_outputs_, theirs.out_activation_) == (1, "logistic")
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert_allclose(a, b, rtol=1e-6, atol=1e-6 * np.abs(b).max())
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)
    if params["solver"] != "lbfgs":
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-6)
    if params.get("early_stopping"):
        assert ours.validation_scores_ == theirs.validation_scores_
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_array_equal(ours.predict(X), y)


@pytest.mark.parametrize("label", [3, "only", 4.0])
def test_predictions_are_coherent_with_classes_(label):
    X, y = _one_class(label)
    model = ManualMLPClassifier(**PARAMS).fit(X, y)
    X_new = 10 * np.random.RandomState(0).standard_normal((7, X.shape[1]))
    assert_array_equal(model.classes_, [label])
    assert_array_equal(model.predict(X_new), np.full(7, label, dtype=object))
    proba = model.predict_proba(X_new)
    assert proba.shape == (7, 1) and proba.dtype == X.dtype
    assert_array_equal(proba, 1.0)
    assert_array_equal(model.predict_log_proba(X_new), np.zeros((7, 1)))
    assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X_new))
    # the logit of the single output, trained towards its all-zero target
    (W1, W2), (b1, b2) = model.coefs_, model.intercepts_
    z = np.maximum(X_new @ W1 + b1, 0) @ W2 + b2
    assert_allclose(model.decision_function(X_new), z.ravel(), rtol=1e-12)
    assert model.score(X, y) == 1.0


def test_the_output_is_trained_towards_the_zero_target():
    X, y = _one_class()
    short = ManualMLPClassifier(**{**PARAMS, "max_iter": 2}).fit(X, y)
    long = ManualMLPClassifier(**{**PARAMS, "max_iter": 60}).fit(X, y)
    assert long.loss_ < short.loss_
    assert long.decision_function(X).max() < short.decision_function(X).max()


def test_partial_fit_with_one_class_in_classes_matches_sklearn():
    X, y = _one_class(label=7)
    params = {**PARAMS, "solver": "sgd", "learning_rate_init": 0.05}
    ours = ManualMLPClassifier(**params)
    theirs = MLPClassifier(**params)
    for chunk in (slice(0, 15), slice(15, 30)):
        ours.partial_fit(X[chunk], y[chunk], classes=[7])
        theirs.partial_fit(X[chunk], y[chunk], classes=[7])
    assert_array_equal(ours.classes_, [7])
    assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-9, atol=1e-12)
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    assert_array_equal(ours.predict_proba(X), np.ones((30, 1)))
    # a class outside classes=[7] is refused, as sklearn refuses it
    with pytest.raises(ValueError, match=r"y has classes \[8\] .* classes_ \[7\]"):
        ours.partial_fit(X, np.r_[y[:20], np.full(10, 8)])


def test_a_warm_fit_keeps_to_the_one_class():
    X, y = _one_class(label=0)
    model = ManualMLPClassifier(**PARAMS, warm_start=True).fit(X, y)
    model.fit(X, y)  # the same class: continues
    assert len(model.loss_curve_) > model.n_iter_
    with pytest.raises(ValueError, match=r"same classes as the previous fit, \[0\]"):
        model.fit(X, np.arange(30) % 2)


def test_a_refit_on_two_classes_starts_afresh():
    X, y = _one_class(label=1)
    model = ManualMLPClassifier(**PARAMS).fit(X, y)
    model.fit(X, np.arange(30) % 2)
    assert_array_equal(model.classes_, [0, 1])
    assert model.predict_proba(X).shape == (30, 2)


def test_one_sample_fits():
    X, y = _one_class(label=5)
    model = ManualMLPClassifier(**PARAMS).fit(X[:1], y[:1])
    assert_array_equal(model.predict(X), y)


def test_trace_and_gradient_check_of_one_class():
    X, y = _one_class(label=2)
    model = ManualMLPClassifier((4,), random_state=0)
    trace = trace_step(model, X[:3], y[:3])
    assert trace.y.shape == (3, 1)
    assert_array_equal(trace.T, np.zeros((3, 1)))
    errors = check_gradients(model, X[:5], y[:5])
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6
    assert not hasattr(model, "coefs_")


def test_a_blown_up_fit_warns_of_the_one_class_without_a_negative_zero():
    # a strong penalty on unscaled pixels: the loss ends above 1, its bound
    X, _ = load_digits(return_X_y=True)
    y = np.zeros(len(X), dtype=int)
    model = ManualMLPClassifier(
        learning_rate_init=0.01, alpha=10.0, max_iter=3, random_state=0
    )
    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X, y)
    (message,) = [str(w.message) for w in record if "far above" in str(w.message)]
    assert "-0" not in message
    assert "far above 0, the loss of always predicting the one class:" in message


@pytest.mark.parametrize("column", [0, 1])
def test_the_loss_of_predicting_a_constant_label_is_positive_zero(column):
    T = np.full((4, 1), column)
    assert math.copysign(1.0, prior_binary_cross_entropy(T, None)) == 1.0
    assert math.copysign(1.0, prior_cross_entropy(np.eye(3)[[1, 1]], None)) == 1.0
