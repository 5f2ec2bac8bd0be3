"""weight_init: the four schemes' distributions, scikit-learn's as the default,
and what He's scheme buys on a deep narrow relu network."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier
from skmanualnet._estimators.base import training_problem
from skmanualnet._nn.init import WEIGHT_INITS

from ._data import make_task

FAN_IN, FAN_OUT = 400, 100  # unequal, so that fan_in and fan_out cannot be swapped


def _initial(weight_init, activation="relu", hidden=(FAN_OUT,), seed=0):
    X, y = make_task("multiclass", n_samples=30, n_features=FAN_IN)
    model = ManualMLPClassifier(hidden, activation=activation,
                                weight_init=weight_init, random_state=seed)  # fmt: skip
    problem = training_problem(model, X, y)
    return problem.network.layout.unpack(problem.theta)


@pytest.mark.parametrize(
    "weight_init, variance, uniform_bound",
    [
        ("glorot_uniform", 2 / (FAN_IN + FAN_OUT), np.sqrt(6 / (FAN_IN + FAN_OUT))),
        ("glorot_normal", 2 / (FAN_IN + FAN_OUT), None),
        ("he_uniform", 2 / FAN_IN, np.sqrt(6 / FAN_IN)),
        ("he_normal", 2 / FAN_IN, None),
    ],
)
def test_each_scheme_draws_the_first_layer_as_documented(
    weight_init, variance, uniform_bound
):
    coefs, intercepts = _initial(weight_init)
    W = coefs[0]
    assert W.shape == (FAN_IN, FAN_OUT)
    assert abs(W.mean()) < 0.05 * np.sqrt(variance)
    assert W.var() == pytest.approx(variance, rel=0.03)  # 40 000 draws
    if uniform_bound is None:  # normal: tails beyond √3 σ, where uniform has none
        assert np.abs(W).max() > 1.2 * np.sqrt(3 * variance)
        kurtosis = np.mean(W**4) / W.var() ** 2
        assert kurtosis == pytest.approx(3.0, abs=0.15)
    else:
        assert np.abs(W).max() <= uniform_bound
        assert np.abs(W).max() > 0.99 * uniform_bound
    if weight_init == "glorot_uniform":  # scikit-learn's: biases drawn too
        assert np.abs(intercepts[0]).max() > 0.5 * uniform_bound
    else:
        assert_array_equal(intercepts[0], 0)


def test_glorot_uniform_takes_each_layers_logistic_factor():
    """f = 2 for a logistic layer, 6 otherwise; the output layer as the last
    hidden layer (as scikit-learn, for a single activation)."""
    coefs, _ = _initial("glorot_uniform", ("logistic", "relu"), hidden=(300, 200))
    for W, factor in zip(coefs, [2, 6, 6], strict=True):
        bound = np.sqrt(factor / sum(W.shape))
        assert bound * 0.99 < np.abs(W).max() <= bound
    coefs, _ = _initial("glorot_uniform", ("relu", "logistic"), hidden=(300, 200))
    for W, factor in zip(coefs, [6, 2, 2], strict=True):
        bound = np.sqrt(factor / sum(W.shape))
        assert bound * 0.99 < np.abs(W).max() <= bound


@pytest.mark.parametrize("weight_init", sorted(WEIGHT_INITS))
def test_one_seed_gives_one_network(weight_init):
    first = _initial(weight_init, seed=3)
    again = _initial(weight_init, seed=3)
    other = _initial(weight_init, seed=4)
    assert_array_equal(first[0][1], again[0][1])
    assert not np.array_equal(first[0][1], other[0][1])


def test_an_unknown_scheme_is_refused_with_the_allowed_ones():
    X, y = make_task("multiclass", n_samples=20)
    with pytest.raises(InvalidParameterError, match="'weight_init' parameter.*he_"):
        ManualMLPClassifier(weight_init="xavier").fit(X, y)


def _epochs_to(loss, weight_init, seed):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = ManualMLPClassifier(
        (64,) * 6, weight_init=weight_init, max_iter=12, tol=0,
        n_iter_no_change=100, random_state=seed,
    )  # fmt: skip
    curve = np.asarray(model.fit(X, y).loss_curve_)
    return int(np.argmax(curve <= loss)) + 1 if (curve <= loss).any() else np.inf


def test_he_reaches_a_training_loss_in_fewer_epochs_on_a_deep_relu_network():
    """6 × 64 relu on digits, default SGD: what plot_weight_init.py measures."""
    glorot = [_epochs_to(0.1, "glorot_uniform", seed) for seed in range(3)]
    he = [_epochs_to(0.1, "he_uniform", seed) for seed in range(3)]
    assert max(he) < min(glorot), (he, glorot)
