"""Robust scaling and smooth clipping of numeric features.

Each feature j is centred on its median and divided by its spread, then
squashed smoothly into (−c, c)::

    x̃ = (x − m_j) / s_j          m_j the median, s_j = q₇₅ − q₂₅ (the IQR)
    y  = x̃ / √(1 + (x̃ / c)²)     ≈ x̃ near 0, → ±c as x̃ → ±∞

An outlier then weighs no more than c spreads, and the bulk of the feature is
left nearly linear. A feature whose quartiles meet (most rows share one value)
takes half its range, (max − min) / 2, as its spread, and a constant feature
1. Missing values (NaN) pass through, for an imputer to handle.
"""

import warnings
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)


def quantiles(X, q, sample_weight=None):
    """q_p of each column: the smallest value whose rows carry at least a
    share p of the (weighted) rows, NaN ignored (the inverted CDF, so that a
    row of weight k counts as k copies of it); NaN for an all-NaN column."""
    weights = None if sample_weight is None else np.broadcast_to(
        np.asarray(sample_weight, dtype=float)[:, None], X.shape
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        return np.nanpercentile(X, q, axis=0, method="inverted_cdf", weights=weights)


def robust_centre(X, sample_weight=None):
    """m_j, the median of each column (NaN ignored; 0 for an all-NaN column)."""
    median = quantiles(X, 50, sample_weight)
    return np.where(np.isfinite(median), median, 0.0)


def robust_spread(X, sample_weight=None):
    """s_j = q₇₅ − q₂₅ of each column (NaN ignored), else (max − min) / 2,
    else 1: a positive scale for every feature."""
    q25, q75 = quantiles(X, [25, 75], sample_weight)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        half_range = (np.nanmax(X, axis=0) - np.nanmin(X, axis=0)) / 2
    spread = np.where(q75 > q25, q75 - q25, half_range)
    return np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)


def smooth_clip(x, c):
    """y = x / √(1 + (x / c)²): the identity near 0, ±c at ±∞, smooth."""
    return x / np.sqrt(1 + np.square(x / c))


def smooth_clip_inverse(y, c):
    """x = y / √(1 − (y / c)²) for ``|y| < c``: the inverse of :func:`smooth_clip`."""
    return y / np.sqrt(1 - np.square(y / c))


class RobustScaleSmoothClip(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Centre each feature on its median, divide by its inter-quartile range,
    and clip smoothly: y = x̃ / √(1 + (x̃ / c)²).

    Outliers are squashed towards ±``clip`` spreads while the bulk of each
    feature stays nearly linear, a scale that suits a network's inputs better
    than the mean and standard deviation of heavy-tailed columns. Missing
    values pass through.

    Parameters
    ----------
    clip : float, default=3.0
        c, the bound of the output: ``|y| < c`` (``|y| = c`` once x̃ is so
        large that the difference rounds away).

    Attributes
    ----------
    center_ : ndarray of shape (n_features,)
        The median of each feature (the smallest value with half the rows at
        or below it).
    scale_ : ndarray of shape (n_features,)
        Its inter-quartile range, or half its range where that is 0, or 1 for
        a constant feature.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in,)
        Their names, when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skmanualnet import RobustScaleSmoothClip
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0], [1000.0]])
    >>> y = RobustScaleSmoothClip().fit_transform(X)
    >>> bool(abs(y).max() < 3.0), bool(np.all(np.diff(y[:, 0]) > 0))
    (True, True)
    """

    _parameter_constraints: dict = {"clip": [Interval(Real, 0, None, closed="neither")]}

    def __init__(self, clip=3.0):
        self.clip = clip

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Learn each feature's median and spread.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features; NaN is ignored.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights: a row of weight k counts as k copies of it.

        Returns
        -------
        self : RobustScaleSmoothClip
        """
        X = validate_data(
            self, X, dtype=(np.float64, np.float32), ensure_all_finite="allow-nan"
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        self.center_ = robust_centre(X, sample_weight)
        self.scale_ = robust_spread(X, sample_weight)
        return self

    def transform(self, X):
        """y = smooth_clip((x − m) / s).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Y : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=(np.float64, np.float32), ensure_all_finite="allow-nan",
            reset=False,
        )  # fmt: skip
        scaled = (X - self.center_.astype(X.dtype)) / self.scale_.astype(X.dtype)
        return smooth_clip(scaled, X.dtype.type(self.clip))

    def inverse_transform(self, X):
        """x = m + s · smooth_clip⁻¹(y), for ``|y| < c``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Transformed values.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        Y = validate_data(
            self, X, dtype=(np.float64, np.float32), ensure_all_finite="allow-nan",
            reset=False,
        )  # fmt: skip
        unclipped = smooth_clip_inverse(Y, Y.dtype.type(self.clip))
        return unclipped * self.scale_.astype(Y.dtype) + self.center_.astype(Y.dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
