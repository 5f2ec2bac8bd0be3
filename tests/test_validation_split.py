"""The early-stopping split: stratified by class where that can be done, drawn
at random with a warning that names the reason where it cannot (a class too
rare, or more classes than held-out rows), never a crash in terms of another
function's parameters."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skmanualnet import ManualMLPClassifier

from .test_bad_input import names


def _model(**params):
    params = {"hidden_layer_sizes": (4,), "max_iter": 3, "random_state": 0, **params}
    return ManualMLPClassifier(early_stopping=True, **params)


def _data(labels, seed=0):
    labels = np.asarray(labels)
    X = np.random.RandomState(seed).standard_normal((len(labels), 3))
    return X, labels


@pytest.fixture
def splits(monkeypatch):
    """What each early-stopping split was stratified by (None: at random)."""
    import skmanualnet._training.problem as problem

    recorded = []

    def recording_split(*arrays, stratify=None, **kwargs):
        recorded.append(stratify)
        return train_test_split(*arrays, stratify=stratify, **kwargs)

    monkeypatch.setattr(problem, "train_test_split", recording_split)
    return recorded


def _fit_warned(model, X, y, *parts):
    with pytest.warns(UserWarning, match=names(*parts)) as record:
        model.fit(X, y)
    assert len([w for w in record if "stratified" in str(w.message)]) == 1
    return model


RARE = np.r_[np.zeros(19), np.ones(20), [2]].astype(int)  # class 2: one row


@pytest.mark.parametrize(
    "labels, culprit",
    [
        pytest.param(RARE, r"\[2\]", id="multiclass"),
        pytest.param(np.r_[np.zeros(39), [1]].astype(int), r"\[1\]", id="binary"),
        pytest.param(
            np.array(["a", "b"] * 19 + ["b", "c"]), r"\['c'\]", id="string-labels"
        ),
    ],
)
def test_a_class_too_rare_to_stratify_falls_back_to_a_random_split(
    labels, culprit, splits
):
    X, y = _data(labels)
    model = _fit_warned(
        _model(),
        X,
        y,
        culprit,
        "early_stopping",
        "validation_fraction=0.1",
        "only 1 sample",
    )
    assert model.n_iter_ >= 1 and np.isfinite(model.validation_scores_).all()
    assert splits == [None]


def test_more_classes_than_held_out_rows_falls_back_to_a_random_split(splits):
    X, y = _data(np.repeat(np.arange(10), 2))  # 10 classes, 20 rows, 2 held out
    model = _fit_warned(
        _model(), X, y, "10 classes", r"2 held-out rows", "validation_fraction=0.1"
    )
    assert len(model.validation_scores_) == model.n_iter_
    assert splits == [None]


def test_more_classes_than_training_rows_falls_back_to_a_random_split():
    X, y = _data(np.repeat(np.arange(5), 2))  # 5 classes, 10 rows, 8 held out
    _fit_warned(
        _model(validation_fraction=0.8),
        *(X, y),
        *("5 classes", r"2 training rows", "validation_fraction=0.8"),
    )


def test_a_split_that_can_be_stratified_is_stratified_without_a_warning(
    held_out, splits
):
    X, y = _data(np.repeat(np.arange(4), 5))  # 4 classes of 5 rows; 4 held out
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        _model(validation_fraction=0.2).fit(X, y)
    assert sorted(held_out[0].y.tolist()) == [0, 1, 2, 3]
    np.testing.assert_array_equal(splits[0], y)


def test_multilabel_y_with_a_rare_label_is_split_at_random_silently(splits):
    X, _ = _data(np.zeros(40))
    y = np.zeros((40, 3), dtype=int)
    y[:, 0], y[::2, 1], y[0, 2] = 1, 1, 1  # label 2 is set in one row only
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _model().fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_
    assert splits == [None]
