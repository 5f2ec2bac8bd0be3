"""A divergence names its likely cause: alpha, the sample weights (through the
penalty α / Σs), the learning rate, or X or y on a large scale; measured from
the quantities at hand, never a blanket "smaller learning rate or scale X"."""

import re

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skmanualnet import DivergenceError, ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._training.divergence import Suspects, likely_cause

from ._data import make_regression_task, make_task
from .test_bad_input import names

X, Y = make_task("binary", n_samples=40)
N = len(X)


def _classifier(**params):
    params = {"hidden_layer_sizes": (4,), "max_iter": 5, "random_state": 0, **params}
    return ManualMLPClassifier(**params)


def _diverged(call):
    with pytest.raises(DivergenceError) as info:
        call()
    return str(info.value)


def _blames(message, *parts, spares=()):
    assert re.search(names(*parts), message), message
    for innocent in spares:
        assert not re.search(innocent, message), message


ALPHA = r"alpha=\S+ is too large"
WEIGHTS = "sample weights are too small"
LEARNING_RATE = "smaller learning_rate_init"
SCALE_X = "[Ss]cale X"
SCALE_Y = "[Ss]cale y"


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_a_huge_alpha_is_named(solver):
    alpha = 1e10 if solver == "sgd" else 1e300
    message = _diverged(lambda: _classifier(solver=solver, alpha=alpha).fit(X, Y))
    _blames(
        message,
        re.escape(f"alpha={alpha:g} is too large"),
        "Lower alpha",
        spares=(WEIGHTS, LEARNING_RATE, SCALE_X),
    )


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
@pytest.mark.parametrize(
    "weights",
    [
        dict(sample_weight=np.full(N, 1e-300)),
        dict(class_weight={0: 1e-310, 1: 1e-310}),  # subnormal
    ],
    ids=["tiny-sample-weight", "subnormal-class-weight"],
)
def test_tiny_weights_are_named_not_alpha(solver, weights):
    class_weight = weights.get("class_weight")
    sample_weight = weights.get("sample_weight")
    model = _classifier(solver=solver, class_weight=class_weight)
    message = _diverged(lambda: model.fit(X, Y, sample_weight=sample_weight))
    _blames(
        message,
        *(WEIGHTS, r"Σs, [\d.e+-]+ over \d+ rows", "sample_weight", "class_weight"),
        spares=(ALPHA, LEARNING_RATE, SCALE_X),
    )


def test_a_huge_learning_rate_on_standardized_X_is_named_alone():
    message = _diverged(lambda: _classifier(learning_rate_init=1e3).fit(X, Y))
    _blames(message, r"learning_rate_init \(it is 1000\)", spares=(ALPHA, SCALE_X))


def test_a_huge_learning_rate_is_not_blamed_on_a_small_alpha():
    # η α / Σs > 1 here, but the penalty's curvature α / Σs is tiny
    message = _diverged(lambda: _classifier(learning_rate_init=1e308).fit(X, Y))
    _blames(message, LEARNING_RATE, spares=(ALPHA, WEIGHTS))


def test_unscaled_X_is_named_with_its_scale():
    X_digits, y_digits = load_digits(return_X_y=True)
    model = ManualMLPClassifier(learning_rate_init=1e3, random_state=0)
    message = _diverged(lambda: model.fit(X_digits, y_digits))
    _blames(message, LEARNING_RATE, r"scale X \(its root mean square is 7\.\d")


def test_targets_on_a_large_scale_are_named_not_X():
    XR, yR = make_regression_task("one-target", n_samples=40)
    model = ManualMLPRegressor((4,), learning_rate_init=0.01, max_iter=5)
    message = _diverged(lambda: model.fit(XR, 1e6 * yR))
    _blames(message, SCALE_Y, "TransformedTargetRegressor", spares=(SCALE_X, ALPHA))


# likely_cause itself, on measured quantities


def _suspects(**changes):
    base = dict(alpha=1e-4, weight_sum=200.0, n_rows=200, input_rms=1.0)
    return Suspects(**{**base, "target_rms": 0.5, "learning_rate": 0.05, **changes})


@pytest.mark.parametrize(
    "changes, culprit",
    [
        ({}, LEARNING_RATE),
        ({"alpha": 1e4}, ALPHA),  # η α / Σs = 2.5, α / Σs = 50
        ({"alpha": 1e4, "learning_rate": 0.01}, LEARNING_RATE),  # η α / Σs = 0.5
        ({"weight_sum": 1e-6}, WEIGHTS),  # α / Σs = 100 only by the small Σs
        ({"alpha": 1e4, "weight_sum": 1e-6}, ALPHA),  # too large at Σs = 200 too
        ({"alpha": 1e4, "input_rms": 100.0}, LEARNING_RATE),  # data stiffer
        ({"input_rms": 10.0}, SCALE_X),
        ({"target_rms": 10.0, "input_rms": 5.0}, SCALE_Y),
    ],
)
def test_the_cause_is_read_off_the_quantities(changes, culprit):
    assert re.search(culprit, likely_cause(_suspects(**changes)))


@pytest.mark.parametrize(
    "penalty, data_loss, culprit",
    [(1e5, 0.7, ALPHA), (10.0, 0.7, SCALE_X), (1e5, 1e3, SCALE_X)],
)
def test_lbfgs_blames_a_penalty_term_far_above_the_data_term(
    penalty, data_loss, culprit
):
    suspects = _suspects(learning_rate=None, penalty=penalty, data_loss=data_loss)
    assert re.search(culprit, likely_cause(suspects))
