"""Layer normalisation: each row normalised over its n units, then
a = γ ⊙ x̂ + β.

Forward, the same in training and at predict (sums over the units, one value
per row; no state)::

    μ = (1/n) Σ x,   σ² = (1/n) Σ (x − μ)²,   σ = √(σ² + ε)
    x̂ = (x − μ) / σ,   a = γ ⊙ x̂ + β

Backward: γ̄ = Σ_rows ā ⊙ x̂, β̄ = Σ_rows ā, x̂̄ = γ ⊙ ā, and batch
normalisation's closed form with the axes swapped, row by row,

    x̄ = (1/(n σ)) (n x̂̄ − Σ_units x̂̄ − x̂ Σ_units (x̂̄ ⊙ x̂))

(:func:`skmanualnet._nn.normalization.normalized_input_error` with
``axis=1``; the graph it collapses is batch normalisation's, transposed).
"""

import math
import numbers

import numpy as np

from .normalization import (
    Normalization,
    mean,
    reference_input_error,
    reference_statistics,
    variance,
)


def reference_row(layer, x, i):
    """(x̂ of row i, σ, ω), loop by loop: μ, σ² over the row's n units
    (ω = 1/n each), in training and at predict alike."""
    row = [float(value) for value in x[i]]
    weights = [1.0 / len(row)] * len(row)
    mu, var = reference_statistics(row, weights)
    sigma = math.sqrt(var + layer.epsilon)
    return [(value - mu) / sigma for value in row], sigma, weights


def reference_forward(layer, x, params, state, context):
    """aᵢⱼ = γⱼ x̂ᵢⱼ + βⱼ, row by row (the test oracle)."""
    gamma, beta = params["gamma"], params["beta"]
    a = np.empty(x.shape)
    for i in range(x.shape[0]):
        x_hat, _, _ = reference_row(layer, x, i)
        for j in range(layer.n_out):
            a[i, j] = float(gamma[j]) * x_hat[j] + float(beta[j])
    return a


def reference_backward(layer, out_bar, x, params, state, context):
    """γ̄ⱼ = Σᵢ āᵢⱼ x̂ᵢⱼ, β̄ⱼ = Σᵢ āᵢⱼ, x̂̄ᵢⱼ = γⱼ āᵢⱼ, then row by row x̄
    through the closed form's Jacobian along the units."""
    gamma = params["gamma"]
    gamma_bar, beta_bar = np.zeros(layer.n_out), np.zeros(layer.n_out)
    x_bar = np.empty(x.shape)
    for i in range(x.shape[0]):
        x_hat, sigma, weights = reference_row(layer, x, i)
        x_hat_bar = [0.0] * layer.n_out
        for j in range(layer.n_out):
            a_bar = float(out_bar[i, j])
            gamma_bar[j] += a_bar * x_hat[j]
            beta_bar[j] += a_bar
            x_hat_bar[j] = float(gamma[j]) * a_bar
        x_bar[i] = reference_input_error(x_hat_bar, x_hat, sigma, weights)
    return x_bar, {"gamma": gamma_bar, "beta": beta_bar}


class LayerNorm(Normalization):
    """a = γ ⊙ (x − μ_row)/√(σ²_row + ε) + β, each row by its own statistics.

    The batch plays no part: one row gives the same output in training, at
    predict and inside any batch.
    """

    name = "layer_norm"
    reference_forward = reference_forward
    reference_backward = reference_backward
    axis = 1
    min_units = 2

    def __init__(self, n_units, epsilon=1e-5):
        if isinstance(n_units, numbers.Integral) and n_units == 1:
            raise ValueError(
                "layer_norm: a layer of n_units=1 cannot be layer-normalised: "
                "a row of one unit equals its own mean, so x̂ is always 0 and "
                "the layer outputs β whatever its input; give the hidden layer "
                "(its entry of hidden_layer_sizes) at least 2 units."
            )
        super().__init__(n_units, epsilon)

    def forward(self, x, params, state, context):
        """a = γ ⊙ x̂ + β, x̂ by each row's μ and σ², in training and at
        predict alike."""
        mu = mean(x, axis=1)
        var = variance(x, mu, axis=1)
        a, sigma, x_hat = self.normalize_affine(x, mu, var, params)
        return a, {"mu": mu, "var": var, "sigma": sigma, "x_hat": x_hat}

    def onnx(self, graph, x, params, state):
        """a = γ ⊙ (x − μ)/√(σ² + ε) + β, μ and σ² each row's: ReduceMean
        over the units, Sub, Mul, ReduceMean, Add ε, Sqrt, Div, Mul, Add."""
        mu = graph.reduce_mean(x, axis=1, stem="mu")
        x_centered = graph.node("Sub", [x, mu], "x_centered")
        square = graph.node("Mul", [x_centered, x_centered], "square")
        var = graph.reduce_mean(square, axis=1, stem="var")
        epsilon = graph.floats("epsilon", self.epsilon)
        sigma = graph.node("Sqrt", graph.node("Add", [var, epsilon]), "sigma")
        x_hat = graph.node("Div", [x_centered, sigma], "x_hat")
        return self.onnx_scale_shift(graph, x_hat, params)
