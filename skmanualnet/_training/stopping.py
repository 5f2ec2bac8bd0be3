"""The stopping rule: epochs without improvement, and the best state seen.

Without early stopping the training loss is watched; with it, a metric on the
held-out split (its score, or its loss), and the parameters θ of the best epoch
by that metric are kept, to be restored when training ends.
"""

import copy

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
        self.best_state = None

    @classmethod
    def carried_on(cls, previous, watch, tol, n_iter_no_change):
        """The ``previous`` call's rule, as a copy with these settings, when it
        watched the training loss and still does (partial_fit and warm start
        count on); else a new one: a held-out split is drawn afresh by every
        fit, and so is what is known about it."""
        if previous is None or previous.watch != watch or previous.validates:
            return cls(watch, tol, n_iter_no_change)
        rule = copy.deepcopy(previous)  # the fitted rule stays until success
        rule.tol, rule.n_iter_no_change = tol, n_iter_no_change
        return rule

    @property
    def validates(self):
        """True when the rule watches the held-out split."""
        return self.watch != "training loss"

    def update(
        self, theta, loss, validation_score=None, validation_loss=None, state=()
    ):
        """Record one epoch's metrics; count it if it did not improve by ``tol``,
        and keep a copy of θ (and of the network's fitted ``state`` arrays, such
        as running statistics) when it is the best epoch so far by the watched
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
                for kept, array in zip(self.best_state, state, strict=True):
                    np.copyto(kept, array)
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

    def start(self, theta, state=()):
        """Begin a call's epochs from θ and the network's ``state`` arrays: the
        best so far are themselves."""
        if self.validates:
            self.best_theta = theta.copy()
            self.best_state = [array.copy() for array in state]

    def restore_best(self, theta, state=()):
        """θ and ``state`` ← the best by the watched validation metric (then
        forgotten)."""
        if self.validates:
            np.copyto(theta, self.best_theta)
            for array, kept in zip(state, self.best_state, strict=True):
                np.copyto(array, kept)
            self.best_theta = self.best_state = None
