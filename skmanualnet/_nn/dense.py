"""Dense (affine) layer: z = aW + b.

Backward, for the batch's error signal Z̄ at its output::

    W̄ = aᵀ Z̄        (the seed's W̄⁽²⁾ = z̄ hᵀ, summed over the batch)
    b̄ = 1ᵀ Z̄
    Ā = Z̄ Wᵀ        (handed back to the layer below)

The L2 penalty's gradient (α / Σs) W is the network's (W's group decays), not
the layer's. The three products are those of
:mod:`skmanualnet._nn.network`, which a test holds equal bit for bit.
"""

import numpy as np

from .init import WEIGHT_INITS
from .layer import FRESH, Layer, Parameter
from .network import affine, bias_gradient, input_error, weight_gradient


def reference_forward(layer, x, params, state, context):
    """zᵦⱼ = Σᵢ xᵦᵢ Wᵢⱼ + bⱼ, row by row and unit by unit (the test oracle)."""
    W, b = params["W"], params["b"]
    z = np.empty((x.shape[0], layer.n_out))
    for row in range(x.shape[0]):
        for j in range(layer.n_out):
            total = float(b[j])
            for i in range(layer.n_in):
                total += float(x[row, i]) * float(W[i, j])
            z[row, j] = total
    return z


def reference_backward(layer, out_bar, x, params, state, context):
    """W̄ᵢⱼ = Σᵦ xᵦᵢ z̄ᵦⱼ, b̄ⱼ = Σᵦ z̄ᵦⱼ, x̄ᵦᵢ = Σⱼ Wᵢⱼ z̄ᵦⱼ, entry by entry."""
    W = params["W"]
    W_bar, b_bar = np.zeros(W.shape), np.zeros(layer.n_out)
    x_bar = np.zeros(x.shape)
    for row in range(x.shape[0]):
        for j in range(layer.n_out):
            z_bar = float(out_bar[row, j])
            b_bar[j] += z_bar
            for i in range(layer.n_in):
                W_bar[i, j] += float(x[row, i]) * z_bar
                x_bar[row, i] += float(W[i, j]) * z_bar
    return x_bar, {"W": W_bar, "b": b_bar}


class Dense(Layer):
    """z = aW + b, W ∈ R^{n_in × n_out} (scikit-learn's ``coefs_`` layout).

    ``init`` names the scheme of :mod:`skmanualnet._nn.init` that draws W and b,
    ``init_activation`` the activation it draws them for (Glorot's factor).
    """

    name = "dense"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_in, n_out, init="glorot_uniform", init_activation="relu"):
        self.n_in, self.n_out = int(n_in), int(n_out)
        self.init, self.init_activation = init, init_activation

    @property
    def parameters(self):
        return (
            Parameter("W", (self.n_in, self.n_out), decay=1.0),
            Parameter("b", (self.n_out,)),
        )

    def initialize(self, params, random_state):
        draw = WEIGHT_INITS[self.init]
        params["W"][...], params["b"][...] = draw(
            params["W"].shape, self.init_activation, random_state
        )

    def forward(self, x, params, state, context):
        W = params["W"]
        z = context.buffers.empty(self, "z", (x.shape[0], self.n_out), W.dtype)
        return affine(x, W, params["b"], out=z), {"a": x}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        weight_gradient(cache["a"], out_bar, out=grads["W"])
        bias_gradient(out_bar, out=grads["b"])
        if not need_x_bar:
            return None
        W = params["W"]
        x_bar = buffers.empty(self, "x_bar", (out_bar.shape[0], self.n_in), W.dtype)
        return input_error(out_bar, W, out=x_bar)

    def onnx(self, graph, x, params, state):
        """z = aW + b: MatMul, Add."""
        z = graph.node("MatMul", [x, graph.floats("W", params["W"])], "aW")
        return graph.node("Add", [z, graph.floats("b", params["b"])], "z")
