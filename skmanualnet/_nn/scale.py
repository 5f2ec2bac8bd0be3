"""Scale layer: a learned per-feature scale, a = s ⊙ x, s ∈ Rⁿ.

Row i of the batch gives aᵢⱼ = sⱼ xᵢⱼ, so ∂aᵢⱼ/∂sⱼ = xᵢⱼ and
∂aᵢⱼ/∂xᵢⱼ = sⱼ; sⱼ is shared by every row, and its gradient sums theirs::

    s̄ = Σᵢ xᵢ ⊙ āᵢ       (over the rows of the batch)
    x̄ = s ⊙ ā            (s broadcast over the rows)

s starts at 1 (the layer starts as the identity) and does not decay: the L2
penalty would pull it to 0, switching the feature off, rather than to 1.
"""

import numpy as np

from .layer import FRESH, Layer, Parameter


def scale(x, s, out):
    """a = s ⊙ x, s broadcast over the rows."""
    return np.multiply(x, s, out=out)


def scale_gradient(x, a_bar, out):
    """s̄ = Σ_rows x ⊙ ā."""
    return np.einsum("ij,ij->j", x, a_bar, out=out)


def scale_error(a_bar, s, out):
    """x̄ = s ⊙ ā."""
    return np.multiply(a_bar, s, out=out)


def reference_forward(layer, x, params, state, context):
    """aᵢⱼ = sⱼ xᵢⱼ, row by row and feature by feature (the test oracle)."""
    s = params["s"]
    a = np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(layer.n_in):
            a[i, j] = float(s[j]) * float(x[i, j])
    return a


def reference_backward(layer, out_bar, x, params, state, context):
    """s̄ⱼ = Σᵢ xᵢⱼ āᵢⱼ and x̄ᵢⱼ = sⱼ āᵢⱼ, entry by entry."""
    s = params["s"]
    s_bar, x_bar = np.zeros(layer.n_in), np.empty(x.shape)
    for i in range(x.shape[0]):
        for j in range(layer.n_in):
            s_bar[j] += float(x[i, j]) * float(out_bar[i, j])
            x_bar[i, j] = float(s[j]) * float(out_bar[i, j])
    return x_bar, {"s": s_bar}


class Scale(Layer):
    """a = s ⊙ x, one trainable scale sⱼ per feature (init 1, decay 0).

    Parameters
    ----------
    n_units : int
        The number of features (the layer's width, in and out).
    """

    name = "scale"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_units):
        self.n_in = self.n_out = int(n_units)

    @property
    def parameters(self):
        return (Parameter("s", (self.n_in,)),)

    def initialize(self, params, random_state):
        params["s"].fill(1)

    def forward(self, x, params, state, context):
        out = context.buffers.empty(self, "out", x.shape, x.dtype)
        return scale(x, params["s"], out=out), {"x": x}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        scale_gradient(cache["x"], out_bar, out=grads["s"])  # before ā is overwritten
        if not need_x_bar:
            return None
        return scale_error(out_bar, params["s"], out=out_bar)

    def onnx(self, graph, x, params, state):
        """a = s ⊙ x: Mul."""
        return graph.node("Mul", [x, graph.floats("s", params["s"])], "scaled")
