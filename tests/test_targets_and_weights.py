"""Targets and weights that would train a wrong model without a word.

A 2-D y is a label-indicator matrix, so it must hold 0 and 1 only; the weights
a fit trains on, class weights times sample weights, must be usable as
``sample_weight`` itself must be; a ``class_weight`` dict weighs the classes it
omits 1 (as :func:`sklearn.utils.class_weight.compute_class_weight`), the same
in every ``partial_fit`` chunk, whatever classes the chunk holds.
"""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.utils.class_weight import compute_class_weight

from skmanualnet import ManualMLPClassifier
from skmanualnet._estimators.base import training_problem

from ._data import make_task
from ._state import assert_same_weights
from .test_bad_input import _raises, names

X, Y = make_task("multilabel", n_samples=30)
X3, Y3 = make_task("multiclass", n_samples=30)
N = len(X)


def _model(**params):
    params = {"hidden_layer_sizes": (4,), "max_iter": 3, "random_state": 0, **params}
    return ManualMLPClassifier(**params)


# --- 2-D targets: 0 and 1 only ----------------------------------------------

NOT_ZERO_ONE = [
    pytest.param(2 * Y, "[0, 2]", id="zero-two"),
    pytest.param(Y + 1, "[1, 2]", id="one-two"),
    pytest.param(2 * Y - 1, "[-1, 1]", id="minus-one-plus-one"),
    pytest.param((2 * Y).astype(float), "[0.0, 2.0]", id="float-zero-two"),
    pytest.param(sp.csr_matrix(2 * Y), "[0, 2]", id="sparse-zero-two"),
]

CALLS = {
    "fit": lambda y: _model().fit(X, y),
    "first-partial_fit": lambda y: _model().partial_fit(X, y),
    "partial_fit": lambda y: _model().partial_fit(X, Y).partial_fit(X, y),
    "warm-fit": lambda y: _model(warm_start=True).fit(X, Y).fit(X, y),
}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("y, values", NOT_ZERO_ONE)
def test_a_2d_y_that_is_not_zero_one_is_refused(call, y, values):
    match = names(r"\by\b", "label-indicator", "0 and 1", re.escape(values))
    _raises(ValueError, match, lambda: CALLS[call](y))


@pytest.mark.parametrize(
    "y",
    [
        pytest.param(Y.astype(bool), id="bool"),
        pytest.param(Y.astype(float), id="float"),
        pytest.param(sp.csr_matrix(Y), id="sparse"),
    ],
)
def test_zero_one_indicators_in_any_form_train_the_same_model(y):
    model, reference = _model().fit(X, y), _model().fit(X, Y)
    assert_same_weights(model, reference)
    assert_array_equal(model.predict(X), reference.predict(X))


# --- the weights trained on: class weight × sample weight -------------------


def _huge_products():
    return [
        pytest.param({0: 1e308, 1: 1e308, 2: 1e308}, None, id="class-weight-1e308"),
        pytest.param({0: 1e308, 1: 1.0, 2: 1.0}, None, id="class-weight-sum-inf"),
        pytest.param(
            {0: 1e200, 1: 1.0, 2: 1.0}, np.full(N, 1e200), id="product-overflows"
        ),
        pytest.param(
            {0: 2.0, 1: 2.0, 2: 2.0}, np.full(N, 5e306), id="product-sum-overflows"
        ),
    ]


@pytest.mark.parametrize("class_weight, sample_weight", _huge_products())
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_class_weight_times_sample_weight_must_have_a_finite_sum(
    class_weight, sample_weight, solver
):
    model = _model(class_weight=class_weight, solver=solver)
    match = names("class_weight", "sample_weight", "finite", "rescale")
    _raises(ValueError, match, lambda: model.fit(X3, Y3, sample_weight=sample_weight))
    assert not hasattr(model, "coefs_")


def test_partial_fit_checks_the_weighted_chunk_as_fit_does():
    model = _model(class_weight={0: 1e308, 1: 1e308, 2: 1e308})
    match = names("class_weight", "sample_weight", "finite")
    _raises(ValueError, match, lambda: model.partial_fit(X3, Y3, classes=[0, 1, 2]))


# --- a class_weight dict that omits classes ---------------------------------

#: chunks of the 3-class data holding some of the classes only
CHUNKS = [[0], [1, 2], [0, 2], [0, 1, 2], [2]]


@pytest.mark.parametrize(
    "class_weight", [{0: 3.0}, {0: 3.0, 1: 0.5}, {1: 2.0, 2: 0.25}]
)
def test_a_class_missing_from_the_dict_weighs_one_in_every_chunk(class_weight):
    """Each chunk trains exactly as with sample_weight = the class's weight from
    compute_class_weight over all classes (1 for those the dict omits)."""
    classes = np.array([0, 1, 2])
    per_class = compute_class_weight(class_weight, classes=classes, y=Y3)
    weighted = _model(class_weight=class_weight, batch_size=10)
    reference = _model(batch_size=10)
    for kept in CHUNKS:
        rows = np.isin(Y3, kept)
        weighted.partial_fit(X3[rows], Y3[rows], classes=classes)
        s = per_class[Y3[rows]]
        reference.partial_fit(X3[rows], Y3[rows], classes=classes, sample_weight=s)
    assert_array_equal(weighted.coefs_[0], reference.coefs_[0])


def test_the_class_weights_of_a_chunk_are_those_of_all_classes():
    model = _model(class_weight={0: 3.0, 1: 0.5}).partial_fit(X3, Y3, classes=[0, 1, 2])
    only_two = Y3 == 2
    problem = training_problem(model, X3[only_two], Y3[only_two])
    assert_array_equal(problem.sample_weight, np.ones(only_two.sum()))


def test_a_dict_key_that_is_no_class_is_refused_in_every_chunk():
    bad = {0: 1.0, 7: 2.0}
    fresh, fitted = _model(class_weight=bad), _model().fit(X3, Y3)
    fitted.set_params(class_weight=bad)
    for kept in ([0, 1, 2], [0], [1, 2]):
        rows = np.isin(Y3, kept)
        for model in (fresh, fitted):
            _raises(
                ValueError,
                names("class_weight"),
                lambda m=model, r=rows: m.partial_fit(X3[r], Y3[r], classes=[0, 1, 2]),
            )
