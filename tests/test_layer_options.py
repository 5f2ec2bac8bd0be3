"""The layer options of the estimators: each trains, predicts, passes the
gradient check and pickles; bad combinations get clear errors.

scikit-learn's own checks run with every option on in tests/test_common.py,
sample-weight equivalence included: batch statistics and bins weigh rows by
their sample weights, and dropout masks are keyed to the data rows, so that a
row of weight k is k copies of it.
"""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import (
    ManualMLPClassifier,
    ManualMLPRegressor,
    check_gradients,
    trace_step,
)
from skmanualnet._estimators.base import fitted_sequence

from ._data import make_regression_task, make_task

OPTIONS = {
    "dropout": dict(dropout=0.2),
    "dropout per layer": dict(hidden_layer_sizes=(16, 8), dropout=(0.2, 0.0)),
    "batch norm": dict(normalization="batch"),
    "layer norm": dict(normalization="layer"),
    "input scale": dict(input_scale=True),
    "periodic": dict(input_embedding="periodic", embedding_size=3),
    "piecewise linear": dict(input_embedding="piecewise_linear", embedding_size=4),
    "parametric": dict(parametric_activation=True, activation="tanh"),
}

#: the layer each option adds, as traces name it
ADDED_LAYER = {
    "dropout": "dropout",
    "dropout per layer": "dropout",
    "batch norm": "batch_norm",
    "layer norm": "layer_norm",
    "input scale": "scale",
    "periodic": "periodic_embedding",
    "piecewise linear": "piecewise_linear_embedding",
    "parametric": "parametric_activation",
}


def classifier(**options):
    params = dict(hidden_layer_sizes=(16,), solver="adam", learning_rate_init=0.01)
    return ManualMLPClassifier(
        **{**params, "max_iter": 100, "random_state": 0, **options}
    )


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_each_option_learns_a_separable_task(name):
    X, y = make_task("multiclass", n_samples=60)
    model = classifier(**OPTIONS[name]).fit(X, y)
    assert model.score(X, y) >= 0.9
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_backprop_through_each_option_matches_finite_differences(name):
    X, y = make_task("binary", n_samples=12)
    errors = check_gradients(classifier(**OPTIONS[name]), X, y)
    intercepts = errors["intercepts"]
    if name == "batch norm":
        # b¹ shifts what batch norm then centres: ∂L/∂b¹ = 0, and its relative
        # error compares rounding noise with 0
        intercepts = intercepts[1:]
    assert max(errors["coefs"] + intercepts) < 1e-6
    # and every other layer's parameters (γ, β, s, α, w, b, V, c)
    parametrised = {"batch norm", "layer norm", "input scale", "periodic",
                    "parametric"}  # fmt: skip
    assert bool(errors["layers"]) == (name in parametrised)
    assert max(errors["layers"].values(), default=0.0) < 1e-6


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_a_pickled_model_predicts_the_same(name):
    X, y = make_regression_task("one-target", n_samples=40)
    params = {"hidden_layer_sizes": (8,), **OPTIONS[name]}
    model = ManualMLPRegressor(max_iter=20, random_state=0, **params).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_dropout_is_off_at_predict():
    X, y = make_task("binary", n_samples=40)
    model = classifier(dropout=0.5).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))


def test_batch_norm_predicts_a_row_alone_as_in_a_batch():
    # at predict the running statistics normalise, not the batch's own
    X, y = make_task("multiclass", n_samples=60)
    model = classifier(normalization="batch").fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X[:1]), model.predict_proba(X)[:1])


def test_partial_fit_carries_the_running_statistics_on():
    X, y = make_task("multiclass", n_samples=60)
    model = classifier(normalization="batch", batch_size=20)
    model.partial_fit(X, y, classes=[0, 1, 2])
    before = model.predict_proba(X[:5])
    model.partial_fit(X + 3.0, y)  # shifted rows move the running mean
    assert not np.allclose(model.predict_proba(X[:5]), before)


def test_warm_start_refuses_other_parameter_layers():
    X, y = make_task("binary", n_samples=40)
    model = classifier(normalization="batch", warm_start=True, max_iter=5).fit(X, y)
    model.set_params(dropout=0.3).fit(X, y)  # dropout holds no parameters
    for other in ("layer", None):
        model.set_params(normalization=other)
        with pytest.raises(ValueError, match="fitted network holds"):
            model.fit(X, y)


def test_warm_start_may_add_dropout_to_a_dense_fit():
    X, y = make_task("binary", n_samples=40)
    model = classifier(warm_start=True, max_iter=5).fit(X, y)
    coefs = [W.copy() for W in model.coefs_]
    model.set_params(dropout=0.1).fit(X, y)
    assert not np.array_equal(model.coefs_[0], coefs[0])
    network, _ = fitted_sequence(model)  # the continued fit trained with dropout
    assert "dropout" in [layer.name for layer in network.layers]


@pytest.mark.parametrize(
    "options, match",
    [
        (dict(hidden_layer_sizes=(4, 4), dropout=(0.1,)), "gives 1 rate"),
        (dict(dropout=(0.1, 1.0), hidden_layer_sizes=(4, 4)), r"\[0, 1\)"),
        (dict(dropout=0.2, solver="lbfgs"), "solver='lbfgs'"),
        (dict(normalization="batch", batch_size=13), "batch of 1 sample"),
    ],
)
def test_bad_layer_options_are_named(options, match):
    X, y = make_task("binary", n_samples=40)
    with pytest.raises(ValueError, match=match):
        classifier(**options).fit(X, y)


@pytest.mark.parametrize("value", [1.0, -0.1, "half"])
def test_a_dropout_rate_outside_the_interval_is_refused(value):
    X, y = make_task("binary", n_samples=20)
    with pytest.raises(InvalidParameterError, match="dropout"):
        classifier(dropout=value).fit(X, y)


@pytest.mark.parametrize("option", [dict(input_scale=True), OPTIONS["periodic"]])
def test_the_input_layers_refuse_sparse_X(option):
    X, y = make_task("binary", n_samples=20)
    with pytest.raises(ValueError, match="sparse"):
        classifier(**option).fit(sparse.csr_matrix(X), y)


def test_piecewise_linear_bins_refuse_a_constant_feature():
    X, y = make_task("binary", n_samples=20)
    X[:, 2] = 1.5
    with pytest.raises(ValueError, match="cannot bin feature 2"):
        classifier(**OPTIONS["piecewise linear"]).fit(X, y)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_trace_step_prints_each_layer_the_option_adds(name):
    X, y = make_task("binary", n_samples=8)
    model = classifier(**OPTIONS[name])
    trace = trace_step(model, X, y)
    text = str(trace)
    for k, layer in enumerate(trace.layers, start=1):
        assert f"layer {k} ({layer.name})" in text
    assert f"({ADDED_LAYER[name]})" in text
    assert not hasattr(model, "coefs_")


def test_early_stopping_keeps_the_best_epochs_running_statistics(held_out):
    # the kept model scores on the held-out rows what its best epoch scored:
    # θ and the running statistics of that epoch, not the last epoch's
    X, y = make_task("multiclass", n_samples=120, seed=3)
    model = classifier(
        normalization="batch", early_stopping=True, n_iter_no_change=3,
        batch_size=16, learning_rate_init=0.05, max_iter=60,
    ).fit(X, y)  # fmt: skip
    assert model.n_iter_ > np.argmax(model.validation_scores_) + 1  # went past it
    validation = held_out[-1]
    assert model.score(validation.X, validation.y) == model.best_validation_score_
