"""ManualMLPClassifier: validation, orchestration and fitted attributes.

The math lives in the pure modules (``_network``, ``_losses``, ``_activations``,
``_optimizers``); this module validates input, runs the solvers and keeps the
fitted state under scikit-learn's MLPClassifier names.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.callback import CallbackSupportMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._callbacks import EpochCallbacks
from ._network import (
    ParameterLayout,
    batch_weights,
    glorot_uniform,
    logits,
    output_loss,
    probabilities,
)
from ._params import check_hidden_layer_sizes, check_no_bool_counts
from ._solvers import DivergenceError, fit_lbfgs, fit_stochastic
from ._validation import (
    check_finite_outputs,
    check_magnitude,
    check_sample_weight,
    undo_on_failure,
    validate_X,
    weigh_classes,
)

STOCHASTIC_SOLVERS = ("sgd", "adam")


class ManualMLPClassifier(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """Multilayer-perceptron classifier trained by hand-written back-propagation.

    The same model as scikit-learn's :class:`~sklearn.neural_network.MLPClassifier`
    (same parameters, fitted attributes and loss), with the forward pass, the
    softmax / cross-entropy gradient ``z̄ = y − t``, back-propagation
    ``W̄ = aᵀz̄`` and the optimizers written out in small numpy functions.
    The default solver is mini-batch SGD with Nesterov momentum.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Width of each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Hidden activation φ.
    solver : {"sgd", "adam", "lbfgs"}, default="sgd"
        Optimizer: mini-batch SGD (momentum, Nesterov), Adam, or full-batch L-BFGS
        (scipy's L-BFGS-B on the same loss and gradient).
    alpha : float, default=1e-4
        L2 penalty; the loss carries ``(α / (2Σs)) Σ‖W‖²``, biases unpenalised.
    batch_size : int or "auto", default="auto"
        Rows per mini-batch; "auto" is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of the SGD step size.
    learning_rate_init : float or "auto", default="auto"
        Initial step size η₀. "auto" is 0.05 for sgd and 0.001 for adam
        (scikit-learn's 0.001 is tuned for adam and too small for SGD).
    power_t : float, default=0.5
        Exponent of the invscaling schedule.
    max_iter : int, default=200
        Maximum number of epochs (sgd, adam) or iterations (lbfgs).
    shuffle : bool, default=True
        Shuffle the rows before each epoch (sgd, adam).
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the early-stopping split.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement.
    verbose : bool, default=False
        Print the loss after each epoch.
    warm_start : bool, default=False
        Start ``fit`` from the current weights.
    momentum : float, default=0.9
        μ of SGD's momentum.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when its accuracy
        stops improving; the best weights are kept.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates.
    epsilon : float, default=1e-8
        Adam's ε.
    n_iter_no_change : int, default=10
        Epochs without improvement of at least ``tol`` before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations (lbfgs).
    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplied into ``sample_weight``: a dict
        ``{label: weight}``, or "balanced" for ``n_samples / (n_classes ·
        count(label))`` (:func:`sklearn.utils.class_weight.compute_sample_weight`).
        "balanced" needs the whole y, so it is refused by ``partial_fit``.
    early_stopping_metric : {"score", "loss"}, default="score"
        What early stopping watches on the held-out split: the accuracy
        (``validation_scores_``, as scikit-learn) or the cross-entropy
        (``validation_loss_curve_``); the best weights by that metric are kept.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coefs_ : list of ndarray
        ``coefs_[l]`` is W of layer l + 1, of shape (n_in, n_out).
    intercepts_ : list of ndarray
        ``intercepts_[l]`` is b of layer l + 1.
    loss_ : float
        Training loss at the end of the last epoch.
    loss_curve_ : list of float
        Training loss per epoch (sgd, adam).
    best_loss_ : float or None
        Lowest training loss seen (None with early stopping).
    validation_scores_ : list of float or None
        Validation accuracy per epoch with early stopping.
    best_validation_score_ : float or None
        Best validation accuracy with early stopping.
    validation_loss_curve_ : list of float or None
        Cross-entropy on the held-out split per epoch with early stopping (the
        data term of the training loss, without the penalty).
    best_validation_loss_ : float or None
        Lowest validation loss with early stopping.
    n_iter_ : int
        Epochs (or L-BFGS iterations) run by the last call.
    t_ : int
        Training samples seen, summed over epochs.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Output units: 1 for binary, K for K ≥ 3 classes, L for L labels.
    out_activation_ : {"softmax", "logistic"}
        Output link.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in fit, when X has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmanualnet import ManualMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), ManualMLPClassifier(random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "early_stopping_metric": [StrOptions({"score", "loss"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="sgd",
        alpha=1e-4,
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
        class_weight=None,
        early_stopping_metric="score",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
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
        self.class_weight = class_weight
        self.early_stopping_metric = early_stopping_metric

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to X and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float32 is kept as float32, other input becomes float64).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; the loss is normalised by their sum.

        Returns
        -------
        self : ManualMLPClassifier
            The fitted estimator.
        """
        with undo_on_failure(self, keep_if=_first_fit_diverged):
            return self._fit(X, y, sample_weight, incremental=False)

    def _validate_params(self):
        super()._validate_params()
        check_no_bool_counts(self)

    def _is_stochastic(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for the stochastic solvers "
                f"{STOCHASTIC_SOLVERS}, not for solver={self.solver!r}."
            )
        return True

    @available_if(_is_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch over X, y, starting from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array-like of shape (n_classes,), default=None
            All classes that will ever be seen; required on the first call.

        Returns
        -------
        self : ManualMLPClassifier
            The updated estimator.
        """
        self._validate_params()  # sklearn skips it for partial_fit once fitted
        with undo_on_failure(self, keep_if=_first_fit_diverged):
            if _check_partial_fit_first_call(self, classes):
                self._label_binarizer = LabelBinarizer()
                if type_of_target(y).startswith("multilabel"):
                    self._label_binarizer.fit(y)
                else:
                    self._label_binarizer.fit(classes)
                if len(self.classes_) < 2:
                    raise ValueError(
                        "classes must hold at least 2 classes, got "
                        f"{self.classes_.tolist()}."
                    )
            return self._fit(X, y, sample_weight, incremental=True)

    def _fit(self, X, y, sample_weight, incremental):
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, y, T, sample_weight, layout, theta, random_state = self._prepare(
            X, y, sample_weight, incremental, first_pass
        )
        stochastic = self.solver in STOCHASTIC_SOLVERS
        epochs = (1 if incremental else self.max_iter) if stochastic else 0
        callbacks = EpochCallbacks(self, X, y, sample_weight, max_epochs=epochs)
        # overflow is caught by the divergence checks, which say what to do
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if stochastic:
                fit_stochastic(
                    self, theta, layout, X, T, sample_weight, random_state,
                    incremental, callbacks,
                )  # fmt: skip
            else:
                fit_lbfgs(self, theta, layout, X, T, sample_weight)
        callbacks.fit_end()
        return self

    def _prepare(self, X, y, sample_weight, incremental, first_pass):
        """Validated (X, y, T, s), the layout, θ (fresh or packed from the fitted
        weights, with ``coefs_`` / ``intercepts_`` made views of it) and the RNG."""
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        X, y, T = self._validate_input(X, y, incremental, first_pass)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        if self.class_weight is not None:
            sample_weight = weigh_classes(
                self.class_weight, y, sample_weight, X.dtype, incremental
            )
        random_state = check_random_state(self.random_state)
        layout = ParameterLayout([X.shape[1], *hidden, T.shape[1]])
        if first_pass:
            theta = self._initialize(layout, T, X.dtype, random_state)
        else:
            theta = layout.pack(self.coefs_, self.intercepts_, X.dtype)
        self.coefs_, self.intercepts_ = layout.unpack(theta)
        return X, y, T, sample_weight, layout, theta, random_state

    def _validate_input(self, X, y, incremental, first_pass):
        X, y = validate_X(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=first_pass,
        )
        check_magnitude(X)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (first_pass and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
            if len(self.classes_) < 2 and y.ndim == 1:
                raise ValueError(
                    f"y has only one class ({self.classes_.tolist()[0]!r}); a "
                    "classifier needs at least 2 classes."
                )
        else:
            classes = unique_labels(y).tolist()
            known = self.classes_.tolist()
            if self.warm_start and not incremental and set(classes) != set(known):
                raise ValueError(
                    "warm_start needs y with the same classes as the previous fit, "
                    f"{known}; got {classes}."
                )
            unknown = sorted(set(classes) - set(known))
            if unknown:
                raise ValueError(
                    f"y has classes {unknown} that are not in classes_ {known} "
                    "from the first call."
                )
        T = self._label_binarizer.transform(y).astype(np.uint8)  # 0/1 indicators
        return X, y, T

    def _initialize(self, layout, T, dtype, random_state):
        """Fresh fitted state, and θ drawn by Glorot-uniform initialisation."""
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = T.shape[1]
        self.n_layers_ = len(layout.layer_units)
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        self.out_activation_ = "softmax" if multiclass else "logistic"
        if self.solver in STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self._no_improvement_count = 0
            self._optimizer = None
            self._best_theta = None
            if self.early_stopping:
                self.validation_scores_ = []
                self.validation_loss_curve_ = []
                self.best_validation_score_ = -np.inf
                self.best_validation_loss_ = np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.validation_loss_curve_ = None
                self.best_validation_score_ = None
                self.best_validation_loss_ = None
        return glorot_uniform(layout, self.activation, random_state, dtype)

    def _logits(self, X):
        """zᴸ for validated X."""
        return logits(X, self.coefs_, self.intercepts_, self.activation)

    def _checked_logits(self, X):
        """Validate new X and return its logits zᴸ, which must be finite."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc"], reset=False)
        with np.errstate(over="ignore", invalid="ignore"):
            z = self._logits(X)
        check_finite_outputs(z, X)
        return z

    def _predict_from_logits(self, z):
        if self.out_activation_ == "softmax":
            return self.classes_[np.argmax(z, axis=1)]
        if self.n_outputs_ == 1:
            return self.classes_[(z[:, 0] > 0).astype(np.intp)]
        return (z > 0).astype(int)  # multilabel indicator

    def predict(self, X):
        """Predict class labels (argmax of zᴸ, or zᴸ > 0 for logistic outputs).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (an indicator matrix for multilabel).
        """
        return self._predict_from_logits(self._checked_logits(X))

    def decision_function(self, X):
        """The output logits zᴸ = aᴸ⁻¹ Wᴸ + bᴸ, before softmax or σ.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        z : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One logit per sample for binary (positive means ``classes_[1]``),
            one per class for multiclass, one per label for multilabel.
        """
        z = self._checked_logits(X)
        return z.ravel() if self.n_outputs_ == 1 else z

    def predict_proba(self, X):
        """Class probabilities y = softmax(zᴸ) (or σ(zᴸ) per label).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_`` (for binary, the columns
            are 1 − σ(z) and σ(z)).
        """
        y = probabilities(self._checked_logits(X), self.out_activation_)
        if self.n_outputs_ == 1 and self.out_activation_ == "logistic":
            return np.hstack([1 - y, y])
        return y

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def _validation_metrics(self, X, y, T, sample_weight):
        """Held-out (accuracy, cross-entropy); NaN when the outputs are non-finite."""
        z = self._logits(X)
        if not np.isfinite(z).all():
            return np.nan, np.nan
        score = accuracy_score(
            y, self._predict_from_logits(z), sample_weight=sample_weight
        )
        w, _ = batch_weights(sample_weight, X.shape[0])
        loss, _ = output_loss(
            z, T, w, self.out_activation_, np.empty_like(z), np.empty_like(z)
        )
        return score, loss

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags


def _first_fit_diverged(error, was_fitted):
    """A first fit that diverged keeps its last finite weights, to be inspected;
    any other failure, or a failure of a fitted estimator, is undone."""
    return isinstance(error, DivergenceError) and not was_fitted
