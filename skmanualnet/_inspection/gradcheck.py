"""Finite-difference check of the analytic gradients (public: ``check_gradients``)."""

import numpy as np

from .._estimators.activation_param import check_derivative, custom_activations
from .._training.caller_warnings import warn
from .gradcheck_kinks import loss_and_signs
from .gradcheck_report import (
    GradientCheck,
    group_error,
    kink_message,
    relative_error,
)
from .inspected import inspected_problem


def check_gradients(estimator, X, y, sample_weight=None, eps=1e-6, classes=None):
    """Compare back-propagated gradients with central finite differences.

    For every parameter θⱼ, the numerical gradient is
    ``(L(θ + ε eⱼ) − L(θ − ε eⱼ)) / (2ε)`` on the full data (X, y), in float64,
    for the loss the estimator trains on (class weights included). The error
    of a layer is ``max |g_backprop − g_numeric| / max(|g_backprop|,
    |g_numeric|)`` over that layer's weights (or biases), and over each
    parameter group of the other layers (γ, β, embeddings …): a relative error
    robust to entries that are near zero. In float64 it is judged by bands:
    below 1e-7 fine (back-propagation agrees with the differences to their
    own accuracy), above 1e-4 wrong (a bug), doubtful in between.

    Where the step crosses a kink of relu or leaky relu (some pre-activation
    has one sign at θ + εeⱼ and the other at θ − εeⱼ), the difference averages
    the slopes on both sides while back-propagation takes one: that error is
    not a bug. Such parameters are counted, left out of the verdicts, and
    named in a ``UserWarning``.

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
        ``print(errors)`` shows the report, one line per layer and parameter
        group with its verdict; ``errors.groups`` holds it (each group's
        error, its error without the kinked entries, their number), and
        ``errors.n_kinks`` counts the steps that crossed a kink.

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
    >>> [group.verdict for group in errors.groups]
    ['fine', 'fine', 'fine', 'fine']
    >>> print(errors)  # doctest: +ELLIPSIS
    Gradient check (float64 relative error: < 1e-07 fine, ... > 0.0001 wrong)
      layer group  ... verdict
      1     W1     ... fine
    ...
    """
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite step, got {eps!r}.")
    model, problem = inspected_problem(estimator, X, y, sample_weight, classes)
    for custom in custom_activations(model.activation):
        check_derivative(custom)
    problem = problem.in_dtype(np.float64)
    analytic, numeric, kinked = finite_differences(problem, eps)
    check = gradient_check(problem.network, analytic, numeric, kinked)
    if check.n_kinks:
        warn(kink_message(check, eps), UserWarning)
    return check


def finite_differences(problem, eps):
    """(∇L by back-propagation, by central differences, and whether each
    θⱼ's step crossed a kink: some relu pre-activation has one sign at
    θ + εeⱼ and the other at θ − εeⱼ)."""
    evaluate = loss_and_signs(problem)
    theta = problem.theta
    analytic = evaluate(theta)[1].copy()
    numeric, kinked = np.empty_like(theta), np.zeros(theta.size, dtype=bool)
    for j in range(theta.size):
        saved = theta[j]
        theta[j] = saved + eps
        loss_plus, _, signs_plus = evaluate(theta)
        theta[j] = saved - eps
        loss_minus, _, signs_minus = evaluate(theta)
        theta[j] = saved
        numeric[j] = (loss_plus - loss_minus) / (2 * eps)
        kinked[j] = np.any(signs_plus != signs_minus)
    return analytic, numeric, kinked


def _groups(network, vector):
    """[(layer k from 1, group name, values)] of a vector shaped like θ: Wˡ
    and bˡ of the dense network, or each layer's parameters by name."""
    if not hasattr(network, "layers"):
        coefs, intercepts = network.layout.unpack(vector)
        return [
            (l, f"{name}{l}", values)
            for l, (W, b) in enumerate(zip(coefs, intercepts, strict=True), start=1)
            for name, values in (("W", W), ("b", b))
        ]
    return [
        (k, f"{layer.name}.{name}", values)
        for k, (layer, params) in enumerate(
            zip(network.layers, network.layout.unpack_layers(vector), strict=True),
            start=1,
        )
        for name, values in params.items()
    ]


def gradient_check(network, analytic, numeric, kinked):
    """The :class:`GradientCheck` of the three vectors: the errors by
    scikit-learn's names (``coefs``, ``intercepts``), the other layers' by
    ``"k name.parameter"``, and every group's :class:`GroupError`."""
    layout = network.layout
    W_a, b_a = layout.unpack(analytic)
    W_n, b_n = layout.unpack(numeric)
    errors = {
        "coefs": [relative_error(a, n) for a, n in zip(W_a, W_n, strict=True)],
        "intercepts": [relative_error(a, n) for a, n in zip(b_a, b_n, strict=True)],
    }
    groups = [
        group_error(k, name, a, n, kink > 0)
        for (k, name, a), (_, _, n), (_, _, kink) in zip(
            _groups(network, analytic), _groups(network, numeric),
            _groups(network, kinked.astype(float)), strict=True,
        )
    ]  # fmt: skip
    if hasattr(network, "layers"):  # the other layers' parameters
        errors["layers"] = {
            f"{g.layer} {g.name}": g.error
            for g in groups
            if not g.name.startswith("dense.")
        }
    return GradientCheck(errors, groups)
