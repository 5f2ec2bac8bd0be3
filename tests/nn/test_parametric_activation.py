"""Parametric activation: α = 1 is the plain activation layer bit for bit,
α = 0 the identity, and a φ′ that reads z (gelu) against central differences."""

import numpy as np
import pytest

from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.layer import PREDICT
from skmanualnet._nn.parametric_activation import ParametricActivation

EPS = 1e-6


def _pass(layer, alpha, z, a_bar):
    """The output, z̄ and ᾱ at α for input z and upstream ā."""
    params, grads = {"alpha": alpha}, {"alpha": np.empty_like(alpha)}
    a, cache = layer.forward(z, params, {}, PREDICT)
    z_bar = layer.backward(a_bar.copy(), cache, params, grads)
    return a, z_bar, grads["alpha"]


def _inputs(n_units=5):
    rng = np.random.RandomState(0)
    return 2 * rng.standard_normal((6, n_units)), rng.standard_normal((6, n_units))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_alpha_one_is_the_activation_layer(name):
    z, a_bar = _inputs()
    layer = ParametricActivation(5, ACTIVATIONS[name])
    params = {"alpha": np.empty(5)}
    layer.initialize(params, np.random.RandomState(0))  # α starts at 1
    a, z_bar, _ = _pass(layer, params["alpha"], z, a_bar)
    plain = ActivationLayer(5, ACTIVATIONS[name])
    expected, cache = plain.forward(z, {}, {}, PREDICT)
    np.testing.assert_array_equal(a, expected)
    np.testing.assert_array_equal(z_bar, plain.backward(a_bar.copy(), cache, {}, {}))


@pytest.mark.parametrize("name", ["tanh", "gelu"])
def test_alpha_zero_is_the_identity(name):
    z, a_bar = _inputs()
    a, z_bar, _ = _pass(
        ParametricActivation(5, ACTIVATIONS[name]), np.zeros(5), z, a_bar
    )
    np.testing.assert_array_equal(a, z)
    np.testing.assert_array_equal(z_bar, a_bar)


@pytest.mark.parametrize("name", ["gelu", "silu", "mish"])
def test_phi_prime_of_z_against_central_differences(name):
    # each aᵢⱼ depends on zᵢⱼ and αⱼ only, so that one shift of all of z (or α)
    # by ±ε gives every partial derivative at once
    z, a_bar = _inputs()
    alpha = np.array([-0.5, 0.3, 0.9, 1.4, 2.0])
    layer = ParametricActivation(5, ACTIVATIONS[name])
    _, z_bar, alpha_bar = _pass(layer, alpha, z, a_bar)

    def output(z, alpha):
        return layer.forward(z, {"alpha": alpha}, {}, PREDICT)[0]

    dz = (output(z + EPS, alpha) - output(z - EPS, alpha)) / (2 * EPS)
    dalpha = (output(z, alpha + EPS) - output(z, alpha - EPS)) / (2 * EPS)
    np.testing.assert_allclose(z_bar, a_bar * dz, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(alpha_bar, np.sum(a_bar * dalpha, axis=0), rtol=1e-7)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("layer_class", [ActivationLayer, ParametricActivation])
def test_every_built_in_activation_equals_its_reference(layer_class, name):
    """Both activation layers' loop-by-loop references know every built-in φ
    (an unknown one raises) and agree with the vectorised φ and φ′ off the
    kinks (the conformance suite runs tanh only)."""
    z, a_bar = _inputs()
    layer = layer_class(5, ACTIVATIONS[name])
    alpha = np.random.RandomState(1).uniform(0.5, 1.5, 5)
    params = {"alpha": alpha} if layer.parameters else {}
    grads = {key: np.empty_like(value) for key, value in params.items()}
    a, cache = layer.forward(z, params, {}, PREDICT)
    z_bar = layer.backward(a_bar.copy(), cache, params, grads)
    expected_z_bar, expected_grads = layer.reference_backward(
        a_bar, z, params, {}, PREDICT
    )
    expected_a = layer.reference_forward(z, params, {}, PREDICT)
    np.testing.assert_allclose(a, expected_a, rtol=1e-12)
    np.testing.assert_allclose(z_bar, expected_z_bar, rtol=1e-12)
    for key, expected in expected_grads.items():
        # ᾱ = Σ ā (φ(z) − z) cancels (mish: 3e-16 off at an entry of 2e-4)
        np.testing.assert_allclose(grads[key], expected, rtol=1e-12, atol=1e-14)
