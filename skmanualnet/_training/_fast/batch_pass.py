"""One batch's loss and gradient on the fused kernels: ``_nn.network``'s pass,
regrouped.

The matrix products are the reference's own functions (``affine``'s product,
``weight_gradient``, ``input_error``: BLAS into the workspace; a sparse batch's
by the kernels of ``sparse``); what numpy does
between them in several passes, a kernel does in one (``layers``, ``heads``).
A layer whose activation, or an output whose head, has no kernel runs the
reference's functions instead. The penalty's gradient is left to the fused
update (``update``): the gradient written here is the data term's.
"""

import functools

import numpy as np

from ..._nn.kernels import log_eps
from ..._nn.network import (
    activation_derivative,
    batch_weights,
    bias_gradient,
    hidden_error,
    input_error,
)
from .sparse import product_into, weight_gradient_into
from .update import sum_of_squares


@functools.cache
def uniform_weights(n_rows, dtype):
    """w = 1/B for every row, as numpy rounds the scalar 1/B to ``dtype``."""
    w = np.full(n_rows, np.dtype(dtype).type(1.0 / n_rows))
    w.flags.writeable = False
    return w


def row_weights(sample_weight, n_rows, dtype):
    """(w, Σs): w = s / Σs per row (1/B each when unweighted)."""
    if sample_weight is None:
        return uniform_weights(n_rows, dtype), n_rows
    weight_sum = float(sample_weight.sum())
    return sample_weight / weight_sum, weight_sum


def hidden_forward(a, W, b, activation, kernel, z, out):
    """aˡ = φ(aˡ⁻¹ Wˡ + bˡ) into ``out``: the product, then bias and φ in one
    pass, in place (a kernel runs only where aˡ overwrites zˡ)."""
    product_into(z, a, W)
    if kernel is None or not np.may_share_memory(z, out):
        z += b
        return activation.phi(z, out=out)
    kernel(z, b)
    return z


def hidden_backward(a_bar, z, a, activation, kernel, phi_prime, b_bar):
    """Z̄ˡ = Āˡ ⊙ φ′ in place and b̄ˡ = 1ᵀ Z̄ˡ, in one pass when fused (φ′ read
    off aˡ by the kernel, off aˡ or zˡ by the reference)."""
    if kernel is None:
        phi_prime = activation_derivative(activation, z, a, out=phi_prime)
        z_bar = hidden_error(a_bar, phi_prime, a_bar)
        bias_gradient(z_bar, out=b_bar)
    else:
        kernel(a_bar, a, b_bar)
    return a_bar


def output_loss_and_error(z, b, head, kernel, T, s, w, buffers, b_bar):
    """(L, Z̄ᴸ) of the logits z + bᴸ, and b̄ᴸ; in one pass per row when fused."""
    z_bar = buffers.z_bar[-1]
    if kernel is None:  # the head's own functions, with its own weights
        z += b
        w_head, _ = batch_weights(s, z.shape[0])
        loss, y = head.loss(z, T, w_head, buffers.y, buffers.log_y)
        head.error(y, T, w_head, out=z_bar)
        bias_gradient(z_bar, out=b_bar)
        return loss, z_bar
    return kernel(z, b, T, w, log_eps(z.dtype), z_bar, b_bar), z_bar


def loss_and_gradient(theta, grad, network, X, T, sample_weight, ws, kernels,
                      weights_sum_of_squares=None):  # fmt: skip
    """L(θ) for one batch (penalty included), and the data term's ∇ into ``grad``.

    ``kernels`` is a :class:`~skmanualnet._training._fast.training.FusedKernels` of this
    network; ``weights_sum_of_squares`` is Σ W² of θ when known (the fused
    step returns it), else it is computed here. Returns (L, the Σs the penalty
    is divided by).
    """
    layout, activations = network.layout, network.activations
    coefs, intercepts = layout.views(theta)
    W_bars, b_bars = layout.views(grad)
    buffers = ws.rows(X.shape[0])
    w, weight_sum = row_weights(sample_weight, X.shape[0], theta.dtype)
    penalty_sum = network.penalty_sum(weight_sum)
    # forward
    a, n_hidden = X, len(coefs) - 1
    for l in range(1, n_hidden + 1):
        a = hidden_forward(a, coefs[l - 1], intercepts[l - 1], activations[l - 1],
                           kernels.forward[l - 1], buffers.z[l - 1],
                           buffers.a[l - 1])  # fmt: skip
    z = product_into(buffers.z[-1], a, coefs[-1])
    loss, z_bar = output_loss_and_error(
        z,
        intercepts[-1],
        network.head,
        kernels.head,
        T,
        sample_weight,
        w,
        buffers,
        b_bars[-1],
    )
    if network.alpha:
        if weights_sum_of_squares is None:
            weights_sum_of_squares = sum_of_squares(theta, layout.n_coef)
        loss += 0.5 * network.alpha * weights_sum_of_squares / penalty_sum
    # backward
    for l in range(len(coefs), 0, -1):
        a_prev = X if l == 1 else buffers.a[l - 2]
        weight_gradient_into(a_prev, z_bar, W_bars[l - 1])
        if l > 1:
            a_bar = input_error(z_bar, coefs[l - 1], out=buffers.a_bar[l - 2])
            z_bar = hidden_backward(
                a_bar, buffers.z[l - 2], a_prev, activations[l - 2],
                kernels.backward[l - 2], buffers.phi_prime[l - 2], b_bars[l - 2],
            )  # fmt: skip
    return loss, penalty_sum
