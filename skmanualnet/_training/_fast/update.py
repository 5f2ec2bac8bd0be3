"""The update of θ in one pass: the L2 gradient and the optimizer step fused.

θ = [W, b] with the n_W weights first. For each entry, the operations of the
numpy reference (``l2_gradient`` then ``SGD.step`` or ``Adam.step``), in its
order and its rounding, so that the two agree bit for bit::

    W̄ ← W̄ + (α / Σs) W                        (weights only)
    SGD:  v ← μ v − η W̄ ;  W ← W + v, or W ← W + μ v − η W̄ (Nesterov)
    Adam: m ← β₁m + (1−β₁)W̄ ;  v ← β₂v + (1−β₂)W̄² ;  W ← W − η_t m / (√v + ε)

Then, while the new W is still in cache, Σ W² for the next batch's penalty
(α / (2Σs)) ‖W‖², which each update returns. numpy needs 9 passes over θ for
penalty, gradient and step (writing W̄ back as scratch); here it is one pass,
which writes only θ and the optimizer's state, and a read of the new W. The
scalars come rounded to θ's dtype, as numpy rounds Python floats against a
float32 array; Adam's η_t is a float64 in the reference, and so it is here.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc"})
def sum_of_squares(theta, n_weights):
    """Σ Wᵢ² over the first ``n_weights`` entries of θ, accumulated in float64.

    The one kernel that reassociates: the sum is vectorised in any order, as
    numpy's pairwise sum reorders it too.
    """
    total = 0.0
    for i in range(n_weights):
        total += np.float64(theta[i]) * theta[i]
    return total


@njit(inline="always")
def _sgd_entry(theta, carried, i, g, lr, momentum, nesterov):
    """v = c − ηW̄; W ← W + μv − ηW̄ (Nesterov) or W + v; c ← μv."""
    lr_g = g * lr  # η W̄
    v = carried[i] - lr_g  # v = μ v_old − η W̄, with c = μ v_old
    c = v * momentum  # μ v, carried to the next step
    theta[i] = (theta[i] - lr_g) + c if nesterov else theta[i] + v
    carried[i] = c


@njit(cache=True, nogil=True, error_model="numpy")
def sgd_update(theta, grad, carried, n_weights, decay, lr, momentum, nesterov):
    """W̄ += (α/Σs) W, then the SGD step, on every entry of θ in one pass.

    ``carried`` holds c = μ v (``SGD.carried``) and is updated; ``grad`` is
    read only. Returns Σ W² of the new weights.
    """
    for i in range(n_weights):
        g = grad[i] + theta[i] * decay  # W̄ + (α / Σs) W
        _sgd_entry(theta, carried, i, g, lr, momentum, nesterov)
    for i in range(n_weights, theta.size):
        _sgd_entry(theta, carried, i, grad[i], lr, momentum, nesterov)
    return sum_of_squares(theta, n_weights)


@njit(inline="always")
def _adam_entry(theta, m, v, i, g, neg_lr_t, betas, epsilon):
    """m ← β₁m + (1−β₁)W̄; v ← β₂v + (1−β₂)W̄²; W ← W − η_t m / (√v + ε)."""
    b1, c1, b2, c2 = betas
    v[i] = v[i] * b2 + (g * g) * c2
    m[i] = m[i] * b1 + g * c1
    step = type(m[i])(np.float64(m[i]) * neg_lr_t)  # −η_t m, in θ's dtype
    theta[i] += step / (np.sqrt(v[i]) + epsilon)


@njit(cache=True, nogil=True, error_model="numpy")
def adam_update(theta, grad, m, v, n_weights, decay, neg_lr_t, betas, epsilon):
    """W̄ += (α/Σs) W, then the Adam step, on every entry of θ in one pass.

    ``neg_lr_t`` is −η_t = −η √(1 − β₂ᵗ) / (1 − β₁ᵗ) (a float64); ``betas``
    is (β₁, 1 − β₁, β₂, 1 − β₂); ``m`` and ``v`` are updated, ``grad`` is read
    only. Returns Σ W² of the new weights.
    """
    for i in range(n_weights):
        g = grad[i] + theta[i] * decay  # W̄ + (α / Σs) W
        _adam_entry(theta, m, v, i, g, neg_lr_t, betas, epsilon)
    for i in range(n_weights, theta.size):
        _adam_entry(theta, m, v, i, grad[i], neg_lr_t, betas, epsilon)
    return sum_of_squares(theta, n_weights)
