"""Finite-difference check of the analytic gradients (public: ``check_gradients``)."""

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import _check_sample_weight

from ._network import ParameterLayout, Workspace, loss_and_gradient


def _loss_function(estimator, X, y, sample_weight):
    """Layout, θ and θ ↦ (L(θ), ∇L(θ)) in float64, for the fitted weights of
    ``estimator`` or, when it is unfitted, for the weights its seed initialises."""
    if hasattr(estimator, "coefs_"):
        X, _, T = estimator._validate_input(X, y, incremental=True, first_pass=False)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        coefs = estimator.coefs_
        layout = ParameterLayout([coefs[0].shape[0]] + [W.shape[1] for W in coefs])
        theta = layout.pack(coefs, estimator.intercepts_, np.float64)
    else:
        estimator = clone(estimator)
        X, _, T, sample_weight, layout, theta, _ = estimator._prepare(
            X, y, sample_weight, incremental=False, first_pass=True
        )
    X = X.astype(np.float64)
    T = T.astype(np.float64)
    if sample_weight is not None:
        sample_weight = sample_weight.astype(np.float64)
    theta = theta.astype(np.float64)
    ws = Workspace(layout.layer_units, X.shape[0], np.float64)
    args = (estimator.alpha, estimator.activation, estimator.out_activation_, ws)

    def loss_and_grad(theta):
        grad = np.empty_like(theta)
        loss = loss_and_gradient(
            theta, grad, layout, X, T, sample_weight, *args, clip=False
        )
        return loss, grad

    return layout, theta, loss_and_grad


def check_gradients(estimator, X, y, sample_weight=None, eps=1e-6):
    """Compare back-propagated gradients with central finite differences.

    For every parameter θⱼ, the numerical gradient is
    ``(L(θ + ε eⱼ) − L(θ − ε eⱼ)) / (2ε)`` on the full data (X, y), in float64.
    The error of a layer is ``max |g_backprop − g_numeric| / max(|g_backprop|,
    |g_numeric|)`` over that layer's weights (or biases): a relative error
    robust to entries that are near zero.

    Parameters
    ----------
    estimator : ManualMLPClassifier
        A fitted estimator (its weights are checked), or an unfitted one (the
        weights its ``random_state`` initialises are checked).
    X : array-like of shape (n_samples, n_features)
        Data; keep it small, the check costs two loss evaluations per parameter.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    eps : float, default=1e-6
        Finite-difference step ε.

    Returns
    -------
    errors : dict
        ``{"coefs": [error of W¹, …], "intercepts": [error of b¹, …]}``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skmanualnet import ManualMLPClassifier, check_gradients
    >>> X, y = make_classification(n_samples=20, n_features=4, random_state=0)
    >>> model = ManualMLPClassifier(hidden_layer_sizes=(5,), activation="tanh",
    ...                             random_state=0)
    >>> errors = check_gradients(model, X, y)
    >>> max(errors["coefs"] + errors["intercepts"]) < 1e-6
    True
    """
    layout, theta, loss_and_grad = _loss_function(estimator, X, y, sample_weight)
    _, analytic = loss_and_grad(theta)
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        saved = theta[j]
        theta[j] = saved + eps
        loss_plus, _ = loss_and_grad(theta)
        theta[j] = saved - eps
        loss_minus, _ = loss_and_grad(theta)
        theta[j] = saved
        numeric[j] = (loss_plus - loss_minus) / (2 * eps)

    def relative_error(a, n):
        scale = max(np.abs(a).max(), np.abs(n).max(), np.finfo(np.float64).tiny)
        return float(np.abs(a - n).max() / scale)

    W_a, b_a = layout.unpack(analytic)
    W_n, b_n = layout.unpack(numeric)
    return {
        "coefs": [relative_error(a, n) for a, n in zip(W_a, W_n, strict=True)],
        "intercepts": [relative_error(a, n) for a, n in zip(b_a, b_n, strict=True)],
    }
