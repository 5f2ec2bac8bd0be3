"""Learning-rate schedules over the training progress p: cosine, flat_cosine,
cosine_restarts.

Each η(p) at points computed by hand; the optimizers' η at every batch step
of small fits (sgd and adam) against the formula with p = k / N; how
partial_fit and warm start carry the progress; early stopping, pickling.
"""

import math
import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._training import epochs
from skmanualnet._training.optimizers import SGD, Adam
from skmanualnet._training.schedules import (
    PROGRESS_SCHEDULES,
    TrainingProgress,
    cosine_rate,
    cosine_restarts_rate,
    flat_cosine_rate,
)

from ._data import make_task

# (p, η / η₀): cos(π/3) = ½ gives ¾, cos(π/2) = 0 gives ½, cos(2π/3) = −½ gives ¼
COSINE = [(0.0, 1.0), (1 / 3, 0.75), (0.5, 0.5), (2 / 3, 0.25), (1.0, 0.0)]
FLAT_COSINE = [(0.0, 1.0), (0.25, 1.0), (0.499, 1.0), (0.5, 1.0),
               (2 / 3, 0.75), (0.75, 0.5), (5 / 6, 0.25), (1.0, 0.0)]  # fmt: skip
# cycles of 1, 2, 4, 8 fifteenths: restarts at 1/15, 3/15, 7/15; the middle
# of each cycle (p = 1/30, 2/15, 5/15, 11/15) is at half the rate
COSINE_RESTARTS = [(0.0, 1.0), (1 / 30, 0.5), (1 / 15, 1.0), (2 / 15, 0.5),
                   (3 / 15, 1.0), (5 / 15, 0.5), (7 / 15, 1.0), (11 / 15, 0.5),
                   (1.0, 0.0)]  # fmt: skip


@pytest.mark.parametrize(
    "rate, points",
    [(cosine_rate, COSINE), (flat_cosine_rate, FLAT_COSINE),
     (cosine_restarts_rate, COSINE_RESTARTS)],
    ids=["cosine", "flat_cosine", "cosine_restarts"],
)  # fmt: skip
def test_rate_at_hand_computed_points(rate, points):
    for progress, share in points:
        assert rate(0.2, progress) == pytest.approx(0.2 * share, abs=1e-12), progress


def test_cosine_restarts_falls_to_zero_before_each_restart():
    for restart in (1 / 15, 3 / 15, 7 / 15):
        assert cosine_restarts_rate(1.0, restart - 1e-9) < 1e-12
        assert cosine_restarts_rate(1.0, restart) == pytest.approx(1.0)


def test_progress_counts_steps_over_the_call_and_carries_on():
    progress = TrainingProgress()
    assert progress.tick_progress() == 0.0  # before start_schedule: p₀
    progress.start_schedule(8, restart=True)
    assert [progress.tick_progress() for _ in range(4)] == [0, 0.125, 0.25, 0.375]
    progress.start_schedule(4, restart=False)  # a partial_fit: from p = 0.5 on
    assert [progress.tick_progress() for _ in range(5)] == [0.5, 0.75, 1, 1, 1]
    progress.start_schedule(8, restart=True)
    assert progress.tick_progress() == 0.0


@pytest.mark.parametrize("name", sorted(PROGRESS_SCHEDULES))
def test_sgd_steps_by_the_scheduled_rate(name):
    """With no momentum, step k moves θ by −η(p_k) W̄, p_k = k / N."""
    optimizer = SGD(3, np.float64, 0.3, name, 0.0, False, 0.5)
    optimizer.start_schedule(6, restart=True)
    grad, theta = np.array([1.0, -2.0, 0.5]), np.zeros(3)
    for k in range(6):
        before = theta.copy()
        optimizer.step(theta, grad.copy())
        rate = PROGRESS_SCHEDULES[name](0.3, k / 6)
        assert_allclose(theta - before, -rate * grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(PROGRESS_SCHEDULES))
def test_adam_step_size_is_the_scheduled_rate_bias_corrected(name):
    optimizer = Adam(3, np.float64, 0.3, 0.9, 0.999, 1e-8, schedule=name)
    optimizer.start_schedule(6, restart=True)
    theta = np.zeros(3)
    for k in range(1, 7):
        optimizer.step(theta, np.array([1.0, -2.0, 0.5]))
        rate = PROGRESS_SCHEDULES[name](0.3, (k - 1) / 6)
        assert optimizer.scheduled_learning_rate == pytest.approx(rate, abs=1e-15)
        corrected = rate * math.sqrt(1 - 0.999**k) / (1 - 0.9**k)
        assert optimizer.learning_rate == pytest.approx(corrected, abs=1e-15)


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_adam_keeps_a_constant_rate_for_sklearns_schedules(schedule):
    optimizer = Adam(3, np.float64, 0.3, 0.9, 0.999, 1e-8, schedule=schedule)
    optimizer.start_schedule(6, restart=True)
    for _ in range(3):
        optimizer.step(np.zeros(3), np.ones(3))
        assert optimizer.scheduled_learning_rate == 0.3


@pytest.fixture
def step_rates(monkeypatch):
    """The scheduled η of every batch step the epoch loop takes (on the
    reference or the fused kernels: both go through the training's step)."""
    rates = []
    make = epochs.batch_training

    def recording(network, optimizer, n_samples, settings):
        training = make(network, optimizer, n_samples, settings)
        step = training.step

        def recorded_step(theta, grad):
            step(theta, grad)
            rates.append(optimizer.scheduled_learning_rate)

        training.step = recorded_step
        return training

    monkeypatch.setattr(epochs, "batch_training", recording)
    return rates


def quiet_fit(model, X, y, call="fit", **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return getattr(model, call)(X, y, **kwargs)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(PROGRESS_SCHEDULES))
def test_fit_follows_the_schedule_at_every_batch(step_rates, name, solver):
    X, y = make_task("multiclass", n_samples=50)
    model = ManualMLPClassifier(hidden_layer_sizes=(4,), solver=solver,
                                learning_rate=name, learning_rate_init=0.02,
                                batch_size=16, max_iter=5, tol=0.0,
                                random_state=0)  # fmt: skip
    quiet_fit(model, X, y)
    n_steps = 5 * 4  # max_iter × ⌈50 / 16⌉ batches
    expected = [PROGRESS_SCHEDULES[name](0.02, k / n_steps) for k in range(n_steps)]
    assert_allclose(step_rates, expected, rtol=1e-12, atol=1e-15)


def test_partial_fit_carries_the_progress_over_max_iter_calls(step_rates):
    X, y = make_task("binary", n_samples=32)
    model = ManualMLPClassifier(hidden_layer_sizes=(4,), learning_rate="cosine",
                                learning_rate_init=0.02, batch_size=16,
                                max_iter=4, random_state=0)  # fmt: skip
    for _ in range(5):
        model.partial_fit(X, y, classes=[0, 1])
    # N = 4 calls × 2 batches: p = k / 8, then stays at 1 (η = 0)
    expected = [cosine_rate(0.02, min(k / 8, 1.0)) for k in range(10)]
    assert_allclose(step_rates, expected, rtol=1e-12, atol=1e-15)


def test_warm_start_runs_the_schedule_anew(step_rates):
    X, y = make_task("binary", n_samples=32)
    model = ManualMLPClassifier(hidden_layer_sizes=(4,), solver="adam",
                                learning_rate="flat_cosine", learning_rate_init=0.02,
                                batch_size=16, max_iter=3, tol=0.0, warm_start=True,
                                random_state=0)  # fmt: skip
    quiet_fit(model, X, y)
    quiet_fit(model, X, y)
    once = [flat_cosine_rate(0.02, k / 6) for k in range(6)]
    assert_allclose(step_rates, once + once, rtol=1e-12)
    assert model._optimizer.t == 12  # Adam's moments and step count carry on


def test_early_stopping_stops_inside_the_schedule():
    X, y = make_task("multiclass", n_samples=90)
    model = ManualMLPClassifier(hidden_layer_sizes=(8,), learning_rate="cosine",
                                early_stopping=True, n_iter_no_change=3,
                                max_iter=500, random_state=0)  # fmt: skip
    quiet_fit(model, X, y)
    assert model.n_iter_ < 500
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert 0 < model._optimizer.progress < 1


def test_a_pickled_model_carries_on_its_schedule(step_rates):
    X, y = make_task("binary", n_samples=32)
    model = ManualMLPRegressor(hidden_layer_sizes=(4,), learning_rate="cosine",
                               learning_rate_init=0.01, batch_size=16, max_iter=4,
                               random_state=0)  # fmt: skip
    model.partial_fit(X, y)
    copy = pickle.loads(pickle.dumps(model))
    copy.partial_fit(X, y)
    expected = [cosine_rate(0.01, k / 8) for k in range(4)]
    assert_allclose(step_rates, expected, rtol=1e-12)


def test_verbose_line_shows_the_scheduled_rate(capsys):
    X, y = make_task("binary", n_samples=32)
    model = ManualMLPClassifier(hidden_layer_sizes=(4,), learning_rate="cosine",
                                learning_rate_init=0.02, batch_size=32, max_iter=2,
                                verbose=True, random_state=0)  # fmt: skip
    quiet_fit(model, X, y)
    lines = capsys.readouterr().out.splitlines()
    # one step per epoch, at p = 0 and p = ½
    assert "learning rate = 0.02," in lines[0]
    assert "learning rate = 0.01," in lines[1]


@pytest.mark.parametrize("value", ["cosinus", "linear", None])
def test_learning_rate_is_validated(value):
    X, y = make_task("binary")
    with pytest.raises(InvalidParameterError, match="'learning_rate' parameter"):
        ManualMLPClassifier(learning_rate=value).fit(X, y)
