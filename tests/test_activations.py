"""The hidden activations one by one: φ′ against central differences of φ, the
numerics far out in both tails, and where the workspace keeps z."""

import dataclasses
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet._heads.heads import HEADS
from skmanualnet._nn.activations import (
    ACTIVATIONS,
    elu_prime,
    gelu_prime,
    leaky_relu_prime,
    mish_prime,
    silu_prime,
    softplus_prime,
    tanh_prime,
)
from skmanualnet._nn.network import Network, ParameterLayout, activation_derivative
from skmanualnet._nn.workspace import Workspace

NAMES = sorted(ACTIVATIONS)
DTYPES = [np.float64, np.float32]


def _points():
    """z from −6 to 6, none within 1e-3 of the kink at 0."""
    z = np.random.RandomState(0).standard_normal(400) * 2.5
    return z[np.abs(z) > 1e-3]


def derivative_error(activation, z, eps=1e-6):
    """max |φ′ − (φ(z + ε) − φ(z − ε)) / 2ε|, φ′ read off a or z as it says."""
    phi = activation.phi
    numeric = phi(z + eps, out=np.empty_like(z)) - phi(z - eps, out=np.empty_like(z))
    numeric /= 2 * eps
    a = phi(z, out=np.empty_like(z))
    x = a if activation.derivative_from == "a" else z
    x_before = x.copy()
    analytic = activation.phi_prime(x, out=np.empty_like(z))
    assert_array_equal(x, x_before)  # φ′ leaves its input as it was
    return np.abs(analytic - numeric).max()


@pytest.mark.parametrize("name", NAMES)
def test_phi_prime_matches_central_differences_of_phi(name):
    assert derivative_error(ACTIVATIONS[name], _points()) < 1e-8


#: plausible slips in a derivative, each of which the check above must catch
WRONG_DERIVATIVES = {
    "elu": lambda a, out: np.minimum(a, 0, out=out),  # forgot the + 1
    "leaky_relu": lambda a, out: np.greater(a, 0, out=out),  # relu′: slope lost
    "softplus": lambda a, out: np.exp(-a, out=out),  # e^(−a), not 1 − e^(−a)
    "gelu": lambda z, out: np.multiply(z, 0.5, out=out) + 0.5,  # tanh-ish guess
    "silu": lambda z, out: np.multiply(z, 0, out=out) + 1 / (1 + np.exp(-z)),  # σ
    "mish": lambda z, out: np.tanh(np.logaddexp(0, z), out=out),  # tanh(s) alone
    "tanh": lambda a, out: np.subtract(1, a, out=out),  # 1 − a, not 1 − a²
}


@pytest.mark.parametrize("name", sorted(WRONG_DERIVATIVES))
def test_a_planted_wrong_derivative_fails_the_check(name):
    wrong = dataclasses.replace(ACTIVATIONS[name], phi_prime=WRONG_DERIVATIVES[name])
    assert derivative_error(wrong, _points()) > 1e-2


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_phi_in_place_equals_phi_into_a_new_buffer(name, dtype):
    """Prediction runs φ in place (out is z): the z-based φ must not read a
    half-written z."""
    z = (_points() * 3).astype(dtype).reshape(-1, 4)
    expected = ACTIVATIONS[name].phi(z, out=np.empty_like(z))
    assert expected.dtype == dtype
    in_place = z.copy()
    got = ACTIVATIONS[name].phi(in_place, out=in_place)
    assert got is in_place
    assert_array_equal(got, expected)


# --- numerics far out: finite, no overflow, close to a high-precision value ------

Z_FAR = [-1000.0, -80.0, -30.0, -5.0, -0.5, 0.5, 5.0, 30.0, 80.0, 1000.0]


def _phi_reference(name, z):
    """φ(z) in long double (80-bit), from the textbook formula; Φ by the C
    library's erfc in double."""
    z = np.longdouble(z)
    one = np.longdouble(1)
    if name == "gelu":
        return z * np.longdouble(math.erfc(-float(z) / math.sqrt(2.0))) / 2
    softplus = np.log1p(np.exp(z)) if z < 50 else z + np.log1p(np.exp(-z))
    return {
        "softplus": softplus,
        "elu": z if z > 0 else np.expm1(z),
        "silu": z / (one + np.exp(-z)),
        "mish": z * np.tanh(softplus),
    }[name]


def _phi_prime_reference(name, z):
    """φ′(z) in long double, from the textbook derivative."""
    z = np.longdouble(z)
    one = np.longdouble(1)
    sigma = one / (one + np.exp(-z))
    if name == "gelu":
        density = math.exp(-0.5 * float(z) ** 2) / math.sqrt(2 * math.pi)
        cdf = math.erfc(-float(z) / math.sqrt(2.0)) / 2
        return np.longdouble(cdf) + z * np.longdouble(density)
    softplus = np.log1p(np.exp(z)) if z < 50 else z + np.log1p(np.exp(-z))
    t = np.tanh(softplus)
    return {
        "softplus": sigma,
        "elu": one if z > 0 else np.exp(z),
        "silu": sigma * (one + z * (one - sigma)),
        "mish": t + z * (one - t * t) * sigma,
    }[name]


@pytest.mark.parametrize("name", ["softplus", "elu", "gelu", "silu", "mish"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_far_tails_are_finite_and_accurate(name, dtype):
    """No overflow, no invalid operation (raised as errors here), at |z| up to
    1000; φ to a few ulps (relative), φ′ to a few ulps of its scale 1."""
    activation, eps = ACTIVATIONS[name], np.finfo(dtype).eps
    z = np.array(Z_FAR, dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = activation.phi(z, out=np.empty_like(z))
        x = a if activation.derivative_from == "a" else z
        phi_prime = activation.phi_prime(x, out=np.empty_like(z))
    phi_ref = [float(_phi_reference(name, v)) for v in Z_FAR]
    prime_ref = [float(_phi_prime_reference(name, v)) for v in Z_FAR]
    assert np.isfinite(a).all() and np.isfinite(phi_prime).all()
    # Φ(z) far in the lower tail has condition number ~z² (Φ′/Φ ≈ |z|): the
    # rounding of z / √2 alone moves it by z² ulps, in scipy and in the C library
    condition = np.maximum(1.0, np.square(Z_FAR)) if name == "gelu" else 1.0
    error = np.abs(a - phi_ref) - np.finfo(dtype).tiny
    assert (error <= 8 * eps * condition * np.abs(phi_ref)).all(), (a, phi_ref)
    # relative to φ′'s own scale, 1: elu′ = a + 1 and 1 − tanh² cancel in the tail
    assert_allclose(phi_prime, prime_ref, rtol=16 * eps, atol=16 * eps)


def test_the_far_tails_hold_the_exact_limits():
    """φ(1000) = 1000 and φ′(1000) = 1; φ(−1000) is 0 (elu: −1) and so is φ′."""
    z = np.array([-1000.0, 1000.0])
    for name in ["softplus", "elu", "gelu", "silu", "mish"]:
        activation = ACTIVATIONS[name]
        a = activation.phi(z, out=np.empty_like(z))
        x = a if activation.derivative_from == "a" else z
        phi_prime = activation.phi_prime(x, out=np.empty_like(z))
        assert a.tolist() == [-1.0 if name == "elu" else 0.0, 1000.0], name
        assert phi_prime.tolist() == [0.0, 1.0], name


# --- which input φ′ reads, and where the workspace keeps z ----------------------


def test_derivatives_from_a_are_exactly_the_documented_ones():
    from_a = {n for n, a in ACTIVATIONS.items() if a.derivative_from == "a"}
    from_z = {n for n, a in ACTIVATIONS.items() if a.derivative_from == "z"}
    assert from_z == {"gelu", "silu", "mish"}
    assert from_a == set(ACTIVATIONS) - from_z
    # the functions registered are the ones of the derivation
    assert ACTIVATIONS["softplus"].phi_prime is softplus_prime
    assert ACTIVATIONS["elu"].phi_prime is elu_prime
    assert ACTIVATIONS["leaky_relu"].phi_prime is leaky_relu_prime
    assert ACTIVATIONS["tanh"].phi_prime is tanh_prime
    assert ACTIVATIONS["gelu"].phi_prime is gelu_prime
    assert ACTIVATIONS["silu"].phi_prime is silu_prime
    assert ACTIVATIONS["mish"].phi_prime is mish_prime


def _network(names):
    layout = ParameterLayout([3, 4, 5, 6, 2])
    activations = tuple(ACTIVATIONS[n] for n in names)
    return Network(layout, activations, HEADS["softmax"], 0.0)


def test_the_workspace_keeps_z_only_for_layers_whose_derivative_reads_it():
    ws = Workspace.for_network(_network(("relu", "gelu", "elu")), 8, np.float64)
    passes = ws.rows(8)
    shared = [
        np.shares_memory(z, a) for z, a in zip(passes.z[:-1], passes.a, strict=True)
    ]
    assert shared == [True, False, True]


def test_a_workspace_that_lost_z_is_refused_not_misread():
    """A workspace built without keep_z for a gelu layer has z overwritten by
    a: the backward pass says so rather than take φ′ of a."""
    network = _network(("relu", "gelu", "elu"))
    ws = Workspace(network.layout.layer_units, 8, np.float64)
    passes = ws.rows(8)
    with pytest.raises(ValueError, match="'gelu' layer's φ′ reads z"):
        activation_derivative(
            ACTIVATIONS["gelu"], passes.z[1], passes.a[1], passes.phi_prime[1]
        )
