"""Where a finite-difference step crosses a kink: the loss θ ↦ L(θ) of the
gradient check, with the sign of every pre-activation that enters a kinked
activation (relu, leaky relu: φ′ jumps at z = 0).

If some zᵢⱼ changes sign between θ + εeⱼ and θ − εeⱼ, the central difference
(L(θ + εeⱼ) − L(θ − εeⱼ)) / 2ε averages the slopes on both sides of the kink,
while back-propagation takes the one of its side: the two disagree by up to
half the jump, and the error that shows is not a bug.
"""

import numpy as np

from .._nn.sequence import PassRecord
from .._nn.workspace import Workspace

#: The activations whose φ′ jumps at z = 0.
KINKED_ACTIVATIONS = ("relu", "leaky_relu")


def _kinked(activation):
    return getattr(activation, "name", None) in KINKED_ACTIVATIONS


def dense_pre_activations(network, theta, grad, X, T, s, ws):
    """(L(θ), [zˡ of each hidden layer with a kinked φ]) of the dense network:
    a workspace that keeps every buffer holds zˡ apart from aˡ."""
    loss = network.loss_and_gradient(theta, grad, X, T, s, ws, clip=False)
    z = ws.rows(X.shape[0]).z
    kinked = [l for l, act in enumerate(network.activations) if _kinked(act)]
    return loss, [z[l] for l in kinked]


def layered_pre_activations(network, theta, grad, X, T, s, ws):
    """(L(θ), [input of each layer that applies a kinked φ]) of a layered
    network, from the record of its training pass."""
    record = PassRecord()
    loss = network.loss_and_gradient(theta, grad, X, T, s, ws, clip=False,
                                     record=record)  # fmt: skip
    inputs = [X, *record.outputs]
    return loss, [
        inputs[k]
        for k, layer in enumerate(network.layers)
        if _kinked(getattr(layer, "activation", None))
    ]


def loss_and_signs(problem):
    """θ ↦ (L(θ), ∇L(θ), [z > 0] of every kinked unit and row, flat): the
    exact loss (unclipped) of the full batch of ``problem``, in θ's dtype.
    The gradient buffer is reused by every call: copy it to keep it."""
    network, dtype = problem.network, problem.theta.dtype
    X, T, s = problem.X, problem.T.astype(dtype), problem.sample_weight
    grad, n = np.empty_like(problem.theta), X.shape[0]
    if hasattr(network, "layers"):
        ws = network.workspace(n, dtype, fixed_noise=True)
        passes = layered_pre_activations
    else:
        ws = Workspace.for_network(network, n, dtype, keep_all=True)
        passes = dense_pre_activations

    def evaluate(theta):
        loss, z = passes(network, theta, grad, X, T, s, ws)
        signs = np.concatenate([np.ravel(zl > 0) for zl in z] or [np.empty(0, bool)])
        return loss, grad, signs

    return evaluate
