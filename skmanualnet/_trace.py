"""One forward / backward pass with every intermediate kept, for learners.

``trace_step(model, X, y)`` returns the quantities of the derivation under
their DESIGN names, computed by the same equation functions that training
uses, so that a hand computation can be checked number by number.
"""

import copy
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone

from ._activations import HIDDEN_ACTIVATIONS
from ._losses import (
    cross_entropy_y_bar,
    jacobian_vector_product,
    l2_penalty,
    output_error,
    sigmoid_derivative,
    sigmoid_y_bar,
    softmax_jacobian,
)
from ._network import (
    affine,
    batch_weights,
    bias_gradient,
    input_error,
    l2_gradient,
    output_loss,
    weight_gradient,
)
from ._solvers import make_optimizer


@dataclass
class BackpropTrace:
    """Every intermediate of one step; lists are indexed by layer l = 1 … L.

    Attributes
    ----------
    z, a : list of ndarray
        zˡ = aˡ⁻¹Wˡ + bˡ and aˡ = φ(zˡ); ``a[0]`` is X and ``a[L]`` is y.
    y, T : ndarray
        Output probabilities and target indicators.
    loss : float
        The batch loss L, penalty included.
    y_bar : ndarray
        ȳ = ∂L/∂y (−w t / y for softmax).
    jacobian : ndarray
        ∂y/∂zᴸ per sample: (B, K, K) for softmax, the diagonal (B, K) for sigmoid.
    z_bar_jacobian, z_bar_fused : ndarray
        z̄ᴸ by the Jacobian path (Jᵀȳ) and by the fused path w ⊙ (y − t).
    a_bar, z_bar, W_bar, b_bar : list of ndarray
        Āˡ, Z̄ˡ, W̄ˡ = (aˡ⁻¹)ᵀZ̄ˡ + (α/Σs)Wˡ and b̄ˡ = 1ᵀZ̄ˡ (``a_bar[0]`` is None).
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


def trace_step(estimator, X, y, sample_weight=None):
    """Run one forward and backward pass on (X, y) and return every intermediate.

    The estimator is not changed: a fitted one is traced at its weights (and its
    optimizer's current state for the would-be update), an unfitted one at the
    weights its ``random_state`` initialises.

    Parameters
    ----------
    estimator : ManualMLPClassifier
    X : array-like of shape (n_samples, n_features)
        A few samples.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
    sample_weight : array-like of shape (n_samples,), default=None

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
    model = (
        copy.deepcopy(estimator) if hasattr(estimator, "coefs_") else clone(estimator)
    )
    fitted = hasattr(estimator, "coefs_")
    X, _, T, sample_weight, layout, theta, _ = model._prepare(
        X, y, sample_weight, incremental=fitted, first_pass=not fitted
    )
    T = T.astype(theta.dtype)
    coefs, intercepts = layout.unpack(theta)
    phi, phi_backward = HIDDEN_ACTIVATIONS[model.activation]
    L = len(coefs)
    w, weight_sum = batch_weights(sample_weight, X.shape[0])

    # forward
    z, a = [None], [X]
    for l in range(L):
        z.append(
            affine(
                a[l],
                coefs[l],
                intercepts[l],
                out=np.empty((X.shape[0], coefs[l].shape[1]), dtype=theta.dtype),
            )
        )
        a.append(phi(z[-1], out=np.empty_like(z[-1])) if l < L - 1 else None)
    loss, y_out = output_loss(
        z[L].copy(),
        T,
        w,
        model.out_activation_,
        np.empty_like(z[L]),
        np.empty_like(z[L]),
    )
    W_flat, scratch = theta[: layout.n_coef], np.empty(layout.n_coef, theta.dtype)
    loss += l2_penalty(W_flat, model.alpha, weight_sum, scratch)
    a[L] = y_out

    # the output error, both ways
    if model.out_activation_ == "softmax":
        y_bar, jacobian = cross_entropy_y_bar(y_out, T, w), softmax_jacobian(y_out)
        z_bar_jacobian = jacobian_vector_product(jacobian, y_bar)
    else:
        y_bar, jacobian = sigmoid_y_bar(y_out, T, w), sigmoid_derivative(y_out)
        z_bar_jacobian = jacobian * y_bar
    z_bar_fused = output_error(y_out, T, w, out=np.empty_like(y_out))

    # backward, into a gradient vector laid out like θ
    grad = np.empty_like(theta)
    W_bars, b_bars = layout.unpack(grad)
    z_bar, a_bar = [None] * (L + 1), [None] * (L + 1)
    W_bar, b_bar = [None, *W_bars], [None, *b_bars]
    z_bar[L] = z_bar_fused
    ones = np.ones(X.shape[0], dtype=theta.dtype)
    for l in range(L, 0, -1):
        weight_gradient(a[l - 1], z_bar[l], out=W_bar[l])
        bias_gradient(z_bar[l], ones, out=b_bar[l])
        if l > 1:
            a_bar[l - 1] = input_error(
                z_bar[l], coefs[l - 1], out=np.empty_like(a[l - 1])
            )
            # copies: φ′ is computed over a, and ā is turned into z̄, in place
            z_bar[l - 1] = phi_backward(a[l - 1].copy(), a_bar[l - 1].copy())
    l2_gradient(grad[: layout.n_coef], W_flat, model.alpha, weight_sum, scratch)

    # update: one step of the estimator's optimizer, on copies (none for lbfgs,
    # whose step comes out of scipy's line search)
    W_update = b_update = [None] * L
    if model.solver != "lbfgs":
        optimizer = getattr(model, "_optimizer", None) or make_optimizer(model, theta)
        stepped = theta.copy()
        copy.deepcopy(optimizer).step(stepped, grad.copy())
        W_update, b_update = layout.unpack(stepped - theta)

    return BackpropTrace(
        z=z,
        a=a,
        y=y_out,
        T=T,
        loss=loss,
        y_bar=y_bar,
        jacobian=jacobian,
        z_bar_jacobian=z_bar_jacobian,
        z_bar_fused=z_bar_fused,
        a_bar=a_bar,
        z_bar=z_bar,
        W_bar=W_bar,
        b_bar=b_bar,
        W_update=[None, *W_update],
        b_update=[None, *b_update],
    )
