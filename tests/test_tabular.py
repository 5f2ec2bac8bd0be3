"""TabularMLPClassifier and TabularMLPRegressor: tables as they come, in
pipelines and searches (scikit-learn's own checks: tests/test_common.py)."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skmanualnet import (
    ManualMLPClassifier,
    TabularMLPClassifier,
    TabularMLPRegressor,
    TrainingMonitor,
)
from skmanualnet._estimators.base import fitted_sequence

pd = pytest.importorskip("pandas")

N_CITIES = 30


def customers(n=600, seed=0):
    """Numbers, a small and a large category, a bool, missing values; the
    class depends on the city (30 of them, no order) and on the income."""
    rng = np.random.RandomState(seed)
    city = rng.randint(0, N_CITIES, n)
    income = rng.standard_exponential(n)
    X = pd.DataFrame(
        {
            "income": income * 1000,
            "age": rng.randint(18, 90, n).astype(float),
            "city": pd.Categorical([f"city{c}" for c in city]),
            "plan": rng.choice(["basic", "pro", None], n).astype(object),
            "owner": rng.rand(n) > 0.5,
        }
    )
    X.loc[rng.rand(n) < 0.1, "age"] = np.nan
    effect = np.where(np.arange(N_CITIES) % 3 == 0, 1.5, -1.0)
    y = np.where(effect[city] + (income - 1) > 0, "yes", "no")
    return X, y


def small(cls, **options):
    params = dict(hidden_layer_sizes=(32, 32), max_iter=60, random_state=0)
    return cls(**{**params, **options})


def test_a_table_as_it_comes_is_learned_through_its_category_embedding():
    X, y = customers()
    model = small(TabularMLPClassifier, max_iter=150).fit(X[:400], y[:400])
    assert model.score(X[400:], y[400:]) >= 0.9
    network, _ = fitted_sequence(model.network_)
    first = network.layers[0]
    assert first.name == "category_embedding"  # city: 30 categories, coded
    assert model.preprocessor_.get_feature_names_out()[first.columns].tolist() == [
        "city_code"
    ]
    assert_array_equal(model.classes_, ["no", "yes"])
    assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


def test_the_recipe_layers_are_those_the_parameters_ask_for():
    X, y = customers(n=100)
    model = small(TabularMLPClassifier, max_iter=2).fit(X, y)
    names = [layer.name for layer in fitted_sequence(model.network_)[0].layers]
    assert names[:2] == ["category_embedding", "periodic_embedding"]
    assert names.count("parametric_activation") == 2 and names.count("dropout") == 2
    bare = small(
        TabularMLPClassifier, max_iter=2, input_embedding=None, dropout=0.0,
        parametric_activation=False, one_hot_max_categories=50,
    ).fit(X, y)  # fmt: skip
    assert fitted_sequence(bare.network_) is None  # the dense network


def test_unseen_categories_and_missing_values_at_predict_do_not_crash():
    X, y = customers()
    model = small(TabularMLPClassifier, max_iter=5).fit(X, y)
    new = X.head(4).copy()
    new["city"] = pd.Categorical(["atlantis", None, "city1", "city2"])
    new["plan"] = ["platinum", None, "pro", "basic"]
    new["income"] = [np.nan, 1e12, -5.0, 0.0]
    proba = model.predict_proba(new)
    assert np.isfinite(proba).all() and proba.shape == (4, 2)


def test_a_category_of_thousands_of_levels_is_embedded():
    rng = np.random.RandomState(1)
    n = 3000
    X = pd.DataFrame({"id": [f"u{i}" for i in rng.randint(0, 2000, n)],
                      "x": rng.randn(n)})  # fmt: skip
    y = X["x"] + rng.randn(n) * 0.1
    model = small(TabularMLPRegressor, max_iter=3).fit(X, y)
    assert model.preprocessor_.get_feature_names_out().tolist()[-1] == "id_code"
    assert np.isfinite(model.predict(X.head(50))).all()


def test_regression_targets_are_standardised_and_mapped_back():
    X, labels = customers(n=200)
    t = (labels == "yes") + X["income"].to_numpy() / 1000
    base = small(TabularMLPRegressor, max_iter=300).fit(X, t)
    moved = small(TabularMLPRegressor, max_iter=300).fit(X, 1000 * t + 5)
    # the network sees the same standardised targets: the same predictions, moved
    assert_allclose(moved.predict(X), 1000 * base.predict(X) + 5, rtol=1e-9)
    assert_allclose(base.target_mean_, t.mean())
    assert_allclose(base.target_scale_, t.std())
    assert base.score(X, t) > 0.9


def test_two_targets_at_once():
    X, labels = customers(n=200)
    T = np.c_[(labels == "yes") * 1.0, X["income"] / 1000]
    model = small(TabularMLPRegressor, max_iter=20).fit(X, T)
    assert model.predict(X).shape == (200, 2)
    assert model.target_mean_.shape == (2,)


@pytest.mark.parametrize("n, held_out", [(499, False), (500, True)])
def test_auto_holds_rows_out_from_500_rows(n, held_out):
    X, y = customers(n=n)
    model = small(TabularMLPClassifier, max_iter=2).fit(X, y)
    assert (model.validation_scores_ is not None) == held_out
    assert model.network_.early_stopping == held_out


def test_a_changed_table_at_predict_is_refused_naming_the_columns():
    X, y = customers(n=100)
    model = small(TabularMLPClassifier, max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="city"):
        model.predict(X.drop(columns="city"))
    with pytest.raises(ValueError, match="Column 'income' was a number column"):
        model.predict(X.assign(income="rich"))


def test_pickle_clone_and_grid_search():
    X, y = customers(n=200)
    model = small(TabularMLPClassifier, max_iter=5).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    assert clone(model).get_params() == model.get_params()
    search = GridSearchCV(
        small(TabularMLPClassifier, max_iter=5),
        {"dropout": [0.0, 0.2], "embedding_size": [2, 4]},
        cv=2,
    ).fit(X, y)
    assert set(search.best_params_) == {"dropout", "embedding_size"}
    assert search.best_estimator_.feature_names_in_.tolist() == list(X.columns)


def test_it_beats_the_plain_network_on_the_raw_codes():
    """The same data as codes in a numeric array: the plain network reads the
    city code as a number; the tabular one, told it is a category, embeds it."""
    X, y = customers()
    codes = np.c_[X["income"], X["city"].cat.codes]
    plain = ManualMLPClassifier(hidden_layer_sizes=(32, 32), max_iter=60,
                                random_state=0).fit(codes[:400], y[:400])  # fmt: skip
    tabular = small(TabularMLPClassifier, categorical_features=[1])
    tabular.fit(codes[:400], y[:400])
    assert tabular.score(codes[400:], y[400:]) > plain.score(codes[400:], y[400:])


def test_the_last_epoch_reached_is_the_plan_not_a_convergence_warning():
    X, y = customers(n=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pytest.ini ignores ConvergenceWarning
        model = small(TabularMLPClassifier, max_iter=3).fit(X, y)
    assert model.n_iter_ == 3


def test_callbacks_reach_the_network_it_trains():
    X, y = customers(n=100)
    monitor = TrainingMonitor()
    model = small(TabularMLPClassifier, max_iter=4).set_callbacks(monitor).fit(X, y)
    # the initial weights and 4 epochs, one column per hidden layer
    assert monitor.dead_fraction_.shape == (5, 2)
    assert len(monitor.records_) == 1 and model.n_iter_ == 4
