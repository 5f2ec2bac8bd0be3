"""In the sklearn ecosystem: Pipeline, GridSearchCV, cross_val_score, clone, pickle."""

import pickle

import numpy as np
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_grid_search_in_parallel_over_network_parameters():
    X, y = _iris()
    grid = {
        "hidden_layer_sizes": [(4,), (16,)],
        "alpha": [1e-4, 1e-1],
        "learning_rate_init": [0.01, 0.05],
    }
    search = GridSearchCV(
        ManualMLPClassifier(max_iter=60, random_state=0), grid, cv=3, n_jobs=2
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert search.best_score_ > 0.9
    sequential = GridSearchCV(
        ManualMLPClassifier(max_iter=60, random_state=0), grid, cv=3, n_jobs=1
    ).fit(X, y)
    assert_array_equal(
        search.cv_results_["mean_test_score"], sequential.cv_results_["mean_test_score"]
    )


def test_cross_val_score_in_a_pipeline():
    X, y = load_iris(return_X_y=True)
    model = make_pipeline(StandardScaler(), ManualMLPClassifier(random_state=0))
    scores = cross_val_score(model, X, y, cv=5)
    assert scores.shape == (5,) and scores.mean() > 0.93


def test_clone_keeps_parameters_and_drops_fitted_state():
    X, y = _iris()
    model = ManualMLPClassifier((7, 3), alpha=0.5, random_state=3).fit(X, y)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "coefs_")


def test_pickle_round_trip_predicts_identically_and_can_keep_training():
    X, y = _iris()
    model = ManualMLPClassifier(random_state=0, max_iter=20).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    restored.partial_fit(X, y)
    model.partial_fit(X, y)
    for a, b in zip(restored.coefs_, model.coefs_, strict=True):
        assert_array_equal(a, b)


def test_same_seed_gives_bit_identical_weights():
    X, y = _iris()
    first = ManualMLPClassifier((9, 5), random_state=42, max_iter=30).fit(X, y)
    second = ManualMLPClassifier((9, 5), random_state=42, max_iter=30).fit(X, y)
    other = ManualMLPClassifier((9, 5), random_state=43, max_iter=30).fit(X, y)
    for a, b, c in zip(first.coefs_, second.coefs_, other.coefs_, strict=True):
        assert_array_equal(a, b)
        assert not np.array_equal(a, c)
    refit = first.fit(X, y)
    assert_array_equal(refit.coefs_[0], second.coefs_[0])
