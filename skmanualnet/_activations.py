"""Hidden activations φ, their derivatives φ′, and the output links.

DESIGN §1: ``aˡ = φ(zˡ)`` for the hidden layers, ``y = softmax(zᴸ)`` for the
multiclass output and ``y = σ(zᴸ)`` for the binary and multilabel outputs.

Every φ works in place (``out`` may be ``z``), and every φ′ is written in terms
of the activation's *output* ``a``, which the forward pass keeps, so that the
backward pass never needs ``z``. The backward functions turn the error signal
at a layer's output, ``ā``, into the one at its input, ``z̄ = ā ⊙ φ′``, in place,
and compute φ′ over ``a`` itself: back-propagation has used ``a`` for W̄ by then
and needs it no more, so a batch allocates no temporary for φ′.
"""

import numpy as np
from scipy.special import expit


def identity(z, out):
    """a = z."""
    if out is not z:
        out[...] = z
    return out


def relu(z, out):
    """a = max(z, 0)."""
    return np.maximum(z, 0, out=out)


def tanh(z, out):
    """a = tanh(z)."""
    return np.tanh(z, out=out)


def logistic(z, out):
    """a = σ(z) = 1 / (1 + exp(−z))."""
    return expit(z, out=out)


def identity_backward(a, a_bar):
    """z̄ = ā ⊙ 1: φ′ = 1 for the identity (``a`` is left as it is)."""
    return a_bar


def relu_backward(a, a_bar):
    """z̄ = ā ⊙ [a > 0]: relu′ read off its output (a > 0 exactly where z > 0).

    ``a`` is overwritten with relu′ (ones and zeros).
    """
    np.greater(a, 0, out=a)
    a_bar *= a
    return a_bar


def tanh_backward(a, a_bar):
    """z̄ = ā ⊙ (1 − a²): tanh′ = 1 − tanh². ``a`` is overwritten with tanh′."""
    np.square(a, out=a)
    np.subtract(1, a, out=a)
    a_bar *= a
    return a_bar


def logistic_backward(a, a_bar):
    """z̄ = ā ⊙ a (1 − a): σ′ = σ (1 − σ). ``a`` is overwritten with 1 − a."""
    a_bar *= a
    np.subtract(1, a, out=a)
    a_bar *= a
    return a_bar


HIDDEN_ACTIVATIONS = {
    "identity": (identity, identity_backward),
    "relu": (relu, relu_backward),
    "tanh": (tanh, tanh_backward),
    "logistic": (logistic, logistic_backward),
}


def softmax(z, out):
    """y = exp(z − max z) / Σₖ exp(zₖ − max z), row by row; ``out`` may be ``z``."""
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def sigmoid(z, out):
    """y = σ(z), one independent probability per output unit."""
    return expit(z, out=out)


OUTPUT_LINKS = {"softmax": softmax, "logistic": sigmoid}
