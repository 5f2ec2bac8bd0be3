"""Batch normalisation: each unit normalised over the batch's B rows, then
a = γ ⊙ x̂ + β.

Forward in training (sums over the rows, one value per unit)::

    μ_B = (1/B) Σ x,   σ²_B = (1/B) Σ (x − μ_B)²,   σ = √(σ²_B + ε)
    x̂ = (x − μ_B) / σ,   a = γ ⊙ x̂ + β
    r_μ ← (1 − m) r_μ + m μ_B,   r_σ² ← (1 − m) r_σ² + m σ²_B

With sample weights s the batch statistics weigh each row by ω = s / Σs
(μ_B = Σ ω x, σ²_B = Σ ω (x − μ_B)²), so that a row of weight k is k copies
of it; the running variance averages the biased σ²_B for the same reason
(B/(B − 1) would need a row count that weights do not define).

At predict x̂ = (x − r_μ) / √(r_σ² + ε): the statistics are constants, so
there x̄ = x̂̄ / σ.

Backward in training, through the graph x → (μ_B, σ²_B) → x̂ → a::

    γ̄ = Σ ā ⊙ x̂,   β̄ = Σ ā,   x̂̄ = γ ⊙ ā
    σ̄² = −½ (σ²_B + ε)^(−3/2) Σ x̂̄ ⊙ (x − μ_B)
    μ̄ = −(1/σ) Σ x̂̄ − (2/B) σ̄² Σ (x − μ_B)
    x̄ = x̂̄ / σ + (2/B) σ̄² (x − μ_B) + μ̄ / B

With x − μ_B = σ x̂ and Σ (x − μ_B) = 0 this collapses to the closed form the
layer uses, x̄ = (1/(B σ)) (B x̂̄ − Σ x̂̄ − x̂ Σ (x̂̄ ⊙ x̂))
(:func:`skmanualnet._nn.normalization.normalized_input_error`, shared with
layer normalisation); :func:`input_error_through_graph` keeps the step-by-step
path, and a test holds the two equal.
"""

import math
import numbers

import numpy as np

from .normalization import (
    Normalization,
    mean,
    normalized_input_error,
    reference_input_error,
    reference_statistics,
    standard_deviation,
    variance,
)


def check_batch_rows(n_rows):
    """B ≥ 2: one row has σ²_B = 0 and x̂ = 0 whatever x is (and B/(B − 1)
    is undefined)."""
    if n_rows < 2:
        raise ValueError(
            "batch normalisation needs at least 2 rows per batch in training "
            f"(a batch of one row normalises every unit to 0), got a batch of "
            f"{n_rows} row(s): set batch_size ≥ 2, and avoid a last batch of one "
            "row (n_samples % batch_size == 1)."
        )


def weighted_mean(x, omega):
    """μ_B = Σ_rows ω ⊙ x: the batch mean with row weights ω = s / Σs."""
    return np.sum(omega * x, axis=0, keepdims=True)


def weighted_variance(x, mu, omega):
    """σ²_B = Σ_rows ω ⊙ (x − μ_B)²: the batch variance with row weights ω."""
    x_centered = np.subtract(x, mu)
    np.square(x_centered, out=x_centered)
    return np.sum(omega * x_centered, axis=0, keepdims=True)


def weighted_input_error(x_hat_bar, x_hat, sigma, omega):
    """x̄ = (1/σ)(x̂̄ − ω Σ_rows x̂̄ − ω ⊙ x̂ Σ_rows (x̂̄ ⊙ x̂)): the closed form
    with row weights ω, since ∂μ_B/∂xⱼ = ωⱼ and ∂σ/∂xⱼ = ωⱼ x̂ⱼ (ω = 1/B gives
    :func:`input_error_closed_form`)."""
    x_bar = x_hat * np.sum(x_hat_bar * x_hat, axis=0, keepdims=True)
    x_bar += np.sum(x_hat_bar, axis=0, keepdims=True)
    x_bar *= omega
    np.subtract(x_hat_bar, x_bar, out=x_bar)
    x_bar /= sigma
    return x_bar


def batch_statistics(x, omega):
    """(μ_B, σ²_B) of the batch: unweighted when ω is None, else weighted."""
    if omega is None:
        mu = mean(x, axis=0)
        return mu, variance(x, mu, axis=0)
    mu = weighted_mean(x, omega)
    return mu, weighted_variance(x, mu, omega)


def update_running(running, batch_value, momentum):
    """r ← (1 − m) r + m v, in place, in r's dtype."""
    running *= 1.0 - momentum
    running += momentum * batch_value.reshape(running.shape)
    return running


def variance_error(x_hat_bar, x_centered, sigma):
    """σ̄² = −½ (σ²_B + ε)^(−3/2) Σ_rows x̂̄ ⊙ (x − μ_B)."""
    return -0.5 * np.sum(x_hat_bar * x_centered, axis=0, keepdims=True) / sigma**3


def mean_error(x_hat_bar, x_centered, sigma, var_bar):
    """μ̄ = −(1/σ) Σ_rows x̂̄ − (2/B) σ̄² Σ_rows (x − μ_B).

    The second term is 0 up to rounding (Σ (x − μ_B) = 0); it is kept, as the
    graph has the edge μ_B → σ²_B.
    """
    n_rows = x_centered.shape[0]
    mu_bar = -np.sum(x_hat_bar, axis=0, keepdims=True) / sigma
    mu_bar -= (2 / n_rows) * var_bar * np.sum(x_centered, axis=0, keepdims=True)
    return mu_bar


def input_error_through_graph(x_hat_bar, x, mu, sigma):
    """x̄ = x̂̄ / σ + (2/B) σ̄² (x − μ_B) + μ̄ / B: the three paths from x to x̂.

    x reaches x̂ directly, through σ²_B and through μ_B; σ̄² and μ̄ come from
    :func:`variance_error` and :func:`mean_error`.
    """
    n_rows = x.shape[0]
    x_centered = x - mu
    var_bar = variance_error(x_hat_bar, x_centered, sigma)
    mu_bar = mean_error(x_hat_bar, x_centered, sigma, var_bar)
    x_bar = x_hat_bar / sigma
    x_bar += (2 / n_rows) * var_bar * x_centered
    x_bar += mu_bar / n_rows
    return x_bar


def input_error_closed_form(x_hat_bar, x_hat, sigma):
    """x̄ = (1/(B σ)) (B x̂̄ − Σ_rows x̂̄ − x̂ Σ_rows (x̂̄ ⊙ x̂))."""
    return normalized_input_error(x_hat_bar, x_hat, sigma, axis=0)


def fixed_statistics_input_error(x_hat_bar, sigma):
    """x̄ = x̂̄ / σ: at predict μ and σ are the running statistics, constants."""
    return x_hat_bar / sigma


def reference_unit(layer, x, state, context, j):
    """(x̂ of unit j's column, σ, ω), loop by loop: μ_B, σ²_B over the rows,
    weighted by ω (1/B without row weights), in training; r_μ, r_σ² read
    from ``state`` at predict."""
    column = [float(value) for value in x[:, j]]
    if context.row_weights is None:
        weights = [1.0 / len(column)] * len(column)
    else:
        weights = [float(weight) for weight in context.row_weights[:, 0]]
    if context.training:
        mu, var = reference_statistics(column, weights)
    else:
        mu, var = float(state["running_mean"][j]), float(state["running_var"][j])
    sigma = math.sqrt(var + layer.epsilon)
    return [(value - mu) / sigma for value in column], sigma, weights


def reference_forward(layer, x, params, state, context):
    """aᵢⱼ = γⱼ x̂ᵢⱼ + βⱼ, unit by unit (the test oracle). The running
    statistics are read at predict and never updated: the reference is the
    arithmetic of the output, which the suite compares alone."""
    gamma, beta = params["gamma"], params["beta"]
    a = np.empty(x.shape)
    for j in range(layer.n_out):
        x_hat, _, _ = reference_unit(layer, x, state, context, j)
        for i in range(x.shape[0]):
            a[i, j] = float(gamma[j]) * x_hat[i] + float(beta[j])
    return a


def reference_backward(layer, out_bar, x, params, state, context):
    """γ̄ⱼ = Σᵢ āᵢⱼ x̂ᵢⱼ, β̄ⱼ = Σᵢ āᵢⱼ, x̂̄ᵢⱼ = γⱼ āᵢⱼ, then unit by unit x̄
    through the closed form's Jacobian in training (weighted by ω), x̂̄ / σ at
    predict (the statistics constants)."""
    gamma = params["gamma"]
    gamma_bar, beta_bar = np.zeros(layer.n_out), np.zeros(layer.n_out)
    x_bar = np.empty(x.shape)
    for j in range(layer.n_out):
        x_hat, sigma, weights = reference_unit(layer, x, state, context, j)
        x_hat_bar = [0.0] * x.shape[0]
        for i in range(x.shape[0]):
            a_bar = float(out_bar[i, j])
            gamma_bar[j] += a_bar * x_hat[i]
            beta_bar[j] += a_bar
            x_hat_bar[i] = float(gamma[j]) * a_bar
        if context.training:
            column = reference_input_error(x_hat_bar, x_hat, sigma, weights)
        else:
            column = [value / sigma for value in x_hat_bar]
        for i in range(x.shape[0]):
            x_bar[i, j] = column[i]
    return x_bar, {"gamma": gamma_bar, "beta": beta_bar}


class BatchNorm(Normalization):
    """a = γ ⊙ (x − μ_B)/√(σ²_B + ε) + β per unit, with the batch's statistics
    in training and the running ones (state ``running_mean``, ``running_var``,
    in x's dtype) at predict.

    ``momentum`` m weighs each training batch in the running statistics,
    r ← (1 − m) r + m · (batch value); the running variance averages the
    batch's σ²_B, as x̂ uses it. With row weights (``context.row_weights``)
    the batch statistics are weighted.
    """

    name = "batch_norm"
    reference_forward = reference_forward
    reference_backward = reference_backward
    axis = 0

    def __init__(self, n_units, momentum=0.1, epsilon=1e-5):
        super().__init__(n_units, epsilon)
        if not isinstance(momentum, numbers.Real) or not 0 < momentum <= 1:
            raise ValueError(
                "batch_norm: momentum must be a real number in (0, 1] (the "
                "weight of each batch in the running statistics), got "
                f"momentum={momentum!r}."
            )
        self.momentum = float(momentum)

    def initial_state(self, dtype):
        """r_μ = 0 and r_σ² = 1 per unit, in ``dtype``."""
        return {
            "running_mean": np.zeros(self.n_out, dtype=dtype),
            "running_var": np.ones(self.n_out, dtype=dtype),
        }

    def forward(self, x, params, state, context):
        """a = γ ⊙ x̂ + β with the batch's μ_B, σ²_B in training (the running
        statistics updated in ``state``), with r_μ, r_σ² at predict."""
        if not context.training:
            mu = state["running_mean"].astype(x.dtype, copy=False)
            var = state["running_var"].astype(x.dtype, copy=False)
            a, sigma, x_hat = self.normalize_affine(x, mu, var, params)
            cache = {"running_mean": mu, "running_var": var}
            return a, {"x": x, **cache, "sigma": sigma, "x_hat": x_hat}
        check_batch_rows(x.shape[0])
        omega = context.row_weights
        mu, var = batch_statistics(x, omega)
        a, sigma, x_hat = self.normalize_affine(x, mu, var, params)
        update_running(state["running_mean"], mu, self.momentum)
        update_running(state["running_var"], var, self.momentum)
        cache = {"x": x, "mu": mu, "var": var, "sigma": sigma, "x_hat": x_hat}
        if omega is not None:
            cache["omega"] = omega
        return a, cache

    def input_error(self, x_hat_bar, cache):
        """x̄ in closed form after a training pass (the batch's statistics
        depend on x), x̂̄ / σ after a predict pass (they do not)."""
        if "mu" not in cache:
            return fixed_statistics_input_error(x_hat_bar, cache["sigma"])
        if "omega" in cache:
            return weighted_input_error(
                x_hat_bar, cache["x_hat"], cache["sigma"], cache["omega"]
            )
        return input_error_closed_form(x_hat_bar, cache["x_hat"], cache["sigma"])

    def onnx(self, graph, x, params, state):
        """a = γ ⊙ (x − r_μ)/√(r_σ² + ε) + β at predict: the running mean and
        √(r_σ² + ε) as constants, then Sub, Div, Mul, Add."""
        sigma = standard_deviation(state["running_var"], self.epsilon)
        mu = graph.floats("running_mean", state["running_mean"])
        x_centered = graph.node("Sub", [x, mu], "x_centered")
        sigma = graph.floats("running_sigma", sigma)
        x_hat = graph.node("Div", [x_centered, sigma], "x_hat")
        return self.onnx_scale_shift(graph, x_hat, params)
