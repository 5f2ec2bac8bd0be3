"""TabularMLPRegressor: the tabular recipe for numbers, on standardised targets."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_array

from .._estimators.regressor import ManualMLPRegressor
from .base import BaseTabularMLP


class TabularMLPRegressor(RegressorMixin, BaseTabularMLP):
    """An MLP regressor for a table as it comes (numbers, categories, missing
    values), trained by the tabular recipe on standardised targets.

    The same preprocessing and network as :class:`TabularMLPClassifier`
    (whose parameters it shares), with squared error on
    t̃ = (t − mean) / standard deviation (weighted); predictions are mapped
    back, and ``loss_curve_`` is in the standardised units.

    Attributes
    ----------
    target_mean_, target_scale_ : ndarray of shape (n_outputs,)
        The (weighted) mean and standard deviation of each target (1 when 0).
    preprocessor_ : TabularPreprocessor
        The fitted preprocessing.
    network_ : ManualMLPRegressor
        The fitted network, on the prepared columns and standardised targets.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skmanualnet import TabularMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> model = TabularMLPRegressor((64,), max_iter=30, random_state=0).fit(X, y)
    >>> bool(model.score(X, y) > 0.4)
    True
    """

    _network_class = ManualMLPRegressor

    def _fit_target(self, y, sample_weight):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        weights = None if sample_weight is None else np.asarray(sample_weight, float)
        self.target_mean_ = np.average(y, axis=0, weights=weights)
        spread = np.sqrt(
            np.average((y - self.target_mean_) ** 2, axis=0, weights=weights)
        )
        self.target_scale_ = np.where(spread > 0, spread, 1.0)
        return (y - self.target_mean_) / self.target_scale_

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        network, Z = self._prepared(X)
        standardised = network.predict(Z)
        return standardised * self.target_scale_ + self.target_mean_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
