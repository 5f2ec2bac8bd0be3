"""The stopping rule: epochs without improvement, and the best state seen.

Without early stopping the training loss is watched; with it, a metric on the
held-out split (its score, or its loss), and the parameters θ of the best epoch
by that metric are kept, to be restored when training ends.
"""

import numpy as np

#: What a rule can watch.
WATCHED = ("training loss", "validation score", "validation loss")


class StoppingRule:
    """Counts epochs that improve the watched metric by less than ``tol``.

    Parameters
    ----------
    watch : {"training loss", "validation score", "validation loss"}
        The metric; a score must rise by ``tol``, a loss fall by ``tol``.
    tol : float
        Least improvement that counts.
    n_iter_no_change : int or inf
        The rule fires after more than this many epochs without improvement.
    """

    def __init__(self, watch, tol, n_iter_no_change):
        if watch not in WATCHED:
            raise ValueError(f"watch must be one of {WATCHED}, got {watch!r}.")
        self.watch, self.tol, self.n_iter_no_change = watch, tol, n_iter_no_change
        self.best_loss = np.inf  # training loss
        self.best_validation_score = -np.inf
        self.best_validation_loss = np.inf
        self.no_improvement_count = 0
        self.best_theta = None

    @property
    def validates(self):
        """True when the rule watches the held-out split."""
        return self.watch != "training loss"

    def update(self, theta, loss, validation_score=None, validation_loss=None):
        """Record one epoch's metrics; count it if it did not improve by ``tol``,
        and keep a copy of θ when it is the best epoch so far by the watched
        validation metric."""
        if not self.validates:
            improved = loss <= self.best_loss - self.tol
            self.best_loss = min(self.best_loss, loss)
        else:
            if self.watch == "validation score":
                improved = validation_score >= self.best_validation_score + self.tol
                best = validation_score > self.best_validation_score
            else:
                improved = validation_loss <= self.best_validation_loss - self.tol
                best = validation_loss < self.best_validation_loss
            self.best_validation_score = max(
                self.best_validation_score, validation_score
            )
            self.best_validation_loss = min(self.best_validation_loss, validation_loss)
            if best:
                np.copyto(self.best_theta, theta)
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1

    @property
    def fired(self):
        """More than ``n_iter_no_change`` epochs in a row without improvement."""
        return self.no_improvement_count > self.n_iter_no_change

    def restart_count(self):
        """Start counting afresh (after the adaptive schedule lowered η)."""
        self.no_improvement_count = 0

    def message(self):
        """What fired, for the verbose output."""
        return (
            f"{self.watch.capitalize()} did not improve more than tol={self.tol:f} "
            f"for {self.n_iter_no_change} consecutive epochs."
        )

    def start(self, theta):
        """Begin a call's epochs from θ: the best θ so far is θ itself."""
        if self.validates:
            self.best_theta = theta.copy()

    def restore_best(self, theta):
        """θ ← the best θ by the watched validation metric (then forgotten)."""
        if self.validates:
            np.copyto(theta, self.best_theta)
            self.best_theta = None
