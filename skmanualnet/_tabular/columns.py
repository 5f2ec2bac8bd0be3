"""What each column of a table is (a number or a category), and its values as
the encoders take them.

A pandas DataFrame is read by its dtypes: integer, float and boolean columns
(nullable ones too) are numbers; category, string and object columns are
categories. A numpy array is all numbers, but for the columns that
``categorical_features`` names. Nothing here imports pandas: a DataFrame is
recognised by its ``dtypes`` and ``columns``.
"""

import numpy as np

NUMBER, CATEGORY = "number", "category"
#: dtype kinds read as numbers: bool, signed and unsigned integer, float
NUMBER_KINDS = "biuf"


def is_dataframe(X):
    """True for a pandas (or pandas-like) DataFrame."""
    return hasattr(X, "dtypes") and hasattr(X, "columns") and hasattr(X, "iloc")


def column_kinds(X, categorical_features):
    """NUMBER or CATEGORY for each column of X: ``"from_dtype"`` reads a
    DataFrame's dtypes (an array: all numbers); indices or a boolean mask name
    the categories; None makes every column a number."""
    n_columns = X.shape[1]
    if isinstance(categorical_features, str):  # "from_dtype"
        if not is_dataframe(X):
            return [content_kind(X[:, j]) for j in range(n_columns)]
        return [dtype_kind(name, dtype) for name, dtype in X.dtypes.items()]
    named = named_columns(categorical_features, n_columns, X)
    return [CATEGORY if j in named else NUMBER for j in range(n_columns)]


def content_kind(values):
    """NUMBER for a column of a number dtype, or of objects that are all numbers
    (or missing); else CATEGORY."""
    if values.dtype.kind in NUMBER_KINDS:
        return NUMBER
    return NUMBER if labels_are_numbers(values) else CATEGORY


def dtype_kind(name, dtype):
    """NUMBER for bool, integer and float dtypes, CATEGORY for category, string
    and object ones; a date or time column is refused."""
    if dtype.kind in NUMBER_KINDS:
        return NUMBER
    if dtype.kind in "mM":
        raise ValueError(
            f"Column {name!r} holds dates or times (dtype {dtype}): turn it into "
            "numbers first (e.g. days since a date, the month, the weekday)."
        )
    return CATEGORY


def named_columns(categorical_features, n_columns, X):
    """The column positions ``categorical_features`` names: positions, column
    names of a DataFrame, or a boolean mask; None names none."""
    if categorical_features is None:
        return set()
    given = np.ravel(categorical_features).tolist()
    if len(given) == n_columns and all(isinstance(g, bool | np.bool_) for g in given):
        return {j for j, flag in enumerate(given) if flag}
    names = list(X.columns) if is_dataframe(X) else []
    positions = set()
    for g in given:
        if isinstance(g, str) and g in names:
            positions.add(names.index(g))
        elif isinstance(g, int | np.integer) and 0 <= g < n_columns:
            positions.add(int(g))
        else:
            raise ValueError(
                f"categorical_features={categorical_features!r} names {g!r}, "
                f"which is not a column of X: give positions in [0, {n_columns}), "
                "column names of a DataFrame, a boolean mask, 'from_dtype' or None."
            )
    return positions


def column(X, j):
    """Column j of X as a 1-d array: floats (NaN missing) for a number dtype,
    else objects."""
    if not is_dataframe(X):
        return np.asarray(X)[:, j]
    values = X.iloc[:, j]
    if values.dtype.kind in NUMBER_KINDS:
        return values.to_numpy(dtype=float, na_value=np.nan)
    return values.to_numpy(dtype=object)


def missing(values):
    """True where a value is missing: None, NaN, or pandas' NA and NaT."""
    return np.array(
        [type(v).__name__ in ("NAType", "NaTType") or v is None or v != v
         for v in values],
        dtype=bool,
    )  # fmt: skip


def as_numbers(values, name):
    """The column's values as floats, missing ones NaN; a value that is not a
    number is refused naming the column."""
    if values.dtype.kind in NUMBER_KINDS:
        return values.astype(float)
    values = np.asarray(values, dtype=object)
    out = np.full(values.shape, np.nan)
    present = ~missing(values)
    try:
        out[present] = values[present].astype(float)
    except (TypeError, ValueError):
        bad = next(v for v in values[present] if not number_like(v))
        raise ValueError(
            f"Column {name!r} was a number column at fit but holds {bad!r} "
            f"({type(bad).__name__}): pass numbers (NaN for missing), or refit "
            "with the column as a category."
        ) from None
    return out


def number_like(value):
    """True when float(value) works."""
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def labels_are_numbers(values):
    """True when every present value is a number (not a string): the labels
    then stay numbers, so that 1 and 1.0 are one category."""
    present = np.asarray(values, dtype=object)[~missing(values)]
    return all(isinstance(v, int | float | np.number) for v in present)


def as_labels(values, numeric):
    """The column's categories as the encoders take them: floats when the
    column's labels were numbers at fit (``numeric``; any other value NaN),
    else strings (``str`` of each value); missing values NaN."""
    values = np.asarray(values, dtype=object)
    absent = missing(values)
    if numeric:
        out = np.full(values.shape, np.nan)
        for i in np.flatnonzero(~absent):
            if number_like(values[i]) and not isinstance(values[i], str):
                out[i] = float(values[i])
        return out
    labels = [np.nan if a else str(v) for v, a in zip(values, absent, strict=True)]
    return np.array(labels, dtype=object)
