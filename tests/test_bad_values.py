"""Legal-looking values that used to reach Python or numpy unchecked, and surface
as their errors (OverflowError, "Maximum allowed dimension exceeded", float()
of a complex): each gets a clear error naming the parameter and the value, or
the mathematically right result."""

import re
from itertools import pairwise

import numpy as np
import pytest
from scipy import sparse

from skmanualnet import ManualMLPClassifier, check_gradients

from ._data import make_task
from .test_bad_input import names

X, Y = make_task("binary", n_samples=30)


def _model(**params):
    return ManualMLPClassifier(**{"max_iter": 3, "random_state": 0, **params})


def _raises(error, match, call):
    with pytest.raises(error, match=match) as info:
        call()
    assert info.type is error, f"expected exactly {error.__name__}: {info.value!r}"


# --- power_t: η = η₀ / (t + 1)^power_t ----------------------------------------


@pytest.mark.parametrize("power_t", [1e300, 1e3, 400, 10**6])
def test_a_huge_power_t_decays_the_learning_rate_to_zero(power_t, capsys):
    model = _model(
        hidden_layer_sizes=(4,),
        learning_rate="invscaling",
        power_t=power_t,
        verbose=True,
        n_iter_no_change=np.inf,
    )
    model.fit(X, Y)
    rates = re.findall(r"learning rate = ([^,]+),", capsys.readouterr().out)
    # epoch 1 runs at η₀; after it, η₀ / 31^power_t is below the smallest float
    assert len(rates) == 3 and float(rates[0]) > 0, rates
    assert [float(rate) for rate in rates[1:]] == [0.0, 0.0], rates
    assert all(np.isfinite(W).all() for W in model.coefs_)


def test_an_integer_power_t_gives_the_same_schedule_as_the_float(capsys):
    params = dict(hidden_layer_sizes=(4,), learning_rate="invscaling", max_iter=5)
    one = _model(power_t=2, **params).fit(X, Y)
    other = _model(power_t=2.0, **params).fit(X, Y)
    for a, b in zip(one.coefs_, other.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


# --- hidden_layer_sizes too large for memory -----------------------------------


def _n_parameters(units):
    """Σ nₗ₋₁ nₗ + Σ nₗ: the weights and biases of layer widths ``units``."""
    return sum(a * b for a, b in pairwise(units)) + sum(units[1:])


@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param((2**62,), id="2**62"),  # over numpy's largest array
        pytest.param((2**40,), id="2**40"),  # 106 TB
        pytest.param((2**31, 2**31), id="2**31-twice"),
    ],
)
def test_a_network_too_large_for_memory_is_refused_by_its_size(sizes):
    n_parameters = f"{_n_parameters([4, *sizes, 1]):.3g}".replace("+", "\\+")
    match = names(
        "hidden_layer_sizes", re.escape(repr(sizes)), n_parameters + " parameters"
    )
    _raises(ValueError, match, lambda: _model(hidden_layer_sizes=sizes).fit(X, Y))


def test_too_many_features_for_the_first_layer_is_refused_by_its_size():
    rows, columns = np.arange(30), np.arange(30) * 10**10
    X_wide = sparse.csr_matrix((np.ones(30), (rows, columns)), shape=(30, 10**12))
    match = names("hidden_layer_sizes", "1e\\+12 features", "1e\\+14 parameters")
    _raises(ValueError, match, lambda: _model().fit(X_wide, Y))


def test_a_large_network_that_fits_in_memory_is_accepted():
    model = _model(hidden_layer_sizes=(2**14,), max_iter=1).fit(X, Y)
    assert model.coefs_[0].shape == (4, 2**14)


def test_the_gradient_check_refuses_a_network_too_large_as_fit_does():
    match = names("hidden_layer_sizes", "parameters")
    _raises(
        ValueError,
        match,
        lambda: check_gradients(_model(hidden_layer_sizes=(2**40,)), X, Y),
    )


# --- class_weight values --------------------------------------------------------


@pytest.mark.parametrize(
    "weight",
    [1 + 1j, np.complex128(1.0), "a", None, [1.0, 2.0]],
    ids=["complex", "numpy-complex", "string", "None", "list"],
)
def test_class_weight_values_must_be_real_numbers(weight):
    class_weight = {0: weight, 1: 1.0}
    match = names("class_weight", "real numbers", re.escape(repr(class_weight)))
    _raises(ValueError, match, lambda: _model(class_weight=class_weight).fit(X, Y))


def test_integer_and_boolean_class_weights_are_numbers():
    one = _model(class_weight={0: 2, 1: True}).fit(X, Y)
    other = _model(class_weight={0: 2.0, 1: 1.0}).fit(X, Y)
    np.testing.assert_array_equal(one.coefs_[0], other.coefs_[0])


# --- check_gradients ------------------------------------------------------------


@pytest.mark.parametrize("eps", [0, -1e-6, np.nan, np.inf])
def test_check_gradients_refuses_a_step_that_is_not_positive_and_finite(eps):
    match = names("eps", re.escape(repr(eps)), "positive")
    _raises(ValueError, match, lambda: check_gradients(_model(), X, Y, eps=eps))
