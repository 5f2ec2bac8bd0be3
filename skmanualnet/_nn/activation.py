"""Activation layer: a = φ(z), unit by unit.

Backward: z̄ = ā ⊙ φ′(z), with φ′ read off the output a where the activation
allows (relu, tanh, logistic, …) and off z where it does not (gelu, silu,
mish): :mod:`skmanualnet._activations` holds each (φ, φ′) pair.
"""

import numpy as np

from .._network import activation_derivative, hidden_error
from .._onnx_activations import activation_nodes
from .layer import Layer


class ActivationLayer(Layer):
    """a = φ(z) for an :class:`~skmanualnet._activations.Activation`."""

    name = "activation"

    def __init__(self, n_units, activation):
        self.n_in = self.n_out = int(n_units)
        self.activation = activation

    def forward(self, x, params, state, context):
        a = self.activation.phi(x, out=np.empty_like(x))
        return a, {"z": x, "a": a}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True):
        phi_prime = activation_derivative(
            self.activation, cache["z"], cache["a"], np.empty_like(out_bar)
        )
        return hidden_error(out_bar, phi_prime, out=out_bar)

    def onnx(self, graph, x, params, state):
        """a = φ(z): the activation's nodes (none for the identity)."""
        return activation_nodes(self.activation)(graph, x, "a")
