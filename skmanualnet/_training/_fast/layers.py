"""A hidden layer's elementwise work, one pass each way.

Forward, after the product z = aˡ⁻¹ Wˡ: the bias and φ in one pass over z,
in place (``_nn.network.affine`` then φ: two passes in numpy)::

    aˡ = φ(z + bˡ)

Backward, after the product Āˡ = Z̄ˡ⁺¹ (Wˡ⁺¹)ᵀ: φ′ from the kept output aˡ, the
error signal and its column sums in one pass over Ā, in place (φ′, the
product and ``bias_gradient``: three passes in numpy)::

    Z̄ˡ = Āˡ ⊙ φ′(aˡ),   b̄ˡ = 1ᵀ Z̄ˡ

Both work in place and return nothing (returning an array would box a new
Python object per call). Each φ′ is spelled as in ``_nn.activations`` (relu′ =
[a > 0], tanh′ = 1 − a², σ′ = (1 − a) a), so that Z̄ agrees bit for bit; b̄ is
summed in another order than BLAS sums it. Forward, identity, relu, leaky
relu, elu, softplus and σ agree bit for bit too (in both dtypes, on this
machine); tanh may differ in the last bit (numba's tanh is not numpy's).
``KERNELS`` maps an activation's name to its (forward, backward) pair. The
activations whose φ′ reads z (gelu, silu, mish) have none: their layers run
the numpy reference.
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


@njit(**_JIT)
def leaky_relu_forward(z, b):
    """aˡ = max(x, 0.01 x) with x = z + bˡ."""
    slope = z.dtype.type(0.01)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            x = z[i, j] + b[j]
            z[i, j] = x if x > 0 else x * slope


@njit(**_JIT)
def elu_forward(z, b):
    """aˡ = x if x > 0 else eˣ − 1, with x = z + bˡ."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            x = z[i, j] + b[j]
            z[i, j] = x if x > 0 else np.expm1(x)


@njit(**_JIT)
def softplus_forward(z, b):
    """aˡ = log(1 + eˣ) with x = z + bˡ: x + log(1 + e⁻ˣ) for x > 0."""
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            x = z[i, j] + b[j]
            z[i, j] = x + np.log1p(np.exp(-x)) if x > 0 else np.log1p(np.exp(x))


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


@njit(inline="always")
def _leaky_relu_prime(a):
    return type(a)(1) if a > 0 else type(a)(0.01)  # max([a > 0], 0.01)


@njit(inline="always")
def _elu_prime(a):
    return type(a)(1) if a > 0 else a + type(a)(1)  # min(a, 0) + 1


@njit(inline="always")
def _softplus_prime(a):
    return -np.expm1(-a)  # 1 − e^(−a)


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


@njit(**_JIT)
def leaky_relu_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ max([aˡ > 0], 0.01), b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _leaky_relu_prime)


@njit(**_JIT)
def elu_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ (min(aˡ, 0) + 1), b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _elu_prime)


@njit(**_JIT)
def softplus_backward(a_bar, a, b_bar):
    """Z̄ˡ = Āˡ ⊙ (1 − e^(−aˡ)), b̄ˡ = 1ᵀ Z̄ˡ."""
    _backward(a_bar, a, b_bar, _softplus_prime)


KERNELS = {
    "identity": (identity_forward, identity_backward),
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "logistic": (logistic_forward, logistic_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "elu": (elu_forward, elu_backward),
    "softplus": (softplus_forward, softplus_backward),
}
