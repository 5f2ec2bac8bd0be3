"""Side by side with scikit-learn's MLPRegressor: same data, same seed, same model.

Tolerances (relative to the largest entry of each array): 1e-8 in float64 for
sgd and adam (only the rounding of mathematically equal expressions differs),
1e-4 in float32 and for lbfgs, whose line search amplifies last-bit
differences of the gradient.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skmanualnet import ManualMLPRegressor, check_gradients

from ._data import make_regression_task

BASE = dict(
    hidden_layer_sizes=(7,),
    solver="sgd",
    learning_rate_init=0.01,
    max_iter=25,
    batch_size=32,
    random_state=0,
)

# name: (task, parameters on top of BASE, options: weighted / float32 / sparse)
CONFIGS = {
    "sgd-plain": ("one-target", dict(momentum=0.0), {}),
    "sgd-momentum": ("one-target", dict(nesterovs_momentum=False), {}),
    "sgd-nesterov": ("one-target", {}, {}),
    "sgd-invscaling": (
        "one-target",
        dict(learning_rate="invscaling", learning_rate_init=0.1),
        {},
    ),
    "sgd-adaptive": (
        "one-target",
        dict(learning_rate="adaptive", tol=0.05, n_iter_no_change=1),
        {},
    ),
    "sgd-stops-on-tol": ("one-target", dict(tol=0.01, n_iter_no_change=2), {}),
    "relu": ("one-target", dict(activation="relu"), {}),
    "tanh": ("one-target", dict(activation="tanh"), {}),
    "logistic": ("one-target", dict(activation="logistic"), {}),
    "identity": ("one-target", dict(activation="identity"), {}),
    "two-hidden-layers": ("one-target", dict(hidden_layer_sizes=(6, 5)), {}),
    "three-hidden-layers-tanh": (
        "two-targets",
        dict(hidden_layer_sizes=(6, 5, 4), activation="tanh"),
        {},
    ),
    "two-targets": ("two-targets", {}, {}),
    "two-targets-weighted": ("two-targets", {}, dict(weighted=True)),
    "weighted": ("one-target", {}, dict(weighted=True)),
    "large-alpha": ("one-target", dict(alpha=1.0), {}),
    "batch-auto": ("one-target", dict(batch_size="auto"), {}),
    "batch-of-one": (
        "one-target",
        dict(batch_size=1, max_iter=3, learning_rate_init=0.001),
        {},
    ),
    "no-shuffle": ("one-target", dict(shuffle=False), {}),
    "early-stopping": ("one-target", dict(early_stopping=True, max_iter=60), {}),
    "early-stopping-weighted": (
        "one-target",
        dict(early_stopping=True, validation_fraction=0.2),
        dict(weighted=True),
    ),
    "early-stopping-two-targets": (
        "two-targets",
        dict(early_stopping=True, max_iter=60),
        {},
    ),
    "sparse": ("one-target", {}, dict(sparse=True)),
    "float32-sgd": ("one-target", {}, dict(float32=True)),
    "float32-adam": ("two-targets", dict(solver="adam"), dict(float32=True)),
    "adam": ("one-target", dict(solver="adam"), {}),
    "adam-two-targets": ("two-targets", dict(solver="adam"), {}),
    "adam-betas": (
        "one-target",
        dict(solver="adam", beta_1=0.8, beta_2=0.99, epsilon=1e-6),
        {},
    ),
    "lbfgs": ("one-target", dict(solver="lbfgs", max_iter=50), {}),
    "lbfgs-tanh-weighted": (
        "one-target",
        dict(solver="lbfgs", activation="tanh", max_iter=50),
        dict(weighted=True),
    ),
    "poisson-sgd": ("counts", dict(loss="poisson"), {}),
    "poisson-adam": ("counts", dict(loss="poisson", solver="adam"), {}),
    "poisson-lbfgs": ("counts", dict(loss="poisson", solver="lbfgs", max_iter=50), {}),
    "poisson-weighted": ("counts", dict(loss="poisson"), dict(weighted=True)),
}


def _fit_both(task, params, weighted=False, float32=False, sparse=False):
    X, y = make_regression_task(task, seed=3)
    if float32:
        X = X.astype(np.float32)
    if sparse:
        from scipy.sparse import csr_matrix

        X = csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    sw = np.random.RandomState(5).uniform(0.2, 3.0, len(y)) if weighted else None
    params = {**BASE, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ManualMLPRegressor(**params).fit(X, y, sample_weight=sw)
        theirs = MLPRegressor(**params).fit(X, y, sample_weight=sw)
    return X, y, ours, theirs


def _rtol(params, float32):
    return 1e-4 if float32 or params.get("solver") == "lbfgs" else 1e-8


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_same_model_as_sklearn(name):
    task, params, options = CONFIGS[name]
    X, y, ours, theirs = _fit_both(task, params, **options)
    rtol = _rtol(params, options.get("float32", False))
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert a.dtype == X.dtype
        assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    scale = np.abs(theirs.predict(X)).max()
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=rtol, atol=rtol * scale)
    assert ours.predict(X).shape == theirs.predict(X).shape == y.shape
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert ours.out_activation_ == theirs.out_activation_
    n_targets = 1 if y.ndim == 1 else y.shape[1]
    if n_targets == 1:  # several targets: the reported loss differs on purpose
        assert ours.loss_ == pytest.approx(theirs.loss_, rel=rtol)
    if params.get("solver") != "lbfgs" and n_targets == 1:
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=rtol)
    if params.get("early_stopping"):
        assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=rtol)
        assert ours.best_validation_score_ == pytest.approx(
            theirs.best_validation_score_, rel=rtol
        )


def test_the_suite_covers_what_it_claims():
    assert len(CONFIGS) >= 30
    solvers = {p.get("solver", "sgd") for _, p, _ in CONFIGS.values()}
    activations = {p.get("activation", "relu") for _, p, _ in CONFIGS.values()}
    losses = {p.get("loss", "squared_error") for _, p, _ in CONFIGS.values()}
    assert solvers == {"sgd", "adam", "lbfgs"}
    assert activations == {"relu", "tanh", "logistic", "identity"}
    assert losses == {"squared_error", "poisson"}


def test_difference_several_targets_report_the_loss_whose_gradient_is_used():
    """sklearn reports the squared error averaged over the outputs, while its
    gradient is that of their sum; ours reports the sum. The models are the
    same; without a penalty, our loss is sklearn's times the number of targets,
    epoch by epoch."""
    X, y, ours, theirs = _fit_both("two-targets", dict(alpha=0.0))
    assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-8)
    assert_allclose(ours.loss_curve_, 2 * np.array(theirs.loss_curve_), rtol=1e-8)


def test_the_lbfgs_loss_of_several_targets_is_the_one_differentiated():
    X, y = make_regression_task("two-targets", n_samples=20, seed=3)
    model = ManualMLPRegressor((4,), solver="lbfgs", alpha=0.1, random_state=0)
    errors = check_gradients(model, X, y)
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6
