"""What :class:`~skmanualnet.TrainingMonitor` measures, one statistic per function.

Each function takes the arrays of one probe pass and returns one number. The
probe pass (:func:`probe_pass`) is one training-mode forward and backward pass
of the estimator's own network on a fixed set of rows, at the estimator's
current θ, run on copies (θ, the layers' state, the optimizer): the estimator
and its training are never changed.
"""

import copy
import warnings
from dataclasses import dataclass

import numpy as np

from .._estimators.base import (
    fitted_sequence,
    next_step_optimizer,
    training_problem,
)
from .._nn.activation import ActivationLayer
from .._nn.network import loss_and_gradient
from .._nn.parametric_activation import ParametricActivation
from .._nn.sequence import PassRecord
from .._nn.workspace import Workspace
from .._training.blas_threads import blas_threads_for

#: |a| above this is a saturated tanh unit (φ′ = 1 − a² < 0.06).
TANH_SATURATION = 0.97
#: a below this or above 1 − this is a saturated logistic unit (φ′ < 0.03).
LOGISTIC_SATURATION = 0.03


def activation_mean(a):
    """μ = (1 / (B n)) Σᵢⱼ aᵢⱼ: the mean activation of a layer over rows and units."""
    return float(np.mean(a, dtype=np.float64))


def activation_std(a):
    """σ = √((1 / (B n)) Σᵢⱼ (aᵢⱼ − μ)²): the spread over rows and units (ddof 0)."""
    return float(np.std(a, dtype=np.float64))


def saturated_fraction(a, activation):
    """(1 / (B n)) Σᵢⱼ [aᵢⱼ saturated]: |a| > 0.97 (tanh), a < 0.03 or a > 0.97
    (logistic); NaN for the other activations, which do not saturate so."""
    if activation == "tanh":
        return float(np.mean(np.abs(a) > TANH_SATURATION))
    if activation == "logistic":
        low, high = LOGISTIC_SATURATION, 1 - LOGISTIC_SATURATION
        return float(np.mean((a < low) | (a > high)))
    return float("nan")


def dead_fraction(a, activation):
    """(1 / n) Σⱼ [aᵢⱼ = 0 for every row i]: the share of relu units that are zero
    on every probe row (no gradient reaches their weights); NaN for the other
    activations."""
    if activation != "relu":
        return float("nan")
    return float(np.mean(~np.any(a != 0, axis=0)))


def gradient_norm(W_bar):
    """‖W̄ˡ‖_F = √(Σᵢⱼ (W̄ˡᵢⱼ)²): the size of a layer's weight gradient."""
    return float(np.linalg.norm(W_bar))


def update_ratio(W, W_next):
    """‖ΔWˡ‖_F / ‖Wˡ‖_F with ΔWˡ = Wˡ_next − Wˡ: the step relative to the weights."""
    norm = np.linalg.norm(W)
    return float(np.linalg.norm(W_next - W) / norm) if norm else float("inf")


@dataclass
class ProbePass:
    """What one probe pass computed.

    ``hidden`` lists (activation name, aˡ) for the hidden layers l = 1 … L − 1;
    ``coefs``, ``W_bar`` and ``W_next`` list Wˡ, W̄ˡ and Wˡ after one step of a
    copy of the optimizer, for the dense layers l = 1 … L (``W_next`` None when
    the estimator has no stochastic optimizer).
    """

    hidden: list
    coefs: list
    W_bar: list
    W_next: list | None


def probe_problem(estimator, X, y):
    """The training problem of ``estimator`` (fitted, or being fitted) on the
    probe rows (X, y), each weighing 1 (``class_weight`` applies): built once
    per fit, its θ refreshed by :func:`probe_pass`."""
    # a shallow copy whose random_state draws nothing from the fit's generator
    probe = copy.copy(estimator)
    probe.random_state = 0
    with warnings.catch_warnings():  # hooks hand over the validated array
        warnings.filterwarnings("ignore", message="X does not have valid feature")
        return training_problem(probe, X, y)


def probe_pass(estimator, problem):
    """The :class:`ProbePass` of ``estimator`` on a :func:`probe_problem`, at
    the estimator's current θ (copied into the problem's): the training loss's
    gradient, and one step of a copy of its optimizer on that gradient."""
    network, theta = problem.network, problem.theta
    sequence = fitted_sequence(estimator)
    if sequence is None:
        current = network.layout.pack(estimator.coefs_, estimator.intercepts_,
                                      theta.dtype)  # fmt: skip
    else:
        current = sequence[1]
    np.copyto(theta, current)
    T, grad = problem.T.astype(theta.dtype), np.empty_like(theta)
    # one BLAS thread where training uses one: small products pay no thread wake-up
    with blas_threads_for(network.layout.layer_units, problem.X.shape[0]):
        hidden = _hidden_activations(network, theta, grad, problem.X, T)
    coefs, _ = network.layout.unpack(theta)
    W_bar, _ = network.layout.unpack(grad)
    W_next, optimizer = None, next_step_optimizer(estimator, problem)
    if optimizer is not None:
        stepped = theta.copy()
        optimizer.step(stepped, grad.copy())
        W_next, _ = network.layout.unpack(stepped)
    return ProbePass(hidden, coefs, W_bar, W_next)


def _hidden_activations(network, theta, grad, X, T):
    """[(name, aˡ)] of one training pass of ``network`` (∇L written into
    ``grad``): the dense network's activations from a workspace that keeps
    them, a layered network's from its activation layers' outputs (before any
    dropout; batch statistics of these rows, dropout masks of a fixed seed)."""
    n_rows = X.shape[0]
    if not hasattr(network, "layers"):
        ws = Workspace.for_network(network, n_rows, theta.dtype, keep_all=True)
        loss_and_gradient(theta, grad, network, X, T, None, ws)
        names = [activation.name for activation in network.activations]
        return list(zip(names, ws.rows(n_rows).a, strict=True))
    ws = network.workspace(n_rows, theta.dtype, fixed_noise=True)
    record = PassRecord()
    network.loss_and_gradient(theta, grad, X, T, None, ws, record=record)
    return [
        (layer.activation.name, record.outputs[k])
        for k, layer in enumerate(network.layers)
        if isinstance(layer, ActivationLayer | ParametricActivation)
    ]


def statistics(measured):
    """{statistic name: one value per layer} of a :class:`ProbePass`: the
    activation statistics per hidden layer, the gradient norm and update ratio
    per dense layer (NaN ratios without an optimizer)."""
    ratios = (
        [update_ratio(W, W_next) for W, W_next in zip(measured.coefs, measured.W_next,
                                                        strict=True)]
        if measured.W_next is not None
        else [float("nan")] * len(measured.coefs)
    )  # fmt: skip
    return {
        "activation_mean": [activation_mean(a) for _, a in measured.hidden],
        "activation_std": [activation_std(a) for _, a in measured.hidden],
        "saturated_fraction": [saturated_fraction(a, n) for n, a in measured.hidden],
        "dead_fraction": [dead_fraction(a, n) for n, a in measured.hidden],
        "gradient_norm": [gradient_norm(W_bar) for W_bar in measured.W_bar],
        "update_ratio": ratios,
    }
