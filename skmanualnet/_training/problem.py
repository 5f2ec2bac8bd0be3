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

from .._nn.network import Network, batch_weights
from .caller_warnings import warn


@dataclass
class TrainingProblem:
    """Validated (X, y), targets T, weights s, the network and θ₀.

    ``encoder`` is what maps y to T (a fitted ``LabelBinarizer`` for
    classification, None for regression); ``n_features_in`` and
    ``feature_names_in`` are what validating X found; ``random_state`` is the
    fit's generator, past the draws of θ₀ (the held-out split and the
    shuffling draw from it next, as scikit-learn's MLPs do). ``data_scale`` is
    D of :func:`~skmanualnet._estimators.params.data_scale`, measured on these rows by a
    fresh problem, the fitted one's for a continued fit. ``T_true`` holds the
    0/1 targets when T is label-smoothed (:func:`with_label_smoothing`), None
    when T is what the labels encode.
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
    T_true: np.ndarray | None = None

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
        z = network.logits(self.X, theta)
        if not np.isfinite(z).all():
            return np.nan, np.nan
        score = self.score(z, self.y, self.sample_weight)
        w, _ = batch_weights(self.sample_weight, z.shape[0])
        loss, _ = network.head.loss(z, self.T, w, np.empty_like(z), np.empty_like(z))
        return score, loss


def with_label_smoothing(problem, epsilon):
    """The problem trained on the smoothed targets t̃ = (1 − ε) t + ε / K of its
    output head (its ``smoothed_targets``), in X's dtype, the 0/1 targets kept
    as ``T_true`` for the held-out rows; the problem itself for ε = 0."""
    if not epsilon:
        return problem
    head, dtype = problem.network.head, problem.X.dtype
    T = head.smoothed_targets(problem.T, epsilon, dtype)
    return dataclasses.replace(problem, T=T, T_true=problem.T)


def split_validation(problem, fraction, random_state, stratify, score):
    """(X, T, s) of the training rows and the :class:`ValidationSet`, holding out
    ``fraction`` of the rows, stratified by the labels ``stratify`` when they are
    not None and a stratified split exists (else at random, with a warning).
    The held-out rows are measured against the true targets (``T_true`` when
    the training targets are label-smoothed)."""
    n_samples = problem.X.shape[0]
    n_val = int(np.ceil(fraction * n_samples))
    if n_val < 2:
        raise ValueError(
            f"validation_fraction={fraction} leaves {n_val} validation sample(s) "
            f"out of {n_samples}; early stopping needs at least 2. Increase "
            "validation_fraction or provide more samples."
        )
    if stratify is not None:
        reason = unstratifiable(stratify, n_val)
        if reason:
            warn(
                f"early_stopping=True with validation_fraction={fraction}: the "
                f"held-out split cannot be stratified by class, because {reason}; "
                "it is drawn at random instead, so some classes may be missing "
                "from it. Increase validation_fraction, or give every class more "
                "samples, for a stratified split.",
                UserWarning,
            )
            stratify = None
    s, T_true = problem.sample_weight, problem.T_true
    optional = tuple(a for a in (s, T_true) if a is not None)
    parts = train_test_split(
        problem.X, problem.y, problem.T, *optional,
        random_state=random_state, test_size=fraction, stratify=stratify,
    )  # fmt: skip
    X, X_val, _, y_val, T, T_val = parts[:6]
    rest = iter(parts[6:])
    s, s_val = (None, None) if s is None else (next(rest), next(rest))
    if T_true is not None:
        _, T_val = next(rest), next(rest)
    return (X, T, s), ValidationSet(X_val, y_val, T_val, s_val, score)


def unstratifiable(labels, n_val):
    """Why ``labels`` cannot be split into ``n_val`` held-out rows and the rest
    class by class (each class needs a row on both sides), or None if they can."""
    classes, counts = np.unique(labels, return_counts=True)
    rare = classes[counts < 2]
    if rare.size:
        one = rare.size == 1
        shown = f"{rare[:10].tolist()}{' …' if rare.size > 10 else ''}"
        return (
            f"{'class' if one else 'classes'} {shown} {'has' if one else 'have'} "
            "only 1 sample"
        )
    for rows, side in ((n_val, "held-out"), (len(labels) - n_val, "training")):
        if rows < classes.size:
            return (
                f"the {classes.size} classes do not fit in {rows} {side} rows "
                f"(out of {len(labels)})"
            )
    return None


def batch_penalty_network(network, data, batch_size, scaling):
    """The network whose batches of ``batch_size`` rows of ``data = (X, T, s)``
    divide the penalty by their own Σs (``scaling="batch"``, scikit-learn's
    convention) or by S̄ = (Σs / n) · B, the weight of a mean full batch, the
    same for every batch ("mean_batch")."""
    if scaling == "batch":
        return network
    X, _, s = data
    mean_weight = 1.0 if s is None else float(s.sum()) / X.shape[0]
    return dataclasses.replace(network, penalty_weight_sum=mean_weight * batch_size)


def full_batch_loss(problem, clip=True):
    """θ ↦ (L(θ), ∇L(θ)) on all rows of ``problem``, in θ's dtype.

    The gradient is written into one buffer, reused by every call (as the
    workspace is): copy it to keep it past the next call.
    """
    dtype, network = problem.theta.dtype, problem.network
    ws = network.workspace(problem.X.shape[0], dtype, fixed_noise=True)
    X, T, s = problem.X, problem.T.astype(dtype), problem.sample_weight
    grad = np.empty_like(problem.theta)

    def loss_and_grad(theta):
        loss = network.loss_and_gradient(theta, grad, X, T, s, ws, clip=clip)
        return loss, grad

    return loss_and_grad
