"""Input checks beyond scikit-learn's: messages that name the culprit, magnitudes
that would overflow, weights that cannot train, and undo on failure."""

import copy
from contextlib import contextmanager

import numpy as np
from scipy import sparse
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    validate_data,
)

from .._training.divergence import DivergenceError

#: Fragments of numpy's messages when an array cannot be converted to floats.
_CONVERSION_FAILURES = (
    "could not convert",
    "inhomogeneous",
    "setting an array element",
    "argument must be a string or a",
    "invalid literal",
)


def _named(what, error):
    """The validation error re-worded to name ``what``, or None for errors whose
    message already names it (or that are about no one array)."""
    message = str(error)
    if message.startswith("Complex data not supported"):
        return ValueError(
            f"Complex data not supported: {what} has complex values; only real "
            "numbers are allowed."
        )
    if any(fragment in message for fragment in _CONVERSION_FAILURES):
        return type(error)(f"{what} must hold real numbers only: {message}")
    if message.startswith("Found array with dim"):
        return ValueError(f"{what} has too many dimensions. {message}")
    if message.startswith("Input should have at least 1 dimension"):
        return ValueError(
            f"{what} must be an array with one entry (or row) per sample, not a "
            f"scalar. {message}"
        )
    return None


def _culprit(X, y, kwargs):
    """Which of X and y made ``validate_data(est, X, y, **kwargs)`` fail: X when
    X alone fails its checks (X is checked first), else y."""
    if isinstance(y, str):  # "no_validation": only X was validated
        return "X"
    x_params = {
        key: value
        for key, value in kwargs.items()
        if key not in ("multi_output", "y_numeric", "reset")
    }
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            check_array(X, **x_params)
    except (ValueError, TypeError):
        return "X"
    return "y"


def validate_X(est, X, y="no_validation", **kwargs):
    """``validate_data`` whose errors name the array at fault, X or y.

    sklearn's finiteness check sums X, which overflows (with a RuntimeWarning)
    for legal values near the float range: those are judged by
    :func:`check_magnitude` and :func:`check_finite_outputs` instead.
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(est, X, y, **kwargs)
    except (ValueError, TypeError) as error:
        named = _named(_culprit(X, y, kwargs), error)
        if named is None:
            raise
        raise named from error


def real_targets(y):
    """Regression targets y as real numbers: numeric dtypes as they are, strings
    converted to float64 (as scikit-learn converts object y), sparse refused."""
    if sparse.issparse(y):
        raise ValueError(
            "y is a sparse matrix; regression targets must be dense: pass y.toarray()."
        )
    if y.dtype.kind in "biuf":
        return y
    try:
        return y.astype(np.float64)
    except (ValueError, TypeError) as error:
        raise _named("y", error) or error from error


def check_sample_weight(sample_weight, X):
    """Non-negative, finite sample weights of X's dtype, with a finite sum."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
    except (ValueError, TypeError) as error:
        named = _named("sample_weight", error)
        if named is None:
            raise
        raise named from error
    return _check_finite_sum(sample_weight, "sample_weight")


def _check_finite_sum(weights, what):
    """``weights``, if their sum is finite (``what`` names them otherwise)."""
    with np.errstate(over="ignore"):
        total = weights.sum()
    if not np.isfinite(total):
        raise ValueError(
            f"{what} sums to {total} (its largest value is {weights.max():.3g}); "
            "it must have a finite sum: rescale it."
        )
    return weights


def weigh_classes(class_weight, y, classes, sample_weight, dtype, incremental):
    """s ⊙ class weights, checked as ``sample_weight`` is (finite sum, not all
    zero). A dict weighs the classes it omits 1, its weights looked up over all
    ``classes`` (:func:`~sklearn.utils.class_weight.compute_class_weight`), so
    that each chunk of a partial_fit gives a class the same weight."""
    if incremental and class_weight == "balanced":
        raise ValueError(
            "class_weight='balanced' needs the whole y and is not supported by "
            "partial_fit; pass a dict {label: weight} instead."
        )
    if isinstance(class_weight, dict):
        values = _real_numbers(class_weight.values())
        if values is None:
            raise ValueError(
                "class_weight values must be real numbers, one weight per class; "
                f"got {class_weight!r}."
            )
        if not (np.isfinite(values).all() and (values >= 0).all()):
            raise ValueError(
                "class_weight values must be finite and non-negative, got "
                f"{class_weight!r}."
            )
    if isinstance(class_weight, dict) and y.ndim == 1:
        per_class = compute_class_weight(class_weight, classes=classes, y=y)
        weights = per_class[np.searchsorted(classes, y)].astype(dtype)
    else:
        weights = compute_sample_weight(class_weight, y).astype(dtype)
    if sample_weight is not None:
        with np.errstate(over="ignore"):
            weights *= sample_weight
    _check_finite_sum(weights, "class_weight times sample_weight")
    if not weights.any():
        raise ValueError(
            "class_weight and sample_weight together give every sample weight 0; "
            "at least one sample needs a positive (non-zero) weight."
        )
    return weights


def _real_numbers(values):
    """``values`` as a 1-D float array, or None if they are not all real numbers
    (complex, strings, None, sequences)."""
    try:
        array = np.asarray(list(values))
    except ValueError:  # ragged sequences
        return None
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        return None
    return array.astype(float)


#: What to do about values too large to train on, per array.
_RESCALE = {
    "X": "scale X, for example with sklearn.preprocessing.StandardScaler",
    "y": (
        "scale y, for example with sklearn.compose.TransformedTargetRegressor "
        "and a StandardScaler"
    ),
}


def check_magnitude(A, name="X", dtype=None, row_squares=None):
    """Refuse values of A (X, or the targets y) that would overflow training in
    ``dtype`` (A's own by default): |a| > √max, whose square is not finite.

    ``row_squares``, ‖aᵢ‖² of a dense A in float64 (measured anyway for the
    data scale), spares the two passes over A in the common case: each a² is
    at most its row's ‖aᵢ‖², so when every ‖aᵢ‖² fits in ``dtype`` no entry
    is too large. Otherwise (a sum may overflow where no entry does) the
    entries themselves are checked.
    """
    values = A.data if sparse.issparse(A) else A
    if values.size == 0:
        return
    dtype = A.dtype if dtype is None else dtype
    limit = float(np.finfo(dtype).max)  # a Python float: no cast to dtype
    if row_squares is not None and row_squares.max() <= limit:
        return
    largest = max(float(values.max()), -float(values.min()))  # no copy of A
    if largest > np.sqrt(limit):
        raise ValueError(
            f"{name} has values up to {largest:.3g}, too large to train on without "
            f"overflow in {np.dtype(dtype)}; {_RESCALE[name]}."
        )


def check_finite_outputs(z, X):
    """The network's logits for X must be finite (huge X overflows them)."""
    if not np.isfinite(z).all():
        values = X.data if sparse.issparse(X) else X
        raise ValueError(
            f"X has values up to {float(np.abs(values).max()):.3g}: the network's "
            "outputs overflowed. Scale X as it was scaled for fit."
        )


def _state(est):
    """The estimator's attributes that are not parameters nor callback plumbing."""
    params = est.get_params(deep=False)
    return {
        key: value
        for key, value in vars(est).items()
        if key not in params and "callback" not in key
    }


#: What a call reads and replaces but never writes (a continued fit copies the
#: weights into its θ, and trains copies of the optimizer and the stopping rule).
_REPLACED_NOT_WRITTEN = ("coefs_", "intercepts_", "_optimizer", "_stopping")


def _snapshot(est):
    """A deep copy of ``est``'s state, sharing what a call never writes: a
    refit of a large network would otherwise hold a second copy of its weights
    and optimizer state for the whole call."""
    state = _state(est)
    shared = [state[key] for key in _REPLACED_NOT_WRITTEN if key in state]
    shared += [*state.get("coefs_", ()), *state.get("intercepts_", ())]
    return copy.deepcopy(state, memo={id(value): value for value in shared})


@contextmanager
def undo_on_failure(est, keep_if=lambda error, was_fitted: False):
    """Restore ``est``'s fitted state if the body raises anything, a
    KeyboardInterrupt included, unless ``keep_if`` says to keep what the failed
    call left (the last finite weights of a first fit that diverged)."""
    saved = _snapshot(est)
    try:
        yield
    except BaseException as error:
        if not keep_if(error, "coefs_" in saved):
            failed = _state(est)
            kept = {k: v for k, v in vars(est).items() if k not in failed}
            est.__dict__ = {**kept, **saved}  # one assignment: never half restored
        raise


def first_fit_diverged(error, was_fitted):
    """A first fit that diverged keeps its last finite weights, to be inspected;
    any other failure, or a failure of a fitted estimator, is undone."""
    return isinstance(error, DivergenceError) and not was_fitted
