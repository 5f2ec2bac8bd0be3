"""Activation layer: a = φ(z), unit by unit.

Backward: z̄ = ā ⊙ φ′(z), with φ′ read off the output a where the activation
allows (relu, tanh, logistic, …) and off z where it does not (gelu, silu,
mish): :mod:`skmanualnet._nn.activations` holds each (φ, φ′) pair.
"""

import numpy as np

from .._export.onnx_activations import activation_nodes
from .._inspection.reference import unit_activation
from .layer import FRESH, SHARED, Layer
from .network import activation_derivative, hidden_error


def reference_forward(layer, x, params, state, context):
    """aᵢⱼ = φ(zᵢⱼ), unit by unit, φ a scalar function (the test oracle)."""
    phi, _ = unit_activation(layer.activation)
    a = np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            a[i, j] = phi(float(x[i, j]))
    return a


def reference_backward(layer, out_bar, x, params, state, context):
    """z̄ᵢⱼ = āᵢⱼ φ′(zᵢⱼ), φ′ taken from z (no parameters)."""
    _, phi_prime = unit_activation(layer.activation)
    x_bar = np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x_bar[i, j] = float(out_bar[i, j]) * phi_prime(float(x[i, j]))
    return x_bar, {}


class ActivationLayer(Layer):
    """a = φ(z) for an :class:`~skmanualnet._nn.activations.Activation`."""

    name = "activation"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_units, activation):
        self.n_in = self.n_out = int(n_units)
        self.activation = activation

    def forward(self, x, params, state, context):
        a = self.activation.phi(
            x, out=context.buffers.empty(self, "a", x.shape, x.dtype)
        )
        return a, {"z": x, "a": a}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        phi_prime = buffers.empty(SHARED, "phi_prime", out_bar.shape, out_bar.dtype)
        activation_derivative(self.activation, cache["z"], cache["a"], phi_prime)
        return hidden_error(out_bar, phi_prime, out=out_bar)

    def onnx(self, graph, x, params, state):
        """a = φ(z): the activation's nodes (none for the identity)."""
        return activation_nodes(self.activation)(graph, x, "a")
