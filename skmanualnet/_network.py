"""The network: parameters in one flat vector, the forward pass, back-propagation.

DESIGN §1, for a batch X ∈ R^{B×d} and layers l = 1 … L (index l − 1 in the lists)::

    a⁰ = X,   zˡ = aˡ⁻¹ Wˡ + bˡ,   aˡ = φ(zˡ) (l < L),   y = softmax(zᴸ) or σ(zᴸ)

    W̄ˡ = (aˡ⁻¹)ᵀ Z̄ˡ + (α / Σs) Wˡ,   b̄ˡ = 1ᵀ Z̄ˡ,   Āˡ⁻¹ = Z̄ˡ (Wˡ)ᵀ,   Z̄ˡ⁻¹ = Āˡ⁻¹ ⊙ φ′

All weights and biases live in one contiguous vector θ = [W¹ … Wᴸ, b¹ … bᴸ]
(and the gradient in one vector of the same layout), with per-layer views
``coefs`` and ``intercepts``: an optimizer step is then a few whole-vector
operations, L-BFGS works on θ directly, and the penalty touches all weight
matrices at once. Nothing here knows about scikit-learn.
"""

from itertools import pairwise

import numpy as np

from ._activations import HIDDEN_ACTIVATIONS, OUTPUT_LINKS, sigmoid
from ._losses import (
    cross_entropy,
    l2_penalty,
    output_error,
    sigmoid_cross_entropy,
    softmax_with_log,
)


class ParameterLayout:
    """Where each Wˡ and bˡ lives in the flat vector θ = [W¹ … Wᴸ, b¹ … bᴸ].

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    """

    def __init__(self, layer_units):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.coef_shapes = list(pairwise(self.layer_units))
        self.n_coef = sum(n_in * n_out for n_in, n_out in self.coef_shapes)
        self.size = self.n_coef + sum(self.layer_units[1:])
        self._views = []  # [(array, views)]: θ and its gradient, reused every batch

    def views(self, theta):
        """:meth:`unpack`, remembered for the last two vectors (θ and ∇L in a
        training loop), so that a batch does not rebuild 2L views of each."""
        for array, views in self._views:
            if array is theta:
                return views
        views = self.unpack(theta)
        self._views = [*self._views[-1:], (theta, views)]
        return views

    def unpack(self, theta):
        """Views ``(coefs, intercepts)`` of θ: Wˡ (n_in, n_out), bˡ (n_out,)."""
        coefs, intercepts = [], []
        start, bias_start = 0, self.n_coef
        for n_in, n_out in self.coef_shapes:
            coefs.append(theta[start : start + n_in * n_out].reshape(n_in, n_out))
            intercepts.append(theta[bias_start : bias_start + n_out])
            start += n_in * n_out
            bias_start += n_out
        return coefs, intercepts

    def pack(self, coefs, intercepts, dtype):
        """A new flat θ holding copies of ``coefs`` and ``intercepts``."""
        theta = np.empty(self.size, dtype=dtype)
        for dst, src in zip(
            sum(self.unpack(theta), []), [*coefs, *intercepts], strict=True
        ):
            dst[...] = src
        return theta


def glorot_uniform(layout, activation, random_state, dtype):
    """Wˡ, bˡ ~ U(−r, r) with r = √(f / (nₗ₋₁ + nₗ)), f = 2 for logistic, else 6.

    Glorot & Bengio's initialisation as scikit-learn draws it: layer by layer,
    the weights then the biases, in float64, then cast to ``dtype``.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    theta = np.empty(layout.size, dtype=dtype)
    for W, b in zip(*layout.unpack(theta), strict=True):
        fan_in, fan_out = W.shape
        bound = np.sqrt(factor / (fan_in + fan_out))
        W[...] = random_state.uniform(-bound, bound, (fan_in, fan_out))
        b[...] = random_state.uniform(-bound, bound, fan_out)
    return theta


def _into(out, a, b):
    """out = a b: straight into ``out`` by BLAS when ``a`` is a dense array of
    ``out``'s dtype, else (sparse, or other dtypes at predict time) by ``@``."""
    # type() is cheaper than issparse, and np.dot than np.matmul (~0.4 µs a
    # call, which counts at small batches); np.dot wants out's exact dtype
    if type(a) is np.ndarray and a.dtype == out.dtype:
        return np.dot(a, b, out=out)
    out[...] = a @ b
    return out


def affine(a, W, b, out):
    """zˡ = aˡ⁻¹ Wˡ + bˡ (``a`` may be a scipy sparse matrix)."""
    _into(out, a, W)
    out += b
    return out


def forward(X, coefs, intercepts, activation, activations):
    """a⁰ = X, aˡ = φ(aˡ⁻¹Wˡ + bˡ) for l < L, zᴸ = aᴸ⁻¹Wᴸ + bᴸ.

    Fills ``activations[1:]`` (buffers of shape (B, nₗ)); the last one holds
    the logits zᴸ, which the output layer turns into probabilities.
    """
    phi = HIDDEN_ACTIVATIONS[activation][0]
    last = len(coefs) - 1
    a = X
    for l, (W, b, z) in enumerate(zip(coefs, intercepts, activations[1:], strict=True)):
        affine(a, W, b, out=z)
        if l < last:
            phi(z, out=z)
        a = z
    return a


def logits(X, coefs, intercepts, activation):
    """zᴸ for new data: the forward pass into freshly allocated arrays."""
    activations = [X] + [
        np.empty((X.shape[0], W.shape[1]), dtype=W.dtype) for W in coefs
    ]
    return forward(X, coefs, intercepts, activation, activations)


def probabilities(z, out_activation):
    """y = softmax(zᴸ) or σ(zᴸ), in place."""
    return OUTPUT_LINKS[out_activation](z, out=z)


def weight_gradient(a_prev, z_bar, out):
    """W̄ˡ = (aˡ⁻¹)ᵀ Z̄ˡ: the seed's W̄⁽²⁾ = z̄ hᵀ, summed over the batch.

    The penalty term (α / Σs) Wˡ is added by :func:`l2_gradient`.
    """
    return _into(out, a_prev.T, z_bar)


def bias_gradient(z_bar, ones, out):
    """b̄ˡ = 1ᵀ Z̄ˡ, as the product it is (``ones`` holds B ones): BLAS sums the
    columns 2.4-3.3× faster than ``z_bar.sum(axis=0)`` (B × n from 32 × 64 to
    200 × 256)."""
    return np.dot(ones, z_bar, out=out)


def input_error(z_bar, W, out):
    """Āˡ⁻¹ = Z̄ˡ (Wˡ)ᵀ: the error signal handed back to the layer below."""
    return np.dot(z_bar, W.T, out=out)


def l2_gradient(W_bar_flat, W_flat, alpha, weight_sum, scratch):
    """W̄ˡ += (α / Σs) Wˡ for every layer at once (the weights are contiguous in θ).

    ``scratch`` (as long as the weights) holds (α / Σs) W, so that no temporary
    is allocated per batch.
    """
    if alpha:
        np.multiply(W_flat, alpha / weight_sum, out=scratch)
        W_bar_flat += scratch
    return W_bar_flat


def backward(activations, z_bar, coefs, activation, W_bars, b_bars, z_bars, ones):
    """Back-propagate Z̄ᴸ layer by layer, in the reverse order of :func:`forward`.

    Writes W̄ˡ = (aˡ⁻¹)ᵀZ̄ˡ into ``W_bars``, b̄ˡ = 1ᵀZ̄ˡ into ``b_bars``, and turns
    Āˡ⁻¹ = Z̄ˡ(Wˡ)ᵀ into Z̄ˡ⁻¹ = Āˡ⁻¹ ⊙ φ′ in the buffer ``z_bars[l - 2]``.
    ``ones`` is a vector of B ones (for b̄ = 1ᵀZ̄). The hidden activations are
    spent: each is overwritten with (a form of) φ′ once its W̄ is computed.
    """
    phi_backward = HIDDEN_ACTIVATIONS[activation][1]
    for l in range(len(coefs) - 1, -1, -1):
        weight_gradient(activations[l], z_bar, out=W_bars[l])
        bias_gradient(z_bar, ones, out=b_bars[l])
        if l > 0:
            a_bar = input_error(z_bar, coefs[l], out=z_bars[l - 1])
            z_bar = phi_backward(activations[l], a_bar)


class Workspace:
    """Buffers for the forward and backward pass of batches of up to ``n_rows`` rows.

    Allocated once per fit and reused by every batch: ``rows(X)`` hands out
    views of the first B rows, which stay C-contiguous.
    """

    def __init__(self, layer_units, n_rows, dtype):
        widths = layer_units[1:]
        self._activations = [np.empty((n_rows, u), dtype=dtype) for u in widths]
        self._z_bars = [np.empty((n_rows, u), dtype=dtype) for u in widths]
        self._y = np.empty((n_rows, widths[-1]), dtype=dtype)
        self._log_y = np.empty((n_rows, widths[-1]), dtype=dtype)
        n_coef = sum(a * b for a, b in pairwise(layer_units))
        self.coef_scratch = np.empty(n_coef, dtype=dtype)  # L2 penalty, gradient
        self._ones = np.ones(n_rows, dtype=dtype)  # b̄ = 1ᵀZ̄
        self._rows = {}  # B -> views (a batch loop sees at most two sizes)

    def rows(self, X):
        """Views for a batch X: (activations with a⁰ = X, z_bars, y, log_y, ones)."""
        B = X.shape[0]
        if B not in self._rows:
            self._rows[B] = (
                [a[:B] for a in self._activations],
                [z[:B] for z in self._z_bars],
                self._y[:B],
                self._log_y[:B],
                self._ones[:B],
            )
        activations, z_bars, y, log_y, ones = self._rows[B]
        return [X, *activations], z_bars, y, log_y, ones


def batch_weights(sample_weight, n_rows):
    """(w, Σs): w = s / Σs as a (B, 1) column, or the scalar 1 / B when unweighted."""
    if sample_weight is None:
        return 1.0 / n_rows, n_rows
    weight_sum = float(sample_weight.sum())
    return (sample_weight / weight_sum)[:, np.newaxis], weight_sum


def output_loss(z, T, w, out_activation, y, log_y, clip=True):
    """The data term of L and the probabilities y, from the logits zᴸ.

    Softmax: y = softmax(z), L = −Σᵢ wᵢ Σₖ tᵢₖ log yᵢₖ (``z`` is left shifted).
    Logistic: y = σ(z), L = the binary cross-entropy summed over the outputs.
    """
    if out_activation == "softmax":
        y, log_y = softmax_with_log(z, y, log_y)
        return cross_entropy(log_y, T, w, clip), y
    loss = sigmoid_cross_entropy(z, T, w, clip)
    return loss, sigmoid(z, out=y)


def loss_and_gradient(
    theta,
    grad,
    layout,
    X,
    T,
    sample_weight,
    alpha,
    activation,
    out_activation,
    ws,
    clip=True,
):
    """L(θ) and ∇L(θ) written into ``grad``, for one batch (DESIGN §1).

    L = −(1/Σs) Σᵢ sᵢ Σₖ tᵢₖ log yᵢₖ + (α / (2Σs)) Σₗ ‖Wˡ‖² (the binary
    cross-entropy for logistic outputs). ``sample_weight`` None means sᵢ = 1.
    ``clip=False`` gives the exact loss, whose gradient ``grad`` is.
    """
    coefs, intercepts = layout.views(theta)
    W_bars, b_bars = layout.views(grad)
    activations, z_bars, y, log_y, ones = ws.rows(X)
    w, weight_sum = batch_weights(sample_weight, X.shape[0])
    W_flat, W_bar_flat = theta[: layout.n_coef], grad[: layout.n_coef]
    # forward
    z = forward(X, coefs, intercepts, activation, activations)
    loss, y = output_loss(z, T, w, out_activation, y, log_y, clip)
    loss += l2_penalty(W_flat, alpha, weight_sum, ws.coef_scratch)
    # backward
    z_bar = output_error(y, T, w, out=z_bars[-1])
    backward(activations, z_bar, coefs, activation, W_bars, b_bars, z_bars, ones)
    l2_gradient(W_bar_flat, W_flat, alpha, weight_sum, ws.coef_scratch)
    return loss
