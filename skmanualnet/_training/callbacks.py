"""scikit-learn callbacks (``sklearn.callback``): a fit task, a subtask per epoch."""


class EpochCallbacks:
    """Calls the fit-task hooks of the callbacks set on an estimator, epoch by epoch.

    The root task is the fit; each epoch of the stochastic solvers is one
    subtask. At the end of an epoch, a callback that asks for a
    ``fitted_estimator`` gets a copy of the estimator holding copies of the
    current ``coefs_`` and ``intercepts_`` (everything else ``predict`` needs is
    already set when the first epoch starts).
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs):
        self.estimator, self.X, self.y = estimator, X, y
        self.metadata = (
            None if sample_weight is None else {"sample_weight": sample_weight}
        )
        self.root = estimator._init_callback_context(max_subtasks=max_epochs)
        self.root.call_on_fit_task_begin(
            estimator=estimator, X=X, y=y, metadata=self.metadata
        )
        self._epoch = None

    def _weights(self):
        est = self.estimator
        return {
            "coefs_": [W.copy() for W in est.coefs_],
            "intercepts_": [b.copy() for b in est.intercepts_],
        }

    def epoch_begin(self):
        """on_fit_task_begin for a new epoch subtask."""
        self._epoch = self.root.subcontext(task_name="epoch")
        self._epoch.call_on_fit_task_begin(
            estimator=self.estimator, X=self.X, y=self.y, metadata=self.metadata
        )

    def epoch_end(self):
        """on_fit_task_end for the current epoch; True if a callback asks to stop."""
        return self._epoch.call_on_fit_task_end(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            metadata=self.metadata,
            reconstruction_attributes=self._weights,
        )

    def fit_end(self):
        """on_fit_task_end for the whole fit."""
        self.root.call_on_fit_task_end(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            metadata=self.metadata,
            reconstruction_attributes=self._weights,
        )
