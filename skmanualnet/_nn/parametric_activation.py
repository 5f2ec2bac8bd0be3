"""Parametric activation layer: a = z + α ⊙ (φ(z) − z), α ∈ Rⁿ per unit.

α blends the identity (α = 0) with the activation φ (α = 1, where it starts);
it is trainable and does not decay (the L2 penalty would pull every unit
towards the identity). Unit j of row i depends on zᵢⱼ and αⱼ only::

    ∂aᵢⱼ/∂zᵢⱼ = 1 + αⱼ (φ′(zᵢⱼ) − 1)        ∂aᵢⱼ/∂αⱼ = φ(zᵢⱼ) − zᵢⱼ

so that, αⱼ being shared by the rows,

    z̄ = ā ⊙ (1 + α ⊙ (φ′(z) − 1))
    ᾱ = Σ_rows ā ⊙ (φ(z) − z)

The output a is not φ(z), so the cache keeps φ(z) beside z: φ′ is read off
φ(z) or off z, as the activation's ``derivative_from`` says. Both equations
are computed in the equivalent forms (1 − α) z + α φ(z) and
(1 − α) + α φ′(z), which are exact at α = 1 (φ and φ′ themselves, bit for bit
those of the plain activation layer) and at α = 0 (z and 1).
"""

import numpy as np

from .._export.onnx_activations import activation_nodes
from .._inspection.reference import unit_activation
from .layer import FRESH, SHARED, Layer, Parameter
from .network import activation_derivative


def parametric_activation(z, phi_z, alpha, out, scratch=None):
    """a = z + α ⊙ (φ(z) − z), as (1 − α) ⊙ z + α ⊙ φ(z) (α ⊙ φ(z) formed in
    ``scratch``, or in a new array)."""
    np.multiply(1 - alpha, z, out=out)
    out += np.multiply(alpha, phi_z, out=scratch)
    return out


def parametric_error(a_bar, phi_prime, alpha, out):
    """z̄ = ā ⊙ (1 + α ⊙ (φ′(z) − 1)), the slope as (1 − α) + α ⊙ φ′(z).

    ``phi_prime`` is overwritten by the slope.
    """
    phi_prime *= alpha
    phi_prime += 1 - alpha
    return np.multiply(a_bar, phi_prime, out=out)


def alpha_gradient(a_bar, z, phi_z, out, scratch=None):
    """ᾱ = Σ_rows ā ⊙ (φ(z) − z) (φ(z) − z formed in ``scratch``, or in a new
    array)."""
    return np.einsum("ij,ij->j", a_bar, np.subtract(phi_z, z, out=scratch), out=out)


def reference_forward(layer, x, params, state, context):
    """aᵢⱼ = zᵢⱼ + αⱼ (φ(zᵢⱼ) − zᵢⱼ), unit by unit (the test oracle)."""
    phi, _ = unit_activation(layer.activation)
    alpha = params["alpha"]
    a = np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z = float(x[i, j])
            a[i, j] = z + float(alpha[j]) * (phi(z) - z)
    return a


def reference_backward(layer, out_bar, x, params, state, context):
    """z̄ᵢⱼ = āᵢⱼ (1 + αⱼ (φ′(zᵢⱼ) − 1)) and ᾱⱼ = Σᵢ āᵢⱼ (φ(zᵢⱼ) − zᵢⱼ),
    entry by entry, φ′ taken from z."""
    phi, phi_prime = unit_activation(layer.activation)
    alpha = params["alpha"]
    x_bar, alpha_bar = np.empty(x.shape), np.zeros(x.shape[1])
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z, a_bar = float(x[i, j]), float(out_bar[i, j])
            x_bar[i, j] = a_bar * (1.0 + float(alpha[j]) * (phi_prime(z) - 1.0))
            alpha_bar[j] += a_bar * (phi(z) - z)
    return x_bar, {"alpha": alpha_bar}


class ParametricActivation(Layer):
    """a = z + α ⊙ (φ(z) − z), one trainable αⱼ per unit (init 1, decay 0).

    Parameters
    ----------
    n_units : int
        The number of units (the layer's width, in and out).
    activation : Activation
        φ and φ′, an :class:`~skmanualnet._nn.activations.Activation`.
    """

    name = "parametric_activation"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_units, activation):
        self.n_in = self.n_out = int(n_units)
        self.activation = activation

    @property
    def parameters(self):
        return (Parameter("alpha", (self.n_in,)),)

    def initialize(self, params, random_state):
        params["alpha"].fill(1)

    def forward(self, x, params, state, context):
        buffers = context.buffers
        phi_z, a = (buffers.empty(self, n, x.shape, x.dtype) for n in ("phi_z", "a"))
        scratch = buffers.empty(SHARED, "scratch", x.shape, x.dtype)
        self.activation.phi(x, out=phi_z)
        parametric_activation(x, phi_z, params["alpha"], out=a, scratch=scratch)
        return a, {"z": x, "phi_z": phi_z}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        z, phi_z, alpha = cache["z"], cache["phi_z"], params["alpha"]
        phi_prime, scratch = (
            buffers.empty(SHARED, name, z.shape, z.dtype)
            for name in ("phi_prime", "scratch")
        )
        # before ā is overwritten
        alpha_gradient(out_bar, z, phi_z, out=grads["alpha"], scratch=scratch)
        if not need_x_bar:
            return None
        activation_derivative(self.activation, z, phi_z, phi_prime)
        return parametric_error(out_bar, phi_prime, alpha, out=out_bar)

    def onnx(self, graph, x, params, state):
        """a = (1 − α) ⊙ z + α ⊙ φ(z): the activation's nodes, two Mul, Add."""
        alpha = params["alpha"]
        phi_z = activation_nodes(self.activation)(graph, x, "phi_z")
        blend = graph.node("Mul", [phi_z, graph.floats("alpha", alpha)])
        rest = graph.node("Mul", [x, graph.floats("one_minus_alpha", 1 - alpha)])
        return graph.node("Add", [rest, blend], "a")
