"""Bad input: a catalogue of what a user can get wrong, and what they should see.

Every case asserts the exact exception (or warning) type and that the message
names the culprit: the parameter or argument, the offending value, what is
allowed. A second part checks "no harm on failure": a ``fit`` or
``partial_fit`` that raises leaves a fitted estimator exactly as it was (same
fitted attributes and weights, same predictions, and the next training step
gives the same result as on an untouched copy), and leaves an unfitted one
unfitted.

Values near the float range (1e300, 1e308) are legal input; for those the
requirement is a clear ValueError or finite outputs, never NaN probabilities
and never a bare numpy overflow RuntimeWarning.
"""

import copy
import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    NotFittedError,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import ManualMLPClassifier
from skmanualnet._estimators.validation import check_magnitude


def _dataset(n_classes, seed):
    X, y = make_classification(
        n_samples=30,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


X, Y = _dataset(2, seed=0)  # binary, labels {0, 1}
X3, Y3 = _dataset(3, seed=1)  # three classes, labels {0, 1, 2}
N = len(X)


def _model(**params):
    params = {"hidden_layer_sizes": (5,), "max_iter": 5, "random_state": 0, **params}
    return ManualMLPClassifier(**params)


def _fitted(**params):
    return _model(**params).fit(X, Y)


def _streamed(**params):
    return _model(**params).partial_fit(X, Y, classes=[0, 1])


def _with(A, value, at=(0, 0)):
    """A copy of A with one entry replaced."""
    A = np.array(A, dtype=float)
    A[at] = value
    return A


def _huge(A, value):
    """sign(A) · value, elementwise: finite entries of magnitude ``value``."""
    return np.where(A >= 0, value, -value)


def names(*parts):
    """A regex that matches when every part occurs somewhere in the message."""
    return "(?s)" + "".join(f"(?=.*(?:{part}))" for part in parts)


def _raises(error, match, call):
    with pytest.raises(error, match=match) as info:
        call()
    assert info.type is error, f"expected exactly {error.__name__}: {info.value!r}"


def _ones(n=N):
    return np.ones(n)


STRINGS = np.array([["a", "b", "c", "d"]] * N, dtype=object)
COMPLEX = X + 1j
RAGGED = [[0.1, 0.2, 0.3, 0.4]] * (N - 1) + [[0.1, 0.2]]


# --------------------------------------------------------------------------
# fit / first partial_fit on a fresh estimator
# --------------------------------------------------------------------------

FIT_CASES = [
    pytest.param(
        lambda: _model().fit(_with(X, np.nan), Y),
        ValueError,
        names("Input X contains NaN"),
        id="fit-nan-in-X",
    ),
    pytest.param(
        lambda: _model().fit(_with(X, np.inf), Y),
        ValueError,
        names("Input X contains infinity"),
        id="fit-inf-in-X",
    ),
    pytest.param(
        lambda: _model().fit(_with(X, -np.inf), Y),
        ValueError,
        names("Input X contains infinity"),
        id="fit-minus-inf-in-X",
    ),
    pytest.param(
        lambda: _model().fit(X, _with(Y, np.nan, at=0)),
        ValueError,
        names("Input y contains NaN"),
        id="fit-nan-in-y",
    ),
    pytest.param(
        lambda: _model().fit(np.empty((0, 4)), np.empty(0)),
        ValueError,
        names(r"0 sample\(s\)", r"shape=\(0, 4\)", "minimum of 1"),
        id="fit-empty-X",
    ),
    pytest.param(
        lambda: _model().fit(np.empty((N, 0)), Y),
        ValueError,
        names(r"0 feature\(s\)", r"shape=\(30, 0\)", "minimum of 1"),
        id="fit-X-without-columns",
    ),
    pytest.param(
        lambda: _model().fit(X, np.linspace(0.0, 1.0, N)),
        ValueError,
        names("Unknown label type: continuous", "classifier", "discrete"),
        id="fit-continuous-y",
    ),
    pytest.param(
        lambda: _model().fit(X, np.random.RandomState(0).rand(N, 2)),
        ValueError,
        names("Unknown label type: continuous-multioutput"),
        id="fit-continuous-2d-y",
    ),
    pytest.param(
        lambda: _model().fit(X, Y[:-1]),
        ValueError,
        names("inconsistent numbers of samples", "30", "29"),
        id="fit-X-y-length-mismatch",
    ),
    pytest.param(
        lambda: _model().fit(X, None),
        ValueError,
        names("requires y to be passed"),
        id="fit-y-none",
    ),
    pytest.param(
        lambda: _model().fit(X[:, 0], Y),
        ValueError,
        names("Expected 2D array, got 1D array", "reshape"),
        id="fit-1d-X",
    ),
    pytest.param(
        lambda: _model().fit(X[:, :, None], Y),
        ValueError,
        names("dim 3", "dim <= 2"),
        id="fit-3d-X",
    ),
    pytest.param(
        lambda: _model().fit(STRINGS, Y),
        ValueError,
        names(r"\bX\b", "'a'"),
        id="fit-object-strings-in-X",
    ),
    pytest.param(
        lambda: _model().fit(STRINGS.astype(str), Y),
        ValueError,
        names(r"\bX\b", "'a'"),
        id="fit-unicode-strings-in-X",
    ),
    pytest.param(
        lambda: _model().fit(COMPLEX, Y),
        ValueError,
        names(r"\bX\b", "[Cc]omplex"),
        id="fit-complex-X",
    ),
    pytest.param(
        lambda: _model().fit(RAGGED, Y),
        ValueError,
        names(r"\bX\b", "inhomogeneous"),
        id="fit-ragged-X",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=_with(_ones(), -1.0, at=0)),
        ValueError,
        names("Negative values", "sample_weight"),
        id="fit-sample-weight-negative",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=_with(_ones(), np.nan, at=0)),
        ValueError,
        names("sample_weight contains NaN"),
        id="fit-sample-weight-nan",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=_with(_ones(), np.inf, at=0)),
        ValueError,
        names("sample_weight contains infinity"),
        id="fit-sample-weight-inf",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=np.zeros(N)),
        ValueError,
        names("[Ss]ample weights", "at least one non-zero"),
        id="fit-sample-weight-all-zero",
    ),
    pytest.param(
        lambda: _model(solver="lbfgs").fit(X, Y, sample_weight=np.zeros(N)),
        ValueError,
        names("[Ss]ample weights", "at least one non-zero"),
        id="fit-lbfgs-sample-weight-all-zero",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=_ones(N - 1)),
        ValueError,
        names("sample_weight", r"\(29,\)", r"expected \(30,\)"),
        id="fit-sample-weight-wrong-length",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=np.ones((N, 2))),
        ValueError,
        names("1D array", "got 2D array", "length 30"),
        id="fit-sample-weight-2d",
    ),
    pytest.param(
        lambda: _model().fit(X, Y, sample_weight=np.array(["a"] * N, dtype=object)),
        ValueError,
        names("sample_weight", "'a'"),
        id="fit-sample-weight-strings",
    ),
    pytest.param(
        lambda: _model(class_weight={0: -1.0, 1: 1.0}).fit(X, Y),
        ValueError,
        names("class_weight", "-1", "non-negative"),
        id="fit-class-weight-negative",
    ),
    pytest.param(
        lambda: _model(class_weight={0: np.nan, 1: 1.0}).fit(X, Y),
        ValueError,
        names("class_weight", "nan", "finite"),
        id="fit-class-weight-nan",
    ),
    pytest.param(
        lambda: _model(class_weight={0: 0.0, 1: 0.0}).fit(X, Y),
        ValueError,
        names("class_weight", "non-zero|positive"),
        id="fit-class-weight-all-zero",
    ),
    pytest.param(
        lambda: _model(class_weight={0: 1.0, 5: 2.0}).fit(X, Y),
        ValueError,
        names("class_weight", r"\[1\]"),
        id="fit-class-weight-missing-label",
    ),
    pytest.param(
        lambda: _model(early_stopping=True, validation_fraction=0.1).fit(
            X[:10], Y[:10]
        ),
        ValueError,
        names("validation_fraction=0.1", "leaves 1 validation", "at least 2"),
        id="fit-validation-fraction-leaves-one-row",
    ),
    pytest.param(
        lambda: _model(early_stopping=True, validation_fraction=0.03).fit(X, Y),
        ValueError,
        names("validation_fraction=0.03", "leaves 1 validation", "at least 2"),
        id="fit-validation-fraction-leaves-one-row-of-30",
    ),
    pytest.param(
        lambda: _model().partial_fit(X, Y),
        ValueError,
        names("classes must be passed on the first call"),
        id="partial_fit-first-call-without-classes",
    ),
    pytest.param(
        lambda: _model().partial_fit(X, Y, classes=[0]),
        ValueError,
        names(r"y has classes \[1\]", r"not in classes_ \[0\]", "partial_fit"),
        id="partial_fit-one-class-in-classes",
    ),
    pytest.param(
        lambda: _model().partial_fit(X, Y + 5, classes=[0, 1]),
        ValueError,
        names(r"classes \[5, 6\]", r"not in classes_ \[0, 1\]"),
        id="partial_fit-first-call-labels-outside-classes",
    ),
    pytest.param(
        lambda: _model().partial_fit(_with(X, np.nan), Y, classes=[0, 1]),
        ValueError,
        names("Input X contains NaN"),
        id="partial_fit-first-call-nan-in-X",
    ),
    pytest.param(
        lambda: _model().partial_fit(
            X, Y, classes=[0, 1], sample_weight=_with(_ones(), -1.0, at=0)
        ),
        ValueError,
        names("Negative values", "sample_weight"),
        id="partial_fit-first-call-sample-weight-negative",
    ),
    pytest.param(
        lambda: _model(early_stopping=True).partial_fit(X, Y, classes=[0, 1]),
        ValueError,
        names("partial_fit does not support early_stopping=True"),
        id="partial_fit-early-stopping",
    ),
    pytest.param(
        lambda: _model(class_weight="balanced").partial_fit(X, Y, classes=[0, 1]),
        ValueError,
        names("class_weight='balanced'", "partial_fit", "dict"),
        id="partial_fit-class-weight-balanced",
    ),
    pytest.param(
        lambda: _model(solver="lbfgs").partial_fit(X, Y, classes=[0, 1]),
        AttributeError,
        names("has no attribute 'partial_fit'"),
        id="partial_fit-lbfgs",
    ),
]


@pytest.mark.parametrize("call, error, match", FIT_CASES)
def test_fit_rejects_bad_input(call, error, match):
    _raises(error, match, call)


# --------------------------------------------------------------------------
# hyper-parameters: out of range, NaN, wrong type
# --------------------------------------------------------------------------

#: (parameter, bad values, parameters that make it matter)
HYPERPARAMETERS = [
    ("alpha", [-1.0, np.nan, np.inf, "0.1", None], {}),
    ("learning_rate_init", [0.0, -0.1, np.nan, np.inf, "fast"], {}),
    ("power_t", [-0.5, np.nan, "0.5"], {"learning_rate": "invscaling"}),
    ("max_iter", [0, -1, 2.5, 10.0, np.nan, "10", True], {}),
    ("tol", [-1e-3, np.nan, "small"], {}),
    ("momentum", [1.5, -0.1, np.nan, "0.9"], {}),
    ("validation_fraction", [0.0, 1.0, -0.1, np.nan, "0.1"], {"early_stopping": True}),
    ("beta_1", [1.0, -0.1, np.nan, "0.9"], {"solver": "adam"}),
    ("beta_2", [1.0, -0.1, np.nan, "0.999"], {"solver": "adam"}),
    ("epsilon", [0.0, -1e-8, np.nan, "1e-8"], {"solver": "adam"}),
    ("n_iter_no_change", [0, -1, 2.5, np.nan, -np.inf, "10", True], {}),
    ("max_fun", [0, -1, 2.5, np.nan, "15000", True], {"solver": "lbfgs"}),
    ("batch_size", [0, -1, 2.5, np.nan, "big", True], {}),
    ("dropout", [1.0, -0.1, np.nan, "0.1", None], {}),
    ("normalization", ["batch_norm", "Layer", 1, True], {}),
    ("input_scale", ["yes", 1, None], {}),
    ("input_embedding", ["sin", "periodic_linear", 1, True], {}),
    (
        "embedding_size",
        [0, -1, 2.5, np.nan, "16", None],
        {"input_embedding": "periodic"},
    ),
    ("parametric_activation", ["yes", 2, None], {}),
]

HYPERPARAMETER_CASES = [
    pytest.param(name, value, context, id=f"{name}={value!r}")
    for name, values, context in HYPERPARAMETERS
    for value in values
]


@pytest.mark.parametrize("name, value, context", HYPERPARAMETER_CASES)
def test_fit_rejects_bad_hyperparameter(name, value, context):
    model = _model(**context, **{name: value})
    match = names(
        f"'{name}' parameter", re.escape(f"Got {value!r}"), "range|among|instance of"
    )
    _raises(InvalidParameterError, match, lambda: model.fit(X, Y))


@pytest.mark.parametrize("name, value, context", HYPERPARAMETER_CASES)
def test_partial_fit_rejects_bad_hyperparameter(name, value, context):
    context = {k: v for k, v in context.items() if k != "early_stopping"}
    if context.get("solver") == "lbfgs":
        context["solver"] = "sgd"
    model = _model(**context, **{name: value})
    match = names(
        f"'{name}' parameter", re.escape(f"Got {value!r}"), "range|among|instance of"
    )
    _raises(
        InvalidParameterError,
        match,
        lambda: model.partial_fit(X, Y, classes=[0, 1]),
    )


@pytest.mark.parametrize(
    "sizes, error",
    [
        pytest.param((), ValueError, id="empty"),
        pytest.param((0,), ValueError, id="(0,)"),
        pytest.param(0, InvalidParameterError, id="0"),
        pytest.param((5, -3), ValueError, id="(5,-3)"),
        pytest.param(-3, InvalidParameterError, id="-3"),
        pytest.param((2.5,), ValueError, id="(2.5,)"),
        pytest.param(2.5, InvalidParameterError, id="2.5"),
        pytest.param("10", InvalidParameterError, id="string"),
        pytest.param((5, None), ValueError, id="(5,None)"),
        pytest.param((True,), ValueError, id="(True,)"),
    ],
)
def test_fit_rejects_bad_hidden_layer_sizes(sizes, error):
    match = names("hidden_layer_sizes", re.escape(repr(sizes)), "positive|range")
    _raises(error, match, lambda: _model(hidden_layer_sizes=sizes).fit(X, Y))


def test_partial_fit_after_set_params_still_validates_parameters():
    model = _streamed()
    model.set_params(alpha=-1.0)
    _raises(
        InvalidParameterError,
        names("'alpha' parameter", re.escape("Got -1.0"), "range"),
        lambda: model.partial_fit(X, Y),
    )


# --------------------------------------------------------------------------
# partial_fit on a fitted estimator (also replayed by the no-harm tests)
# --------------------------------------------------------------------------


def _diverge(model):
    # legal but far too large inputs; numpy's own overflow warnings are silenced
    # here so that only the estimator's reaction is tested (see test_huge_*)
    with np.errstate(all="ignore"):
        model.partial_fit(_huge(X, 1e308), Y)


PARTIAL_FIT_CASES = [
    pytest.param(
        lambda m: m.partial_fit(X[:, :3], Y),
        ValueError,
        names("X has 3 features", "expecting 4 features"),
        id="fewer-features",
    ),
    pytest.param(
        lambda m: m.partial_fit(np.hstack([X, X[:, :1]]), Y),
        ValueError,
        names("X has 5 features", "expecting 4 features"),
        id="more-features",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, np.where(Y == 1, 7, Y)),
        ValueError,
        names(r"classes \[7\]", r"not in classes_ \[0, 1\]"),
        id="unknown-label",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, classes=[0, 1, 2]),
        ValueError,
        names(r"classes=\[0, 1, 2\]", "not the same", r"\[0, 1\]"),
        id="changed-classes",
    ),
    pytest.param(
        lambda m: m.partial_fit(_with(X, np.nan), Y),
        ValueError,
        names("Input X contains NaN"),
        id="nan-in-X",
    ),
    pytest.param(
        lambda m: m.partial_fit(_with(X, np.inf), Y),
        ValueError,
        names("Input X contains infinity"),
        id="inf-in-X",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, _with(Y, np.nan, at=0)),
        ValueError,
        names("Input y contains NaN"),
        id="nan-in-y",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, np.linspace(0.0, 1.0, N)),
        ValueError,
        names("Unknown label type: continuous"),
        id="continuous-y",
    ),
    pytest.param(
        lambda m: m.partial_fit(STRINGS, Y),
        ValueError,
        names(r"\bX\b", "'a'"),
        id="strings-in-X",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y[:-1]),
        ValueError,
        names("inconsistent numbers of samples", "30", "29"),
        id="X-y-length-mismatch",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, sample_weight=_with(_ones(), -1.0, at=0)),
        ValueError,
        names("Negative values", "sample_weight"),
        id="sample-weight-negative",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, sample_weight=_with(_ones(), np.nan, at=0)),
        ValueError,
        names("sample_weight contains NaN"),
        id="sample-weight-nan",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, sample_weight=np.zeros(N)),
        ValueError,
        names("[Ss]ample weights", "at least one non-zero"),
        id="sample-weight-all-zero",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, sample_weight=_ones(N - 1)),
        ValueError,
        names("sample_weight", r"\(29,\)", r"expected \(30,\)"),
        id="sample-weight-wrong-length",
    ),
    pytest.param(
        lambda m: (m.set_params(alpha=-1.0), m.partial_fit(X, Y)),
        InvalidParameterError,
        names("'alpha' parameter", re.escape("Got -1.0")),
        id="bad-alpha-set-after-first-call",
    ),
    pytest.param(
        _diverge,
        ValueError,
        names(r"\bX\b", "[Ss]cale"),
        id="diverging-on-1e308",
    ),
]


@pytest.mark.parametrize("bad_call, error, match", PARTIAL_FIT_CASES)
def test_partial_fit_rejects_bad_input_after_first_call(bad_call, error, match):
    model = _streamed()
    _raises(error, match, lambda: bad_call(model))


# --------------------------------------------------------------------------
# predict, predict_proba, decision_function, score
# --------------------------------------------------------------------------

METHODS = [
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "score",
]


def _call(model, method, A):
    if method == "score":
        return model.score(A, Y[: len(A)])
    return getattr(model, method)(A)


PREDICT_CASES = [
    pytest.param(
        _with(X, np.nan), ValueError, names("Input X contains NaN"), id="nan-in-X"
    ),
    pytest.param(
        _with(X, np.inf), ValueError, names("Input X contains infinity"), id="inf"
    ),
    pytest.param(
        X[:, :3],
        ValueError,
        names("X has 3 features", "expecting 4 features"),
        id="fewer-features",
    ),
    pytest.param(
        np.hstack([X, X]),
        ValueError,
        names("X has 8 features", "expecting 4 features"),
        id="more-features",
    ),
    pytest.param(
        np.empty((0, 4)),
        ValueError,
        names(r"0 sample\(s\)", "minimum of 1"),
        id="empty-X",
    ),
    pytest.param(X[0], ValueError, names("Expected 2D array, got 1D array"), id="1d-X"),
    pytest.param(STRINGS, ValueError, names(r"\bX\b", "'a'"), id="strings-in-X"),
    pytest.param(COMPLEX, ValueError, names(r"\bX\b", "[Cc]omplex"), id="complex-X"),
]


@pytest.fixture(scope="module")
def fitted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _fitted()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("A, error, match", PREDICT_CASES)
def test_prediction_rejects_bad_X(fitted, method, A, error, match):
    _raises(error, match, lambda: _call(fitted, method, A))


@pytest.mark.parametrize("method", METHODS)
def test_prediction_before_fit_is_not_fitted_error(method):
    _raises(
        NotFittedError,
        names("not fitted yet", "fit"),
        lambda: _call(_model(), method, X),
    )


def test_score_rejects_y_of_the_wrong_length(fitted):
    _raises(
        ValueError,
        names("inconsistent numbers of samples", "30", "29"),
        lambda: fitted.score(X, Y[:-1]),
    )


# --------------------------------------------------------------------------
# input that should just work (with a warning where scikit-learn warns)
# --------------------------------------------------------------------------


def test_boolean_X_is_treated_as_zero_one():
    Xb = X > 0
    model = _model().fit(Xb, Y)
    reference = _model().fit(Xb.astype(float), Y)
    for W, W_ref in zip(model.coefs_, reference.coefs_, strict=True):
        assert_array_equal(W, W_ref)
    assert_array_equal(model.predict_proba(Xb), reference.predict_proba(Xb * 1.0))
    assert_array_equal(model.predict(Xb), reference.predict(Xb * 1.0))


@pytest.mark.parametrize("entry", ["fit", "partial_fit"])
def test_column_vector_y_warns_then_works(entry):
    kwargs = {"classes": [0, 1]} if entry == "partial_fit" else {}
    model, reference = _model(), _model()
    with pytest.warns(DataConversionWarning, match=names("column-vector y", "ravel")):
        getattr(model, entry)(X, Y[:, None], **kwargs)
    getattr(reference, entry)(X, Y, **kwargs)
    assert model.predict(X).shape == (N,)
    assert_array_equal(model.predict_proba(X), reference.predict_proba(X))


@pytest.mark.parametrize("entry", ["fit", "partial_fit"])
def test_batch_size_larger_than_n_is_clipped_with_a_warning(entry):
    kwargs = {"classes": [0, 1]} if entry == "partial_fit" else {}
    model = _model(batch_size=100)
    match = names("batch_size=100", "larger than", r"samples \(30\)", "clipped to 30")
    with pytest.warns(UserWarning, match=match):
        getattr(model, entry)(X, Y, **kwargs)
    reference = getattr(_model(batch_size=N), entry)(X, Y, **kwargs)
    assert_array_equal(model.predict_proba(X), reference.predict_proba(X))


def test_partial_fit_one_sample_at_a_time_works():
    model = _model()
    for i in range(4):
        model.partial_fit(X[i : i + 1], Y[i : i + 1], classes=[0, 1])
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all() and proba.shape == (N, 2)


# --------------------------------------------------------------------------
# finite values near the float range: a clear error or finite outputs
# --------------------------------------------------------------------------


def _clear_error_or_result(call, culprit=r"\bX\b"):
    """``call()``, or None if it raised a ValueError that names the culprit and
    says what to do. numpy's overflow RuntimeWarnings are not a clear error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            return call()
        except ValueError as error:
            message = str(error)
            assert re.search(culprit, message), message
            assert re.search(r"[Ss]cale|too large|overflow", message), message
            return None


def _assert_finite_outputs(model, A):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = model.predict_proba(A)
        z = model.decision_function(A)
    assert np.isfinite(proba).all(), proba
    assert np.isfinite(z).all(), z
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("value", [1e300, 1e308])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_huge_finite_X_at_fit(solver, value):
    Xh = _huge(X, value)
    model = _clear_error_or_result(lambda: _model(solver=solver).fit(Xh, Y))
    if model is not None:
        _assert_finite_outputs(model, X)
        _assert_finite_outputs(model, Xh)


def _magnitude_verdict(A, dtype, row_squares=None):
    try:
        check_magnitude(A, "X", dtype, row_squares=row_squares)
    except ValueError as error:
        return str(error)
    return None


#: one entry of size `value` in a row of 50 entries of size `rest` (float64):
#: near √max of float32 (1.8e19) and of float64 (1.3e154), and rows whose ‖x‖²
#: overflows float64 although no entry's square does (50 · 1e153² > max)
MAGNITUDES = [
    (1.0, 1.0),
    (1.8e19, 1.0),
    (1.9e19, 1.0),
    (1e30, 1.0),
    (1.3e154, 1.0),
    (1.35e154, 1.0),
    (1e200, 1.0),
    (1e153, 1e153),
    (1.3e154, 1.3e154),
]


@pytest.mark.parametrize("value, rest", MAGNITUDES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_magnitude_check_from_row_squares_decides_as_the_entries_do(dtype, value, rest):
    # the fit measures ‖xᵢ‖² once (for the data scale) and lets the magnitude
    # check skip its passes over X when every ‖xᵢ‖² fits in the dtype: the
    # verdict (and the message) must be the entry-wise check's in every case
    A = np.full((3, 50), rest)
    A[1, 7] = -value
    with np.errstate(over="ignore"):
        squares = np.einsum("ij,ij->i", A, A)
    assert _magnitude_verdict(A, dtype, squares) == _magnitude_verdict(A, dtype)


def test_magnitude_check_from_row_squares_skips_the_entries():
    # the entries are not read when the row squares clear them: an infinity
    # planted in A (which validation would have refused) goes unseen
    A = np.ones((3, 4))
    A[0, 0] = np.inf
    assert _magnitude_verdict(A, np.float64, np.full(3, 4.0)) is None
    assert _magnitude_verdict(A, np.float64) is not None


@pytest.mark.parametrize("value", [1e300, 1e308])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_huge_finite_X_at_partial_fit(solver, value):
    model = _streamed(solver=solver)
    Xh = _huge(X, value)
    if _clear_error_or_result(lambda: model.partial_fit(Xh, Y)) is not None:
        _assert_finite_outputs(model, X)
        _assert_finite_outputs(model, Xh)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
@pytest.mark.parametrize("value", [1e300, 1e308, -1e308])
@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_huge_finite_X_at_predict(task, value, method):
    data, labels = (X, Y) if task == "binary" else (X3, Y3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _model().fit(data, labels)
    Xh = _huge(data, value)
    out = _clear_error_or_result(lambda: getattr(model, method)(Xh))
    if out is not None:
        if method == "predict":
            assert set(out) <= set(model.classes_)
            # a finite logit decides the class; it must agree with predict_proba
            proba = _clear_error_or_result(lambda: model.predict_proba(Xh))
            if proba is not None:
                assert_array_equal(out, model.classes_[np.argmax(proba, axis=1)])
        else:
            assert np.isfinite(out).all(), out
            if method == "predict_proba":
                np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_huge_finite_sample_weight():
    model = _clear_error_or_result(
        lambda: _model().fit(X, Y, sample_weight=np.full(N, 1e308)),
        culprit="sample_weight",
    )
    if model is not None:
        _assert_finite_outputs(model, X)
        assert model.loss_ > 0 and np.isfinite(model.loss_)


# --------------------------------------------------------------------------
# no harm on failure
# --------------------------------------------------------------------------


def _fitted_state(model):
    """Deep copies of the public fitted attributes (names ending in '_')."""
    return {
        key: copy.deepcopy(value)
        for key, value in vars(model).items()
        if key.endswith("_") and not key.startswith("_")
    }


def _assert_same(a, b, where):
    if isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), where
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _assert_same(u, v, f"{where}[{i}]")
    elif a is None or isinstance(a, str):
        assert a == b, where
    else:
        assert_array_equal(a, b, err_msg=where, strict=True)


def _assert_unharmed(model, twin, state_before, coefs_before):
    """``model`` (after a failed call) is indistinguishable from ``twin`` (a deep
    copy taken before it): fitted attributes, weights, predictions, and the
    result of the next training step."""
    model.set_params(**twin.get_params())  # undo a set_params of the bad call
    state_after = _fitted_state(model)
    assert state_after.keys() == state_before.keys()
    for key in state_before:
        _assert_same(state_after[key], state_before[key], key)
    for W, W_before in zip(model.coefs_, coefs_before, strict=True):
        assert_array_equal(W, W_before)
    assert_array_equal(model.predict_proba(X), twin.predict_proba(X))
    assert_array_equal(model.predict(X), twin.predict(X))
    model.partial_fit(X, Y)
    twin.partial_fit(X, Y)
    for W, W_twin in zip(
        model.coefs_ + model.intercepts_, twin.coefs_ + twin.intercepts_, strict=True
    ):
        assert_array_equal(W, W_twin)


def _check_no_harm(model, bad_call, error):
    twin = copy.deepcopy(model)
    state_before = _fitted_state(model)
    coefs_before = [W.copy() for W in model.coefs_]
    with pytest.raises(error):
        bad_call(model)
    _assert_unharmed(model, twin, state_before, coefs_before)


@pytest.mark.parametrize("bad_call, error, match", PARTIAL_FIT_CASES)
def test_failed_partial_fit_leaves_the_model_as_it_was(bad_call, error, match):
    _check_no_harm(_streamed(), bad_call, error)


def _diverging_fit(model):
    with np.errstate(all="ignore"):
        model.fit(_huge(X, 1e308), Y)


FIT_HARM_CASES = [
    pytest.param(lambda m: m.fit(_with(X, np.nan), Y), ValueError, id="nan-in-X"),
    pytest.param(lambda m: m.fit(STRINGS, Y), ValueError, id="strings-in-X"),
    pytest.param(
        lambda m: (m.set_params(warm_start=True), m.fit(X, np.zeros(N))),
        ValueError,
        id="warm-start-one-class",
    ),
    pytest.param(
        lambda m: (m.set_params(warm_start=True), m.fit(X[:, :3], np.full(N, 5))),
        ValueError,
        id="warm-start-one-class-and-other-n-features",
    ),
    pytest.param(
        lambda m: m.fit(X, Y + 3, sample_weight=_with(_ones(), -1.0, at=0)),
        ValueError,
        id="negative-sample-weight-and-other-labels",
    ),
    pytest.param(
        lambda m: m.fit(X[:, :3], Y, sample_weight=_with(_ones(), -1.0, at=0)),
        ValueError,
        id="negative-sample-weight-and-other-n-features",
    ),
    pytest.param(
        lambda m: m.fit(X, Y, sample_weight=np.zeros(N)),
        ValueError,
        id="all-zero-sample-weight",
    ),
    pytest.param(
        lambda m: (m.set_params(alpha=np.nan), m.fit(X, Y)),
        InvalidParameterError,
        id="nan-alpha",
    ),
    pytest.param(
        lambda m: (m.set_params(hidden_layer_sizes=(0,)), m.fit(X, Y)),
        ValueError,
        id="zero-hidden-layer-size",
    ),
    pytest.param(
        lambda m: (m.set_params(early_stopping=True), m.fit(X[:10], Y[:10])),
        ValueError,
        id="validation-fraction-leaves-one-row",
    ),
    pytest.param(_diverging_fit, ValueError, id="diverging-on-1e308"),
    pytest.param(
        lambda m: (m.set_params(warm_start=True), m.fit(_with(X, np.nan), Y)),
        ValueError,
        id="warm-start-nan-in-X",
    ),
    pytest.param(
        lambda m: (m.set_params(warm_start=True), m.fit(X, np.where(Y == 1, 2, Y))),
        ValueError,
        id="warm-start-other-classes",
    ),
    pytest.param(
        lambda m: (m.set_params(warm_start=True), _diverging_fit(m)),
        ValueError,
        id="warm-start-diverging-on-1e308",
    ),
]


@pytest.mark.parametrize("bad_call, error", FIT_HARM_CASES)
def test_failed_fit_leaves_the_fitted_model_as_it_was(bad_call, error):
    _check_no_harm(_fitted(), bad_call, error)


def test_failed_fit_keeps_the_feature_names_of_the_previous_fit():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = _model().fit(frame, Y)
    twin = copy.deepcopy(model)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.fit(_with(X, np.nan), Y)
    assert_array_equal(model.feature_names_in_, ["a", "b", "c", "d"])
    # predicting on the same kind of frame must not warn about feature names
    assert_array_equal(model.predict_proba(frame), twin.predict_proba(frame))


#: a first call that fails must leave a fresh estimator unfitted
FIRST_CALL_FAILURES = [
    pytest.param(lambda m: m.fit(_with(X, np.nan), Y), id="fit-nan-in-X"),
    pytest.param(lambda m: m.fit(X, np.linspace(0, 1, N)), id="fit-continuous-y"),
    pytest.param(
        lambda m: m.fit(X, Y, sample_weight=np.zeros(N)), id="fit-zero-sample-weight"
    ),
    pytest.param(
        lambda m: m.partial_fit(_with(X, np.nan), Y, classes=[0, 1]),
        id="partial_fit-nan-in-X",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y + 5, classes=[0, 1]),
        id="partial_fit-labels-outside-classes",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, classes=[0]),
        id="partial_fit-one-class-in-classes",
    ),
    pytest.param(
        lambda m: m.partial_fit(X, Y, classes=[0, 1], sample_weight=-_ones()),
        id="partial_fit-negative-sample-weight",
    ),
]


@pytest.mark.parametrize("bad_call", FIRST_CALL_FAILURES)
def test_failed_first_call_leaves_the_model_unfitted(bad_call):
    model = _model()
    with pytest.raises(ValueError):
        bad_call(model)
    assert _fitted_state(model) == {}
    _raises(NotFittedError, names("not fitted yet"), lambda: model.predict(X))
    # and partial_fit still asks for the classes, as on a fresh estimator
    _raises(
        ValueError,
        names("classes must be passed on the first call"),
        lambda: model.partial_fit(X, Y),
    )
