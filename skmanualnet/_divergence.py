"""Fail-fast divergence: a loss or weights that blew up stop training at once.

Our log-sum-exp numerics keep the loss finite where a naive softmax turns NaN,
so a NaN check alone would never fire; a batch loss far above the first one
counts as divergence too. A fit that ends far above the loss of the trivial
predictor gets a warning.
"""

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._warnings import warn

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


def divergence_error(epoch, what, learning_rate):
    """The error raised at the first diverging batch or epoch."""
    return DivergenceError(
        f"Training diverged in epoch {epoch}: {what}. The weights from the start "
        "of that epoch were kept. Try a smaller learning_rate_init (it is "
        f"{learning_rate:g}) or scale X, for example with "
        "sklearn.preprocessing.StandardScaler."
    )


class DivergenceGuard:
    """Watches the batch losses of one call against the first one's."""

    def __init__(self):
        self.limit = None

    def check_loss(self, loss, epoch, learning_rate):
        """Raise :class:`DivergenceError` when ``loss`` is NaN or over the limit."""
        if self.limit is None:
            self.limit = DIVERGENCE_FACTOR * max(loss, 1.0)
        if not loss < self.limit:  # also catches NaN
            raise divergence_error(
                epoch,
                f"a batch loss reached {loss:.3g}, over {DIVERGENCE_FACTOR:g} "
                "times the starting loss",
                learning_rate,
            )

    @staticmethod
    def check_weights(theta, epoch, learning_rate):
        """Raise :class:`DivergenceError` when θ holds a non-finite value."""
        if not np.isfinite(theta).all():
            raise divergence_error(
                epoch, "the weights became non-finite", learning_rate
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
