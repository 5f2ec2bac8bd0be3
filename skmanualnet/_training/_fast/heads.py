"""The output layer's elementwise work in one pass per row: bias, link, loss, z̄ᴸ, b̄ᴸ.

After the product z = aᴸ⁻¹ Wᴸ, for each row i with weight wᵢ = sᵢ / Σs (the
same steps as the head's ``loss`` then ``error`` in numpy, about a dozen
calls)::

    zᴸ = z + bᴸ,   y = g(zᴸ),   Lᵢ = ℓ(y, t),   z̄ᴸ = w ⊙ (y − t),   b̄ᴸ = 1ᵀ z̄ᴸ

The loss is the clipped training loss (log y raised to at least log ε, as
``_heads.losses`` clips it), returned as Σᵢ wᵢ Lᵢ in float64. ``z`` is left as it
is. ``KERNELS`` maps a head class to its kernel: a head without one keeps its
numpy ``loss`` and ``error``.
"""

import numpy as np
from numba import njit

from ..._heads.heads import (
    IdentitySquaredError,
    SigmoidCrossEntropy,
    SoftmaxCrossEntropy,
)

_JIT = dict(cache=True, nogil=True, error_model="numpy")


@njit(**_JIT)
def softmax_cross_entropy(z, b, T, w, log_eps, z_bar, b_bar):
    """y = softmax(z + b) by log-sum-exp, L = −Σᵢ wᵢ Σₖ tᵢₖ log yᵢₖ, z̄ = w ⊙ (y − t).

    log y = (z − m) − log Σₖ exp(zₖ − m) with m = maxₖ zₖ; ``z_bar`` holds
    exp(z − m) until it holds z̄.
    """
    b_bar[:] = 0
    loss = 0.0
    for i in range(z.shape[0]):
        m = z[i, 0] + b[0]
        for k in range(1, z.shape[1]):
            m = max(m, z[i, k] + b[k])
        total = z.dtype.type(0)
        for k in range(z.shape[1]):
            z_bar[i, k] = np.exp((z[i, k] + b[k]) - m)
            total += z_bar[i, k]
        log_total = np.log(total)
        row = 0.0
        for k in range(z.shape[1]):
            log_y = max(((z[i, k] + b[k]) - m) - log_total, log_eps)
            row += T[i, k] * log_y  # tₖ log yₖ
            z_bar[i, k] = (z_bar[i, k] / total - T[i, k]) * w[i]  # w (y − t)
            b_bar[k] += z_bar[i, k]
        loss -= w[i] * row
    return loss


@njit(**_JIT)
def sigmoid_cross_entropy(z, b, T, w, log_eps, z_bar, b_bar):
    """y = σ(z + b), L = −Σᵢ wᵢ Σₖ [t log y + (1 − t) log(1 − y)], z̄ = w ⊙ (y − t).

    With e = exp(−|x|): log σ(x) = min(x, 0) − log1p(e), log(1 − σ(x)) =
    log σ(−x) = −max(x, 0) − log1p(e), σ(x) = 1 / (1 + e) or e / (1 + e).
    """
    b_bar[:] = 0
    one = z.dtype.type(1)
    loss = 0.0
    for i in range(z.shape[0]):
        row = 0.0
        for k in range(z.shape[1]):
            x = z[i, k] + b[k]
            e = np.exp(-abs(x))
            log1p_e = np.log1p(e)
            log_p = max(min(x, 0) - log1p_e, log_eps)
            log_not_p = max(-max(x, 0) - log1p_e, log_eps)
            y = one / (one + e) if x >= 0 else e / (one + e)
            t = T[i, k]
            row += t * log_p + (one - t) * log_not_p
            z_bar[i, k] = (y - t) * w[i]  # w (y − t)
            b_bar[k] += z_bar[i, k]
        loss -= w[i] * row
    return loss


@njit(**_JIT)
def identity_squared_error(z, b, T, w, log_eps, z_bar, b_bar):
    """y = z + b, L = Σᵢ wᵢ Σₖ ½ (yᵢₖ − tᵢₖ)², z̄ = w ⊙ (y − t) (``log_eps`` unused)."""
    b_bar[:] = 0
    loss = 0.0
    for i in range(z.shape[0]):
        row = 0.0
        for k in range(z.shape[1]):
            r = (z[i, k] + b[k]) - T[i, k]  # y − t
            row += np.float64(r) * r
            z_bar[i, k] = r * w[i]
            b_bar[k] += z_bar[i, k]
        loss += 0.5 * w[i] * row
    return loss


KERNELS = {
    SoftmaxCrossEntropy: softmax_cross_entropy,
    SigmoidCrossEntropy: sigmoid_cross_entropy,
    IdentitySquaredError: identity_squared_error,
}
