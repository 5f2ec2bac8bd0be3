"""A hidden layer's elementwise work, one pass each way.

Forward, after the product z = aˡ⁻¹ Wˡ: the bias and φ in one pass over z,
in place (``_network.affine`` then φ: two passes in numpy)::

    aˡ = φ(z + bˡ)

Backward, after the product Āˡ = Z̄ˡ⁺¹ (Wˡ⁺¹)ᵀ: φ′ from the kept output aˡ, the
error signal and its column sums in one pass over Ā, in place (φ′, the
product and ``bias_gradient``: three passes in numpy)::

    Z̄ˡ = Āˡ ⊙ φ′(aˡ),   b̄ˡ = 1ᵀ Z̄ˡ

Both work in place and return nothing (returning an array would box a new
Python object per call). Each φ′ is spelled as in ``_activations`` (relu′ =
[a > 0], tanh′ = 1 − a², σ′ = (1 − a) a), so that Z̄ agrees bit for bit; b̄ is
summed in another order than BLAS sums it. relu and identity agree bit for
bit forward too; tanh and σ differ from numpy's in the last bit (another exp).
``KERNELS`` maps an activation's name to its (forward, backward) pair.
"""

import numpy as np
from numba import njit

_JIT = dict(cache=True, nogil=True, error_model="numpy")


@njit(**_JIT)
def identity_forward(z, b):
    """aˡ = z + bˡ."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] += b[j]


@njit(**_JIT)
def relu_forward(z, b):
    """aˡ = max(z + bˡ, 0) (NaN stays NaN, as numpy's maximum keeps it)."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            x = z[i, j] + b[j]
            z[i, j] = 0 if x < 0 else x


@njit(**_JIT)
def tanh_forward(z, b):
    """aˡ = tanh(z + bˡ)."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] = np.tanh(z[i, j] + b[j])


@njit(**_JIT)
def logistic_forward(z, b):
    """aˡ = σ(z + bˡ) = 1 / (1 + exp(−(z + bˡ)))."""
    one = z.dtype.type(1)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] = one / (one + np.exp(-(z[i, j] + b[j])))


@njit(inline="always")
def _backward(a_bar, a, b_bar, phi_prime):
    """Z̄ = Ā ⊙ φ′(a) into ``a_bar``, b̄ = 1ᵀ Z̄ into ``b_bar``."""
    b_bar[:] = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            z_bar = a_bar[i, j] * phi_prime(a[i, j])
            a_bar[i, j] = z_bar
            b_bar[j] += z_bar


@njit(inline="always")
def _identity_prime(a):
    return type(a)(1)  # 1


@njit(inline="always")
def _relu_prime(a):
    return type(a)(1) if a > 0 else type(a)(0)  # [a > 0]


@njit(inline="always")
def _tanh_prime(a):
    return type(a)(1) - a * a  # 1 − a²


@njit(inline="always")
def _logistic_prime(a):
    return (type(a)(1) - a) * a  # (1 − a) a


@njit(**_JIT)
def identity_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ 1 = Āˡ, b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _identity_prime)


@njit(**_JIT)
def relu_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ [aˡ > 0], b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _relu_prime)


@njit(**_JIT)
def tanh_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ (1 − (aˡ)²), b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _tanh_prime)


@njit(**_JIT)
def logistic_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ (1 − aˡ) aˡ, b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _logistic_prime)


KERNELS = {
    "identity": (identity_forward, identity_backward),
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "logistic": (logistic_forward, logistic_backward),
}
