"""TabularPreprocessor: a table as it comes to the numbers a network reads."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet import RobustScaleSmoothClip, TabularPreprocessor

pd = pytest.importorskip("pandas")


def table(n=40, seed=0):
    """One column of each kind a table brings, with missing values."""
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(
        {
            "income": rng.standard_exponential(n) * 1000,
            "children": pd.array(rng.randint(0, 4, n), dtype="Int64"),
            "owner": rng.rand(n) > 0.5,
            "region": pd.Categorical(rng.choice(["n", "s", "e"], n)),
            "city": rng.choice([f"c{i}" for i in range(12)], n).astype(object),
            "plan": pd.array(rng.choice(["basic", "pro"], n), dtype="string"),
        }
    )
    X.loc[[1, 5], "income"] = np.nan
    X.loc[2, "children"] = pd.NA
    X.loc[3, "region"] = np.nan
    return X


def test_columns_are_read_from_their_dtypes():
    prep = TabularPreprocessor().fit(table())
    assert prep.kinds_ == ["number"] * 3 + ["category"] * 3


def test_numbers_are_scaled_clipped_and_imputed_with_an_indicator():
    X = table()
    prep = TabularPreprocessor(clip=2.0).fit(X)
    Z = prep.transform(X)
    numbers = X[["income", "children", "owner"]].to_numpy(dtype=float, na_value=np.nan)
    expected = RobustScaleSmoothClip(clip=2.0).fit_transform(numbers)
    assert_allclose(Z[:, :3], np.nan_to_num(expected, nan=0.0))
    names = prep.get_feature_names_out().tolist()
    assert names[3:5] == ["income_missing", "children_missing"]  # owner had none
    assert_array_equal(Z[:, 3], X["income"].isna())
    assert_array_equal(Z[:, 4], X["children"].isna())


@pytest.mark.parametrize("n_categories, one_hot", [(8, True), (9, False)])
def test_small_categories_are_one_hot_and_large_ones_coded(n_categories, one_hot):
    X = pd.DataFrame(
        {"c": [f"k{i % n_categories}" for i in range(30)]}, dtype="category"
    )
    prep = TabularPreprocessor(one_hot_max_categories=8).fit(X)
    Z = prep.transform(X)
    assert Z.shape[1] == (n_categories if one_hot else 1)
    assert prep.code_columns_ == ([] if one_hot else [0])
    if one_hot:
        assert_array_equal(Z.sum(axis=1), 1.0)
    else:  # codes 0 … n − 1, one per category
        assert sorted(set(Z[:, 0])) == list(range(n_categories))


def test_unseen_and_missing_categories_are_handled_at_predict():
    X = table()
    prep = TabularPreprocessor().fit(X)
    new = X.head(3).copy()
    new["city"] = ["unseen", None, "c1"]
    new["plan"] = pd.array(["gold", None, "pro"], dtype="string")
    out = pd.DataFrame(prep.transform(new), columns=prep.get_feature_names_out())
    assert_array_equal(
        out["city_code"], [-1, -1, prep.transform(X[X.city == "c1"].head(1))[0, -1]]
    )
    plan = out[[c for c in out if c.startswith("plan_")]].to_numpy()
    assert_array_equal(plan.sum(axis=1), [0, 0, 1])  # unseen: all zeros


def test_mixed_types_in_an_object_column_are_read_as_strings():
    X = pd.DataFrame({"m": np.array([1, "a", 2.5, None, "a", 1] * 5, dtype=object)})
    prep = TabularPreprocessor().fit(X)
    assert prep.kinds_ == ["category"]
    assert prep.get_feature_names_out().tolist() == ["m_1", "m_2.5", "m_a", "m_nan"]
    # the integer 1 and the string "1" are one category
    again = pd.DataFrame({"m": np.array(["1", 1], dtype=object)})
    assert_array_equal(prep.transform(again)[:, 0], [1, 1])


def test_numeric_category_codes_keep_1_and_1_0_together():
    X = np.c_[np.arange(20.0), np.arange(20) % 10]
    prep = TabularPreprocessor(categorical_features=[1]).fit(X)
    codes = prep.transform(np.array([[0.0, 3], [0.0, 3.0]], dtype=object))[:, -1]
    assert codes[0] == codes[1] == 3


def test_a_column_of_missing_numbers_is_all_zero_with_its_indicator():
    X = pd.DataFrame({"a": np.arange(5.0), "gone": [np.nan] * 5})
    Z = TabularPreprocessor().fit_transform(X)
    assert_array_equal(Z[:, 1], 0.0)
    assert_array_equal(Z[:, 2], 1.0)  # gone_missing
    assert np.isfinite(Z).all()


def test_a_row_of_weight_k_counts_as_k_copies():
    X, k = table(), np.random.RandomState(3).randint(0, 3, 40)
    weighted = TabularPreprocessor().fit(X, sample_weight=k)
    repeated = TabularPreprocessor().fit(X.loc[X.index.repeat(k)])
    assert_array_equal(weighted.transform(X), repeated.transform(X))


def test_pandas_output_carries_the_names():
    X = table()
    prep = TabularPreprocessor().set_output(transform="pandas").fit(X)
    out = prep.transform(X)
    assert list(out.columns) == prep.get_feature_names_out().tolist()
    assert "city_code" in out.columns and "region_n" in out.columns


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda X: X.assign(income=["a lot"] * len(X)), ValueError,
         "Column 'income' was a number column at fit but holds 'a lot'"),
        (lambda X: X.rename(columns={"city": "town"}), ValueError, "town"),
        (lambda X: X.drop(columns="plan"), ValueError, "plan"),
        (lambda X: X.assign(day=pd.Timestamp("2020-01-01")), ValueError, "day"),
    ],
)  # fmt: skip
def test_a_changed_table_at_predict_gets_a_clear_error(change, error, match):
    X = table()
    prep = TabularPreprocessor().fit(X)
    with pytest.raises(error, match=match):
        prep.transform(change(X))


def test_dates_are_refused_at_fit_naming_the_column():
    X = table().assign(day=pd.Timestamp("2020-01-01"))
    with pytest.raises(ValueError, match="Column 'day' holds dates"):
        TabularPreprocessor().fit(X)


@pytest.mark.parametrize(
    "given, match",
    [
        (["nope"], "names 'nope'"),
        ([7], "names 7"),
        ("everything", "categorical_features"),
    ],
)
def test_bad_category_columns_are_named(given, match):
    with pytest.raises(ValueError, match=match):
        TabularPreprocessor(categorical_features=given).fit(table())
