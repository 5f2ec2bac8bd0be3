"""The shared estimator: parameters, validation, fit / partial_fit / warm start.

A fit runs in four steps, each its own method: build the training problem
(validated data, targets, network, θ₀) without touching the estimator, adopt it
(the fitted attributes that describe the model), train (the epoch loop or
L-BFGS, which return what they recorded), and record that history under
scikit-learn's MLP attribute names. Subclasses say how targets are encoded and
scored (classification, regression).
"""

import copy

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.callback import CallbackSupportMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._nn.init import initial_parameters
from .._nn.network import Network, ParameterLayout, logits
from .._training.blas_threads import blas_threads_for
from .._training.callbacks import EpochCallbacks
from .._training.caller_warnings import warn
from .._training.divergence import DivergenceError, warn_if_blown_up
from .._training.epochs import EpochSettings, run_epochs
from .._training.lbfgs import run_lbfgs
from .._training.problem import TrainingProblem, batch_penalty_network, split_validation
from .._training.stopping import StoppingRule
from .activation_param import resolve_activations
from .architecture import (
    layered_network,
    resolve_architecture,
    transforms_each_feature,
    with_noise,
)
from .continued import check_continuable, fitted_dtype, start_history
from .optimizer_setup import call_optimizer
from .params import (
    SHARED_CONSTRAINTS,
    check_batch_size,
    check_hidden_layer_sizes,
    check_network_size,
    check_parameter_combinations,
    data_scale,
    dense_row_squares,
    training_rows,
)
from .validation import (
    check_finite_outputs,
    check_magnitude,
    first_fit_diverged,
    undo_on_failure,
    validate_X,
)

STOCHASTIC_SOLVERS = ("sgd", "adam")


def training_problem(estimator, X, y, sample_weight=None, classes=None):
    """The problem ``estimator`` trains on for (X, y), without changing it.

    A fitted estimator gives its fitted weights as θ₀ and its fitted target
    encoding; an unfitted one the weights its ``random_state`` initialises, and
    the classes in ``classes`` (or those of y). Class weights, when the
    estimator has them, are computed over these rows.
    """
    fitted = hasattr(estimator, "coefs_")
    if not fitted:  # a RandomState given as random_state is not advanced
        estimator = clone(estimator)
    return estimator._problem(
        X, y, sample_weight, fresh=not fitted, call="inspect", classes=classes
    )


class BaseManualMLP(CallbackSupportMixin, BaseEstimator):
    """Parameters and training shared by the classifier and the regressor.

    Not for direct use: subclasses define ``_targets``, ``_head``,
    ``_set_targets``, ``_sample_weight``, ``_stratify`` and ``_score_logits``.
    """

    _parameter_constraints: dict = dict(SHARED_CONSTRAINTS)

    #: ``validate_data`` converts y to numbers (regression) or keeps labels.
    _y_numeric = False

    def _validate_params(self):
        super()._validate_params()
        check_parameter_combinations(self)

    def _is_stochastic(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for the stochastic solvers "
                f"{STOCHASTIC_SOLVERS}, not for solver={self.solver!r}."
            )
        return True

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to X and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (float32 is kept as float32, other input becomes float64).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels or a label-indicator matrix (classifier), target values
            (regressor).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; the loss is normalised by their sum.

        Returns
        -------
        self : estimator
            The fitted estimator.

        Notes
        -----
        A KeyboardInterrupt (Ctrl-C) once an epoch or an L-BFGS iteration has
        completed stops training with a ``UserWarning`` and keeps the model
        trained so far; before that, or outside the training steps, it
        propagates and the estimator is left as it was before the call.
        """
        with undo_on_failure(self, keep_if=first_fit_diverged):
            return self._fit(X, y, sample_weight, call="fit")

    # --- the problem --------------------------------------------------------

    def _problem(self, X, y, sample_weight, *, fresh, call, classes=None):
        """The :class:`TrainingProblem` of a ``call`` ("fit", "partial_fit" or
        "inspect"), from scratch when ``fresh``, else from the fitted state.
        Changes nothing on the estimator."""
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        probe = copy.copy(self) if fresh else self  # validate_data records on it
        X, y = validate_X(
            probe,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=self._y_numeric,
            dtype=(np.float64, np.float32) if fresh else fitted_dtype(self),
            reset=fresh,
        )
        y, T, encoder = self._targets(y, fresh=fresh, call=call, classes=classes)
        check_magnitude(T, "y", X.dtype)
        sample_weight = self._sample_weight(y, sample_weight, X, call, encoder)
        # after the targets, whose encoding may be the call's peak of memory
        squares = dense_row_squares(X) if fresh else None
        check_magnitude(X, row_squares=squares)
        layout = ParameterLayout([X.shape[1], *hidden, T.shape[1]])
        check_network_size(self.hidden_layer_sizes, layout, X.dtype)
        head = self._head(encoder)
        if not fresh:
            check_continuable(self, layout, head)
        activations = resolve_activations(self.activation, len(hidden))
        network = Network(layout, activations, head, float(self.alpha))
        random_state = check_random_state(self.random_state)
        network, theta = self._parameters(
            network, X, sample_weight, hidden, fresh, random_state
        )
        if fresh:
            scale = data_scale(X, T, sample_weight, squares)
        else:
            scale = self._data_scale
        return TrainingProblem(
            X=X,
            y=y,
            T=T,
            sample_weight=sample_weight,
            network=network,
            theta=theta,
            encoder=encoder,
            n_features_in=probe.n_features_in_,
            feature_names_in=getattr(probe, "feature_names_in_", None),
            random_state=random_state,
            data_scale=scale,
        )

    def _parameters(self, network, X, sample_weight, hidden, fresh, random_state):
        """The network the layer options make of the dense ``network``, and
        θ₀: drawn from ``random_state`` when ``fresh``, else the fitted θ."""
        architecture = resolve_architecture(self, len(hidden), X.shape[1])
        fitted = None if fresh else getattr(self, "_layered", None)
        # the sequence when an option adds layers, or a layered fit goes on (a
        # dense fit may go on with dropout, which holds no parameters)
        layered = None if architecture.dense and fitted is None else layered_network(
            architecture, network, X, sample_weight, self.weight_init,
            solver=self.solver, rows=training_rows(self, X.shape[0]),
            fitted=fitted, continues=None if fresh else (fitted or network),
        )  # fmt: skip
        if fitted is not None:
            theta = self._theta.astype(X.dtype, copy=True)
        elif not fresh:
            theta = network.layout.pack(self.coefs_, self.intercepts_, X.dtype)
        elif layered is not None:
            theta = layered.initial_parameters(random_state, X.dtype)
        else:
            theta = initial_parameters(
                network.layout, network.activations, self.weight_init,
                random_state, X.dtype,
            )  # fmt: skip
        if layered is None:
            return network, theta
        return with_noise(layered, architecture, random_state), theta

    # --- fit ----------------------------------------------------------------

    def _fit(self, X, y, sample_weight, *, call, classes=None):
        fresh = not hasattr(self, "coefs_") or (call == "fit" and not self.warm_start)
        problem = self._problem(
            X, y, sample_weight, fresh=fresh, call=call, classes=classes
        )
        self._adopt(problem, fresh)
        stochastic = self.solver in STOCHASTIC_SOLVERS
        epochs = (1 if call == "partial_fit" else self.max_iter) if stochastic else 0
        callbacks = EpochCallbacks(
            self, problem.X, problem.y, problem.sample_weight, max_epochs=epochs
        )
        # overflow is caught by the divergence checks, which say what to do
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if stochastic:
                self._train_stochastic(problem, call, callbacks)
            else:
                result = run_lbfgs(
                    problem, self.max_iter, self.max_fun, self.tol, self.verbose
                )
                self.n_iter_, self.loss_ = result.n_iter, result.loss
        callbacks.fit_end()
        return self

    def _adopt(self, problem, fresh):
        """Fitted attributes that describe the model, set before training (the
        weights ``coefs_`` / ``intercepts_`` are views of θ, so that callbacks
        see each epoch's weights), and the history the call extends."""
        self.n_features_in_ = problem.n_features_in
        if problem.feature_names_in is not None:
            self.feature_names_in_ = problem.feature_names_in
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self._set_targets(problem.encoder)
        layout = problem.network.layout
        self.coefs_, self.intercepts_ = layout.unpack(problem.theta)
        self.n_outputs_ = layout.layer_units[-1]
        self.n_layers_ = len(layout.layer_units)
        self.out_activation_ = problem.network.head.name
        layered = not problem.network.fusable  # θ and the state of its layers
        self._layered = problem.network if layered else None
        self._theta = problem.theta if layered else None
        self._data_scale = problem.data_scale  # 'auto' η of every later call
        start_history(self, self.solver in STOCHASTIC_SOLVERS, fresh)

    def _train_stochastic(self, problem, call, callbacks):
        """The epoch loop on the problem's rows (less the held-out split), then
        its history recorded; a diverged loop records what it ran, then raises."""
        if self.early_stopping and call == "partial_fit":
            raise ValueError(
                "partial_fit does not support early_stopping=True: set "
                "early_stopping=False, or use fit."
            )
        random_state = problem.random_state
        data, validation = self._split(problem, random_state)
        theta = problem.theta
        optimizer = self._optimizer = self._optimizer_for(problem, call)
        stopping = self._stopping = self._stopping_rule()
        batch_size, clipped = check_batch_size(self.batch_size, data[0].shape[0])
        if clipped:
            warn(clipped, UserWarning)
        settings = EpochSettings(
            max_epochs=1 if call == "partial_fit" else self.max_iter,
            batch_size=batch_size,
            shuffle=self.shuffle,
            verbose=self.verbose,
            warn_at_max=call != "partial_fit",
            stop_on_interrupt=call != "partial_fit",
        )
        network = batch_penalty_network(
            problem.network, data, batch_size, self.penalty_scaling
        )
        try:
            with blas_threads_for(network.layout.layer_units, batch_size):
                history = run_epochs(
                    data, network, theta, optimizer, stopping, settings,
                    random_state, callbacks, validation, samples_seen=self.t_,
                )  # fmt: skip
        except DivergenceError as error:
            if error.history is not None:
                self._record(error.history, stopping)
            raise
        self._record(history, stopping)
        if call == "fit" and history.n_iter:
            warn_if_blown_up(
                self.loss_,
                problem.network.head.prior_loss(data[1], data[2]),
                self._trivial_predictor(problem.network.head),
                optimizer.learning_rate_init,
            )

    def _trivial_predictor(self, head):
        """What the predictor whose loss the blow-up warning names predicts."""
        return head.trivial_predictor

    def _optimizer_for(self, problem, call="fit"):
        """The optimizer of a ``call`` on the problem: :func:`call_optimizer`
        (a copy of the fitted one when it resumes)."""
        previous = getattr(self, "_optimizer", None)
        return call_optimizer(self, previous, problem, call)

    def _stopping_rule(self):
        """This call's stopping rule: :meth:`StoppingRule.carried_on`."""
        watch = "training loss"
        if self.early_stopping:
            watch = f"validation {self.early_stopping_metric}"
        return StoppingRule.carried_on(
            self._stopping, watch, self.tol, self.n_iter_no_change
        )

    def _split(self, problem, random_state):
        """(X, T, s) to train on, and the held-out :class:`ValidationSet` (None
        without early stopping)."""
        data = (problem.X, problem.T, problem.sample_weight)
        if not self.early_stopping:
            return data, None
        return split_validation(
            problem,
            self.validation_fraction,
            random_state,
            self._stratify(problem.y),
            self._score_logits,
        )

    def _record(self, history, stopping):
        """Copy what the epochs recorded onto the fitted attributes."""
        self.n_iter_ = history.n_iter
        self.t_ += history.samples_seen
        if history.losses:
            self.loss_ = history.losses[-1]
        self.loss_curve_.extend(history.losses)
        if stopping.validates:
            self.validation_scores_ = history.validation_scores
            self.validation_loss_curve_ = history.validation_losses
            self.best_validation_score_ = stopping.best_validation_score
            self.best_validation_loss_ = stopping.best_validation_loss
            self.best_loss_ = None
        else:
            self.best_loss_ = stopping.best_loss
            self.validation_scores_ = self.validation_loss_curve_ = None
            self.best_validation_score_ = self.best_validation_loss_ = None

    # --- prediction ---------------------------------------------------------

    def _logits(self, X):
        """zᴸ for validated X."""
        if getattr(self, "_layered", None) is not None:
            return self._layered.logits(X, self._theta)
        activations = resolve_activations(self.activation, len(self.coefs_) - 1)
        return logits(X, self.coefs_, self.intercepts_, activations)

    def _checked_logits(self, X):
        """Validate new X and return its logits zᴸ, which must be finite."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc"], reset=False)
        with np.errstate(over="ignore", invalid="ignore"):
            z = self._logits(X)
        check_finite_outputs(z, X)
        return z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = not transforms_each_feature(self)
        return tags


def next_step_optimizer(estimator, problem):
    """A copy of the optimizer that the estimator's next step on the problem's θ
    would use (its fitted state when it would resume), or None for L-BFGS."""
    if estimator.solver not in STOCHASTIC_SOLVERS:
        return None
    return estimator._optimizer_for(problem)  # a copy, or new


def fitted_sequence(estimator):
    """(network, θ) of a fitted estimator whose layer options add layers (a
    :class:`~skmanualnet._nn.sequence.LayeredNetwork` and its parameters), or
    None for the dense network of ``coefs_`` and ``intercepts_``."""
    network = getattr(estimator, "_layered", None)
    return None if network is None else (network, estimator._theta)
