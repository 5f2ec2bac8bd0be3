"""Beyond sklearn's MLP: class_weight, validation loss, resumable warm start."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier

from skmanualnet import ManualMLPClassifier

from ._data import make_task


def test_class_weight_dict_equals_sample_weight_on_that_class():
    X, y = make_task("multiclass", n_samples=60)
    params = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    by_class = ManualMLPClassifier(class_weight={2: 3.0}, **params).fit(X, y)
    by_sample = ManualMLPClassifier(**params).fit(
        X, y, sample_weight=np.where(y == 2, 3.0, 1.0)
    )
    for a, b in zip(by_class.coefs_, by_sample.coefs_, strict=True):
        assert_array_equal(a, b)


def test_class_weight_multiplies_sample_weight():
    X, y = make_task("binary", n_samples=40)
    sw = np.linspace(0.5, 2, len(y))
    params = dict(hidden_layer_sizes=(5,), max_iter=10, random_state=0)
    both = ManualMLPClassifier(class_weight={1: 2.0}, **params).fit(
        X, y, sample_weight=sw
    )
    product = ManualMLPClassifier(**params).fit(
        X, y, sample_weight=sw * np.where(y == 1, 2, 1)
    )
    assert_allclose(both.coefs_[0], product.coefs_[0], rtol=1e-12)


def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(
        2000,
        n_features=6,
        n_informative=3,
        weights=[0.95, 0.05],
        class_sep=0.5,
        flip_y=0,
        random_state=0,
    )
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    params = dict(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = ManualMLPClassifier(**params).fit(X_tr, y_tr)
        balanced = ManualMLPClassifier(class_weight="balanced", **params).fit(
            X_tr, y_tr
        )
    recall_plain = recall_score(y_te, plain.predict(X_te))
    recall_balanced = recall_score(y_te, balanced.predict(X_te))
    assert recall_balanced > recall_plain + 0.2, (recall_plain, recall_balanced)


def test_class_weight_is_searchable_and_balanced_refused_by_partial_fit():
    X, y = make_task("binary", n_samples=60)
    search = GridSearchCV(
        ManualMLPClassifier((4,), max_iter=20, random_state=0),
        {"class_weight": [None, "balanced", {0: 1.0, 1: 2.0}]},
        cv=3,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    with pytest.raises(ValueError, match="class_weight='balanced' .* partial_fit"):
        ManualMLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("metric", ["score", "loss"])
def test_validation_loss_curve_and_the_metric_early_stopping_watches(metric):
    X, y = make_task("multiclass", n_samples=150)
    model = ManualMLPClassifier(
        (8,), early_stopping=True, early_stopping_metric=metric, random_state=0
    ).fit(X, y)
    n = model.n_iter_
    assert len(model.validation_loss_curve_) == len(model.validation_scores_) == n
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    curve = (
        model.validation_scores_ if metric == "score" else model.validation_loss_curve_
    )
    best = np.argmax(curve) if metric == "score" else np.argmin(curve)
    assert n - 1 - best >= model.n_iter_no_change  # stopped on the watched metric


def test_validation_loss_is_the_cross_entropy_of_the_kept_model(held_out):
    X, y = make_task("multiclass", n_samples=150)
    model = ManualMLPClassifier(
        (8,), early_stopping=True, early_stopping_metric="loss", random_state=0
    ).fit(X, y)
    X_val, y_val = held_out[0].X, held_out[0].y
    proba = model.predict_proba(X_val)
    labels = np.searchsorted(model.classes_, y_val)
    cross_entropy = -np.mean(np.log(proba[np.arange(len(y_val)), labels]))
    assert cross_entropy == pytest.approx(model.best_validation_loss_, rel=1e-10)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("learning_rate", ["constant", "invscaling"])
def test_warm_start_resumes_the_optimizer(solver, learning_rate):
    X, y = make_task("multiclass", n_samples=90)
    params = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        learning_rate=learning_rate,
        shuffle=False,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        once = ManualMLPClassifier(max_iter=10, **params).fit(X, y)
        twice = ManualMLPClassifier(max_iter=5, warm_start=True, **params)
        twice.fit(X, y).fit(X, y)
    for a, b in zip(
        once.coefs_ + once.intercepts_, twice.coefs_ + twice.intercepts_, strict=True
    ):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert twice.loss_curve_ == pytest.approx(once.loss_curve_, rel=1e-12)
    assert (twice.n_iter_, twice.t_) == (5, once.t_)  # n_iter_ counts the last call


def test_difference_sklearn_warm_start_restarts_its_optimizer():
    """Asserted side by side: sklearn's second warm fit starts with zero velocity."""
    X, y = make_task("multiclass", n_samples=90)
    params = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        learning_rate_init=0.05,
        shuffle=False,
        n_iter_no_change=1000,
        max_iter=5,
        warm_start=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ManualMLPClassifier(**params).fit(X, y)
        theirs = MLPClassifier(**params).fit(X, y)
        assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-9)  # first fit: same
        ours.fit(X, y)
        theirs.fit(X, y)
    assert not np.allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-6)
