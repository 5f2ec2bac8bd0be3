"""Bad targets: an error in y is reported as an error in y, never in X.

The catalogue of tests/test_bad_input.py for y, for the classifier and the
regressor, at fit and partial_fit: complex, non-numeric (regressor), ragged,
scalar, three-dimensional, sparse (regressor), non-finite, too large to train
on, and of the wrong length. Each case checks the exact exception type and
that the message names y and what is wrong, and does not blame X.
"""

import re

import numpy as np
import pytest
from scipy import sparse

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor

from ._data import make_regression_task, make_task
from .test_bad_input import names

X, Y = make_task("binary", n_samples=30)
XR, YR = make_regression_task("one-target", n_samples=30)
N = len(X)


def _classifier(entry):
    model = ManualMLPClassifier((4,), max_iter=3, random_state=0)
    if entry == "fit":
        return model.fit
    return lambda X, y: model.partial_fit(X, y, classes=[0, 1])


def _regressor(entry, **params):
    model = ManualMLPRegressor((4,), max_iter=3, random_state=0, **params)
    return getattr(model, entry)


def _assert_names_y(error, match, call):
    with pytest.raises(error, match=match) as info:
        call()
    assert info.type is error, f"expected exactly {error.__name__}: {info.value!r}"
    assert not re.search(r"\bX\b", str(info.value)), str(info.value)


RAGGED = [[0, 1]] * (N - 1) + [[0]]


def _case(estimator, y, *parts, id):
    """A bad y, and the parts its ValueError must name."""
    return pytest.param(estimator, y, ValueError, names(*parts), id=id)


TARGET_CASES = [
    _case(_classifier, Y + 1j, r"\by\b", "[Cc]omplex", id="classifier-complex"),
    _case(_regressor, YR + 1j, r"\by\b", "[Cc]omplex", id="regressor-complex"),
    _case(_classifier, RAGGED, r"\by\b", "inhomogeneous", id="classifier-ragged"),
    _case(_regressor, RAGGED, r"\by\b", "inhomogeneous", id="regressor-ragged"),
    _case(
        _regressor,
        np.array(["a"] * N, dtype=object),
        *(r"\by\b", "real numbers", "'a'"),
        id="regressor-object-strings",
    ),
    _case(
        _regressor,
        np.array(["a"] * N),
        *(r"\by\b", "real numbers", "'a'"),
        id="regressor-unicode-strings",
    ),
    _case(
        _regressor,
        np.array([b"a"] * N),
        *(r"\by\b", "real numbers"),
        id="regressor-byte-strings",
    ),
    _case(
        _regressor,
        sparse.csr_matrix(np.c_[YR, YR]),
        *(r"\by\b", "sparse", "toarray"),
        id="regressor-sparse",
    ),
    _case(_classifier, np.zeros((N, 2, 2)), r"\by\b", "dim 3", id="classifier-3d"),
    _case(_regressor, np.zeros((N, 2, 2)), r"\by\b", "dim 3", id="regressor-3d"),
    _case(_classifier, 1, r"\by\b", "scalar", "one", id="classifier-scalar"),
    _case(_regressor, 1.5, r"\by\b", "scalar", "one", id="regressor-scalar"),
    _case(_regressor, np.r_[np.nan, YR[1:]], "Input y contains NaN", id="nan"),
    _case(_regressor, np.r_[np.inf, YR[1:]], "Input y contains inf", id="inf"),
    _case(_classifier, np.r_[np.inf, Y[1:]], "Input y contains inf", id="inf-label"),
    _case(
        _regressor,
        np.full(N, 1e200),
        *(r"\by\b", "1e\\+200", "[Ss]cale", "TransformedTargetRegressor"),
        id="regressor-too-large",
    ),
    _case(
        _regressor,
        YR[:-1],
        *("inconsistent numbers of samples", "30", "29"),
        id="regressor-too-short",
    ),
]


@pytest.mark.parametrize("entry", ["fit", "partial_fit"])
@pytest.mark.parametrize("estimator, y, error, match", TARGET_CASES)
def test_bad_y_is_named_y(estimator, y, error, match, entry):
    data = X if estimator is _classifier else XR
    _assert_names_y(error, match, lambda: estimator(entry)(data, y))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "poisson"])
def test_targets_too_large_to_train_on_are_refused_for_every_loss(solver, loss):
    _assert_names_y(
        ValueError,
        names(r"\by\b", "too large", "[Ss]cale"),
        lambda: _regressor("fit", solver=solver, loss=loss)(XR, np.full(N, 1e200)),
    )


def test_large_targets_that_can_be_trained_on_are_accepted():
    y = 1e150 * YR  # (y − t)² stays finite below √max ≈ 1.3e154
    model = _regressor("fit", solver="lbfgs")(XR, y)
    assert np.isfinite(model.predict(XR)).all()


def test_numeric_strings_are_regression_targets():
    as_text = np.array([repr(float(v)) for v in YR])
    model = _regressor("fit")(XR, as_text)
    reference = _regressor("fit")(XR, YR)
    np.testing.assert_array_equal(model.predict(XR), reference.predict(XR))


def test_complex_X_is_still_named_X_when_y_is_complex_too():
    with pytest.raises(ValueError, match=names(r"\bX\b", "[Cc]omplex")):
        _regressor("fit")(XR + 1j, YR + 1j)


def test_targets_are_judged_in_the_dtype_that_trains_on_them():
    y = 1e20 * YR / np.abs(YR).max()  # fine in float64, its square overflows float32
    _assert_names_y(
        ValueError,
        names(r"\by\b", "1e\\+20", "float32"),
        lambda: _regressor("fit")(XR.astype(np.float32), y),
    )
    assert np.isfinite(_regressor("fit", solver="lbfgs")(XR, y).predict(XR)).all()
