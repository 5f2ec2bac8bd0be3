"""Output links, losses and the error signal at the output logits.

``w`` is the normalised sample weight, ``wᵢ = sᵢ / Σs``: a scalar ``1 / B``
when the batch is unweighted, otherwise a column of shape (B, 1). ``T`` holds
the targets: one-hot rows for multiclass, one 0/1 column for binary, one column
per label for multilabel, the target values for regression.

Two ways to the error signal at the logits are kept side by side:

* the fused path used in training, ``z̄ = w ⊙ (y − t)`` (:func:`output_error`);
* the general path it collapses from, ``z̄ = Jᵀ ȳ`` with the softmax Jacobian
  ``J = diag(y) − y yᵀ`` and ``ȳ = −t / y`` (:func:`softmax_jacobian`,
  :func:`cross_entropy_y_bar`, :func:`jacobian_vector_product`), and its
  sigmoid and identity counterparts. The tests show both give the same z̄.
"""

import numpy as np
from scipy.special import expit, log_expit, xlogy

from .._nn.kernels import log_eps, row_max, row_sums, sum_of_squares

# Links: the output y from the logits z.


def softmax_with_log(z, y, log_y):
    """y = softmax(z) and log y = (z − m) − log Σₖ exp(zₖ − m), m = max z.

    Log-sum-exp: every exponent is ≤ 0, so exp never overflows. ``z`` is left
    as it is; ``out`` buffers ``y`` and ``log_y`` receive the results.
    """
    np.subtract(z, row_max(z), out=log_y)
    np.exp(log_y, out=y)
    row_sum = row_sums(y)
    y /= row_sum
    log_y -= np.log(row_sum, out=row_sum)
    return y, log_y


def softmax(z, out):
    """y = exp(z − max z) / Σₖ exp(zₖ − max z), row by row."""
    return softmax_with_log(z, out, np.empty_like(out))[0]


def sigmoid(z, out):
    """y = σ(z), one independent probability per output unit."""
    return expit(z, out=out)


def identity_link(z, out):
    """y = z: the regression output is the logit itself."""
    if out is not z:
        out[...] = z
    return out


def exp_link(z, out):
    """y = exp(z): a positive mean, for Poisson counts."""
    return np.exp(z, out=out)


# Losses: the data term of L for a batch.


def _clip_log(log_y, clip):
    """log y raised to at least log ε in place when ``clip``.

    Only the *reported* loss is clipped, as scikit-learn reports it (it clips
    y to [ε, 1 − ε]; the upper bound moves log y by less than ε and is left
    out), never a gradient. The gradient check asks for the exact loss.
    """
    if clip:
        np.maximum(log_y, log_eps(log_y.dtype), out=log_y)
    return log_y


def cross_entropy(log_y, T, w, clip=True):
    """L = −Σᵢ wᵢ Σₖ tᵢₖ log yᵢₖ: multiclass cross-entropy from log-probabilities."""
    log_y = _clip_log(log_y, clip)
    if getattr(w, "ndim", 0) == 0:  # np.ndim costs 2 µs a batch
        return -w * float(np.einsum("ik,ik->", T, log_y))
    return -float(np.einsum("i,ik,ik->", w[:, 0], T, log_y))


def sigmoid_cross_entropy(z, T, w, clip=True):
    """L = −Σᵢ wᵢ Σₖ [tᵢₖ log σ(zᵢₖ) + (1 − tᵢₖ) log(1 − σ(zᵢₖ))].

    Binary and multilabel loss from the logits, with log σ(z) and
    log(1 − σ(z)) = log σ(−z) computed stably by ``scipy.special.log_expit``.
    """
    log_p = _clip_log(log_expit(z), clip)
    log_not_p = _clip_log(log_expit(-z), clip)
    return -float(np.sum(w * (T * log_p + (1 - T) * log_not_p)))


def squared_error(y, T, w):
    """L = Σᵢ wᵢ Σₖ ½ (yᵢₖ − tᵢₖ)²: half the squared error, summed over outputs."""
    return 0.5 * float(np.sum(w * np.square(y - T)))


def poisson_deviance(z, y, T, w):
    """L = Σᵢ wᵢ Σₖ [tᵢₖ log(tᵢₖ / yᵢₖ) − tᵢₖ + yᵢₖ]: half the Poisson deviance,
    with log y = z taken from the logits (y = exp(z) is given)."""
    return float(np.sum(w * (xlogy(T, T) - T * z - T + y)))


def absolute_error(y, T, w):
    """L = Σᵢ wᵢ Σₖ abs(yᵢₖ − tᵢₖ)."""
    return float(np.sum(w * np.abs(y - T)))


def huber(r, delta):
    """ℓ(r) = ½ r² for abs(r) ≤ δ, δ (abs(r) − ½ δ) beyond: quadratic near 0, linear
    in the tails, with a continuous derivative."""
    magnitude = np.abs(r)
    return np.where(magnitude <= delta, 0.5 * r**2, delta * (magnitude - 0.5 * delta))


def pinball(r, q):
    """ℓ(r) = max(q (t − y), (q − 1)(t − y)) with r = y − t: the quantile loss,
    q per unit of under-prediction and 1 − q per unit of over-prediction."""
    return np.maximum(-q * r, (1 - q) * r)


def l2_penalty(coefs_flat, alpha, weight_sum, scratch):
    """(α / (2 Σs)) Σₗ ‖Wˡ‖²_F over all weight matrices, stored contiguously."""
    if not alpha:
        return 0.0
    return 0.5 * alpha * sum_of_squares(coefs_flat, scratch) / weight_sum


# The error signal at the logits, fused.


def smoothed_targets(T, epsilon, n_classes, dtype):
    """t̃ = (1 − ε) t + ε / K: label smoothing of the 0/1 targets, in ``dtype``.

    Each row of t̃ still sums to 1 when each row of t does (softmax, K
    classes): Σₖ t̃ₖ = (1 − ε) + K ε / K = 1, so the fused z̄ = y − t̃ holds
    unchanged. For a sigmoid output, K = 2 (the label and its complement):
    t̃ = (1 − ε) t + ε / 2, and 1 − t̃ is its complement's smoothed target.
    """
    smoothed = np.multiply(T, 1.0 - epsilon, dtype=dtype)
    smoothed += dtype.type(epsilon / n_classes)
    return smoothed


def output_error(y, T, w, out):
    """z̄ᴸ = w ⊙ (y − t): the error signal at the logits, fused.

    Holds for the canonical (link, loss) pairs: softmax + cross-entropy
    (Σₖ tₖ = 1 collapses Jᵀȳ to y − t), sigmoid + binary cross-entropy
    (σ′ = y(1 − y) cancels the denominator of ȳ = (y − t) / (y(1 − y))) and
    identity + squared error (ȳ = y − t, J = 1). Never divides by a probability.
    """
    np.subtract(y, T, out=out)
    out *= w
    return out


def absolute_error_z_bar(y, T, w, out):
    """z̄ᴸ = w ⊙ sign(y − t): the derivative of abs(y − t) (0 at the kink)."""
    np.subtract(y, T, out=out)
    np.sign(out, out=out)
    out *= w
    return out


def huber_z_bar(y, T, w, delta, out):
    """z̄ᴸ = w ⊙ clip(y − t, −δ, δ): the derivative of the Huber loss."""
    np.subtract(y, T, out=out)
    np.clip(out, -delta, delta, out=out)
    out *= w
    return out


def pinball_z_bar(y, T, w, q, out):
    """z̄ᴸ = w ⊙ ([y > t] − q): the derivative of the pinball loss, 1 − q above
    the target, −q below (and −q at the kink)."""
    np.greater(y, T, out=out)
    out -= q
    out *= w
    return out


# The loss of the trivial predictor, for the blow-up warning.


def prior_cross_entropy(T, sample_weight):
    """L₀ = −Σₖ pₖ log pₖ: the loss of always predicting the class shares p."""
    p = np.average(T, axis=0, weights=sample_weight)
    return float(-xlogy(p, p).sum()) + 0.0  # + 0.0: one class's −0 becomes 0


def prior_binary_cross_entropy(T, sample_weight):
    """L₀ = −Σₖ [pₖ log pₖ + (1 − pₖ) log(1 − pₖ)]: the binary entropy of each
    output's share of positives, summed over the outputs."""
    p = np.average(T, axis=0, weights=sample_weight)
    # + 0.0: the −0 of labels that are always or never set becomes 0
    return float(-(xlogy(p, p) + xlogy(1 - p, 1 - p)).sum()) + 0.0


def prior_squared_error(T, sample_weight):
    """L₀ = Σₖ ½ Var_s(tₖ): the loss of always predicting the weighted mean."""
    mean = np.average(T, axis=0, weights=sample_weight)
    return float(
        0.5 * np.average(np.square(T - mean), axis=0, weights=sample_weight).sum()
    )


def weighted_quantile(T, sample_weight, q):
    """Per column of T, the smallest value whose share of the (weighted)
    samples at or below it is at least q: the weighted q-quantile."""
    weights = np.ones(T.shape[0]) if sample_weight is None else sample_weight
    order = np.argsort(T, axis=0, kind="stable")
    cumulative = np.cumsum(weights[order], axis=0)
    rows = [np.searchsorted(c, q * c[-1]) for c in cumulative.T]
    return np.array([T[order[i, k], k] for k, i in enumerate(rows)])


def prior_poisson_deviance(T, sample_weight):
    """L₀ = Σₖ avgₛ[t log(t / μ) − t + μ]: the deviance of predicting the
    weighted mean μ."""
    mean = np.average(T, axis=0, weights=sample_weight)
    return float(np.average(xlogy(T, T / mean) - T + mean, axis=0,
                            weights=sample_weight).sum())  # fmt: skip


def prior_absolute_error(T, sample_weight):
    """L₀ = Σₖ avgₛ abs(t − median): the loss of predicting the weighted median."""
    median = weighted_quantile(T, sample_weight, 0.5)
    return float(np.average(np.abs(T - median), axis=0, weights=sample_weight).sum())


def prior_huber(T, sample_weight, delta):
    """L₀ of predicting the weighted median, under the Huber loss."""
    median = weighted_quantile(T, sample_weight, 0.5)
    losses = huber(T - median, delta)
    return float(np.average(losses, axis=0, weights=sample_weight).sum())


def prior_pinball(T, sample_weight, q):
    """L₀ of predicting the weighted q-quantile, under the pinball loss."""
    quantile = weighted_quantile(T, sample_weight, q)
    losses = pinball(quantile - T, q)
    return float(np.average(losses, axis=0, weights=sample_weight).sum())


# The general path, kept as the tested demonstration of the collapse above.


def softmax_jacobian(y):
    """J = diag(y) − y yᵀ, i.e. ∂yᵢ/∂zⱼ = yᵢ (δᵢⱼ − yⱼ), one (K, K) matrix per row."""
    return np.einsum("bi,ij->bij", y, np.eye(y.shape[1], dtype=y.dtype)) - np.einsum(
        "bi,bj->bij", y, y
    )


def cross_entropy_y_bar(y, T, w):
    """ȳ = −w ⊙ t / y: the error signal at the softmax output."""
    return -w * T / y


def jacobian_vector_product(J, y_bar):
    """z̄ⱼ = Σᵢ ȳᵢ ∂yᵢ/∂zⱼ, i.e. z̄ = Jᵀ ȳ row by row."""
    return np.einsum("bij,bi->bj", J, y_bar)


def sigmoid_y_bar(y, T, w):
    """ȳ = w ⊙ (−t / y + (1 − t) / (1 − y)): the error signal at a sigmoid output."""
    return w * (-T / y + (1 - T) / (1 - y))


def sigmoid_derivative(y):
    """∂y/∂z = σ′(z) = y (1 − y): the (diagonal) Jacobian of elementwise sigmoids."""
    return y * (1 - y)


def squared_error_y_bar(y, T, w):
    """ȳ = w ⊙ (y − t): the error signal at an identity output."""
    return w * (y - T)


def poisson_y_bar(y, T, w):
    """ȳ = w ⊙ (1 − t / y): the error signal at an exp output; with
    ∂y/∂z = y it collapses to z̄ = w ⊙ (y − t)."""
    return w * (1 - T / y)
