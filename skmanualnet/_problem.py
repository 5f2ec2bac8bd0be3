"""A training problem: what a fit solves, and its held-out split.

A :class:`TrainingProblem` holds the validated data, the encoded targets, the
network and the starting parameters θ₀. Estimators build one without changing
themselves; ``fit``, ``check_gradients`` and ``trace_step`` all start from it.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from ._network import Network, batch_weights, logits, loss_and_gradient
from ._workspace import Workspace


@dataclass
class TrainingProblem:
    """Validated (X, y), targets T, weights s, the network and θ₀.

    ``encoder`` is what maps y to T (a fitted ``LabelBinarizer`` for
    classification, None for regression); ``n_features_in`` and
    ``feature_names_in`` are what validating X found; ``random_state`` is the
    fit's generator, past the draws of θ₀ (the held-out split and the
    shuffling draw from it next, as scikit-learn's MLPs do). ``data_scale`` is
    D of :func:`~skmanualnet._params.data_scale`, measured on these rows by a
    fresh problem, the fitted one's for a continued fit.
    """

    X: Any
    y: np.ndarray
    T: np.ndarray
    sample_weight: np.ndarray | None
    network: Network
    theta: np.ndarray
    encoder: Any
    n_features_in: int
    feature_names_in: np.ndarray | None
    random_state: np.random.RandomState | None = None
    data_scale: float = 1.0

    def in_dtype(self, dtype):
        """The same problem computed in ``dtype`` (X, T, s and θ cast)."""
        s = self.sample_weight
        return dataclasses.replace(
            self,
            X=self.X.astype(dtype),
            T=self.T.astype(dtype),
            sample_weight=None if s is None else s.astype(dtype),
            theta=self.theta.astype(dtype),
        )


@dataclass
class ValidationSet:
    """The held-out rows, and ``score(z, y, s)``: the estimator's score of
    logits z against labels y (accuracy for a classifier)."""

    X: Any
    y: np.ndarray
    T: np.ndarray
    sample_weight: np.ndarray | None
    score: Callable

    def metrics(self, network, theta):
        """(score, data term of the loss) of θ on the held-out rows; NaN for
        both when the outputs are non-finite."""
        coefs, intercepts = network.layout.unpack(theta)
        z = logits(self.X, coefs, intercepts, network.activations)
        if not np.isfinite(z).all():
            return np.nan, np.nan
        score = self.score(z, self.y, self.sample_weight)
        w, _ = batch_weights(self.sample_weight, z.shape[0])
        loss, _ = network.head.loss(z, self.T, w, np.empty_like(z), np.empty_like(z))
        return score, loss


def split_validation(problem, fraction, random_state, stratify, score):
    """(X, T, s) of the training rows and the :class:`ValidationSet`, holding out
    ``fraction`` of the rows (stratified by ``stratify`` when it is not None)."""
    n_samples = problem.X.shape[0]
    n_val = int(np.ceil(fraction * n_samples))
    if n_val < 2:
        raise ValueError(
            f"validation_fraction={fraction} leaves {n_val} validation sample(s) "
            f"out of {n_samples}; early stopping needs at least 2. Increase "
            "validation_fraction or provide more samples."
        )
    s = problem.sample_weight
    arrays = (problem.X, problem.y, problem.T) + (() if s is None else (s,))
    parts = train_test_split(
        *arrays, random_state=random_state, test_size=fraction, stratify=stratify
    )
    X, X_val, _, y_val, T, T_val = parts[:6]
    s, s_val = (None, None) if s is None else parts[6:]
    return (X, T, s), ValidationSet(X_val, y_val, T_val, s_val, score)


def full_batch_loss(problem, clip=True):
    """θ ↦ (L(θ), ∇L(θ)) on all rows of ``problem``, in θ's dtype.

    The gradient is written into one buffer, reused by every call (as the
    workspace is): copy it to keep it past the next call.
    """
    dtype, network = problem.theta.dtype, problem.network
    ws = Workspace.for_network(network, problem.X.shape[0], dtype)
    X, T, s = problem.X, problem.T.astype(dtype), problem.sample_weight
    grad = np.empty_like(problem.theta)

    def loss_and_grad(theta):
        loss = loss_and_gradient(theta, grad, network, X, T, s, ws, clip=clip)
        return loss, grad

    return loss_and_grad
