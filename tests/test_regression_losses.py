"""The regression heads: their error signals against finite differences and
the Jacobian path, their trivial predictors, and what each loss estimates."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skmanualnet import ManualMLPRegressor, check_gradients
from skmanualnet._heads.heads import regression_head

from ._data import make_regression_task

LOSSES = ["squared_error", "poisson", "absolute_error", "huber", "quantile"]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ["tanh", "logistic"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradients_match_finite_differences(loss, activation, weighted):
    """Away from the kinks: with random weights no residual sits at 0 or ±δ."""
    task = "counts" if loss == "poisson" else "two-targets"
    X, y = make_regression_task(task, n_samples=12, seed=1)
    sw = np.random.RandomState(2).uniform(0.2, 3, size=len(X)) if weighted else None
    model = ManualMLPRegressor(
        (5, 4), activation=activation, alpha=0.2, loss=loss, huber_delta=0.7,
        quantile=0.3, random_state=0,
    )  # fmt: skip
    errors = check_gradients(model, X, y, sample_weight=sw)
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6, errors


def _outputs(rng, loss, shape):
    y = rng.uniform(0.2, 3.0, shape) if loss == "poisson" else rng.normal(0, 2, shape)
    T = (
        rng.poisson(1.5, shape).astype(float)
        if loss == "poisson"
        else y + rng.normal(0, 2, shape)
    )
    return y, T


@pytest.mark.parametrize("loss", LOSSES)
def test_fused_error_equals_the_jacobian_path_and_the_loss_derivative(loss):
    rng = np.random.default_rng(0)
    head = regression_head(loss, huber_delta=0.8, quantile=0.3)
    y, T = _outputs(rng, loss, (40, 2))
    w = rng.uniform(0.1, 1, (40, 1))
    z = np.log(y) if loss == "poisson" else y.copy()
    fused = head.error(y, T, w, out=np.empty_like(y))
    by_jacobian = head.jacobian_error(head.jacobian(y), head.y_bar(y, T, w))
    assert_allclose(fused, by_jacobian, rtol=1e-12, atol=1e-15)
    eps = 1e-6  # ∂L/∂z by central differences, entry by entry
    numeric = np.empty_like(z)
    for index in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (_loss(head, up, T, w) - _loss(head, down, T, w)) / (2 * eps)
    assert_allclose(fused, numeric, rtol=1e-6, atol=1e-8)


def _loss(head, z, T, w):
    return head.loss(z, T, w, np.empty_like(z), np.empty_like(z))[0]


#: the constant each head's trivial predictor predicts, as a quantile level of
#: the (weighted) targets; None for the weighted mean
TRIVIAL = {"squared_error": None, "poisson": None, "absolute_error": 0.5,
           "huber": 0.5, "quantile": 0.3}  # fmt: skip


@pytest.mark.parametrize("loss", LOSSES)
def test_the_trivial_predictor_is_the_named_constant_and_the_best_one(loss):
    rng = np.random.default_rng(1)
    head = regression_head(loss, huber_delta=0.8, quantile=0.3)
    _, T = _outputs(rng, loss, (61, 2))
    s = rng.integers(1, 4, 61).astype(float)  # integer weights: rows repeated
    level = TRIVIAL[loss]
    if level is None:
        constant = np.average(T, axis=0, weights=s)
    else:
        repeated = np.repeat(T, s.astype(int), axis=0)
        constant = np.quantile(repeated, level, axis=0, method="inverted_cdf")
    w = (s / s.sum())[:, None]

    def loss_of(c):
        z = np.log(c) if loss == "poisson" else c
        return _loss(head, np.broadcast_to(z, T.shape).copy(), T, w)

    prior = head.prior_loss(T, s)
    assert prior == pytest.approx(loss_of(constant), rel=1e-12)
    if loss != "huber":  # the median is near, not at, Huber's best constant
        for shift in (-0.2, -0.01, 0.01, 0.2):
            assert loss_of(constant + shift) >= prior - 1e-12


def test_a_quantile_fit_covers_its_quantile_on_held_out_rows():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (3000, 1))
    y = np.sin(X[:, 0]) + rng.normal(0, 0.5, 3000) * (1 + 0.3 * np.abs(X[:, 0]))
    coverage = []
    for q in (0.1, 0.9):
        model = ManualMLPRegressor(
            (32,), loss="quantile", quantile=q, max_iter=150, random_state=0
        ).fit(X[:2000], y[:2000])
        coverage.append(np.mean(y[2000:] <= model.predict(X[2000:])))
    assert coverage[0] == pytest.approx(0.1, abs=0.04)
    assert coverage[1] == pytest.approx(0.9, abs=0.04)


def test_absolute_error_estimates_the_median_and_is_robust_to_outliers():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (1500, 1))
    y = X[:, 0] + rng.normal(0, 0.2, 1500)
    y[::10] += 50  # one row in ten far above
    kwargs = dict(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    median = ManualMLPRegressor(loss="absolute_error", **kwargs).fit(X, y)
    huber = ManualMLPRegressor(loss="huber", **kwargs).fit(X, y)
    grid = np.linspace(-1.5, 1.5, 7)[:, None]
    assert_allclose(median.predict(grid), grid[:, 0], atol=0.3)
    assert_allclose(huber.predict(grid), grid[:, 0], atol=0.5)
    squared = ManualMLPRegressor(**kwargs).fit(X, y)
    assert np.abs(squared.predict(grid) - grid[:, 0]).mean() > 2


def test_poisson_refuses_negative_targets():
    X, y = make_regression_task("one-target")
    with pytest.raises(ValueError, match=r"loss='poisson' needs y >= 0"):
        ManualMLPRegressor(loss="poisson").fit(X, y)
