"""ManualMLPRegressor: numeric targets, the regression losses, predictions.

Training is the shared estimator's (``base``); this module says how targets
are checked and shaped, which output head the ``loss`` parameter names, and
that R² scores a held-out split.
"""

from numbers import Real

from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d

from .._heads.heads import LINKS, regression_head
from .base import BaseManualMLP
from .docstrings import document_shared_parameters
from .validation import (
    check_sample_weight,
    first_fit_diverged,
    real_targets,
    undo_on_failure,
)

LOSSES = ("squared_error", "poisson", "absolute_error", "huber", "quantile")


@document_shared_parameters
class ManualMLPRegressor(RegressorMixin, BaseManualMLP):
    """Multilayer-perceptron regressor trained by hand-written back-propagation.

    The same model as scikit-learn's :class:`~sklearn.neural_network.MLPRegressor`
    for ``loss="squared_error"`` and ``"poisson"`` (same parameters, fitted
    attributes and loss, up to the deliberate difference below), and the
    absolute-error, Huber and quantile (pinball) losses besides, each an output
    head whose error signal at the output is written out by hand. The default
    solver is mini-batch SGD with Nesterov momentum.

    With several targets the reported loss is the one whose gradient is used:
    ½ (y − t)² summed over the outputs, averaged over the samples (scikit-learn
    reports the mean over the outputs of a loss whose gradient is the sum's).

    Parameters
    ----------
    %(shared_parameters)s
    early_stopping_metric : {"score", "loss"}, default="score"
        What early stopping watches on the held-out split: the R²
        (``validation_scores_``, as scikit-learn) or the loss
        (``validation_loss_curve_``); the best weights by that metric are kept.
    loss : {"squared_error", "poisson", "absolute_error", "huber", "quantile"}, \
            default="squared_error"
        The loss ℓ(y, t) per output; the batch loss is
        ``(1/Σs) Σᵢ sᵢ Σₖ ℓ(yᵢₖ, tᵢₖ) + (α / (2Σs)) Σ‖W‖²``. "squared_error":
        ½ (y − t)²; "poisson": half the Poisson deviance, with y = exp(z) (y
        must be ≥ 0); "absolute_error": abs(y − t); "huber": ½ r² for
        abs(r) ≤ δ = ``huber_delta``, δ (abs(r) − ½ δ) beyond, r = y − t;
        "quantile": the pinball loss max(q (t − y), (q − 1)(t − y)) with
        q = ``quantile``.
    huber_delta : float, default=1.0
        δ of the Huber loss, in the units of y.
    quantile : float, default=0.5
        q of the quantile loss, in (0, 1): the model predicts the conditional
        q-quantile of y.

    Attributes
    ----------
    coefs_ : list of ndarray
        ``coefs_[l - 1]`` is Wˡ of layer l, of shape (n_in, n_out).
    intercepts_ : list of ndarray
        ``intercepts_[l - 1]`` is bˡ of layer l.
    loss_ : float
        Training loss at the end of the last epoch (or of L-BFGS).
    loss_curve_ : list of float
        Training loss per epoch (sgd, adam).
    best_loss_ : float or None
        Lowest training loss seen (None with early stopping).
    validation_scores_ : list of float or None
        Validation R² per epoch with early stopping.
    best_validation_score_ : float or None
        Best validation R² with early stopping.
    validation_loss_curve_ : list of float or None
        Loss on the held-out split per epoch with early stopping (the data
        term of the training loss, without the penalty).
    best_validation_loss_ : float or None
        Lowest validation loss with early stopping.
    n_iter_ : int
        Epochs (or L-BFGS iterations) run by the last call.
    t_ : int
        Training samples seen, summed over epochs.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of targets.
    out_activation_ : {"identity", "exp"}
        Output link: "exp" for the Poisson loss, else "identity".
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in fit, when X has string column names.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmanualnet import ManualMLPRegressor
    >>> X, y = make_friedman1(n_samples=400, random_state=0)
    >>> model = make_pipeline(StandardScaler(), ManualMLPRegressor(random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    """

    _parameter_constraints: dict = {
        **BaseManualMLP._parameter_constraints,
        "loss": [StrOptions(set(LOSSES))],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
    }

    _y_numeric = True

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        weight_init="glorot_uniform",
        solver="sgd",
        alpha=1e-4,
        weight_decay=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init="auto",
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        penalty_scaling="batch",
        dropout=0.0,
        normalization=None,
        input_scale=False,
        input_embedding=None,
        embedding_size=16,
        parametric_activation=False,
        categorical_features=None,
        early_stopping_metric="score",
        loss="squared_error",
        huber_delta=1.0,
        quantile=0.5,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_init = weight_init
        self.solver = solver
        self.alpha = alpha
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.penalty_scaling = penalty_scaling
        self.dropout = dropout
        self.normalization = normalization
        self.input_scale = input_scale
        self.input_embedding = input_embedding
        self.embedding_size = embedding_size
        self.parametric_activation = parametric_activation
        self.categorical_features = categorical_features
        self.early_stopping_metric = early_stopping_metric
        self.loss = loss
        self.huber_delta = huber_delta
        self.quantile = quantile

    @available_if(BaseManualMLP._is_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over X, y, starting from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : ManualMLPRegressor
            The updated estimator.

        Notes
        -----
        A KeyboardInterrupt (Ctrl-C) propagates, and the estimator is left as
        it was before the call: a loop over chunks stops, and can resume with
        the same chunk.
        """
        self._validate_params()  # sklearn skips it for partial_fit once fitted
        with undo_on_failure(self, keep_if=first_fit_diverged):
            return self._fit(X, y, sample_weight, call="partial_fit")

    # --- targets ------------------------------------------------------------

    def _targets(self, y, *, fresh, call, classes):
        """(y, T, None): y as validated, T its (n_samples, n_targets) matrix."""
        if classes is not None:
            raise ValueError("classes is for classifiers; a regressor has none.")
        y = real_targets(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        T = y.reshape(-1, 1) if y.ndim == 1 else y
        if not fresh and T.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {T.shape[1]} target(s) but the fitted network has "
                f"{self.n_outputs_} outputs; warm_start and partial_fit need the "
                "same number of targets."
            )
        if self.loss == "poisson" and (T < 0).any():
            raise ValueError(
                f"loss='poisson' needs y >= 0 (counts or rates); y has values down "
                f"to {T.min():.3g}."
            )
        return y, T, None

    def _head(self, encoder):
        """The output head the ``loss`` parameter names."""
        return regression_head(self.loss, self.huber_delta, self.quantile)

    def _set_targets(self, encoder):
        """Regression keeps no target encoding."""

    def _sample_weight(self, y, sample_weight, X, call, encoder):
        """s, validated."""
        if sample_weight is None:
            return None
        return check_sample_weight(sample_weight, X)

    def _stratify(self, y):
        """Held-out rows are drawn at random (no classes to stratify by)."""
        return None

    def _score_logits(self, z, y, sample_weight):
        """R² of the predictions that logits z give."""
        return r2_score(y, self._outputs(z), sample_weight=sample_weight)

    # --- prediction ---------------------------------------------------------

    def _outputs(self, z):
        """y = g(zᴸ), one column per target (raveled for a single target)."""
        y = LINKS[self.out_activation_](z, out=z)
        return y.ravel() if self.n_outputs_ == 1 else y

    def predict(self, X):
        """Predict y = g(zᴸ): the logits themselves, or exp(zᴸ) for Poisson.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        return self._outputs(self._checked_logits(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
