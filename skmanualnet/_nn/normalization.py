"""The equations that batch and layer normalisation share, along an axis.

Both normalise x over n entries along one axis (batch norm: over the B rows,
per unit, ``axis=0``; layer norm: over the n units, per row, ``axis=1``), then
scale and shift each unit::

    μ = (1/n) Σ x,   σ² = (1/n) Σ (x − μ)²,   σ = √(σ² + ε)
    x̂ = (x − μ) / σ,   a = γ ⊙ x̂ + β

Backward, for ā = ∂L/∂a::

    γ̄ = Σ_rows ā ⊙ x̂,   β̄ = Σ_rows ā,   x̂̄ = γ ⊙ ā
    x̄ = (1/(n σ)) (n x̂̄ − Σ x̂̄ − x̂ Σ(x̂̄ ⊙ x̂))     (sums along the axis)

The last line is the graph x → (μ, σ²) → x̂ collapsed:
:func:`skmanualnet._nn.batch_norm.input_error_through_graph` walks it step
by step. Statistics keep their axis (``keepdims``), so that they broadcast
against x along either axis. Everything is computed in x's dtype.
"""

import numbers

import numpy as np

from .layer import FRESH, Layer, Parameter


def mean(x, axis):
    """μ = (1/n) Σ x: the mean of the n entries along ``axis``."""
    return np.mean(x, axis=axis, keepdims=True)


def variance(x, mu, axis):
    """σ² = (1/n) Σ (x − μ)²: the biased variance along ``axis`` (≥ 0 by
    construction, 0 for a constant slice)."""
    x_centered = x - mu
    np.square(x_centered, out=x_centered)
    return np.mean(x_centered, axis=axis, keepdims=True)


def standard_deviation(var, epsilon):
    """σ = √(σ² + ε): ε > 0 keeps σ ≥ √ε, so a constant slice gives x̂ = 0."""
    return np.sqrt(var + epsilon)


def normalize(x, mu, sigma):
    """x̂ = (x − μ) / σ."""
    x_hat = np.subtract(x, mu)
    x_hat /= sigma
    return x_hat


def scale_shift(x_hat, gamma, beta):
    """a = γ ⊙ x̂ + β, γ and β one entry per unit."""
    a = x_hat * gamma
    a += beta
    return a


def gamma_gradient(a_bar, x_hat, out):
    """γ̄ = Σ_rows ā ⊙ x̂."""
    return np.einsum("ij,ij->j", a_bar, x_hat, out=out)


def beta_gradient(a_bar, out):
    """β̄ = Σ_rows ā."""
    return np.sum(a_bar, axis=0, out=out)


def normalized_error(a_bar, gamma, out):
    """x̂̄ = γ ⊙ ā."""
    return np.multiply(a_bar, gamma, out=out)


def normalized_input_error(x_hat_bar, x_hat, sigma, axis):
    """x̄ = (1/(n σ)) (n x̂̄ − Σ x̂̄ − x̂ Σ(x̂̄ ⊙ x̂)), the sums along ``axis``.

    From x̄ = x̂̄/σ + σ̄² · 2(x − μ)/n + μ̄/n with σ̄² = −½ σ⁻³ Σ x̂̄ ⊙ (x − μ)
    and μ̄ = −(1/σ) Σ x̂̄ (its σ̄²-term has Σ(x − μ) = 0): substituting
    x − μ = σ x̂ gives x̄ = (1/σ)(x̂̄ − (1/n) Σ x̂̄ − (x̂/n) Σ x̂̄ ⊙ x̂).
    """
    n = x_hat.shape[axis]
    x_bar = x_hat * np.sum(x_hat_bar * x_hat, axis=axis, keepdims=True)
    x_bar += np.sum(x_hat_bar, axis=axis, keepdims=True)
    np.subtract(n * x_hat_bar, x_bar, out=x_bar)
    x_bar /= n * sigma
    return x_bar


def reference_statistics(values, weights):
    """(μ, σ²) = (Σₖ ωₖ xₖ, Σₖ ωₖ (xₖ − μ)²) of one slice, term by term
    (ωₖ = 1/n: the plain mean and biased variance)."""
    mu = 0.0
    for value, weight in zip(values, weights, strict=True):
        mu += weight * value
    var = 0.0
    for value, weight in zip(values, weights, strict=True):
        var += weight * (value - mu) ** 2
    return mu, var


def reference_input_error(x_hat_bar, x_hat, sigma, weights):
    """x̄ᵢ = Σₖ x̂̄ₖ ∂x̂ₖ/∂xᵢ, ∂x̂ₖ/∂xᵢ = (δₖᵢ − ωᵢ − ωᵢ x̂ᵢ x̂ₖ) / σ, over one
    slice: the closed form's Jacobian as a double loop (∂μ/∂xᵢ = ωᵢ,
    ∂σ/∂xᵢ = ωᵢ x̂ᵢ; ωᵢ = 1/n unweighted)."""
    n = len(x_hat)
    x_bar = [0.0] * n
    for i in range(n):
        for k in range(n):
            jacobian = (i == k) - weights[i] - weights[i] * x_hat[i] * x_hat[k]
            x_bar[i] += x_hat_bar[k] * jacobian / sigma
    return x_bar


class Normalization(Layer):
    """x̂ along :attr:`axis`, then a = γ ⊙ x̂ + β: what the two layers share.

    γ (initialised to 1) and β (to 0) have one entry per unit and do not
    decay, as scikit-learn leaves biases unpenalised. A subclass sets
    :attr:`axis` and writes ``forward`` with :meth:`normalize_affine`; its
    backward is this one, whose x̄ is :meth:`input_error`.
    """

    #: The axis the statistics run along: 0 over the rows, 1 over the units.
    axis = 0
    #: The fewest units the layer accepts.
    min_units = 1

    def __init__(self, n_units, epsilon=1e-5):
        if not isinstance(n_units, numbers.Integral) or n_units < self.min_units:
            raise ValueError(
                f"{self.name}: n_units must be an integer ≥ {self.min_units}, "
                f"got n_units={n_units!r}."
            )
        if not isinstance(epsilon, numbers.Real) or not epsilon > 0:
            raise ValueError(
                f"{self.name}: epsilon must be a real number > 0 (it keeps "
                f"σ = √(σ² + ε) away from 0), got epsilon={epsilon!r}."
            )
        self.n_in = self.n_out = int(n_units)
        self.epsilon = float(epsilon)

    @property
    def parameters(self):
        """γ and β, one entry per unit, not decayed."""
        return (
            Parameter("gamma", (self.n_out,)),
            Parameter("beta", (self.n_out,)),
        )

    def initialize(self, params, random_state):
        """γ₀ = 1, β₀ = 0: the layer starts as the plain normalisation."""
        params["gamma"][...] = 1.0
        params["beta"][...] = 0.0

    def normalize_affine(self, x, mu, var, params):
        """(a, σ, x̂) for the statistics μ and σ²."""
        sigma = standard_deviation(var, self.epsilon)
        x_hat = normalize(x, mu, sigma)
        return scale_shift(x_hat, params["gamma"], params["beta"]), sigma, x_hat

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        """γ̄ = Σ_rows ā ⊙ x̂, β̄ = Σ_rows ā into ``grads``; x̄ from x̂̄ = γ ⊙ ā
        (written over ā) by :meth:`input_error`, unless not ``need_x_bar``."""
        gamma_gradient(out_bar, cache["x_hat"], out=grads["gamma"])
        beta_gradient(out_bar, out=grads["beta"])
        if not need_x_bar:
            return None
        x_hat_bar = normalized_error(out_bar, params["gamma"], out=out_bar)
        return self.input_error(x_hat_bar, cache)

    def input_error(self, x_hat_bar, cache):
        """x̄ from x̂̄: the closed form along :attr:`axis`, the statistics being
        those of x itself."""
        return normalized_input_error(
            x_hat_bar, cache["x_hat"], cache["sigma"], self.axis
        )

    def onnx_scale_shift(self, graph, x_hat, params):
        """a = γ ⊙ x̂ + β as nodes: Mul, Add."""
        a = graph.node("Mul", [x_hat, graph.floats("gamma", params["gamma"])])
        return graph.node("Add", [a, graph.floats("beta", params["beta"])], "a")
