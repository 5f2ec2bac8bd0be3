"""What the inspection tools inspect: the final estimator of a pipeline, and the
training problem it sees for (X, y)."""

from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._estimators.base import BaseManualMLP, training_problem


def inspected_problem(estimator, X, y, sample_weight=None, classes=None):
    """(network estimator, its training problem) for ``estimator`` on (X, y).

    ``estimator`` is one of our MLPs or a :class:`~sklearn.pipeline.Pipeline`
    ending in one: the steps before it transform X (a fitted pipeline's fitted
    steps, or, for an unfitted pipeline, copies fitted on X).
    """
    if isinstance(estimator, Pipeline):
        steps, estimator = estimator[:-1], estimator[-1]
        if _is_fitted(estimator):
            X = steps.transform(X)
        else:
            X = clone(steps).fit_transform(X, y)
    if not isinstance(estimator, BaseManualMLP):
        raise TypeError(
            "estimator must be a skmanualnet MLP or a Pipeline ending in one, got "
            f"{type(estimator).__name__}."
        )
    problem = training_problem(estimator, X, y, sample_weight, classes=classes)
    return estimator, problem


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except Exception:  # NotFittedError, or a step that is no estimator
        return False
    return True
