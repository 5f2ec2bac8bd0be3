"""learning_rate_range_test: the sweep goes upwards, one optimizer carries its
state through it, it stops once the loss explodes, it never changes the
estimator it is given, and its suggestion trains digits."""

import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from skmanualnet import (
    LearningRateRangeTest,
    ManualMLPClassifier,
    ManualMLPRegressor,
    learning_rate_range_test,
    trace_step,
)
from skmanualnet._inspection.range_test import smoothed_losses, suggested_rate

from ._data import make_task

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    """Standardized digits, split into training and test rows."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _small(**params):
    X, y = make_task("multiclass", n_samples=120)
    params = {"batch_size": 30, "random_state": 0, **params}
    return X, y, ManualMLPClassifier((8,), **params)


def test_the_suggested_step_trains_digits_with_sgd(digits):
    X_train, X_test, y_train, y_test = digits
    model = ManualMLPClassifier((64,), solver="sgd", max_iter=20, random_state=0)
    result = learning_rate_range_test(model, X_train, y_train)
    assert isinstance(result, LearningRateRangeTest)
    assert isinstance(result.suggested_learning_rate, float)
    assert "falls fastest" in result.rule
    model.set_params(learning_rate_init=result.suggested_learning_rate)
    assert model.fit(X_train, y_train).score(X_test, y_test) >= 0.95
    assert model.n_iter_ == 20


def test_the_sweep_runs_upwards_from_the_untrained_network():
    # a full batch: the first loss is the loss at θ₀, whatever the row order
    X, y, model = _small(batch_size=120)
    result = learning_rate_range_test(model, X, y, start=1e-6, stop=30.0)
    rates = result.learning_rates_
    assert rates[0] == pytest.approx(1e-6)
    assert_allclose(rates[1:] / rates[:-1], (30.0 / 1e-6) ** (1 / 199))
    # η₀ = 1e-6 cannot move θ: the first steps are the loss at θ₀ ...
    initial = trace_step(model, X, y).loss
    assert_allclose(result.losses_[:5], initial, rtol=1e-4)
    # ... the loss falls far below it later, then the growing step blows it up
    assert result.smoothed_losses_.min() < 0.5 * initial
    assert np.argmin(result.smoothed_losses_) > 20
    assert result.stopped_early


def test_the_suggestion_is_read_on_the_falling_part_of_the_curve():
    rates = np.geomspace(1e-4, 1.0, 9)
    losses = np.array([2.0, 2.0, 1.9, 1.2, 0.6, 0.4, 0.35, 0.9, 3.0])
    assert suggested_rate(rates, losses, "minimum") == pytest.approx(rates[6] / 10)
    # the slope against log η is most negative around the 1.9 → 0.6 drop
    assert suggested_rate(rates, losses, "steepest") == pytest.approx(rates[3])


def test_the_smoothing_is_a_debiased_running_average():
    beta, losses = 0.5, [4.0, 2.0, 1.0]
    # m = 2, then 1 + 1 = 2, then 1 + 0.5 = 1.5; debiased by 1 − 0.5ᵏ
    assert_allclose(smoothed_losses(losses, beta), [4.0, 2 / 0.75, 1.5 / 0.875])
    assert_allclose(smoothed_losses(losses, 0.0), losses)


def test_one_optimizer_carries_its_momentum_through_the_sweep():
    # a fresh optimizer at each step would have no velocity to carry: every
    # step would be plain SGD's, and the two sweeps equal
    X, y, model = _small(nesterovs_momentum=False)
    plain = learning_rate_range_test(model.set_params(momentum=0.0), X, y,
                                     n_steps=30)  # fmt: skip
    heavy = learning_rate_range_test(model.set_params(momentum=0.9), X, y,
                                      n_steps=30)  # fmt: skip
    # the first update is the same (no velocity yet), the second is not
    assert_allclose(plain.losses_[:2], heavy.losses_[:2])
    assert not np.allclose(plain.losses_[2:], heavy.losses_[2:])


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_it_stops_once_the_loss_explodes(solver):
    X, y, model = _small(solver=solver)
    result = learning_rate_range_test(model, X, y, start=1e-4, stop=1e4)
    assert result.stopped_early
    assert result.learning_rates_.size < 200
    assert "stopped at η" in result.stop_reason
    assert np.isfinite(result.losses_).all()
    # it stopped at the first step whose smoothed loss passed 4 × the minimum
    smooth = result.smoothed_losses_
    assert (smooth <= 4 * np.minimum.accumulate(smooth)).all()
    assert "stopped at" in repr(result)


def test_a_sweep_that_never_explodes_runs_every_step():
    X, y, model = _small()
    result = learning_rate_range_test(model, X, y, start=1e-6, stop=1e-3,
                                      n_steps=40)  # fmt: skip
    assert not result.stopped_early and result.stop_reason is None
    assert result.learning_rates_.size == result.losses_.size == 40
    assert result.learning_rates_[-1] == pytest.approx(1e-3)


def test_the_estimator_given_is_never_changed():
    X, y, model = _small(solver="adam")
    params = model.get_params()
    learning_rate_range_test(model, X, y, n_steps=30)
    assert model.get_params() == params
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    fitted = clone(model).set_params(max_iter=3).fit(X, y)
    coefs = [W.copy() for W in fitted.coefs_]
    first = learning_rate_range_test(fitted, X, y, n_steps=30)
    assert all(np.array_equal(a, b) for a, b in zip(coefs, fitted.coefs_, strict=True))
    # a fitted estimator's sweep starts afresh, as its clone would
    again = learning_rate_range_test(model, X, y, n_steps=30)
    assert_allclose(first.losses_, again.losses_)


def test_a_pipeline_sweeps_its_final_estimator_on_the_transformed_data():
    X, y, model = _small()
    X = 100 * X + 7
    pipe = make_pipeline(StandardScaler(), model)
    result = learning_rate_range_test(pipe, X, y, n_steps=50)
    scaled = learning_rate_range_test(
        model, StandardScaler().fit_transform(X), y, n_steps=50
    )
    assert_allclose(result.losses_, scaled.losses_)
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe)


def test_a_regressor_and_layer_options_sweep_too():
    X, y = make_task("regression", n_samples=120)
    model = ManualMLPRegressor((8,), batch_size=30, dropout=0.1,
                               normalization="batch", random_state=0)  # fmt: skip
    result = learning_rate_range_test(model, X, y, n_steps=40)
    assert np.isfinite(result.losses_).all()
    assert result.smoothed_losses_.min() < 0.5 * result.losses_[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": 1.0, "stop": 0.1}, r"start must be smaller than stop.*start=1.0"),
        ({"start": 0.1, "stop": 0.1}, r"start must be smaller than stop"),
        ({"start": 0.0}, r"'start' parameter"),
        ({"n_steps": 5}, r"'n_steps' parameter .* range \[20, inf\)\. Got 5"),
        ({"rule": "valley"}, r"'rule' parameter .*Got 'valley'"),
        ({"smoothing": 1.0}, r"'smoothing' parameter"),
        ({"diverge_factor": 1.0}, r"'diverge_factor' parameter"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    X, y, model = _small()
    with pytest.raises(ValueError, match=message):
        learning_rate_range_test(model, X, y, **kwargs)


def test_lbfgs_is_refused_with_the_reason():
    X, y, model = _small(solver="lbfgs")
    with pytest.raises(ValueError, match=r"solver='lbfgs'.*Set solver='sgd'"):
        learning_rate_range_test(make_pipeline(StandardScaler(), model), X, y)


def test_something_else_than_our_mlp_is_refused():
    from sklearn.linear_model import SGDClassifier

    X, y, _ = _small()
    with pytest.raises(TypeError, match="skmanualnet MLP"):
        learning_rate_range_test(SGDClassifier(), X, y)


def test_it_plots_itself_in_display_style():
    X, y, model = _small()
    result = learning_rate_range_test(model, X, y, n_steps=40)
    assert result.plot(name="sweep") is result
    assert result.ax_.get_xscale() == "log" and result.ax_.get_title() == "sweep"
    assert_allclose(result.lines_["loss"].get_ydata(), result.losses_)
    assert_allclose(result.lines_["smoothed"].get_xdata(), result.learning_rates_)
    x = result.lines_["suggested"].get_xdata()
    assert_allclose(x, result.suggested_learning_rate)
    _, ax = plt.subplots()
    assert result.plot(ax=ax).figure_ is ax.figure
