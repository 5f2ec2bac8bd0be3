"""Continuing a fit after set_params, and what a fit reports to its caller."""

import copy
import warnings

import numpy as np
import pytest
import scipy.special
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._estimators.base import next_step_optimizer, training_problem

from ._data import make_regression_task, make_task
from ._state import assert_same_weights


def test_warm_start_can_switch_early_stopping_on():
    X, y = make_task("multiclass", n_samples=90)
    model = ManualMLPClassifier((6,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        model.set_params(warm_start=True, early_stopping=True, max_iter=8)
        model.fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    model.set_params(early_stopping=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert model.validation_scores_ is None
    assert model.best_loss_ == min(model.loss_curve_[-model.n_iter_ :])


def test_each_early_stopped_fit_keeps_the_best_weights_of_its_own_split():
    X, y = make_task("multiclass", n_samples=120)
    model = ManualMLPClassifier(
        (6,), early_stopping=True, warm_start=True, max_iter=30, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        first = [W.copy() for W in model.coefs_]
        model.fit(X[::-1], y[::-1])
    assert model.n_iter_ == len(model.validation_scores_)
    assert not np.allclose(model.coefs_[0], first[0])


@pytest.mark.parametrize("call", ["fit", "partial_fit"])
def test_continuing_with_other_layer_widths_names_hidden_layer_sizes(call):
    X, y = make_task("binary", n_samples=40)
    model = ManualMLPClassifier((4,), max_iter=3, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    before = [W.copy() for W in model.coefs_]
    model.set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(5,\).*warm_start"):
        getattr(model, call)(X, y)
    assert [W.shape for W in model.coefs_] == [W.shape for W in before]


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_predict_log_proba_is_finite_where_the_probability_underflows(task):
    X, y = make_task(task, n_samples=40)
    model = ManualMLPClassifier((4,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    X_far = 1e4 * X[:5]  # logits in the thousands: some probabilities are 0.0
    assert (model.predict_proba(X_far) == 0).any()
    log_proba = model.predict_log_proba(X_far)  # warnings are errors here
    assert np.isfinite(log_proba).all()
    z = model.decision_function(X_far)
    z = np.c_[np.zeros_like(z), z] if z.ndim == 1 else z
    assert_allclose(log_proba, scipy.special.log_softmax(z, axis=1), rtol=1e-12)


def test_warnings_point_at_the_callers_line():
    X, y = make_task("binary", n_samples=40)
    with pytest.warns(ConvergenceWarning) as record:
        ManualMLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    assert {w.filename for w in record} == {__file__}


# --- a continued fit keeps the dtype the model started with -----------------


def _two_steps(first_dtype, second_dtype, call):
    """A model fed X in ``first_dtype`` then in ``second_dtype`` (the same
    values: X is float32-exact)."""
    X, y = make_task("multiclass", n_samples=60)
    X = X.astype(np.float32).astype(np.float64)
    model = ManualMLPClassifier((5,), max_iter=3, warm_start=True, random_state=0)
    for dtype in (first_dtype, second_dtype):
        if call == "partial_fit":
            model.partial_fit(X.astype(dtype), y, classes=[0, 1, 2])
        else:
            model.fit(X.astype(dtype), y)
    return model


@pytest.mark.parametrize("call", ["fit", "partial_fit"])
@pytest.mark.parametrize(
    "first, second", [(np.float32, np.float64), (np.float64, np.float32)]
)
def test_a_continued_fit_keeps_the_dtype_and_the_optimizer(call, first, second):
    model = _two_steps(first, second, call)
    same = _two_steps(first, first, call)
    assert model.coefs_[0].dtype == first
    assert_same_weights(model, same)  # momentum carried on, not restarted
    assert model.loss_curve_ == same.loss_curve_


# --- a continued fit after set_params ---------------------------------------


@pytest.mark.parametrize("stochastic", ["sgd", "adam"])
def test_a_warm_fit_can_switch_from_lbfgs_to_a_stochastic_solver(stochastic):
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((5,), solver="lbfgs", max_iter=20, random_state=0)
    model.fit(X, y)
    lbfgs_weights = [W.copy() for W in model.coefs_]
    model.set_params(solver=stochastic, warm_start=True, learning_rate_init=1e-9)
    model.fit(X, y)
    assert len(model.loss_curve_) == model.n_iter_  # its own history
    assert model.loss_curve_[-1] == model.loss_
    for W, W_lbfgs in zip(model.coefs_, lbfgs_weights, strict=True):
        assert_allclose(W, W_lbfgs, atol=1e-6)  # continued from lbfgs' weights


@pytest.mark.parametrize("warm_start", [False, True])
def test_an_lbfgs_fit_after_sgd_keeps_no_stochastic_history(warm_start):
    X, y = make_task("multiclass", n_samples=60)
    model = ManualMLPClassifier((5,), max_iter=5, early_stopping=True, random_state=0)
    model.fit(X, y)
    model.set_params(solver="lbfgs", warm_start=warm_start)
    model.fit(X, y)
    fresh = clone(model).set_params(warm_start=False).fit(X, y)
    assert sorted(k for k in vars(model) if k.endswith("_")) == sorted(
        k for k in vars(fresh) if k.endswith("_")
    )
    # and sgd after it starts a new optimizer: no velocity from before lbfgs
    model.set_params(solver="sgd", early_stopping=False, warm_start=True)
    optimizer = next_step_optimizer(model, training_problem(model, X, y))
    assert not optimizer.carried.any()


LABELS = {
    "multiclass": make_task("multiclass", n_samples=60)[1],
    "multilabel": make_task("multilabel", n_samples=60)[1],
    "two-labels": make_task("multilabel", n_samples=60)[1][:, :2],
}
TASK_CHANGES = [
    ("multiclass", "multilabel", r"one label per sample.*label-indicator y of 3"),
    ("multilabel", "multiclass", r"label-indicator y of 3 labels.*one label per"),
    ("multilabel", "two-labels", r"3 labels.*label-indicator y of 2 labels"),
]


@pytest.mark.parametrize("call", ["fit", "partial_fit"])
@pytest.mark.parametrize("before, after, match", TASK_CHANGES)
def test_a_continued_fit_on_another_task_names_it(before, after, match, call):
    X = make_task("multiclass", n_samples=60)[0]
    model = ManualMLPClassifier((5,), max_iter=3, warm_start=True, random_state=0)
    model.fit(X, LABELS[before])
    twin = copy.deepcopy(model)
    with pytest.raises(ValueError, match=f"(?s){match}.*warm_start=False"):
        getattr(model, call)(X, LABELS[after])
    assert_array_equal(model.predict_proba(X), twin.predict_proba(X))


@pytest.mark.parametrize("call", ["fit", "partial_fit"])
@pytest.mark.parametrize("before, after", [(1, 2), (2, 1)])
def test_a_continued_regression_with_other_targets_names_them(before, after, call):
    X, y = make_regression_task("two-targets", n_samples=40)
    targets = {1: y[:, 0], 2: y}
    model = ManualMLPRegressor((5,), max_iter=3, warm_start=True, random_state=0)
    model.fit(X, targets[before])
    with pytest.raises(ValueError, match=rf"y has {after} target.*{before} outputs"):
        getattr(model, call)(X, targets[after])
    assert model.n_outputs_ == before


def test_a_second_early_stopped_fit_keeps_the_best_weights_of_its_own_split(
    held_out,
):
    X, y = make_task("multiclass", n_samples=120)
    model = ManualMLPClassifier(
        (6,), early_stopping=True, warm_start=True, max_iter=30, random_state=0
    )
    model.fit(X, y)
    model.fit(X[::-1] + 0.5, y[::-1])  # new data, a new split
    second = held_out[-1]
    assert len(held_out) == 2 and model.n_iter_ == len(model.validation_scores_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    # the weights kept are the best ones on the second fit's own split
    assert model.score(second.X, second.y) == model.best_validation_score_
