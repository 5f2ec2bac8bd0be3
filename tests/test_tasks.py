"""Tasks and inputs: binary, multiclass, multilabel; dtypes, sparse X, labels."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network import MLPClassifier

from skmanualnet import ManualMLPClassifier

from ._data import TASKS, make_task


@pytest.mark.parametrize("task", TASKS)
def test_fitted_attributes_named_and_shaped_as_sklearn(task):
    X, y = make_task(task, n_samples=40)
    params = dict(hidden_layer_sizes=(6, 5), solver="sgd", max_iter=5, random_state=0)
    ours = ManualMLPClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    for name in ("n_outputs_", "n_layers_", "out_activation_", "n_iter_", "t_"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert_array_equal(ours.classes_, theirs.classes_)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    assert len(ours.loss_curve_) == 5 and ours.loss_ == ours.loss_curve_[-1]
    assert ours.best_loss_ == min(ours.loss_curve_)
    assert ours.validation_scores_ is None and ours.best_validation_score_ is None
    assert ours.predict(X).shape == theirs.predict(X).shape
    assert ours.predict_proba(X).shape == theirs.predict_proba(X).shape


@pytest.mark.parametrize("task", TASKS)
def test_predictions_are_consistent_with_probabilities_and_logits(task):
    X, y = make_task(task, n_samples=60)
    model = ManualMLPClassifier(
        (8,), learning_rate_init=0.05, max_iter=50, random_state=0
    ).fit(X, y)
    proba, z = model.predict_proba(X), model.decision_function(X)
    assert_allclose(model.predict_log_proba(X), np.log(proba))
    if task == "multilabel":
        assert_array_equal(model.predict(X), (proba > 0.5).astype(int))
        assert_array_equal(model.predict(X), (z > 0).astype(int))
        assert model.score(X, y) > 0.8  # subset accuracy
    else:
        assert_allclose(proba.sum(axis=1), 1.0)
        assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
        winner = (z > 0).astype(int) if z.ndim == 1 else z.argmax(axis=1)
        assert_array_equal(model.predict(X), model.classes_[winner])
        assert model.score(X, y) > 0.85


def test_binary_uses_one_logistic_output_unit():
    X, y = make_task("binary")
    model = ManualMLPClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    assert model.out_activation_ == "logistic" and model.coefs_[-1].shape == (5, 1)
    z = model.decision_function(X)
    assert_allclose(model.predict_proba(X)[:, 1], 1 / (1 + np.exp(-z)))


def test_string_labels_come_back_as_given():
    X, y = make_task("multiclass")
    labels = np.array(["cat", "dog", "emu"])[y]
    model = ManualMLPClassifier((5,), max_iter=100, random_state=0).fit(X, labels)
    assert_array_equal(model.classes_, ["cat", "dog", "emu"])
    assert set(model.predict(X)) <= set(labels)
    assert model.score(X, labels) > 0.8


@pytest.mark.parametrize("task", TASKS)
def test_float32_stays_float32_end_to_end(task):
    X, y = make_task(task)
    model = ManualMLPClassifier((5,), max_iter=10, random_state=0)
    model.fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in model.coefs_ + model.intercepts_)
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32
    as64 = ManualMLPClassifier((5,), max_iter=10, random_state=0).fit(X, y)
    assert_allclose(model.coefs_[0], as64.coefs_[0], rtol=1e-3, atol=1e-4)


def test_integer_input_becomes_float64():
    X, y = make_task("binary")
    model = ManualMLPClassifier((5,), max_iter=3, random_state=0)
    model.fit((X * 10).astype(int), y)
    assert model.coefs_[0].dtype == np.float64


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_gives_the_dense_model(container):
    X, y = make_task("multiclass", n_samples=50)
    X[np.abs(X) < 0.8] = 0
    dense = ManualMLPClassifier((6,), max_iter=15, random_state=0).fit(X, y)
    sparse = ManualMLPClassifier((6,), max_iter=15, random_state=0).fit(container(X), y)
    for a, b in zip(dense.coefs_, sparse.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert_allclose(sparse.predict_proba(container(X)), dense.predict_proba(X))


def test_sample_weight_is_normalised_by_its_sum():
    """With α = 0, scaling every weight by 3 changes nothing: L is divided by Σs.

    (With α > 0 it does change the model: the penalty is α / (2Σs) Σ‖W‖², as in
    scikit-learn, so more total weight means relatively less penalty.)
    """
    X, y = make_task("multiclass")
    sw = np.random.RandomState(0).uniform(0.5, 2, len(y))
    params = dict(hidden_layer_sizes=(5,), alpha=0.0, max_iter=10, random_state=0)
    a = ManualMLPClassifier(**params).fit(X, y, sample_weight=sw)
    b = ManualMLPClassifier(**params).fit(X, y, sample_weight=3 * sw)
    assert_allclose(a.coefs_[0], b.coefs_[0], rtol=1e-12)
    assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-12)
    unweighted = ManualMLPClassifier(**params).fit(X, y)
    assert not np.allclose(a.coefs_[0], unweighted.coefs_[0])


def test_integer_weight_equals_repeating_the_row_in_full_batch():
    X, y = make_task("binary", n_samples=20)
    sw = np.arange(20) % 3
    params = dict(hidden_layer_sizes=(4,), max_iter=20, random_state=0)  # B = n
    weighted = ManualMLPClassifier(**params).fit(X, y, sample_weight=sw)
    repeated = ManualMLPClassifier(**params).fit(np.repeat(X, sw, 0), np.repeat(y, sw))
    assert_allclose(weighted.coefs_[0], repeated.coefs_[0], rtol=1e-10)
    assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)
