"""Sequences of fit, partial_fit, set_params and predict (a hypothesis state machine).

The promises checked after every step, for the classifier and the regressor:

- a call that raises raises a clear error (a ValueError that is not numpy's
  broadcasting or indexing talking) and changes nothing: the parameters and
  every other attribute, weights and optimizer state included, are as before;
- a fitted model predicts finite outputs (probabilities in [0, 1] summing to 1
  for single-label y), for X of the width it was fitted on;
- its fitted attributes describe it: the width of X, the outputs of the task,
  the dtype the model started with, and the history the solver keeps.

Runs are small (20 rows, 3 hidden units, at most 3 epochs) and derandomized.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import DivergenceError, ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._estimators.continued import STOCHASTIC_HISTORY

from ._data import make_regression_task, make_task
from ._state import assert_same_state, snapshot

#: numpy and python talking instead of the estimator
UNCLEAR = ("broadcast", "not aligned", "out of bounds", "has no attribute", "index")

N_ROWS = 20


def _variants(X, y):
    """The same rows as float64 and float32, and with a feature missing."""
    return {
        "float64": (X, y),
        "float32": (X.astype(np.float32), y),
        "3-features": (X[:, :3], y),
    }


def _classification_data():
    data = {}
    for task in ("binary", "multiclass", "multilabel"):
        X, y = make_task(task, n_samples=N_ROWS)
        for name, pair in _variants(X, y).items():
            data[f"{task}-{name}"] = pair
    X, y = make_task("multiclass", n_samples=N_ROWS, seed=1)
    data["words"] = (X, np.array(["ant", "bee", "cat"])[y])
    keep = y != 2
    data["multiclass-two-of-three"] = (X[keep], y[keep])
    return data


def _regression_data():
    data = {}
    for task in ("one-target", "two-targets", "counts"):
        X, y = make_regression_task(task, n_samples=N_ROWS, n_features=4)
        for name, pair in _variants(X, y).items():
            data[f"{task}-{name}"] = pair
    return data


#: parameters that a user could plausibly change between calls, and values
PARAMETERS = {
    "solver": ["sgd", "adam", "lbfgs"],
    "warm_start": [False, True],
    "early_stopping": [False, True],
    "early_stopping_metric": ["score", "loss"],
    "hidden_layer_sizes": [(3,), (2,)],
    "activation": ["relu", "tanh"],
    "alpha": [1e-4, 0.5],
    "batch_size": ["auto", 5],
    "learning_rate": ["constant", "adaptive"],
    "momentum": [0.9, 0.0],
    "max_iter": [1, 3],
    "n_iter_no_change": [1, 10],
    "validation_fraction": [0.2, 0.5],
}
CLASSIFIER_PARAMETERS = {
    **PARAMETERS,
    "class_weight": [None, "balanced", {0: 2.0}, {"ant": 0.5}],
}
REGRESSOR_PARAMETERS = {**PARAMETERS, "loss": ["squared_error", "huber", "poisson"]}


class _Sequences(RuleBasedStateMachine):
    """Steps on one estimator; subclasses give it, its data and parameters."""

    make = None
    data = {}
    parameters = {}

    def __init__(self):
        super().__init__()
        self.model = self.make(
            hidden_layer_sizes=(3,), max_iter=2, learning_rate_init=0.01,
            random_state=0,
        )  # fmt: skip
        self.dtype = None  # of the model, once fitted
        self.solver = self.y = None  # of the last call that trained it

    @property
    def fitted(self):
        return hasattr(self.model, "coefs_")

    def _attempt(self, call, X, y, fresh):
        """Run ``call()``; on failure check that it was clear and changed nothing,
        on success note the dtype a fresh model takes from X."""
        before = snapshot(self.model)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                call()
        except DivergenceError:
            if not before["state"]:  # a first fit keeps its last finite weights
                self.dtype, self.solver, self.y = X.dtype, self.model.solver, y
                return
            assert_same_state(snapshot(self.model), before)
        except ValueError as error:
            message = str(error).lower()
            assert not any(word in message for word in UNCLEAR), message
            assert_same_state(snapshot(self.model), before)
        else:
            self.solver, self.y = self.model.solver, y
            if fresh:
                self.dtype = X.dtype

    def _draw_data(self, draw):
        return self.data[draw.draw(st.sampled_from(sorted(self.data)), label="data")]

    @rule(draw=st.data())
    def fit(self, draw):
        X, y = self._draw_data(draw)
        fresh = not (self.fitted and self.model.warm_start)
        self._attempt(lambda: self.model.fit(X, y), X, y, fresh)

    @rule(draw=st.data(), weights=st.sampled_from(["positive", "zero", "negative"]))
    def fit_weighted(self, draw, weights):
        X, y = self._draw_data(draw)
        s = {"positive": 0.5 + np.arange(len(X)) % 3, "zero": np.zeros(len(X))}
        s = s.get(weights, -np.ones(len(X)))
        fresh = not (self.fitted and self.model.warm_start)
        self._attempt(lambda: self.model.fit(X, y, sample_weight=s), X, y, fresh)

    @precondition(lambda self: self.model.solver != "lbfgs")
    @rule(draw=st.data(), pass_classes=st.booleans())
    def partial_fit(self, draw, pass_classes):
        X, y = self._draw_data(draw)
        call = lambda: self._partial_fit(X, y, pass_classes)  # noqa: E731
        self._attempt(call, X, y, not self.fitted)

    def _partial_fit(self, X, y, pass_classes):
        self.model.partial_fit(X, y)

    @rule(draw=st.data(), method=st.sampled_from(["predict", "score"]))
    def predict(self, draw, method):
        """Predicting changes nothing, and fails only with a clear error (not
        fitted, or X of another width)."""
        X, y = self._draw_data(draw)
        before = snapshot(self.model)
        try:
            self.model.predict(X) if method == "predict" else self.model.score(X, y)
        except ValueError as error:
            message = str(error).lower()
            assert not any(word in message for word in UNCLEAR), message
        assert_same_state(snapshot(self.model), before)

    @rule(draw=st.data())
    def set_params(self, draw):
        name = draw.draw(st.sampled_from(sorted(self.parameters)), label="parameter")
        value = draw.draw(st.sampled_from(self.parameters[name]), label="value")
        self.model.set_params(**{name: value})

    @invariant()
    def fitted_model_is_consistent_and_predicts(self):
        if not self.fitted:
            return
        model = self.model
        assert all(W.dtype == self.dtype for W in model.coefs_ + model.intercepts_)
        assert model.coefs_[0].shape[0] == model.n_features_in_
        assert model.coefs_[-1].shape[1] == model.n_outputs_
        self._check_history()
        X = next(X for X, _ in self.data.values() if X.shape[1] == model.n_features_in_)
        self._check_outputs(X)

    def _check_history(self):
        """The history of the last call: a loss curve for sgd and adam whose
        last entry is ``loss_``, none for lbfgs (as a fresh lbfgs fit has)."""
        model = self.model
        assert np.isfinite(model.loss_)
        if self.solver == "lbfgs":
            assert not any(hasattr(model, name) for name in STOCHASTIC_HISTORY)
        else:
            assert model.loss_curve_[-1] == model.loss_

    def _check_outputs(self, X):
        raise NotImplementedError


class ClassifierSequences(_Sequences):
    make = ManualMLPClassifier
    data = _classification_data()
    parameters = CLASSIFIER_PARAMETERS

    def _partial_fit(self, X, y, pass_classes):
        classes = None
        if pass_classes or not self.fitted:
            classes = np.unique(y) if y.ndim == 1 else None
        self.model.partial_fit(X, y, classes=classes)

    def _check_outputs(self, X):
        """Probabilities, and predictions of the task of the last y trained on:
        an indicator matrix of its labels, or labels among ``classes_``."""
        model = self.model
        proba = model.predict_proba(X)
        assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
        labels = model.predict(X)
        if self.y.ndim == 2:
            assert labels.shape == (len(X), self.y.shape[1])
            assert set(np.unique(labels)) <= {0, 1}
        else:
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
            assert set(self.y) <= set(model.classes_) and labels.shape == (len(X),)
            assert set(labels) <= set(model.classes_)


class RegressorSequences(_Sequences):
    make = ManualMLPRegressor
    data = _regression_data()
    parameters = REGRESSOR_PARAMETERS

    def _check_outputs(self, X):
        """Finite predictions, one per target of the last y trained on."""
        predicted = self.model.predict(X)
        assert np.isfinite(predicted).all()
        assert predicted.shape == (len(X), *self.y.shape[1:])


SETTINGS = settings(
    max_examples=100,
    stateful_step_count=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize(
    "machine",
    [ClassifierSequences, RegressorSequences],
    ids=["classifier", "regressor"],
)
def test_sequences_of_calls_keep_the_promises(machine):
    run_state_machine_as_test(machine, settings=SETTINGS)
