"""Dropout layer (inverted): a = m ⊙ x / (1 − p), m ~ Bernoulli(1 − p).

In training each entry of x is kept with probability 1 − p and scaled by
1 / (1 − p), so that E[a] = x: prediction, which draws nothing, is then the
identity, with no rescaling. The mask m is drawn from the context's
``random_state``, one entry per entry of x, keyed in a network to the data
rows of the batch: equal rows are dropped alike, so that a row of sample
weight k is k copies of it. With the mask fixed, the layer is
linear in x, so the backward pass is the same product::

    a  = m ⊙ x / (1 − p)
    x̄ = m ⊙ ā / (1 − p)        (∂aᵢⱼ/∂xᵢⱼ = mᵢⱼ / (1 − p), no parameters)

The cache keeps the scaled mask m / (1 − p): its entries are 0 (dropped) and
1 / (1 − p) (kept). At predict, and for p = 0, the layer is the identity: it
draws nothing (the random state does not advance) and hands x itself on.
"""

import numbers

import numpy as np

from .keyed_uniforms import keyed_uniforms
from .layer import FRESH, SHARED, Layer


def check_rate(rate):
    """p ∈ [0, 1): the dropout rate, checked (p = 1 would drop every unit and
    divide by 0)."""
    if (
        isinstance(rate, bool)
        or not isinstance(rate, numbers.Real)
        or not 0 <= rate < 1
    ):
        raise ValueError(
            f"The dropout rate must be a number in [0, 1); got dropout={rate!r}."
        )
    return float(rate)


def scaled_mask(x, rate, context, owner=None):
    """m / (1 − p), m ~ Bernoulli(1 − p): 1 / (1 − p) where a uniform draw
    u ∈ [0, 1) has u ≥ p (probability 1 − p), 0 elsewhere, in x's dtype.

    The uniforms come from the context's ``random_state``, keyed to the
    batch's data rows when the context has ``row_keys`` (equal rows are then
    dropped alike: :mod:`~skmanualnet._nn.keyed_uniforms`); the mask goes
    into the context's buffers of ``owner``, the work into shared scratch."""
    buffers, shape = context.buffers, x.shape
    u = buffers.empty(SHARED, "u", shape, np.float64)
    if context.row_keys is None:
        u[...] = context.random_state.random_sample(shape)
    else:
        words, scratch = (
            buffers.empty(SHARED, name, shape, np.uint64)
            for name in ("words", "shifted")
        )
        keyed_uniforms(context.row_keys, shape[1], context.random_state, words,
                       scratch, out=u)  # fmt: skip
    kept = np.greater_equal(u, rate, out=buffers.empty(SHARED, "kept", shape, bool))
    mask = buffers.empty(owner, "scaled_mask", shape, x.dtype)
    return np.multiply(kept, 1 / (1 - rate), dtype=x.dtype, out=mask)


def dropout(x, scaled_mask, out):
    """a = m ⊙ x / (1 − p)."""
    return np.multiply(x, scaled_mask, out=out)


def dropout_error(a_bar, scaled_mask, out):
    """x̄ = m ⊙ ā / (1 − p): the same mask, as the layer is linear in x."""
    return np.multiply(a_bar, scaled_mask, out=out)


def reference_mask(layer, x, context):
    """m / (1 − p) as nested lists: which units are kept (mᵢⱼ = 1) is read
    off the layer's own draw (:func:`scaled_mask`, called once: the reference
    checks the arithmetic, not the random numbers), the scale 1 / (1 − p) is
    the reference's; 1 everywhere at predict and for p = 0."""
    if not context.training or layer.rate == 0:
        return [[1.0] * x.shape[1] for _ in range(x.shape[0])]
    kept = scaled_mask(x, layer.rate, context, layer) != 0
    return [[float(m) / (1.0 - layer.rate) for m in row] for row in kept.tolist()]


def reference_forward(layer, x, params, state, context):
    """aᵢⱼ = mᵢⱼ xᵢⱼ / (1 − p), entry by entry (the test oracle); the context's
    ``random_state`` must stand where the forward pass drew from."""
    mask = reference_mask(layer, x, context)
    a = np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            a[i, j] = mask[i][j] * float(x[i, j])
    return a


def reference_backward(layer, out_bar, x, params, state, context):
    """x̄ᵢⱼ = mᵢⱼ āᵢⱼ / (1 − p), entry by entry, the mask drawn again from the
    same ``random_state`` (no parameters)."""
    mask = reference_mask(layer, x, context)
    x_bar = np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x_bar[i, j] = mask[i][j] * float(out_bar[i, j])
    return x_bar, {}


class Dropout(Layer):
    """a = m ⊙ x / (1 − p) in training, a = x at predict (inverted dropout).

    Parameters
    ----------
    n_units : int
        The number of units (the layer's width, in and out).
    rate : float in [0, 1)
        p, the probability that a unit is dropped.
    """

    name = "dropout"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_units, rate):
        self.n_in = self.n_out = int(n_units)
        self.rate = check_rate(rate)

    @property
    def draws(self):
        """True for p > 0: the training pass draws a mask (the network hands
        it the batch's row keys)."""
        return self.rate > 0

    def forward(self, x, params, state, context):
        if not context.training or self.rate == 0:
            return x, {}  # the identity: nothing drawn, nothing to keep
        mask = scaled_mask(x, self.rate, context, self)
        out = context.buffers.empty(self, "a", x.shape, x.dtype)
        return dropout(x, mask, out=out), {"scaled_mask": mask}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        if not need_x_bar:
            return None
        if "scaled_mask" not in cache:  # p = 0: x̄ = ā
            return out_bar
        return dropout_error(out_bar, cache["scaled_mask"], out=out_bar)

    def onnx(self, graph, x, params, state):
        """The identity at predict: no node."""
        return x
