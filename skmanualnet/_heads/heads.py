"""Output heads: one object per (output link, loss) pair.

A head knows everything that depends on the output layer, so that nothing else
branches on it: the link y = g(zᴸ), the data term of the loss, the fused error
signal at the logits, the general (Jacobian) path that the fused one collapses
from, and the loss of the trivial predictor. The registry ``HEADS`` maps
the fitted ``out_activation_`` name to its head.

For the canonical pairs held here the fused error signal is the same,
z̄ᴸ = w ⊙ (y − t) (:func:`~skmanualnet._heads.losses.output_error`), with
``w = s / Σs``.
"""

import numpy as np
from scipy.special import log_expit

from .losses import (
    absolute_error,
    absolute_error_z_bar,
    cross_entropy,
    cross_entropy_y_bar,
    exp_link,
    huber,
    huber_z_bar,
    identity_link,
    jacobian_vector_product,
    output_error,
    pinball,
    pinball_z_bar,
    poisson_deviance,
    poisson_y_bar,
    prior_absolute_error,
    prior_binary_cross_entropy,
    prior_cross_entropy,
    prior_huber,
    prior_pinball,
    prior_poisson_deviance,
    prior_squared_error,
    sigmoid,
    sigmoid_cross_entropy,
    sigmoid_derivative,
    sigmoid_y_bar,
    smoothed_targets,
    softmax,
    softmax_jacobian,
    softmax_with_log,
    squared_error,
    squared_error_y_bar,
)


class OutputHead:
    """The shared part of a head: the fused error signal z̄ᴸ = w ⊙ (y − t)."""

    #: ``out_activation_`` of a model with this head
    name = None
    #: what the trivial predictor (whose loss is ``prior_loss``) predicts, in words
    trivial_predictor = None

    def error(self, y, T, w, out):
        """z̄ᴸ = w ⊙ (y − t), written into ``out``."""
        return output_error(y, T, w, out=out)

    def jacobian_error(self, jacobian, y_bar):
        """z̄ᴸ = Jᵀ ȳ for an elementwise link, whose Jacobian is its diagonal."""
        return jacobian * y_bar


class SoftmaxCrossEntropy(OutputHead):
    """y = softmax(zᴸ), L = −Σᵢ wᵢ Σₖ tᵢₖ log yᵢₖ: K ≥ 3 exclusive classes."""

    name = "softmax"
    trivial_predictor = "the class shares"

    def link(self, z, out):
        """y = softmax(z)."""
        return softmax(z, out)

    def log_link(self, z):
        """log y = log softmax(z), by log-sum-exp (finite for any finite z)."""
        return softmax_with_log(z, np.empty_like(z), np.empty_like(z))[1]

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): the cross-entropy and the probabilities, into ``y``/``log_y``."""
        y, log_y = softmax_with_log(z, y, log_y)
        return cross_entropy(log_y, T, w, clip), y

    def y_bar(self, y, T, w):
        """ȳ = −w ⊙ t / y."""
        return cross_entropy_y_bar(y, T, w)

    def jacobian(self, y):
        """J = diag(y) − y yᵀ per sample, shape (B, K, K)."""
        return softmax_jacobian(y)

    def jacobian_error(self, jacobian, y_bar):
        """z̄ᴸ = Jᵀ ȳ, the vector-Jacobian product."""
        return jacobian_vector_product(jacobian, y_bar)

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting the class shares."""
        return prior_cross_entropy(T, sample_weight)

    def smoothed_targets(self, T, epsilon, dtype):
        """t̃ = (1 − ε) t + ε / K over the K classes (the columns of T)."""
        return smoothed_targets(T, epsilon, T.shape[1], np.dtype(dtype))


class SigmoidCrossEntropy(OutputHead):
    """y = σ(zᴸ) per output, L = the binary cross-entropy summed over outputs:
    binary (one output) and multilabel (one output per label)."""

    name = "logistic"
    trivial_predictor = "the class shares"

    def link(self, z, out):
        """y = σ(z)."""
        return sigmoid(z, out)

    def log_link(self, z):
        """log y = log σ(z), computed stably."""
        return log_expit(z)

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): the binary cross-entropy and the probabilities, into ``y``."""
        return sigmoid_cross_entropy(z, T, w, clip), sigmoid(z, y)

    def y_bar(self, y, T, w):
        """ȳ = w ⊙ (−t / y + (1 − t) / (1 − y))."""
        return sigmoid_y_bar(y, T, w)

    def jacobian(self, y):
        """∂y/∂z = y (1 − y), the diagonal of the Jacobian, shape (B, K)."""
        return sigmoid_derivative(y)

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting each output's share of positives."""
        return prior_binary_cross_entropy(T, sample_weight)

    def smoothed_targets(self, T, epsilon, dtype):
        """t̃ = (1 − ε) t + ε / 2 per output (a label and its complement)."""
        return smoothed_targets(T, epsilon, 2, np.dtype(dtype))


class _IdentityLink(OutputHead):
    """y = zᴸ: the regression heads whose link is the identity."""

    name = "identity"
    trivial_predictor = "the weighted median"

    def link(self, z, out):
        """y = z."""
        return identity_link(z, out)

    def jacobian(self, y):
        """∂y/∂z = 1, the diagonal of the identity's Jacobian."""
        return np.ones_like(y)


class IdentitySquaredError(_IdentityLink):
    """y = zᴸ, L = Σᵢ wᵢ Σₖ ½ (yᵢₖ − tᵢₖ)²: least squares."""

    trivial_predictor = "the weighted mean"

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): half the squared error, and y = z copied into ``y``."""
        y = identity_link(z, y)
        return squared_error(y, T, w), y

    def y_bar(self, y, T, w):
        """ȳ = w ⊙ (y − t)."""
        return squared_error_y_bar(y, T, w)

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting the weighted mean."""
        return prior_squared_error(T, sample_weight)


class ExpPoisson(OutputHead):
    """y = exp(zᴸ), L = half the Poisson deviance: counts and rates."""

    name = "exp"
    trivial_predictor = "the weighted mean"

    def link(self, z, out):
        """y = exp(z)."""
        return exp_link(z, out)

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): the deviance from the logits, and y = exp(z) into ``y``."""
        y = exp_link(z, y)
        return poisson_deviance(z, y, T, w), y

    def y_bar(self, y, T, w):
        """ȳ = w ⊙ (1 − t / y)."""
        return poisson_y_bar(y, T, w)

    def jacobian(self, y):
        """∂y/∂z = exp(z) = y, the diagonal of the Jacobian."""
        return y.copy()

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting the weighted mean."""
        return prior_poisson_deviance(T, sample_weight)


class IdentityAbsoluteError(_IdentityLink):
    """y = zᴸ, L = Σᵢ wᵢ Σₖ abs(yᵢₖ − tᵢₖ): the conditional median.

    Not a canonical pair: z̄ᴸ is the loss's own derivative, w ⊙ sign(y − t).
    """

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): the absolute error, and y = z copied into ``y``."""
        y = identity_link(z, y)
        return absolute_error(y, T, w), y

    def error(self, y, T, w, out):
        """z̄ᴸ = w ⊙ sign(y − t)."""
        return absolute_error_z_bar(y, T, w, out=out)

    def y_bar(self, y, T, w):
        """ȳ = w ⊙ sign(y − t)."""
        return w * np.sign(y - T)

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting the weighted median."""
        return prior_absolute_error(T, sample_weight)


class IdentityHuber(_IdentityLink):
    """y = zᴸ, L = Σᵢ wᵢ Σₖ huber_δ(yᵢₖ − tᵢₖ): squared near the target,
    absolute in the tails. z̄ᴸ = w ⊙ clip(y − t, −δ, δ)."""

    def __init__(self, delta):
        self.delta = float(delta)

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): the Huber loss, and y = z copied into ``y``."""
        y = identity_link(z, y)
        return float(np.sum(w * huber(y - T, self.delta))), y

    def error(self, y, T, w, out):
        """z̄ᴸ = w ⊙ clip(y − t, −δ, δ)."""
        return huber_z_bar(y, T, w, self.delta, out=out)

    def y_bar(self, y, T, w):
        """ȳ = w ⊙ clip(y − t, −δ, δ)."""
        return w * np.clip(y - T, -self.delta, self.delta)

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting the weighted median."""
        return prior_huber(T, sample_weight, self.delta)


class IdentityPinball(_IdentityLink):
    """y = zᴸ, L = Σᵢ wᵢ Σₖ pinball_q(yᵢₖ − tᵢₖ): the conditional q-quantile.
    z̄ᴸ = w ⊙ ([y > t] − q)."""

    def __init__(self, quantile):
        self.quantile = float(quantile)
        self.trivial_predictor = f"the weighted {self.quantile:g}-quantile"

    def loss(self, z, T, w, y, log_y, clip=True):
        """(L, y): the pinball loss, and y = z copied into ``y``."""
        y = identity_link(z, y)
        return float(np.sum(w * pinball(y - T, self.quantile))), y

    def error(self, y, T, w, out):
        """z̄ᴸ = w ⊙ ([y > t] − q)."""
        return pinball_z_bar(y, T, w, self.quantile, out=out)

    def y_bar(self, y, T, w):
        """ȳ = w ⊙ ([y > t] − q)."""
        return w * ((y > T) - self.quantile)

    def prior_loss(self, T, sample_weight):
        """L₀ of always predicting the weighted q-quantile."""
        return prior_pinball(T, sample_weight, self.quantile)


#: The classification heads, by ``out_activation_``.
HEADS = {head.name: head for head in (SoftmaxCrossEntropy(), SigmoidCrossEntropy())}


def regression_head(loss, huber_delta=1.0, quantile=0.5):
    """The regression head for the ``loss`` parameter of the regressor."""
    if loss == "huber":
        return IdentityHuber(huber_delta)
    if loss == "quantile":
        return IdentityPinball(quantile)
    return {
        "squared_error": IdentitySquaredError,
        "poisson": ExpPoisson,
        "absolute_error": IdentityAbsoluteError,
    }[loss]()


#: y = g(z) of every head, by ``out_activation_``: what prediction needs.
LINKS = {
    "softmax": SoftmaxCrossEntropy().link,
    "logistic": SigmoidCrossEntropy().link,
    "identity": identity_link,
    "exp": exp_link,
}
