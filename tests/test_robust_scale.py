"""RobustScaleSmoothClip: the median and IQR, the smooth clip and its inverse,
the fall-backs for flat features, NaN passed through, scikit-learn's checks."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmanualnet import RobustScaleSmoothClip
from skmanualnet._tabular.robust_scale import smooth_clip


@parametrize_with_checks([RobustScaleSmoothClip(), RobustScaleSmoothClip(clip=1.5)])
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)


def test_the_bulk_is_centred_on_the_median_and_scaled_by_the_iqr():
    rng = np.random.RandomState(0)
    X = np.c_[rng.standard_normal(1001) * 4 + 10, rng.standard_exponential(1001)]
    scaler = RobustScaleSmoothClip().fit(X)
    assert_allclose(scaler.center_, np.median(X, axis=0))
    q25, q75 = np.percentile(X, [25, 75], axis=0)
    assert_allclose(scaler.scale_, q75 - q25)
    x_tilde = (X - scaler.center_) / scaler.scale_
    assert_allclose(scaler.transform(X), x_tilde / np.sqrt(1 + (x_tilde / 3) ** 2))


def test_outliers_are_bounded_and_the_order_kept():
    X = np.array([[-1e6], [-1.0], [0.0], [0.5], [1.0], [2.0], [1e6]])
    y = RobustScaleSmoothClip(clip=2.0).fit_transform(X)[:, 0]
    assert np.all(np.abs(y) < 2.0) and np.all(np.diff(y) > 0)


def test_the_inverse_gives_the_features_back():
    X = np.random.RandomState(1).standard_normal((50, 3)) * [1, 10, 100]
    scaler = RobustScaleSmoothClip().fit(X)
    assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-9)


def test_flat_features_fall_back_to_half_the_range_then_to_one():
    X = np.c_[[0.0] * 8 + [4.0, -2.0], [7.0] * 10]
    scaler = RobustScaleSmoothClip().fit(X)
    assert_array_equal(scaler.scale_, [3.0, 1.0])
    assert_array_equal(scaler.transform(X)[:, 1], 0.0)


def test_missing_values_pass_through_and_are_ignored_in_fit():
    X = np.array([[1.0], [np.nan], [2.0], [3.0], [np.nan]])
    scaler = RobustScaleSmoothClip().fit(X)
    assert scaler.center_[0] == 2.0
    assert np.isnan(scaler.transform(X)[[1, 4], 0]).all()


def test_a_column_of_missing_values_stays_missing_without_a_warning():
    X = np.c_[[1.0, 2.0, 3.0], [np.nan] * 3]
    Y = RobustScaleSmoothClip().fit_transform(X)
    assert np.isnan(Y[:, 1]).all() and np.isfinite(Y[:, 0]).all()


def test_pandas_in_and_out():
    X = pd.DataFrame({"a": [1.0, 2.0, 30.0], "b": [0.0, 1.0, 0.5]})
    Y = RobustScaleSmoothClip().set_output(transform="pandas").fit_transform(X)
    assert list(Y.columns) == ["a", "b"]


@pytest.mark.parametrize("x", [0.0, 0.1, 1.0, 10.0, 1e8])
def test_smooth_clip_is_odd_increasing_and_bounded(x):
    assert smooth_clip(-x, 3.0) == -smooth_clip(x, 3.0)
    assert abs(smooth_clip(x, 3.0)) < 3.0
    assert smooth_clip(x + 1, 3.0) > smooth_clip(x, 3.0) or x >= 1e8


def test_a_row_of_weight_k_counts_as_k_copies():
    rng = np.random.RandomState(2)
    X = np.c_[rng.standard_exponential(30), rng.standard_normal(30)]
    X[::7, 1] = np.nan
    k = rng.randint(0, 4, 30)
    weighted = RobustScaleSmoothClip().fit(X, sample_weight=k)
    repeated = RobustScaleSmoothClip().fit(np.repeat(X, k, axis=0))
    assert_array_equal(weighted.center_, repeated.center_)
    assert_array_equal(weighted.scale_, repeated.scale_)
    # and the weights matter: unweighted, the quartiles move
    assert not np.array_equal(RobustScaleSmoothClip().fit(X).scale_, weighted.scale_)
