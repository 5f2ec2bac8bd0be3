"""A table as it comes, turned into the numbers a network reads.

Each column is a number or a category (``columns.py``). The output is, in
this order::

    [ numbers: smooth_clip((x − m) / s), missing → 0 (the median)
    | one indicator per number column that had missing values at fit
    | one-hot columns of the categories of small category columns
    | codes 0, 1, … of the large category columns (−1: missing or unseen) ]

The codes are what :class:`~skmanualnet.ManualMLPClassifier`'s
``categorical_features`` looks up as learned vectors.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .columns import (
    CATEGORY,
    NUMBER,
    as_labels,
    as_numbers,
    column,
    column_kinds,
    is_dataframe,
    labels_are_numbers,
    missing,
)
from .robust_scale import RobustScaleSmoothClip

#: the code of a missing or unseen category in the code columns
UNKNOWN_CODE = -1


class TabularPreprocessor(TransformerMixin, BaseEstimator):
    """Numbers robust-scaled and smoothly clipped, missing values imputed with
    an indicator, categories one-hot encoded or coded for embeddings.

    Takes a pandas DataFrame (numbers: bool, integer and float columns,
    nullable ones included; categories: category, string and object columns)
    or a numeric array. Number columns are scaled by
    :class:`RobustScaleSmoothClip` and their missing values set to 0, their
    median, with an indicator column for each column that had missing values
    at fit. A category column with at most ``one_hot_max_categories``
    categories at fit (missing counted as one) is one-hot encoded, a larger one
    becomes one column of codes 0, 1, …, with −1 for a missing or unseen
    category. At transform, an unseen category is all zeros in its one-hot
    columns; an object column of mixed types is read as strings.

    Parameters
    ----------
    categorical_features : "from_dtype", array-like or None, default="from_dtype"
        Which columns are categories: read from a DataFrame's dtypes
        (an array's columns are then numbers, unless its dtype is object), or
        given as positions, column names or a boolean mask; None: none.
    one_hot_max_categories : int, default=8
        The most categories a column may have to be one-hot encoded.
    clip : float, default=3.0
        The bound of the scaled numbers (:class:`RobustScaleSmoothClip`).

    Attributes
    ----------
    kinds_ : list of str
        "number" or "category" for each input column.
    code_columns_ : list of int
        The output columns that hold category codes.
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in,)
        Their names, when X has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skmanualnet import TabularPreprocessor
    >>> X = np.array([[1.0, 0.0], [np.nan, 2.0], [3.0, 4.0]])
    >>> TabularPreprocessor().fit(X).get_feature_names_out().tolist()
    ['x0', 'x1', 'x0_missing']
    """

    _parameter_constraints: dict = {
        "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
        "one_hot_max_categories": [Interval(Integral, 1, None, closed="left")],
        "clip": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self, categorical_features="from_dtype", one_hot_max_categories=8, clip=3.0
    ):
        self.categorical_features = categorical_features
        self.one_hot_max_categories = one_hot_max_categories
        self.clip = clip

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Learn each column's kind, scale and categories.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights for the medians and quartiles of the numbers.

        Returns
        -------
        self : TabularPreprocessor
        """
        X = checked_table(self, X, reset=True)
        self.kinds_ = column_kinds(X, self.categorical_features)
        if sample_weight is not None:  # a row of weight 0 is not in the table
            sample_weight = _check_sample_weight(sample_weight, np.empty(X.shape[:1]))
            kept = np.flatnonzero(sample_weight > 0)
            if not kept.size:
                raise ValueError(
                    "Sample weights must contain at least one non-zero number."
                )
            X = X.iloc[kept] if is_dataframe(X) else X[kept]
            sample_weight = sample_weight[kept]
        numbers = self._numbers(X)
        self.scaler_ = RobustScaleSmoothClip(clip=self.clip)
        if numbers.shape[1]:
            self.scaler_.fit(numbers, sample_weight=sample_weight)
        self.missing_columns_ = np.flatnonzero(np.isnan(numbers).any(axis=0))
        categories = self._positions(CATEGORY)
        self.numeric_labels_ = {
            j: labels_are_numbers(column(X, j)) for j in categories
        }  # fmt: skip
        sizes = {j: n_categories(column(X, j)) for j in categories}
        self.one_hot_columns_ = [
            j for j in categories if sizes[j] <= self.one_hot_max_categories
        ]
        self.coded_columns_ = [j for j in categories if j not in self.one_hot_columns_]
        self.one_hot_ = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        self.coder_ = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=UNKNOWN_CODE,
            encoded_missing_value=UNKNOWN_CODE,
        )
        for encoder, columns in self._encoders():
            encoder.fit(self._labels(X, columns))
        # the codes are the last columns out: after the numbers, their
        # indicators and one column per category of the one-hot columns
        start = numbers.shape[1] + len(self.missing_columns_)
        if self.one_hot_columns_:
            start += sum(len(known) for known in self.one_hot_.categories_)
        self.code_columns_ = list(range(start, start + len(self.coded_columns_)))
        return self

    def transform(self, X):
        """The table as numbers (see the class description).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fit, of the same kinds.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_features_out)
        """
        check_is_fitted(self)
        return self._transform(checked_table(self, X, reset=False))

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            The input columns' names (default: those seen in fit, or x0, x1, …).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        names = np.asarray(self._input_names(input_features), dtype=object)
        numbers = names[self._positions(NUMBER)]
        indicators = [f"{name}_missing" for name in numbers[self.missing_columns_]]
        parts = [numbers, indicators]
        if self.one_hot_columns_:
            parts.append(
                self.one_hot_.get_feature_names_out(names[self.one_hot_columns_])
            )
        parts.append([f"{name}_code" for name in names[self.coded_columns_]])
        return np.concatenate([np.asarray(p, dtype=object) for p in parts])

    def _transform(self, X):
        numbers = self._numbers(X)
        indicators = np.isnan(numbers[:, self.missing_columns_])
        if numbers.shape[1]:
            numbers = self.scaler_.transform(numbers)
        scaled = np.nan_to_num(numbers, nan=0.0)
        blocks = [scaled, indicators.astype(float)]
        for encoder, columns in self._encoders():
            blocks.append(encoder.transform(self._labels(X, columns)).astype(float))
        return np.hstack(blocks)

    def _encoders(self):
        """(encoder, its columns) for the category columns that have one."""
        pairs = [
            (self.one_hot_, self.one_hot_columns_),
            (self.coder_, self.coded_columns_),
        ]
        return [(encoder, columns) for encoder, columns in pairs if columns]

    def _positions(self, kind):
        return [j for j, k in enumerate(self.kinds_) if k == kind]

    def _numbers(self, X):
        """The number columns as floats (missing: NaN), n × p."""
        names = self._input_names(None)
        columns = [as_numbers(column(X, j), names[j]) for j in self._positions(NUMBER)]
        return np.column_stack(columns) if columns else np.empty((X.shape[0], 0))

    def _labels(self, X, columns):
        """The category columns' labels as the encoders take them."""
        return np.column_stack(
            [as_labels(column(X, j), self.numeric_labels_[j]) for j in columns]
        ).astype(object)

    def _input_names(self, input_features):
        if input_features is not None:
            return list(input_features)
        if hasattr(self, "feature_names_in_"):
            return list(self.feature_names_in_)
        return [f"x{j}" for j in range(self.n_features_in_)]

    def __sklearn_tags__(self):
        return with_table_input(super().__sklearn_tags__())


def with_table_input(tags):
    """The input tags of an estimator that takes a table as it comes: missing
    values, categories and strings."""
    tags.input_tags.allow_nan = True
    tags.input_tags.categorical = True
    tags.input_tags.string = True
    return tags


def n_categories(values):
    """How many distinct categories a column holds, missing counted as one."""
    absent = missing(values)
    present = {str(v) for v in np.asarray(values, dtype=object)[~absent]}
    return len(present) + bool(absent.any())


def checked_table(estimator, X, *, reset):
    """X with its column count and names checked (a DataFrame stays one; an
    array becomes at least 2-d): ``validate_data`` without converting."""
    if sparse.issparse(X):
        raise TypeError(
            "A sparse matrix was passed, but a table is expected: sparse input is "
            "not supported. Pass a DataFrame or a dense array (X.toarray())."
        )
    if not is_dataframe(X):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"Expected a 2D table (n_samples, n_features), got an array of "
                f"shape {X.shape}. Reshape your data: X.reshape(-1, 1) for a "
                "single feature, X.reshape(1, -1) for a single sample."
            )
        if X.dtype.kind == "c":
            raise ValueError("Complex data not supported: got an array of dtype "
                             f"{X.dtype}.")  # fmt: skip
    validate_data(estimator, X, reset=reset, skip_check_array=True)
    for axis, what in enumerate(("sample(s)", "feature(s)")):
        if X.shape[axis] < 1:
            raise ValueError(f"Found array with 0 {what} (shape={X.shape}) while "
                             "a minimum of 1 is required.")  # fmt: skip
    return X
