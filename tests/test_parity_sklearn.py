"""Side by side with scikit-learn's MLPClassifier: same data, same seed, same model.

sklearn's MLPClassifier is an independent, widely used implementation of the
same model (loss, initialisation draw order, shuffling, batches, penalty
scaling, Nesterov form, schedules, stopping rule, early-stopping split and
best-weights restore). For each configuration both are fitted with identical
parameters and ``random_state`` and must agree.

Tolerances (relative to the largest entry of each array), with the largest
deviation measured over this suite in brackets: 1e-9 in float64 for sgd and
adam [3.3e-14; median 4e-16]: only the rounding of mathematically equal
expressions differs (we scale z̄ by s/Σs before the products, sklearn divides
the products by Σs). 1e-5 in float32 [1.8e-7], about a hundred float32 ulps.
1e-6 for lbfgs [1.6e-8]: its line search and curvature pairs amplify
last-bit differences of the gradient.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skmanualnet import ManualMLPClassifier

from ._data import make_task

BASE = dict(
    hidden_layer_sizes=(7,),
    solver="sgd",
    learning_rate_init=0.05,
    max_iter=25,
    batch_size=32,
    random_state=0,
)

# name: (task, parameters on top of BASE, options: weighted / float32)
CONFIGS = {
    "sgd-plain": ("multiclass", dict(momentum=0.0), {}),
    "sgd-momentum": ("multiclass", dict(nesterovs_momentum=False), {}),
    "sgd-nesterov": ("multiclass", {}, {}),
    "sgd-invscaling": (
        "multiclass",
        dict(learning_rate="invscaling", learning_rate_init=0.5),
        {},
    ),
    "sgd-adaptive": (
        "multiclass",
        dict(learning_rate="adaptive", tol=0.05, n_iter_no_change=1),
        {},
    ),
    "sgd-stops-on-tol": (
        "binary",
        dict(tol=0.01, n_iter_no_change=2, max_iter=200),
        {},
    ),
    "relu": ("binary", dict(activation="relu"), {}),
    "tanh": ("binary", dict(activation="tanh"), {}),
    "logistic": ("binary", dict(activation="logistic"), {}),
    "identity": ("binary", dict(activation="identity"), {}),
    "two-hidden-layers": ("multiclass", dict(hidden_layer_sizes=(6, 5)), {}),
    "three-hidden-layers-tanh": (
        "multiclass",
        dict(hidden_layer_sizes=(6, 5, 4), activation="tanh"),
        {},
    ),
    "binary": ("binary", {}, {}),
    "multilabel": ("multilabel", {}, {}),
    "multilabel-logistic": ("multilabel", dict(activation="logistic"), {}),
    "weighted-multiclass": ("multiclass", {}, dict(weighted=True)),
    "weighted-binary": ("binary", dict(activation="tanh"), dict(weighted=True)),
    "weighted-multilabel": ("multilabel", {}, dict(weighted=True)),
    "large-alpha": ("multiclass", dict(alpha=1.0), {}),
    "batch-divides-n": ("multiclass", dict(batch_size=30), {}),
    "batch-auto": ("multiclass", dict(batch_size="auto"), {}),
    "batch-of-one": (
        "binary",
        dict(batch_size=1, max_iter=5, learning_rate_init=0.01),
        {},
    ),
    "no-shuffle": ("multiclass", dict(shuffle=False), {}),
    "early-stopping-binary": ("binary", dict(early_stopping=True, max_iter=60), {}),
    "early-stopping-multilabel": (
        "multilabel",
        dict(early_stopping=True, max_iter=60),
        {},
    ),
    "early-stopping-weighted": (
        "binary",
        dict(early_stopping=True, validation_fraction=0.2),
        dict(weighted=True),
    ),
    "float32-sgd": ("multiclass", {}, dict(float32=True)),
    "float32-binary": ("binary", dict(activation="tanh"), dict(float32=True)),
    "adam": ("multiclass", dict(solver="adam", learning_rate_init=0.01), {}),
    "adam-multilabel": ("multilabel", dict(solver="adam", learning_rate_init=0.01), {}),
    "adam-weighted-logistic": (
        "binary",
        dict(solver="adam", activation="logistic"),
        dict(weighted=True),
    ),
    "adam-betas": (
        "multiclass",
        dict(solver="adam", beta_1=0.8, beta_2=0.99, epsilon=1e-6),
        {},
    ),
    "adam-float32": (
        "multiclass",
        dict(solver="adam", learning_rate_init=0.01),
        dict(float32=True),
    ),
    "lbfgs": ("multiclass", dict(solver="lbfgs", max_iter=50), {}),
    "lbfgs-binary-tanh": (
        "binary",
        dict(solver="lbfgs", activation="tanh", max_iter=50),
        {},
    ),
    "lbfgs-multilabel": ("multilabel", dict(solver="lbfgs", max_iter=50), {}),
    "lbfgs-weighted": (
        "multiclass",
        dict(solver="lbfgs", max_iter=50),
        dict(weighted=True),
    ),
}


def _fit_both(task, params, weighted=False, float32=False):
    X, y = make_task(task, n_samples=90, n_features=5, seed=3)
    if float32:
        X = X.astype(np.float32)
    sw = np.random.RandomState(5).uniform(0.2, 3.0, len(y)) if weighted else None
    params = {**BASE, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = ManualMLPClassifier(**params).fit(X, y, sample_weight=sw)
        theirs = MLPClassifier(**params).fit(X, y, sample_weight=sw)
    return X, ours, theirs


def _rtol(params, float32):
    if float32:
        return 1e-5
    return 1e-6 if params.get("solver") == "lbfgs" else 1e-9


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_same_model_as_sklearn(name):
    task, params, options = CONFIGS[name]
    X, ours, theirs = _fit_both(task, params, **options)
    rtol = _rtol(params, options.get("float32", False))
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert a.dtype == X.dtype
        assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=rtol, atol=rtol
    )
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=rtol)
    if params.get("solver") != "lbfgs":
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=rtol)
        if params.get("early_stopping"):
            assert ours.best_loss_ is theirs.best_loss_ is None
            assert_allclose(ours.validation_scores_, theirs.validation_scores_)
            assert ours.best_validation_score_ == theirs.best_validation_score_
        else:
            assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=rtol)


def test_the_suite_covers_what_it_claims():
    assert len(CONFIGS) >= 30
    solvers = {p.get("solver", "sgd") for _, p, _ in CONFIGS.values()}
    activations = {p.get("activation", "relu") for _, p, _ in CONFIGS.values()}
    tasks = {task for task, _, _ in CONFIGS.values()}
    assert solvers == {"sgd", "adam", "lbfgs"}
    assert activations == {"relu", "tanh", "logistic", "identity"}
    assert tasks == {"binary", "multiclass", "multilabel"}


# Deliberate differences, asserted explicitly.


def test_difference_multiclass_early_stopping_split_is_stratified(monkeypatch):
    """sklearn stratifies the validation split only for binary y; we do for multiclass.

    With classes 50 / 20 / 20 and 30% held out, a stratified split holds out
    15 / 6 / 6 rows; the two validation curves differ because the rows do.
    """
    import skmanualnet._training.problem as problem

    held_out = []

    def recording_split(*arrays, **kwargs):
        parts = train_test_split(*arrays, **kwargs)
        held_out.append(parts[5].sum(axis=0).tolist())  # class counts of T_val
        return parts

    monkeypatch.setattr(problem, "train_test_split", recording_split)
    X, y = make_task("multiclass", n_samples=90, n_features=5, seed=3)
    y = np.r_[y[:60], np.zeros(30, dtype=int)]
    params = {**BASE, "early_stopping": True, "validation_fraction": 0.3}
    ours = ManualMLPClassifier(**params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    assert held_out == [[15, 6, 6]]
    assert ours.validation_scores_ != theirs.validation_scores_


def test_difference_divergence_fails_fast_where_sklearn_trains_on():
    X, y = load_digits(return_X_y=True)  # unscaled
    params = dict(solver="sgd", learning_rate_init=1e3, max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = MLPClassifier(**params).fit(X, y)  # no error: a blown-up model
    assert theirs.loss_curve_[0] > 1e6
    with pytest.raises(ValueError, match="diverged in epoch 1"):
        ManualMLPClassifier(**params).fit(X, y)


def test_difference_defaults_are_sgd_with_an_sgd_learning_rate():
    ours, theirs = ManualMLPClassifier().get_params(), MLPClassifier().get_params()
    assert (ours["solver"], ours["learning_rate_init"]) == ("sgd", "auto")
    assert (theirs["solver"], theirs["learning_rate_init"]) == ("adam", 0.001)
    shared = set(theirs) & set(ours) - {"solver", "learning_rate_init"}
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}


def test_difference_binary_first_probability_is_sigma_of_minus_z():
    """Binary predict_proba is [σ(−z), σ(z)]; sklearn's is [1 − σ(z), σ(z)].

    Equal in exact arithmetic. In float32, 1 − σ(z) keeps only σ(z)'s absolute
    precision (6e-8) and is 0 once σ(z) rounds to 1 (z ≳ 17); σ(−z) keeps
    float32's relative precision down to e⁻⁸⁷. Same model (float32 parity).
    """
    X, ours, theirs = _fit_both("binary", {}, float32=True)
    X_far = 4 * X  # relu: logits 4 times larger, past 17 for some rows
    z = ours.decision_function(X_far).astype(np.float64)
    far = z > 17
    assert far.any()
    ours_p, theirs_p = ours.predict_proba(X_far), theirs.predict_proba(X_far)
    assert_allclose(ours_p, theirs_p, rtol=0, atol=1e-6)
    assert_array_equal(theirs_p[far, 0], 0.0)
    assert (ours_p[:, 0] > 0).all()
    assert_allclose(ours_p[:, 0], expit(-z), rtol=1e-6)
    assert_allclose(ours_p[:, 0], np.exp(ours.predict_log_proba(X_far)[:, 0]), 1e-6)


def test_difference_one_class_probabilities_are_one_column_of_ones():
    """One-class y: sklearn's predict_proba has two columns, [1 − σ(z), σ(z)],
    the second for a class that is not in classes_; ours is one column of ones.
    Both fit the same network and predict the one class (test_one_class.py)."""
    X, _ = make_task("binary", n_samples=40, seed=1)
    y = np.full(len(X), 4)
    ours = ManualMLPClassifier(**BASE).fit(X, y)
    theirs = MLPClassifier(**BASE).fit(X, y)
    assert_array_equal(ours.classes_, [4])
    assert_array_equal(theirs.classes_, [4])
    assert theirs.predict_proba(X).shape == (len(X), 2)
    assert (theirs.predict_proba(X)[:, 0] < 1).all()
    assert_array_equal(ours.predict_proba(X), np.ones((len(X), 1)))
    assert_array_equal(ours.predict(X), theirs.predict(X))


def test_difference_a_blown_up_fit_warns_where_sklearn_is_silent(recwarn):
    X, y = load_digits(return_X_y=True)  # unscaled
    params = dict(solver="sgd", learning_rate_init=30, alpha=0.0, max_iter=30)
    MLPClassifier(**params, random_state=0).fit(X, y)
    assert not [w for w in recwarn if "far above" in str(w.message)]
    with pytest.warns(ConvergenceWarning, match="far above"):
        ManualMLPClassifier(**params, random_state=0).fit(X, y)


def test_difference_bad_hidden_layer_sizes_are_named():
    X, y = make_task("binary")
    with pytest.raises(TypeError) as theirs:
        MLPClassifier(hidden_layer_sizes=(2.5,)).fit(X, y)
    assert "hidden_layer_sizes" not in str(theirs.value)
    with pytest.raises(ValueError, match=r"hidden_layer_sizes .* got \(2.5,\)"):
        ManualMLPClassifier(hidden_layer_sizes=(2.5,)).fit(X, y)


def test_difference_log_probabilities_break_ties_that_probabilities_round_away():
    """predict_log_proba is log σ(z) from the logits; sklearn's is the log of
    predict_proba. Where probabilities round to exactly 1.0 (multilabel logits
    40 and 50), ours still tells them apart (−4e−18 against −2e−22), so its
    argmax can differ from predict_proba's, which sees a tie."""
    X, ours, theirs = _fit_both("multilabel", {})
    for model in (ours, theirs):  # every row's logits: 40, 50 and 0 or more
        model.coefs_[-1][:] = 0.0
        model.intercepts_[-1][:] = [40.0, 50.0] + [0.0] * (model.n_outputs_ - 2)
    ours_p, theirs_p = ours.predict_proba(X), theirs.predict_proba(X)
    assert_array_equal(ours_p, theirs_p)
    assert_array_equal(ours_p[:, :2], 1.0)
    ours_log = ours.predict_log_proba(X)
    # log σ(z) = −log(1 + e⁻ᶻ) = −e⁻ᶻ to double precision for z ≥ 40
    assert_allclose(ours_log[:, :2], np.tile(-np.exp([-40.0, -50.0]), (len(X), 1)))
    assert_array_equal(ours_p.argmax(axis=1), 0)
    assert_array_equal(ours_log.argmax(axis=1), 1)
    assert_array_equal(theirs.predict_log_proba(X).argmax(axis=1), 0)
