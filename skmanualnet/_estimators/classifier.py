"""ManualMLPClassifier: labels, class weights and the class predictions.

Training is the shared estimator's (``base``); this module says how labels
become targets (a ``LabelBinarizer``), which output head they need (softmax for
K ≥ 3 exclusive classes, one sigmoid per output for binary and multilabel), how
class weights enter the sample weights, and how logits become labels.
"""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from .._heads.heads import HEADS
from .._training.problem import with_label_smoothing
from .base import BaseManualMLP
from .docstrings import document_shared_parameters
from .labels import (
    check_indicator_matrix,
    check_known_classes,
    check_same_task,
    new_label_binarizer,
)
from .validation import (
    check_sample_weight,
    first_fit_diverged,
    undo_on_failure,
    weigh_classes,
)


@document_shared_parameters
class ManualMLPClassifier(ClassifierMixin, BaseManualMLP):
    """Multilayer-perceptron classifier trained by hand-written back-propagation.

    The same model as scikit-learn's :class:`~sklearn.neural_network.MLPClassifier`
    (same parameters, fitted attributes and loss), with the forward pass, the
    softmax / cross-entropy gradient ``z̄ = y − t``, back-propagation
    ``W̄ = aᵀz̄`` and the optimizers written out in small numpy functions.
    The default solver is mini-batch SGD with Nesterov momentum.

    Parameters
    ----------
    %(shared_parameters)s
    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplied into ``sample_weight``: a dict
        ``{label: weight}`` (classes not listed weigh 1), or "balanced" for
        ``n_samples / (n_classes · count(label))``
        (:func:`sklearn.utils.class_weight.compute_sample_weight`). "balanced"
        needs the whole y, so it is refused by ``partial_fit``.
    early_stopping_metric : {"score", "loss"}, default="score"
        What early stopping watches on the held-out split: the accuracy
        (``validation_scores_``, as scikit-learn) or the cross-entropy
        (``validation_loss_curve_``); the best weights by that metric are kept.
    label_smoothing : float in [0, 1), default=0.0
        ε: train on the smoothed targets t̃ = (1 − ε) t + ε / K (K classes;
        K = 2 per output of a sigmoid head: binary, multilabel), which keeps
        the fitted probabilities away from 0 and 1. ``loss_`` and
        ``loss_curve_`` report the smoothed cross-entropy; the held-out split
        of early stopping is scored and its loss measured against the true
        labels.

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
        Training loss per epoch (sgd, adam); with ``label_smoothing``, against
        the smoothed targets.
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
        **BaseManualMLP._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

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
        class_weight=None,
        early_stopping_metric="score",
        label_smoothing=0.0,
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
        self.class_weight = class_weight
        self.early_stopping_metric = early_stopping_metric
        self.label_smoothing = label_smoothing

    @available_if(BaseManualMLP._is_stochastic)
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

        Notes
        -----
        A KeyboardInterrupt (Ctrl-C) propagates, and the estimator is left as
        it was before the call: a loop over chunks stops, and can resume with
        the same chunk.
        """
        self._validate_params()  # sklearn skips it for partial_fit once fitted
        with undo_on_failure(self, keep_if=first_fit_diverged):
            return self._fit(X, y, sample_weight, call="partial_fit", classes=classes)

    # --- targets ------------------------------------------------------------

    def _problem(self, X, y, sample_weight, *, fresh, call, classes=None):
        """The shared problem, trained on label-smoothed targets when
        ``label_smoothing`` > 0 (:func:`with_label_smoothing`)."""
        problem = super()._problem(
            X, y, sample_weight, fresh=fresh, call=call, classes=classes
        )
        return with_label_smoothing(problem, self.label_smoothing)

    def _targets(self, y, *, fresh, call, classes):
        """(y, T, binarizer): validated labels and their 0/1 indicators T."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if y.ndim == 2:
            check_indicator_matrix(y)
        if fresh:
            binarizer = new_label_binarizer(y, call, classes)
        else:
            binarizer = self._label_binarizer
            check_same_task(binarizer, y)
            check_known_classes(self.classes_, y, call, classes)
        return y, binarizer.transform(y).astype(np.uint8), binarizer

    def _head(self, binarizer):
        """Softmax for K ≥ 3 exclusive classes, else one sigmoid per output."""
        return HEADS["softmax" if binarizer.y_type_ == "multiclass" else "logistic"]

    def _trivial_predictor(self, head):
        """The class shares; for one-class y, the one class."""
        if len(self.classes_) == 1:
            return "the one class"
        return super()._trivial_predictor(head)

    def _set_targets(self, binarizer):
        self._label_binarizer = binarizer
        self.classes_ = binarizer.classes_

    def _sample_weight(self, y, sample_weight, X, call, binarizer):
        """s, validated, times the class weights when ``class_weight`` is set
        (looked up over all the binarizer's classes)."""
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X)
        if self.class_weight is not None:
            sample_weight = weigh_classes(
                self.class_weight,
                y,
                binarizer.classes_,
                sample_weight,
                X.dtype,
                call == "partial_fit",
            )
        return sample_weight

    def _stratify(self, y):
        """Held-out rows are drawn class by class for single-label y."""
        return y if y.ndim == 1 else None

    def _score_logits(self, z, y, sample_weight):
        """Accuracy of the labels that logits z predict."""
        return accuracy_score(y, self._labels(z), sample_weight=sample_weight)

    # --- prediction ---------------------------------------------------------

    def _labels(self, z):
        """Labels from logits: z > 0 per label (multilabel) or for the one
        output of binary y, else the class of the largest logit; the class of
        one-class y for every row."""
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return (z > 0).astype(int)
        if len(self.classes_) == 1:
            return np.repeat(self.classes_, z.shape[0])
        if z.shape[1] == 1:
            return self.classes_[(z[:, 0] > 0).astype(np.intp)]
        return self.classes_[np.argmax(z, axis=1)]

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
        return self._labels(self._checked_logits(X))

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
            one per class for multiclass, one per label for multilabel. For
            one-class y, the logit of the one output unit, which was trained
            towards 0 (as scikit-learn trains it) and which ``predict`` ignores.
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
            are σ(−z) and σ(z); for one-class y, one column of ones).
        """
        z = self._checked_logits(X)
        if len(self.classes_) == 1:
            return np.ones_like(z)
        if self.n_outputs_ == 1:
            # binary: [σ(−z), σ(z)]; 1 − σ(z) would be 0 in float32 for z ≳ 17
            z = np.hstack([-z, z])
        return HEADS[self.out_activation_].link(z, out=z)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed from the logits (finite
        where the probability underflows to 0).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        z = self._checked_logits(X)
        if len(self.classes_) == 1:
            return np.zeros_like(z)
        if self.n_outputs_ == 1:  # binary: log(1 − σ(z)) = log σ(−z), log σ(z)
            z = np.hstack([-z, z])
        return HEADS[self.out_activation_].log_link(z)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
