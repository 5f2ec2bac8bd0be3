"""Finite-difference check of the analytic gradients (public: ``check_gradients``)."""

import numpy as np

from .._estimators.activation_param import check_derivative, custom_activations
from .._training.problem import full_batch_loss
from .inspected import inspected_problem


def check_gradients(estimator, X, y, sample_weight=None, eps=1e-6, classes=None):
    """Compare back-propagated gradients with central finite differences.

    For every parameter θⱼ, the numerical gradient is
    ``(L(θ + ε eⱼ) − L(θ − ε eⱼ)) / (2ε)`` on the full data (X, y), in float64,
    for the loss the estimator trains on (class weights included). The error
    of a layer is ``max |g_backprop − g_numeric| / max(|g_backprop|,
    |g_numeric|)`` over that layer's weights (or biases): a relative error
    robust to entries that are near zero.

    A :class:`~skmanualnet.CustomActivation` is checked first, on its own: its
    φ′ against central differences of its φ at points from −3.95 to 4.05
    (none within 0.05 of an integer, where kinks usually sit).

    Parameters
    ----------
    estimator : ManualMLPClassifier or Pipeline
        A fitted estimator (its weights are checked), or an unfitted one (the
        weights its ``random_state`` initialises are checked); or a pipeline
        ending in one, whose other steps transform X.
    X : array-like of shape (n_samples, n_features)
        Data; keep it small, the check costs two loss evaluations per parameter.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    eps : float, default=1e-6
        Finite-difference step ε, positive.
    classes : array-like, default=None
        All classes, for an unfitted classifier and y that lacks some.

    Returns
    -------
    errors : dict
        ``{"coefs": [error of W¹, …], "intercepts": [error of b¹, …]}``; with
        layer options, also ``"layers"``: the error of every other layer's
        parameters, by ``"k name.parameter"`` (``"2 batch_norm.gamma"``).

    Raises
    ------
    ValueError
        When the φ′ of a CustomActivation disagrees with its φ.

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
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite step, got {eps!r}.")
    model, problem = inspected_problem(estimator, X, y, sample_weight, classes)
    for custom in custom_activations(model.activation):
        check_derivative(custom)
    problem = problem.in_dtype(np.float64)
    loss_and_grad = full_batch_loss(problem, clip=False)
    theta, layout = problem.theta, problem.network.layout
    analytic = loss_and_grad(theta)[1].copy()
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        saved = theta[j]
        theta[j] = saved + eps
        loss_plus, _ = loss_and_grad(theta)
        theta[j] = saved - eps
        loss_minus, _ = loss_and_grad(theta)
        theta[j] = saved
        numeric[j] = (loss_plus - loss_minus) / (2 * eps)

    W_a, b_a = layout.unpack(analytic)
    W_n, b_n = layout.unpack(numeric)
    errors = {
        "coefs": [_relative_error(a, n) for a, n in zip(W_a, W_n, strict=True)],
        "intercepts": [_relative_error(a, n) for a, n in zip(b_a, b_n, strict=True)],
    }
    if hasattr(problem.network, "layers"):  # the other layers' parameters
        errors["layers"] = _layer_errors(problem.network, analytic, numeric)
    return errors


def _layer_errors(network, analytic, numeric):
    """{"k name.parameter": error} for the parameters of the layers other
    than the dense ones (k: the layer's place in the sequence, from 1)."""
    unpack = network.layout.unpack_layers
    return {
        f"{k} {layer.name}.{name}": _relative_error(a, numeric_params[name])
        for k, (layer, analytic_params, numeric_params) in enumerate(
            zip(network.layers, unpack(analytic), unpack(numeric), strict=True),
            start=1,
        )
        if layer.name != "dense"
        for name, a in analytic_params.items()
    }


def _relative_error(analytic, numeric):
    """max |a − n| / max(|a|, |n|) over one layer's parameters."""
    scale = max(np.abs(analytic).max(), np.abs(numeric).max(), np.finfo(float).tiny)
    return float(np.abs(analytic - numeric).max() / scale)
