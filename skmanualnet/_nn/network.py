"""The network: parameters in one flat vector, the forward pass, back-propagation.

For a batch X ∈ R^{B×d} and layers l = 1 … L (list entry l − 1 is layer l)::

    a⁰ = X,   zˡ = aˡ⁻¹ Wˡ + bˡ,   aˡ = φ(zˡ) (l < L),   y = g(zᴸ)

    W̄ˡ = (aˡ⁻¹)ᵀ Z̄ˡ + (α / Σs) Wˡ,   b̄ˡ = 1ᵀ Z̄ˡ,   Āˡ⁻¹ = Z̄ˡ (Wˡ)ᵀ,   Z̄ˡ⁻¹ = Āˡ⁻¹ ⊙ φ′

The output link g, the loss and Z̄ᴸ come from the network's output head. All
weights and biases live in one contiguous vector θ = [W¹ … Wᴸ, b¹ … bᴸ] (and
the gradient in one vector of the same layout), with per-layer views: an
optimizer step is then a few whole-vector operations, L-BFGS works on θ
directly, and the penalty touches all weight matrices at once. Nothing here
knows about scikit-learn.
"""

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .._heads.heads import OutputHead
from .._heads.losses import l2_penalty
from .activations import Activation
from .kernels import column_sums, matmul_into, matmul_transposed_into, scaled_add
from .workspace import Workspace


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
        return remembered_views(self._views, theta, self.unpack)

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

    def weights(self, theta):
        """The weights [W¹ … Wᴸ] of θ as one contiguous vector (biases left out)."""
        return theta[: self.n_coef]


def remembered_views(memory, array, unpack):
    """``unpack(array)``, remembered in the list ``memory`` for the last two
    arrays asked for (θ and ∇L in a training loop): the views are built once,
    not at every batch."""
    for known, views in memory:
        if known is array:
            return views
    views = unpack(array)
    memory[:] = [*memory[-1:], (array, views)]
    return views


@dataclass(frozen=True)
class Network:
    """What the passes need besides θ and the data: the layout, one activation
    per hidden layer, the output head and the L2 penalty α; the penalty of a
    batch is divided by ``penalty_weight_sum`` when it is set, else by the
    batch's own Σs."""

    layout: ParameterLayout
    activations: tuple[Activation, ...]
    head: OutputHead
    alpha: float
    penalty_weight_sum: float | None = None

    #: The compiled kernels of ``skmanualnet._training._fast`` can train this network.
    fusable = True

    def penalty_sum(self, weight_sum):
        """What a batch of weight sum Σs divides the penalty α by."""
        if self.penalty_weight_sum is None:
            return weight_sum
        return self.penalty_weight_sum

    def workspace(self, n_rows, dtype, keep_all=False, fixed_noise=False):
        """The buffers of batches of up to ``n_rows`` rows (the network draws no
        noise: ``fixed_noise`` changes nothing)."""
        return Workspace.for_network(self, n_rows, dtype, keep_all=keep_all)

    def loss_and_gradient(self, theta, grad, X, T, sample_weight, ws, clip=True):
        """:func:`loss_and_gradient` of this network."""
        return loss_and_gradient(theta, grad, self, X, T, sample_weight, ws, clip)

    def state_arrays(self):
        """The fitted arrays beside θ: none for the dense network."""
        return ()

    def logits(self, X, theta):
        """zᴸ of θ for new data."""
        coefs, intercepts = self.layout.unpack(theta)
        return logits(X, coefs, intercepts, self.activations)


def affine(a, W, b, out):
    """zˡ = aˡ⁻¹ Wˡ + bˡ (``a`` may be a scipy sparse matrix)."""
    matmul_into(out, a, W)
    out += b
    return out


def forward(X, coefs, intercepts, activations, z_out, a_out):
    """a⁰ = X, zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = φ(zˡ) for l < L; returns the logits zᴸ.

    Writes zˡ into ``z_out[l-1]`` and aˡ into ``a_out[l-1]`` (which may be the
    same buffer: φ works in place).
    """
    a = X
    for l in range(1, len(coefs)):
        z = affine(a, coefs[l - 1], intercepts[l - 1], out=z_out[l - 1])
        a = activations[l - 1].phi(z, out=a_out[l - 1])
    return affine(a, coefs[-1], intercepts[-1], out=z_out[-1])


def logits(X, coefs, intercepts, activations):
    """zᴸ for new data: the forward pass into freshly allocated arrays."""
    z = [np.empty((X.shape[0], W.shape[1]), dtype=W.dtype) for W in coefs]
    return forward(X, coefs, intercepts, activations, z, z[:-1])


def weight_gradient(a_prev, z_bar, out):
    """W̄ˡ = (aˡ⁻¹)ᵀ Z̄ˡ: the seed's W̄⁽²⁾ = z̄ hᵀ, summed over the batch.

    The penalty term (α / Σs) Wˡ is added by :func:`l2_gradient`.
    """
    return matmul_into(out, a_prev.T, z_bar)


def bias_gradient(z_bar, out):
    """b̄ˡ = 1ᵀ Z̄ˡ: the error signal summed over the batch."""
    return column_sums(z_bar, out=out)


def input_error(z_bar, W, out):
    """Āˡ⁻¹ = Z̄ˡ (Wˡ)ᵀ: the error signal handed back to the layer below."""
    return matmul_transposed_into(out, z_bar, W)


def activation_derivative(activation, z, a, out):
    """φ′(zˡ) into ``out``, read off aˡ or off zˡ, as the activation's φ′ reads.

    z must have survived the forward pass for a φ′ of z: its workspace keeps it in a
    buffer of its own (:meth:`~skmanualnet._nn.workspace.Workspace.for_network`).
    """
    if activation.derivative_from == "a":
        return activation.phi_prime(a, out=out)
    if np.may_share_memory(z, a):
        raise ValueError(
            f"The {activation.name!r} layer's φ′ reads z, but z was overwritten by "
            "a: build the workspace with Workspace.for_network(network, ...)."
        )
    return activation.phi_prime(z, out=out)


def hidden_error(a_bar, phi_prime, out):
    """Z̄ˡ = Āˡ ⊙ φ′(zˡ): through the activation, unit by unit."""
    return np.multiply(a_bar, phi_prime, out=out)


def l2_gradient(W_bar_flat, W_flat, alpha, weight_sum, scratch):
    """W̄ˡ += (α / Σs) Wˡ for every layer at once (the weights are contiguous in θ).

    ``scratch`` (as long as the weights) holds (α / Σs) W, so that no temporary
    is allocated per batch.
    """
    if alpha:
        scaled_add(W_bar_flat, alpha / weight_sum, W_flat, scratch)
    return W_bar_flat


def backward(X, z_bar, coefs, activations, buffers, W_bars, b_bars):
    """Back-propagate Z̄ᴸ layer by layer, in the reverse order of :func:`forward`.

    Writes W̄ˡ = (aˡ⁻¹)ᵀZ̄ˡ into ``W_bars[l-1]`` and b̄ˡ = 1ᵀZ̄ˡ into
    ``b_bars[l-1]``; for l > 1, Āˡ⁻¹ = Z̄ˡ(Wˡ)ᵀ into ``buffers.a_bar[l-2]``,
    φ′ into ``buffers.phi_prime[l-2]`` and Z̄ˡ⁻¹ into ``buffers.z_bar[l-2]``.
    The activations aˡ are left as the forward pass wrote them.
    """
    for l in range(len(coefs), 0, -1):
        a_prev = X if l == 1 else buffers.a[l - 2]
        weight_gradient(a_prev, z_bar, out=W_bars[l - 1])
        bias_gradient(z_bar, out=b_bars[l - 1])
        if l > 1:
            a_bar = input_error(z_bar, coefs[l - 1], out=buffers.a_bar[l - 2])
            phi_prime = activation_derivative(
                activations[l - 2], buffers.z[l - 2], a_prev, buffers.phi_prime[l - 2]
            )
            z_bar = hidden_error(a_bar, phi_prime, out=buffers.z_bar[l - 2])


def batch_weights(sample_weight, n_rows):
    """(w, Σs): w = s / Σs as a (B, 1) column, or the scalar 1 / B when unweighted."""
    if sample_weight is None:
        return 1.0 / n_rows, n_rows
    weight_sum = float(sample_weight.sum())
    return (sample_weight / weight_sum)[:, np.newaxis], weight_sum


def loss_and_gradient(theta, grad, network, X, T, sample_weight, ws, clip=True):
    """L(θ) for one batch, and ∇L(θ) written into ``grad``.

    L = (data term of the head) + (α / (2Σs)) Σₗ ‖Wˡ‖² (Σs of the penalty:
    :meth:`Network.penalty_sum`); for softmax outputs the
    data term is −(1/Σs) Σᵢ sᵢ Σₖ tᵢₖ log yᵢₖ. ``sample_weight`` None means
    sᵢ = 1. ``clip=False`` gives the exact loss, whose gradient ``grad`` is.
    """
    layout, head, alpha = network.layout, network.head, network.alpha
    coefs, intercepts = layout.views(theta)
    W_bars, b_bars = layout.views(grad)
    buffers = ws.rows(X.shape[0])
    w, weight_sum = batch_weights(sample_weight, X.shape[0])
    W_flat, W_bar_flat = layout.weights(theta), layout.weights(grad)
    # forward
    z = forward(X, coefs, intercepts, network.activations, buffers.z, buffers.a)
    loss, y = head.loss(z, T, w, buffers.y, buffers.log_y, clip)
    penalty_sum = network.penalty_sum(weight_sum)
    loss += l2_penalty(W_flat, alpha, penalty_sum, ws.coef_scratch)
    # backward
    z_bar = head.error(y, T, w, out=buffers.z_bar[-1])
    backward(X, z_bar, coefs, network.activations, buffers, W_bars, b_bars)
    l2_gradient(W_bar_flat, W_flat, alpha, penalty_sum, ws.coef_scratch)
    return loss
