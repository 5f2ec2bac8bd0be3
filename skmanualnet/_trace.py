"""One forward / backward pass with every intermediate kept, for learners.

``trace_step(model, X, y)`` runs the same forward and backward pass that
training runs (:func:`~skmanualnet._network.loss_and_gradient`), into a
workspace that keeps every intermediate in a buffer of its own, and returns
them under the derivation's names, so that a hand computation can be checked
number by number.
"""

from dataclasses import dataclass, field

import numpy as np

from ._base import next_step_optimizer
from ._inspect import inspected_problem
from ._network import batch_weights, loss_and_gradient
from ._workspace import Workspace


@dataclass
class BackpropTrace:
    """Every intermediate of one step; lists are indexed by the layer l = 1 … L
    (index 0 is the input layer, where only ``a[0] = X`` exists).

    Attributes
    ----------
    z, a : list of ndarray
        zˡ = aˡ⁻¹Wˡ + bˡ and aˡ = φ(zˡ); ``a[0]`` is X and ``a[L]`` is y.
    y, T : ndarray
        Outputs (probabilities for a classifier) and targets.
    loss : float
        The batch loss L, penalty included.
    y_bar : ndarray
        ȳ = ∂L/∂y (−w t / y for softmax).
    jacobian : ndarray
        ∂y/∂zᴸ per sample: (B, K, K) for softmax, the diagonal (B, K) for the
        elementwise links.
    z_bar_jacobian, z_bar_fused : ndarray
        z̄ᴸ by the Jacobian path (Jᵀȳ) and by the fused path w ⊙ (y − t).
    phi_prime : list of ndarray
        φ′(zˡ) of each hidden layer.
    a_bar, z_bar, W_bar, b_bar : list of ndarray
        Āˡ, Z̄ˡ, W̄ˡ = (aˡ⁻¹)ᵀZ̄ˡ + (α/Σs)Wˡ and b̄ˡ = 1ᵀZ̄ˡ.
    W_update, b_update : list of ndarray
        What one step of the estimator's optimizer would add to Wˡ and bˡ
        (None for ``solver="lbfgs"``, whose step comes from a line search).
    """

    z: list
    a: list
    y: np.ndarray
    T: np.ndarray
    loss: float
    y_bar: np.ndarray
    jacobian: np.ndarray
    z_bar_jacobian: np.ndarray
    z_bar_fused: np.ndarray
    phi_prime: list = field(default_factory=list)
    a_bar: list = field(default_factory=list)
    z_bar: list = field(default_factory=list)
    W_bar: list = field(default_factory=list)
    b_bar: list = field(default_factory=list)
    W_update: list = field(default_factory=list)
    b_update: list = field(default_factory=list)

    def to_dict(self):
        """The trace as a dict of plain numpy arrays (and lists of them)."""
        return dict(self.__dict__)

    def __str__(self):
        lines = [f"loss L = {self.loss:.6g}"]
        for l in range(1, len(self.a)):
            lines.append(f"layer {l}:")
            for name in ("z", "a", "z_bar", "a_bar", "W_bar", "b_bar", "W_update"):
                value = getattr(self, name)[l]
                if value is not None:
                    lines.append(f"  {name}{l} {value.shape}:")
                    lines.append(
                        "    " + np.array2string(value, precision=4, prefix="    ")
                    )
        for name in ("y", "T", "y_bar", "z_bar_jacobian", "z_bar_fused"):
            lines.append(f"{name} {getattr(self, name).shape}:")
            lines.append(np.array2string(getattr(self, name), precision=4))
        return "\n".join(lines)


def trace_step(estimator, X, y, sample_weight=None, classes=None):
    """Run one forward and backward pass on (X, y) and return every intermediate.

    The estimator is not changed: a fitted one is traced at its weights (and its
    optimizer's current state for the would-be update), an unfitted one at the
    weights its ``random_state`` initialises.

    Parameters
    ----------
    estimator : ManualMLPClassifier or Pipeline
        The model, or a pipeline ending in it (its other steps transform X).
    X : array-like of shape (n_samples, n_features)
        A few samples.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
    sample_weight : array-like of shape (n_samples,), default=None
    classes : array-like, default=None
        All classes, for an unfitted classifier and rows that lack some.

    Returns
    -------
    trace : BackpropTrace

    Examples
    --------
    >>> import numpy as np
    >>> from skmanualnet import ManualMLPClassifier, trace_step
    >>> X = np.array([[0.5, -1.0], [1.5, 2.0], [-1.0, 0.5]])
    >>> trace = trace_step(ManualMLPClassifier((3,), random_state=0), X, [0, 1, 2])
    >>> np.allclose(trace.z_bar_jacobian, trace.z_bar_fused)
    True
    >>> trace.W_bar[2].shape
    (3, 3)
    """
    model, problem = inspected_problem(estimator, X, y, sample_weight, classes)
    theta, network, X, s = (problem.theta, problem.network, problem.X,
                            problem.sample_weight)  # fmt: skip
    T = problem.T.astype(theta.dtype)
    ws = Workspace(network.layout.layer_units, X.shape[0], theta.dtype, keep_all=True)
    grad = np.empty_like(theta)
    loss = loss_and_gradient(theta, grad, network, X, T, s, ws)  # the real passes
    passes, head = ws.rows(X.shape[0]), network.head
    W_bars, b_bars = network.layout.unpack(grad)

    # the output error the long way: ȳ, then z̄ = Jᵀȳ
    w, _ = batch_weights(s, X.shape[0])
    y_bar, jacobian = head.y_bar(passes.y, T, w), head.jacobian(passes.y)

    # update: one step of the estimator's optimizer, on copies
    W_update = b_update = [None] * len(W_bars)
    optimizer = next_step_optimizer(model, problem)
    if optimizer is not None:
        stepped = theta.copy()
        optimizer.step(stepped, grad.copy())
        W_update, b_update = network.layout.unpack(stepped - theta)

    return BackpropTrace(
        z=[None, *passes.z],
        a=[X, *passes.a, passes.y],
        y=passes.y,
        T=T,
        loss=loss,
        y_bar=y_bar,
        jacobian=jacobian,
        z_bar_jacobian=head.jacobian_error(jacobian, y_bar),
        z_bar_fused=passes.z_bar[-1],
        phi_prime=[None, *passes.phi_prime, None],
        a_bar=[None, *passes.a_bar, None],
        z_bar=[None, *passes.z_bar],
        W_bar=[None, *W_bars],
        b_bar=[None, *b_bars],
        W_update=[None, *W_update],
        b_update=[None, *b_update],
    )
