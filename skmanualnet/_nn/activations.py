"""Hidden activations as (φ, φ′) pairs, side by side in one registry.

``aˡ = φ(zˡ)`` for the hidden layers l < L. Each entry holds φ, which works in
place (``out`` may be ``z``), and φ′, written in terms of the activation's
*output* a where it can be (the forward pass keeps a, and z may then share its
memory), and of its input z where it cannot::

    from a:  relu        φ′ = [a > 0]
             leaky_relu  φ′ = 1 if a > 0 else 0.01
             elu         φ′ = 1 if a > 0 else a + 1
             softplus    φ′ = 1 − e^(−a)
             tanh        φ′ = 1 − a²
             logistic    φ′ = a (1 − a)
             identity    φ′ = 1
    from z:  gelu        φ′ = Φ(z) + z ϕ(z)
             silu        φ′ = σ(z) + z σ(z) σ(−z)
             mish        φ′ = tanh(s) + z (1 − tanh² s) σ(z),  s = softplus(z)

``Activation.derivative_from`` says which of the two φ′ reads; the workspace
keeps z in a buffer of its own only for the layers whose φ′ reads z. φ′ is
written into a buffer of its own (one per hidden layer, in the workspace), so
that a and φ′ both remain to be read after a backward pass. The z-based φ and
φ′ compute with a temporary array or two. Adding an activation is one entry in
``ACTIVATIONS``; the numerics of each are derived in the documentation.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

#: The slope of leaky_relu for z ≤ 0.
LEAKY_SLOPE = 0.01
#: 1 / √(2π), the standard normal density at 0.
INV_SQRT_2PI = 0.3989422804014327


@dataclass(frozen=True)
class Activation:
    """A hidden activation: its name, φ(z, out) and φ′(x, out), where x is the
    output a or the input z as ``derivative_from`` says ("a" or "z")."""

    name: str
    phi: Callable
    phi_prime: Callable
    derivative_from: str = "a"


def scratch_for(z, out):
    """``out``, or None (a fresh array) when ``out`` shares memory with ``z``:
    for φ that must read z after writing a first factor."""
    return None if np.may_share_memory(z, out) else out


# --- φ′ read off the output a -------------------------------------------------


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


def leaky_relu(z, out):
    """a = max(z, 0.01 z): z where z > 0, 0.01 z otherwise."""
    if out is not z:
        np.copyto(out, z)
    return np.multiply(out, LEAKY_SLOPE, out=out, where=out <= 0)


def leaky_relu_prime(a, out):
    """φ′ = max([a > 0], 0.01): 1 where z > 0, 0.01 otherwise (a has z's sign)."""
    np.greater(a, 0, out=out)
    return np.maximum(out, LEAKY_SLOPE, out=out)


def elu(z, out):
    """a = max(z, eᶻ − 1): z where z > 0, eᶻ − 1 otherwise (α = 1; expm1 keeps
    small z exact)."""
    if out is not z:
        np.copyto(out, z)
    return np.expm1(out, out=out, where=out <= 0)


def elu_prime(a, out):
    """φ′ = min(a, 0) + 1: 1 where z > 0, eᶻ = a + 1 otherwise."""
    np.minimum(a, 0, out=out)
    out += 1
    return out


def softplus(z, out):
    """a = log(1 + eᶻ), as log(e⁰ + eᶻ) by logaddexp: no overflow for large z."""
    return np.logaddexp(0, z, out=out)


def softplus_prime(a, out):
    """φ′ = σ(z) = 1 − e^(−a): read off the output, as eᵃ is 1 + eᶻ (−expm1
    keeps small a exact)."""
    np.negative(a, out=out)
    np.expm1(out, out=out)
    return np.negative(out, out=out)


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


# --- φ′ from the input z ----------------------------------------------------


def gelu(z, out):
    """a = z Φ(z), Φ the standard normal CDF (scipy's ndtr, through erfc)."""
    return np.multiply(z, ndtr(z, out=scratch_for(z, out)), out=out)


def normal_density(z):
    """ϕ(z) = e^(−z²/2) / √(2π) (a new array)."""
    density = np.square(z)
    density *= -0.5
    np.exp(density, out=density)
    density *= INV_SQRT_2PI
    return density


def gelu_prime(z, out):
    """φ′ = Φ(z) + z ϕ(z): the product rule, with Φ′ = ϕ the normal density."""
    density = normal_density(z)
    density *= z
    ndtr(z, out=out)
    out += density
    return out


def silu(z, out):
    """a = z σ(z)."""
    return np.multiply(z, expit(z, out=scratch_for(z, out)), out=out)


def silu_prime(z, out):
    """φ′ = σ(z) + z σ(z) σ(−z): the product rule, with 1 − σ(z) = σ(−z)."""
    tail = np.negative(z)
    expit(tail, out=tail)  # σ(−z), exact where σ(z) rounds to 1
    expit(z, out=out)
    tail *= out
    tail *= z
    out += tail
    return out


def mish(z, out):
    """a = z tanh(softplus(z))."""
    factor = np.logaddexp(0, z, out=scratch_for(z, out))
    np.tanh(factor, out=factor)
    return np.multiply(z, factor, out=out)


def mish_prime(z, out):
    """φ′ = tanh(s) + z (1 − tanh² s) σ(z) with s = softplus(z): s′ = σ(z)."""
    t = np.logaddexp(0, z)
    np.tanh(t, out=t)
    np.square(t, out=out)
    np.subtract(1, out, out=out)  # 1 − tanh² s
    out *= z
    out *= expit(z)
    out += t
    return out


ACTIVATIONS = {
    activation.name: activation
    for activation in (
        Activation("identity", identity, identity_prime),
        Activation("relu", relu, relu_prime),
        Activation("tanh", tanh, tanh_prime),
        Activation("logistic", logistic, logistic_prime),
        Activation("leaky_relu", leaky_relu, leaky_relu_prime),
        Activation("elu", elu, elu_prime),
        Activation("softplus", softplus, softplus_prime),
        Activation("gelu", gelu, gelu_prime, derivative_from="z"),
        Activation("silu", silu, silu_prime, derivative_from="z"),
        Activation("mish", mish, mish_prime, derivative_from="z"),
    )
}
