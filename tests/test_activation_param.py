"""The activation parameter: per-layer sequences and CustomActivation, through
fit, check_gradients, trace_step, clone and pickle."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import (
    CustomActivation,
    ManualMLPClassifier,
    ManualMLPRegressor,
    check_gradients,
    trace_step,
)

from ._data import make_task


def tanh_of(z):
    return np.tanh(z)


def tanh_prime_of(z):
    return 1 - np.tanh(z) ** 2


def tanh_prime_wrong(z):
    return 1 - np.tanh(z)  # 1 − tanh, a plausible slip for 1 − tanh²


def softsign(z):
    return z / (1 + np.abs(z))


def softsign_prime(z):
    return 1 / (1 + np.abs(z)) ** 2


MY_TANH = CustomActivation("my_tanh", tanh_of, tanh_prime_of)
SOFTSIGN = CustomActivation("softsign", softsign, softsign_prime)


def _weights(model):
    return model.coefs_ + model.intercepts_


def _assert_same_model(a, b, rtol=1e-12):
    for p, q in zip(_weights(a), _weights(b), strict=True):
        assert_allclose(p, q, rtol=rtol, atol=rtol)


# --- per-layer sequences ------------------------------------------------------


@pytest.mark.parametrize("sequence", [("relu", "relu"), ["relu", "relu"]])
def test_a_sequence_of_one_activation_is_that_activation(sequence):
    X, y = make_task("multiclass", n_samples=40)
    params = dict(hidden_layer_sizes=(6, 5), max_iter=5, random_state=0)
    single = ManualMLPClassifier(activation="relu", **params).fit(X, y)
    per_layer = ManualMLPClassifier(activation=sequence, **params).fit(X, y)
    _assert_same_model(single, per_layer, rtol=0)


def test_each_layer_gets_its_own_activation():
    """The trace names each layer's φ, and aˡ is that φ of zˡ."""
    X, y = make_task("multiclass", n_samples=10)
    model = ManualMLPClassifier((4, 3, 5), activation=["gelu", "relu", "elu"],
                                random_state=0)  # fmt: skip
    trace = trace_step(model, X, y)
    assert trace.activations == [None, "gelu", "relu", "elu", None]
    assert_array_equal(trace.a[2], np.maximum(trace.z[2], 0))
    assert_allclose(trace.a[3], np.where(trace.z[3] > 0, trace.z[3],
                                         np.expm1(trace.z[3])))  # fmt: skip


def test_a_sequence_of_the_wrong_length_is_a_clear_error():
    X, y = make_task("multiclass", n_samples=20)
    model = ManualMLPClassifier((6, 5, 4), activation=("relu", "tanh"))
    with pytest.raises(ValueError, match=r"gives 2 activations .* 3 hidden layers"):
        model.fit(X, y)


@pytest.mark.parametrize("bad", [("relu", "swish"), ["relu", 3]])
def test_an_unknown_entry_of_a_sequence_is_a_clear_error(bad):
    X, y = make_task("multiclass", n_samples=20)
    with pytest.raises(ValueError, match="Each activation must be one of"):
        ManualMLPClassifier((6, 5), activation=bad).fit(X, y)


@pytest.mark.parametrize("bad", ["swish", 3, None])
def test_an_unknown_activation_is_refused_by_the_constraints(bad):
    X, y = make_task("multiclass", n_samples=20)
    with pytest.raises(InvalidParameterError, match="'activation' parameter"):
        ManualMLPClassifier(activation=bad).fit(X, y)


def test_clone_and_get_params_keep_the_sequence_the_user_gave():
    sequence = ["gelu", MY_TANH]
    model = ManualMLPClassifier((4, 3), activation=sequence)
    assert model.get_params()["activation"] is sequence
    copy = clone(model)
    assert copy.activation == sequence and isinstance(copy.activation, list)
    assert clone(ManualMLPRegressor(activation=("elu",))).activation == ("elu",)


# --- CustomActivation -----------------------------------------------------------


@pytest.mark.parametrize("estimator", [ManualMLPClassifier, ManualMLPRegressor])
def test_a_custom_tanh_trains_the_same_model_as_the_builtin(estimator):
    """φ′ = 1 − tanh²(z) from z, against the registry's 1 − a² from a."""
    X, y = make_task("multiclass", n_samples=40)
    if estimator is ManualMLPRegressor:
        y = X @ np.arange(X.shape[1]) + 0.5
    params = dict(hidden_layer_sizes=(6, 5), max_iter=5, random_state=0)
    builtin = estimator(activation="tanh", **params).fit(X, y)
    custom = estimator(activation=[MY_TANH, "tanh"], **params).fit(X, y)
    _assert_same_model(builtin, custom)
    assert_allclose(builtin.predict(X), custom.predict(X), rtol=1e-12)


def test_check_gradients_passes_a_right_custom_derivative():
    X, y = make_task("binary", n_samples=12)
    model = ManualMLPClassifier((5, 4), activation=(SOFTSIGN, "gelu"), alpha=0.2,
                                random_state=0)  # fmt: skip
    errors = check_gradients(model, X, y)
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6


def test_check_gradients_refuses_a_custom_derivative_that_disagrees_with_phi():
    X, y = make_task("binary", n_samples=12)
    wrong = CustomActivation("my_tanh", tanh_of, tanh_prime_wrong)
    model = ManualMLPClassifier((5, 4), activation=("relu", wrong), random_state=0)
    with pytest.raises(ValueError, match="'my_tanh': phi_prime disagrees"):
        check_gradients(model, X, y)


def tanh_prime_nan_past_3(z):
    return np.where(z > 3.0, np.nan, tanh_prime_of(z))


def test_a_custom_derivative_that_gives_nan_is_refused_at_a_nan_point():
    # the message names a point where φ′ is NaN, not the worst finite one
    X, y = make_task("binary", n_samples=12)
    wrong = CustomActivation("my_tanh", tanh_of, tanh_prime_nan_past_3)
    model = ManualMLPClassifier((5,), activation=wrong, random_state=0)
    with pytest.raises(ValueError, match="phi_prime gives nan") as info:
        check_gradients(model, X, y)
    z = float(str(info.value).split(" at z = ")[1].split(":")[0])
    assert z > 3.0, str(info.value)


def test_a_custom_activation_reads_in_the_trace():
    X, y = make_task("multiclass", n_samples=6)
    trace = trace_step(ManualMLPClassifier((3,), activation=SOFTSIGN), X, y)
    assert trace.activations == [None, "softsign", None]
    assert trace.equations["phi"][1] == "a = softsign(z)"
    assert trace.equations["phi_prime"][1] == "φ′ = softsign′(z)"
    assert_allclose(trace.phi_prime[1], softsign_prime(trace.z[1]), rtol=1e-15)
    assert "softsign" in str(trace)


def test_a_fitted_model_with_custom_activations_pickles_and_clones():
    X, y = make_task("multiclass", n_samples=40)
    model = ManualMLPClassifier((5, 4), activation=[SOFTSIGN, MY_TANH], max_iter=5,
                                random_state=0).fit(X, y)  # fmt: skip
    restored = pickle.loads(pickle.dumps(model))
    assert restored.activation == [SOFTSIGN, MY_TANH]
    assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    refit = clone(model).fit(X, y)
    _assert_same_model(refit, model, rtol=0)


def test_lambdas_clone_but_do_not_pickle():
    """As documented: clone works with any callable, pickling needs
    module-level functions."""
    act = CustomActivation("sq", lambda z: z * z, lambda z: 2 * z)
    model = ManualMLPClassifier(activation=act)
    assert clone(model).activation == act
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(model)


@pytest.mark.parametrize(
    "args, error, match",
    [
        (("relu", tanh_of, tanh_prime_of), ValueError, "built-in activation"),
        (("", tanh_of, tanh_prime_of), TypeError, "non-empty str"),
        (("t", tanh_of, 1.0), TypeError, "phi_prime must be callable"),
    ],
)
def test_a_bad_custom_activation_is_refused_at_once(args, error, match):
    with pytest.raises(error, match=match):
        CustomActivation(*args)


def test_a_custom_phi_that_changes_the_shape_is_a_clear_error():
    X, y = make_task("multiclass", n_samples=20)
    reduced = CustomActivation("mean", lambda z: z.mean(axis=0), tanh_prime_of)
    with pytest.raises(ValueError, match="'mean': phi returned shape"):
        ManualMLPClassifier((4,), activation=reduced).fit(X, y)


def test_a_custom_activation_reads_the_same_in_every_process():
    """Its repr (and so an estimator's repr, and test ids) names the functions,
    with no memory address in it."""
    text = repr(SOFTSIGN)
    assert (
        text
        == "CustomActivation(name='softsign', phi=softsign, phi_prime=softsign_prime)"
    )
    assert "0x" not in repr(ManualMLPClassifier(activation=[SOFTSIGN]))
