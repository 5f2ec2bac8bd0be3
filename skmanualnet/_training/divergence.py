"""Fail-fast divergence: a loss or weights that blew up stop training at once.

Our log-sum-exp numerics keep the loss finite where a naive softmax turns NaN,
so a NaN check alone would never fire; a batch loss far above the first one
counts as divergence too. A fit that ends far above the loss of the trivial
predictor gets a warning.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._estimators.params import input_rms, target_rms
from .caller_warnings import warn

#: A batch loss above this many times the loss of the first batch of the call
#: (at least 1) counts as divergence. The cross-entropy term is bounded (log y is
#: clipped at log ε, about 36 per output), so only exploding weights, through
#: the penalty, get there.
DIVERGENCE_FACTOR = 1e3


class DivergenceError(ValueError):
    """Training diverged: the loss or the weights blew up.

    ``history`` holds what the epochs before the divergence recorded.
    """

    history = None


#: L-BFGS: a penalty term above this many times the data term (at least 1) at
#: the starting weights is blamed for a divergence.
PENALTY_DOMINANCE = 1e3

#: Data whose root mean square is above this is named as unscaled (standardized
#: X, and class indicators, have RMS ≤ 1).
UNSCALED_RMS = 3.0


@dataclass(frozen=True)
class Suspects:
    """What a divergence can be blamed on, measured on the data it happened on.

    ``weight_sum`` is Σs of the batch with the least weight (the rows of one
    batch, all rows for L-BFGS), ``n_rows`` its rows: the penalty is divided
    by Σs, so a small Σs makes it large. ``learning_rate`` is η of the
    stochastic solvers, None for L-BFGS, which gives the ``penalty`` and
    ``data_loss`` terms of the loss at its starting weights instead.
    """

    alpha: float
    weight_sum: float
    n_rows: int
    input_rms: float
    target_rms: float
    learning_rate: float | None = None
    penalty: float = 0.0
    data_loss: float = 0.0

    def penalty_too_strong(self, weight_sum):
        """Whether the L2 penalty, divided by Σs = ``weight_sum``, is too strong.

        SGD: its curvature α / Σs is above the data term's (about max(1,
        RMS(X)²)) and its step η α / Σs is over 1, so that the penalty alone
        moves each weight past 0. L-BFGS: the penalty term is far above the
        data term at the starting weights.
        """
        if self.learning_rate is None:
            penalty = self.penalty * self.weight_sum / weight_sum
            return penalty > PENALTY_DOMINANCE * max(self.data_loss, 1.0)
        stiffness = self.alpha / weight_sum
        return stiffness > max(1.0, self.input_rms**2) and (
            self.learning_rate * stiffness > 1
        )

    def penalty_strength(self):
        """The penalty's strength in words, with the numbers behind it."""
        ratio = f"{self.alpha:g} / {self.weight_sum:.3g}"
        if self.learning_rate is None:
            return (
                f"α / Σs = {ratio} makes the penalty term {self.penalty:.3g} against "
                f"a data term of {self.data_loss:.3g} at the starting weights"
            )
        step = self.learning_rate * self.alpha / self.weight_sum
        return (
            f"the penalty step η α / Σs = {self.learning_rate:g} · {ratio} = "
            f"{step:.3g} is over 1, so the penalty alone pushes each weight past 0 "
            "at every step"
        )


def likely_cause(suspects):
    """The sentence that names the likely cause of a divergence and what to do.

    A penalty too strong is blamed on the sample weights when weights of 1 per
    row would not make it too strong (their sum is what shrinks), else on
    alpha. Otherwise the step is too large for the data: the learning rate,
    or X or y on a large scale.
    """
    s = suspects
    if s.penalty_too_strong(s.weight_sum):
        if not s.penalty_too_strong(float(s.n_rows)):
            return (
                "The sample weights are too small: the L2 penalty is divided by "
                f"their sum Σs, {s.weight_sum:.3g} over {s.n_rows} rows, and "
                f"{s.penalty_strength()}. Rescale sample_weight (or class_weight) "
                "to average about 1 per row; the data term, normalised by Σs, "
                "does not change."
            )
        advice = " or learning_rate_init" if s.learning_rate is not None else ""
        return (
            f"alpha={s.alpha:g} is too large: {s.penalty_strength()}. Lower "
            f"alpha{advice}."
        )
    remedies = []
    if s.learning_rate is not None:
        remedies.append(f"use a smaller learning_rate_init (it is {s.learning_rate:g})")
    if s.target_rms > max(UNSCALED_RMS, s.input_rms):
        remedies.append(
            f"scale y (its root mean square is {s.target_rms:.3g}), for example "
            "with sklearn.compose.TransformedTargetRegressor"
        )
    elif s.input_rms > UNSCALED_RMS or s.learning_rate is None:
        remedies.append(
            f"scale X (its root mean square is {s.input_rms:.3g}), for example "
            "with sklearn.preprocessing.StandardScaler"
        )
    text = ", or ".join(remedies)
    return f"{text[0].upper()}{text[1:]}."


def stochastic_suspects(data, network, batch_size, learning_rate):
    """:class:`Suspects` of sgd or adam training ``network`` on ``data = (X, T,
    s)`` in batches of ``batch_size`` rows: the smallest batch (the remainder,
    if any) at the mean weight per row, or the network's own penalty Σs."""
    X, T, s = data
    n_samples = X.shape[0]
    rows = n_samples % batch_size or min(batch_size, n_samples)
    mean_weight = 1.0 if s is None else float(s.sum()) / n_samples
    return Suspects(
        alpha=network.alpha,
        weight_sum=network.penalty_sum(mean_weight * rows),
        n_rows=rows,
        input_rms=input_rms(X, s),
        target_rms=target_rms(T, s),
        learning_rate=learning_rate,
    )


def stochastic_explainer(data, network, batch_size):
    """``explain(η)`` for :class:`DivergenceGuard`: the likely cause on ``data``,
    measured only when a divergence asks for it."""
    return lambda learning_rate: likely_cause(
        stochastic_suspects(data, network, batch_size, learning_rate)
    )


def divergence_error(epoch, what, cause):
    """The error raised at the first diverging batch or epoch."""
    return DivergenceError(
        f"Training diverged in epoch {epoch}: {what}. The weights from the start "
        f"of that epoch were kept. {cause}"
    )


class DivergenceGuard:
    """Watches the batch losses of one call against the first one's;
    ``explain(η)`` gives the likely cause when they blow up."""

    def __init__(self, explain):
        self.limit = None
        self.explain = explain

    def check_loss(self, loss, epoch, learning_rate):
        """Raise :class:`DivergenceError` when ``loss`` is NaN or over the limit."""
        if self.limit is None:
            self.limit = DIVERGENCE_FACTOR * max(loss, 1.0)
        if not loss < self.limit:  # also catches NaN
            raise divergence_error(
                epoch,
                f"a batch loss reached {loss:.3g}, over {DIVERGENCE_FACTOR:g} "
                "times the starting loss",
                self.explain(learning_rate),
            )

    def check_weights(self, theta, epoch, learning_rate):
        """Raise :class:`DivergenceError` when θ holds a non-finite value."""
        if not np.isfinite(theta).all():
            raise divergence_error(
                epoch, "the weights became non-finite", self.explain(learning_rate)
            )


def warn_if_blown_up(loss, trivial_loss, trivial_predictor, learning_rate_init):
    """Warn when training ends far above the loss of the trivial predictor."""
    if loss > 2 * trivial_loss + 1:
        warn(
            f"Training ended with loss {loss:.4g}, far above {trivial_loss:.4g}, "
            f"the loss of always predicting {trivial_predictor}: the network is "
            "worse than no network. The learning rate is probably too large (it "
            f"started at {learning_rate_init:g}); try a smaller "
            "learning_rate_init, or scale X.",
            ConvergenceWarning,
        )
