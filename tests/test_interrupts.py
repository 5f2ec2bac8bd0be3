"""Ctrl-C in fit and partial_fit: a model that was trained so far, or no change.

The promise (user guide, "Interrupting a fit"): a KeyboardInterrupt during the
training steps of ``fit`` (the epochs, or the L-BFGS iterations) once at least
one step has completed stops training with a warning and keeps a consistent
model; anywhere else in ``fit``, and anywhere in ``partial_fit``, it reaches the
caller with the estimator exactly as it was before the call.

Interrupts are simulated deterministically: a patched function raises
KeyboardInterrupt at its n-th call, or a trace function raises it at the n-th
line of the package's code that a call runs (no real signals).
"""

import copy
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning

import skmanualnet
import skmanualnet._estimators.base as base
import skmanualnet._estimators.optimizer_setup as optimizer_setup
import skmanualnet._training.epochs as epochs
import skmanualnet._training.lbfgs as lbfgs
from skmanualnet import ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._estimators.base import training_problem
from skmanualnet._training.problem import full_batch_loss

from ._data import make_regression_task, make_task
from ._state import assert_same_state, assert_same_weights, snapshot

INTERRUPTED = "Training interrupted by user"
PACKAGE = str(Path(skmanualnet.__file__).parent)


class _Countdown:
    """Raises KeyboardInterrupt at its n-th tick."""

    def __init__(self, n):
        self.left = n

    def tick(self):
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def _raise_at(n, function, countdown=None):
    """``function``, except that its n-th call raises KeyboardInterrupt (the
    n-th tick of ``countdown``, when given, shared with other functions)."""
    countdown = countdown or _Countdown(n)

    def wrapped(*args, **kwargs):
        countdown.tick()
        return function(*args, **kwargs)

    return wrapped


def _interrupt_step(monkeypatch, n):
    """Ctrl-C at the n-th optimizer step of the epoch loop (either kernel),
    counted over all the calls that follow."""
    make, countdown = epochs.batch_training, _Countdown(n)

    def batch_training(*args):
        training = make(*args)
        training.step = _raise_at(n, training.step, countdown)
        return training

    monkeypatch.setattr(epochs, "batch_training", batch_training)


def _interrupt_lbfgs_evaluation(monkeypatch, n):
    """Ctrl-C at the n-th evaluation of L(θ), ∇L(θ) by scipy's L-BFGS-B."""
    make = lbfgs.full_batch_loss
    monkeypatch.setattr(lbfgs, "full_batch_loss", lambda p: _raise_at(n, make(p)))


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call()


def _fitted(**params):
    X, y = make_task("multiclass", n_samples=60)
    params = {"hidden_layer_sizes": (5,), "max_iter": 5, "random_state": 0, **params}
    return _quiet(lambda: ManualMLPClassifier(**params).fit(X, y))


def _assert_interrupt_changes_nothing(model, call):
    before, twin = snapshot(model), copy.deepcopy(model)
    with pytest.raises(KeyboardInterrupt):
        call(model)
    assert_same_state(snapshot(model), before)
    return twin


# --- outside the training steps: propagates, nothing changed ---------------

#: functions that a refit calls before and after its training steps, and
#: whether a warm-started refit calls them too
SET_UP_AND_RECORD = [
    (base, "validate_X", True),
    (base, "check_magnitude", True),
    (base, "data_scale", False),
    (base, "initial_parameters", False),
    (ManualMLPClassifier, "_set_targets", True),
    (ManualMLPClassifier, "_sample_weight", True),
    (optimizer_setup, "resume_or_make_optimizer", True),
    (base, "split_validation", True),
    (ManualMLPClassifier, "_record", True),
    (base, "warn_if_blown_up", True),
]
REFITS = [
    pytest.param(owner, name, warm, id=f"{name}-{'warm' if warm else 'fresh'}")
    for owner, name, warm_too in SET_UP_AND_RECORD
    for warm in ([False, True] if warm_too else [False])
]


@pytest.mark.parametrize("owner, name, warm_start", REFITS)
def test_an_interrupt_outside_the_training_steps_leaves_the_model_as_it_was(
    monkeypatch, owner, name, warm_start
):
    model = _fitted(early_stopping=True, warm_start=warm_start)
    X, y = make_task("multiclass", n_samples=60, n_features=5, seed=1)
    if warm_start:
        X = X[:, :4]  # a continued fit needs the same features
    monkeypatch.setattr(owner, name, _raise_at(1, getattr(owner, name)))
    twin = _assert_interrupt_changes_nothing(model, lambda m: m.fit(X, y))
    monkeypatch.undo()
    assert_array_equal(model.predict_proba(X[:, :4]), twin.predict_proba(X[:, :4]))


def test_an_interrupt_in_the_first_epoch_of_a_refit_leaves_the_model_as_it_was(
    monkeypatch,
):
    model = _fitted(batch_size=10)
    X, y = make_task("multiclass", n_samples=60, seed=1)
    _interrupt_step(monkeypatch, 3)  # the first epoch has 6 steps
    _assert_interrupt_changes_nothing(model, lambda m: m.fit(X, y))


def test_an_interrupt_in_the_first_epoch_of_a_first_fit_leaves_it_unfitted(
    monkeypatch,
):
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((5,), batch_size=10, random_state=0)
    _interrupt_step(monkeypatch, 3)
    _assert_interrupt_changes_nothing(model, lambda m: m.fit(X, y))
    assert not hasattr(model, "coefs_")


# --- in the training steps of fit: stops with a warning ---------------------


@pytest.mark.parametrize("warm_start", [False, True])
def test_an_interrupt_after_some_epochs_keeps_them_and_warns(monkeypatch, warm_start):
    model = _fitted(batch_size=10, warm_start=warm_start, max_iter=50)
    X, y = make_task("multiclass", n_samples=60, seed=1)
    curve = list(model.loss_curve_) if warm_start else []
    _interrupt_step(monkeypatch, 6 * 3 + 2)  # in the 4th epoch of 6 steps each
    with pytest.warns(UserWarning, match=INTERRUPTED):
        model.fit(X, y)
    assert model.n_iter_ == 3
    assert model.loss_curve_[: len(curve)] == curve
    assert len(model.loss_curve_) == len(curve) + 3
    assert model.loss_ == model.loss_curve_[-1]
    assert np.isfinite(model.predict_proba(X)).all()


def test_lbfgs_interrupted_keeps_its_last_iteration_and_warns(monkeypatch):
    X, y = make_task("multiclass", n_samples=60)
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    model = ManualMLPClassifier(**params)
    _interrupt_lbfgs_evaluation(monkeypatch, 12)
    with pytest.warns(UserWarning, match=INTERRUPTED):
        model.fit(X, y)
    monkeypatch.undo()
    assert model.n_iter_ >= 1
    # the model is the iterate of the iterations completed, with its loss
    reference = _quiet(
        lambda: ManualMLPClassifier(**params, max_iter=model.n_iter_).fit(X, y)
    )
    assert_same_weights(model, reference)
    assert model.loss_ == reference.loss_


def test_a_warm_lbfgs_fit_interrupted_reports_the_loss_of_its_weights(monkeypatch):
    model = _fitted(solver="lbfgs", warm_start=True)
    X, y = make_task("multiclass", n_samples=60, seed=1)
    previous_loss = model.loss_
    _interrupt_lbfgs_evaluation(monkeypatch, 6)
    with pytest.warns(UserWarning, match=INTERRUPTED):
        model.fit(X, y)
    monkeypatch.undo()
    assert model.n_iter_ >= 1 and model.loss_ != previous_loss
    problem = training_problem(model, X, y)  # θ₀ = the weights kept
    loss, _ = full_batch_loss(problem)(problem.theta)
    assert model.loss_ == loss


def test_lbfgs_interrupted_before_its_first_iteration_changes_nothing(monkeypatch):
    model = _fitted(solver="lbfgs", warm_start=True)
    X, y = make_task("multiclass", n_samples=60, seed=1)
    _interrupt_lbfgs_evaluation(monkeypatch, 1)
    _assert_interrupt_changes_nothing(model, lambda m: m.fit(X, y))


# --- partial_fit: reaches the caller, nothing changed -----------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_an_interrupt_in_partial_fit_reaches_the_caller_and_changes_nothing(
    monkeypatch, solver
):
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((5,), solver=solver, batch_size=10, random_state=0)
    model.partial_fit(X, y, classes=[0, 1, 2])
    _interrupt_step(monkeypatch, 4)
    twin = _assert_interrupt_changes_nothing(model, lambda m: m.partial_fit(X, y))
    monkeypatch.undo()
    model.partial_fit(X, y)  # the next step is the one the twin takes
    twin.partial_fit(X, y)
    assert_same_weights(model, twin)


def test_ctrl_c_stops_a_streaming_loop(monkeypatch):
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((5,), batch_size=10, random_state=0)
    _interrupt_step(monkeypatch, 9)  # in the second chunk of 6 steps
    seen = []
    with pytest.raises(KeyboardInterrupt):
        for chunk in range(5):
            model.partial_fit(X, y, classes=[0, 1, 2])
            seen.append(chunk)
    assert seen == [0]
    assert model.t_ == len(X)


def test_an_interrupt_in_a_first_partial_fit_leaves_it_unfitted(monkeypatch):
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((5,), batch_size=10, random_state=0)
    _interrupt_step(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        model.partial_fit(X, y, classes=[0, 1, 2])
    assert not hasattr(model, "coefs_")
    monkeypatch.undo()
    with pytest.raises(ValueError, match="classes must be passed"):
        model.partial_fit(X, y)


# --- anywhere: at each line of the package's code that a call runs ----------


def _trace_package(on_line):
    """A trace function calling ``on_line(frame)`` at each line of the package."""

    def local(frame, event, arg):
        if event == "line":
            on_line(frame)
        return local

    return lambda frame, event, arg: (
        local if frame.f_code.co_filename.startswith(PACKAGE) else None
    )


def _run_traced(call, on_line):
    previous = sys.gettrace()
    sys.settrace(_trace_package(on_line))
    try:
        return call()
    finally:
        sys.settrace(previous)


#: the modules that keep or change the estimator's state; the others compute
#: into buffers that the call owns, where an interrupt is one at their caller
STATEFUL = {
    "base.py", "classifier.py", "regressor.py", "validation.py", "epochs.py",
    "lbfgs.py", "stopping.py", "optimizers.py", "callbacks.py", "divergence.py",
}  # fmt: skip


def _first_visits(call):
    """The index, among the package's lines that ``call()`` runs, of the first
    run of each distinct line of the :data:`STATEFUL` modules."""
    seen, first = set(), []

    def record(frame):
        where = (frame.f_code.co_filename, frame.f_lineno)
        if Path(where[0]).name in STATEFUL and where not in seen:
            seen.add(where)
            first.append(count[0])
        count[0] += 1

    count = [0]
    _quiet(lambda: _run_traced(call, record))
    return first


def _interrupted_at(n, call):
    """Run ``call()`` with a KeyboardInterrupt raised at its n-th package line;
    True if it reached the caller, else the warnings recorded."""

    def interrupt(frame):
        count[0] += 1
        if count[0] == n + 1:
            raise KeyboardInterrupt  # the trace function is unset with it

    count = [0]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            _run_traced(call, interrupt)
        except KeyboardInterrupt:
            return True
    assert count[0] > n, "the call ended before the interrupt"
    return [str(w.message) for w in record]


def _assert_consistent(model, X, curve_before):
    """A model that an interrupt stopped: fitted, the shapes of X, finite
    outputs, and a history that describes the epochs it ran."""
    assert model.n_features_in_ == X.shape[1] == model.coefs_[0].shape[0]
    assert model.n_iter_ >= 1 and np.isfinite(model.loss_)
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
        assert np.isfinite(proba).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    else:
        assert np.isfinite(model.predict(X)).all()
    if model.solver != "lbfgs":
        assert model.loss_curve_[-1] == model.loss_
        assert len(model.loss_curve_) == len(curve_before) + model.n_iter_
        if model.early_stopping:
            assert len(model.validation_scores_) == model.n_iter_


def _classifier_data():
    return make_task("multiclass", n_samples=24)


def _regressor_data():
    return make_regression_task("two-targets", n_samples=24, n_features=4)


#: (name, estimator before the call, the call), each on small data
CALLS = {
    "fit-early-stopping": (
        lambda: ManualMLPClassifier(
            (3,), max_iter=2, batch_size=10, early_stopping=True, random_state=0
        ),
        lambda m, X, y: m.fit(X, y),
        _classifier_data,
    ),
    "warm-fit-lbfgs": (
        lambda: _fitted(solver="lbfgs", max_iter=3, warm_start=True),
        lambda m, X, y: m.fit(X, y),
        _classifier_data,
    ),
    "partial_fit": (
        lambda: _fitted(batch_size=12),
        lambda m, X, y: m.partial_fit(X, y),
        _classifier_data,
    ),
    "first-partial_fit": (
        lambda: ManualMLPRegressor((3,), solver="adam", batch_size=12),
        lambda m, X, y: m.partial_fit(X, y),
        _regressor_data,
    ),
}


@pytest.mark.parametrize("name", CALLS)
def test_an_interrupt_at_any_line_stops_cleanly_or_changes_nothing(name):
    make, call, data = CALLS[name]
    X, y = data()
    model = make()
    _quiet(lambda: call(copy.deepcopy(model), X, y))  # caches filled, imports done
    probe = copy.deepcopy(model)
    visits = _first_visits(lambda: call(probe, X, y))
    assert len(visits) > 50  # the trace sees the package's code
    before = snapshot(model)
    curve = list(getattr(model, "loss_curve_", []))
    for n in visits:
        attempt = copy.deepcopy(model)
        outcome = _interrupted_at(n, lambda m=attempt: call(m, X, y))
        where = f"interrupt at line {n} of {name}"
        if outcome is True:
            assert_same_state(snapshot(attempt), before, where)
        else:  # it stopped training and said so; only fit may
            assert any(INTERRUPTED in message for message in outcome), where
            assert "partial_fit" not in name, where
            _assert_consistent(attempt, X, curve if attempt.warm_start else [])
