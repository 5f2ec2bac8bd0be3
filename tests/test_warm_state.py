"""Continuing a fit after set_params, and what a fit reports to its caller."""

import warnings

import numpy as np
import pytest
import scipy.special
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import ManualMLPClassifier

from ._data import make_task


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
