"""``categorical_features``: columns of category codes, each code looked up as
a learned vector (the category embedding, tests/nn checks its layer alone)."""

import pickle

import numpy as np
import pytest
from scipy import sparse

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor, check_gradients
from skmanualnet._estimators.base import fitted_sequence

N_CODES = 12


def coded_task(n_samples=300, seed=0):
    """y depends on a category's own effect (no order among the codes) and on
    one number: X = [number, code]."""
    rng = np.random.RandomState(seed)
    codes = rng.randint(0, N_CODES, n_samples)
    number = rng.randn(n_samples)
    effect = np.where(np.arange(N_CODES) % 3 == 0, 2.0, -1.0)  # not monotone
    y = (effect[codes] + 0.5 * number > 0).astype(int)
    return np.c_[number, codes].astype(float), y


def classifier(**options):
    params = dict(hidden_layer_sizes=(16,), solver="adam", learning_rate_init=0.02)
    params.update(max_iter=200, random_state=0, embedding_size=3)
    return ManualMLPClassifier(**{**params, **options})


def test_the_embedding_learns_what_a_code_read_as_a_number_cannot():
    X, y = coded_task()
    as_numbers = classifier().fit(X[:200], y[:200]).score(X[200:], y[200:])
    embedded = classifier(categorical_features=[1]).fit(X[:200], y[:200])
    assert embedded.score(X[200:], y[200:]) >= 0.95 > as_numbers


@pytest.mark.parametrize("given", [[1], [False, True], np.array([1])])
def test_columns_are_named_by_index_or_mask(given):
    X, y = coded_task(n_samples=60)
    network, _ = fitted_sequence(classifier(categorical_features=given, max_iter=2)
                                 .fit(X, y))  # fmt: skip
    embedding = network.layers[0]
    assert embedding.name == "category_embedding"
    assert embedding.columns == [1]
    assert embedding.n_categories == [int(X[:, 1].max()) + 1]


def test_backprop_through_the_embedding_matches_finite_differences():
    X, y = coded_task(n_samples=16)
    model = classifier(categorical_features=[1], input_scale=True)
    errors = check_gradients(model, X, y)
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6
    assert "E0" in " ".join(errors["layers"])  # the embedding's table is checked
    assert max(errors["layers"].values()) < 1e-6


def test_unseen_and_missing_codes_share_the_unknown_vector():
    X, y = coded_task()
    model = classifier(categorical_features=[1]).fit(X, y)
    probe = np.repeat(X[:1], 4, axis=0)
    probe[:, 1] = [-1, N_CODES, N_CODES + 7, 2.5]  # missing, unseen, unseen, not a code
    proba = model.predict_proba(probe)
    np.testing.assert_array_equal(proba, np.repeat(proba[:1], 4, axis=0))
    # and the unknown vector is not any known category's
    known = model.predict_proba(np.c_[np.repeat(X[:1, :1], N_CODES, 0),
                                      np.arange(N_CODES)])  # fmt: skip
    assert not np.any(np.all(known == proba[0], axis=1))


def test_a_continued_fit_keeps_the_categories_it_knows():
    X, y = coded_task()
    model = classifier(categorical_features=[1], warm_start=True, max_iter=5)
    model.fit(X[X[:, 1] < 6], y[X[:, 1] < 6])
    model.fit(X, y)  # codes 6 … 11 stay unknown: the table keeps its rows
    network, _ = fitted_sequence(model)
    assert network.layers[0].n_categories == [6]


def test_a_pickled_model_predicts_the_same():
    X, y = coded_task(n_samples=80)
    t = X[:, 0] + np.where(X[:, 1] % 2 == 0, 1.0, -1.0)
    model = ManualMLPRegressor(categorical_features=[1], embedding_size=2,
                               max_iter=20, random_state=0).fit(X, t)  # fmt: skip
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


@pytest.mark.parametrize(
    "given, match",
    [
        ([2], r"categorical_features=\[2\] must name columns of X"),
        ([1, 1], "names a column twice"),
        ([0.5], "must name columns"),
        ([True], "must name columns"),
    ],
)
def test_bad_column_names_are_refused(given, match):
    X, y = coded_task(n_samples=40)
    with pytest.raises(ValueError, match=match):
        classifier(categorical_features=given).fit(X, y)


def test_a_column_that_holds_no_codes_is_refused():
    X, y = coded_task(n_samples=40)
    X[3, 1] = 2.5
    with pytest.raises(ValueError, match=r"Column 1 of X .* holds 2.5"):
        classifier(categorical_features=[1]).fit(X, y)


@pytest.mark.parametrize(
    "options, match",
    [
        (dict(input_embedding="piecewise_linear"), "piecewise_linear"),
        (dict(), "categorical_features"),
    ],
)
def test_what_the_embedding_cannot_take_is_refused(options, match):
    X, y = coded_task(n_samples=40)
    model = classifier(categorical_features=[1], **options)
    data = sparse.csr_matrix(X) if not options else X
    with pytest.raises(ValueError, match=match):
        model.fit(data, y)
