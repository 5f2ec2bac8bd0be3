"""Input checks beyond scikit-learn's: messages that name the culprit, magnitudes
that would overflow, weights that cannot train, and undo on failure."""

import copy
from contextlib import contextmanager

import numpy as np
from scipy import sparse
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.validation import _check_sample_weight, validate_data

#: Fragments of numpy's messages when an array cannot be converted to floats.
_CONVERSION_FAILURES = (
    "could not convert",
    "inhomogeneous",
    "setting an array element",
    "argument must be a string or a",
    "invalid literal",
)


def _named(what, error):
    """The conversion error re-worded to name ``what``, or None for other errors."""
    message = str(error)
    if message.startswith("Complex data not supported"):
        return ValueError(
            f"Complex data not supported: {what} has complex values; only real "
            "numbers are allowed."
        )
    if any(fragment in message for fragment in _CONVERSION_FAILURES):
        return type(error)(f"{what} must hold real numbers only: {message}")
    return None


def validate_X(est, X, y="no_validation", **kwargs):
    """``validate_data`` whose conversion errors name X.

    sklearn's finiteness check sums X, which overflows (with a RuntimeWarning)
    for legal values near the float range: those are judged by
    :func:`check_magnitude` and :func:`check_finite_outputs` instead.
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(est, X, y, **kwargs)
    except (ValueError, TypeError) as error:
        named = _named("X", error)
        if named is None:
            raise
        raise named from error


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
        values = np.asarray(list(class_weight.values()), dtype=float)
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


def check_magnitude(X):
    """Refuse X whose values would overflow the forward pass (|x| > √max)."""
    values = X.data if sparse.issparse(X) else X
    if values.size == 0:
        return
    largest = max(float(values.max()), -float(values.min()))  # no copy of X
    if largest > np.sqrt(np.finfo(X.dtype).max):
        raise ValueError(
            f"X has values up to {largest:.3g}, too large to train on without "
            f"overflow in {X.dtype}; scale X, for example with "
            "sklearn.preprocessing.StandardScaler."
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


@contextmanager
def undo_on_failure(est, keep_if=lambda error, was_fitted: False):
    """Restore ``est``'s fitted state if the body raises anything, a
    KeyboardInterrupt included, unless ``keep_if`` says to keep what the failed
    call left (the last finite weights of a first fit that diverged)."""
    saved = copy.deepcopy(_state(est))
    try:
        yield
    except BaseException as error:
        if not keep_if(error, "coefs_" in saved):
            failed = _state(est)
            kept = {k: v for k, v in vars(est).items() if k not in failed}
            est.__dict__ = {**kept, **saved}  # one assignment: never half restored
        raise
