"""Hidden activations as (φ, φ′) pairs, side by side in one registry.

``aˡ = φ(zˡ)`` for the hidden layers l < L. Each entry holds φ, which works in
place (``out`` may be ``z``), and φ′, which is written in terms of the
activation's *output* a, which the forward pass keeps, so that the backward pass
never needs z::

    relu:     φ′ = [a > 0]
    tanh:     φ′ = 1 − a²
    logistic: φ′ = a (1 − a)
    identity: φ′ = 1

φ′ is written into a buffer of its own (one per hidden layer, in the
workspace), so that a and φ′ both remain to be read after a backward pass.
Adding an activation is one entry in ``ACTIVATIONS``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit


@dataclass(frozen=True)
class Activation:
    """A hidden activation: its name, φ(z, out) and φ′(a, out) from the output a."""

    name: str
    phi: Callable
    phi_prime: Callable


def identity(z, out):
    """a = z."""
    if out is not z:
        out[...] = z
    return out


def identity_prime(a, out):
    """φ′ = 1."""
    out.fill(1)
    return out


def relu(z, out):
    """a = max(z, 0)."""
    return np.maximum(z, 0, out=out)


def relu_prime(a, out):
    """φ′ = [a > 0]: relu′ read off its output (a > 0 exactly where z > 0)."""
    return np.greater(a, 0, out=out)


def tanh(z, out):
    """a = tanh(z)."""
    return np.tanh(z, out=out)


def tanh_prime(a, out):
    """φ′ = 1 − a²: tanh′ = 1 − tanh²."""
    np.square(a, out=out)
    return np.subtract(1, out, out=out)


def logistic(z, out):
    """a = σ(z) = 1 / (1 + exp(−z))."""
    return expit(z, out=out)


def logistic_prime(a, out):
    """φ′ = a (1 − a): σ′ = σ (1 − σ)."""
    np.subtract(1, a, out=out)
    out *= a
    return out


ACTIVATIONS = {
    activation.name: activation
    for activation in (
        Activation("identity", identity, identity_prime),
        Activation("relu", relu, relu_prime),
        Activation("tanh", tanh, tanh_prime),
        Activation("logistic", logistic, logistic_prime),
    )
}
