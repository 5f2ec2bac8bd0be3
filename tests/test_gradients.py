"""Gradients: finite differences, the Jacobian path, and the loop-based oracle."""

import dataclasses

import numpy as np
import pytest
import scipy.special
from numpy.testing import assert_allclose
from scipy.special import ndtr

from skmanualnet import ManualMLPClassifier, check_gradients
from skmanualnet._heads.heads import HEADS
from skmanualnet._heads.losses import (
    cross_entropy_y_bar,
    jacobian_vector_product,
    output_error,
    sigmoid_derivative,
    sigmoid_y_bar,
    softmax,
    softmax_jacobian,
    softmax_with_log,
)
from skmanualnet._inspection.reference import reference_gradients
from skmanualnet._nn.activations import ACTIVATIONS as REGISTRY
from skmanualnet._nn.network import Network, ParameterLayout, loss_and_gradient
from skmanualnet._nn.workspace import Workspace

from ._data import TASKS, make_task

ACTIVATIONS = sorted(REGISTRY)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_check_gradients_matches_finite_differences(activation, task, alpha, weighted):
    X, y = make_task(task, n_samples=12)
    sw = np.random.RandomState(1).uniform(0.2, 3, size=len(X)) if weighted else None
    model = ManualMLPClassifier(
        (5, 4), activation=activation, alpha=alpha, random_state=0
    )
    errors = check_gradients(model, X, y, sample_weight=sw)
    assert len(errors["coefs"]) == len(errors["intercepts"]) == 3
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6, errors


def test_check_gradients_on_a_fitted_model_detects_a_wrong_gradient(monkeypatch):
    X, y = make_task("multiclass", n_samples=15)
    model = ManualMLPClassifier((4,), activation="tanh", max_iter=5, random_state=0)
    model.fit(X, y)
    assert max(sum(check_gradients(model, X, y).values(), [])) < 1e-6
    # a plausible bug (forgetting 1/Σs in the penalty gradient) must be caught
    import skmanualnet._nn.network as network

    monkeypatch.setattr(
        network,
        "l2_gradient",
        lambda g, W, alpha, weight_sum, scratch: g.__iadd__(alpha * W),
    )
    model.set_params(alpha=1.0)
    assert max(check_gradients(model, X, y)["coefs"]) > 1e-3


def _random_probabilities(rng, B, K, sharpness):
    return softmax(sharpness * rng.standard_normal((B, K)), out=np.empty((B, K)))


@pytest.mark.parametrize("sharpness", [1.0, 8.0, 25.0])
def test_fused_softmax_error_equals_jacobian_path(sharpness):
    """z̄ = Jᵀȳ with J = diag(y) − yyᵀ and ȳ = −t/y collapses to w (y − t)."""
    rng = np.random.RandomState(0)
    B, K = 50, 6
    y = _random_probabilities(rng, B, K, sharpness)  # 25: near one-hot rows
    T = np.eye(K)[rng.randint(K, size=B)]
    w = rng.uniform(0.1, 1, size=(B, 1))
    J = softmax_jacobian(y)
    assert_allclose(J[0], np.diag(y[0]) - np.outer(y[0], y[0]), rtol=0, atol=1e-15)
    z_bar_jacobian = jacobian_vector_product(J, cross_entropy_y_bar(y, T, w))
    z_bar_fused = output_error(y, T, w, out=np.empty((B, K)))
    assert_allclose(z_bar_fused, z_bar_jacobian, rtol=0, atol=1e-10)


def test_fused_sigmoid_error_equals_chain_rule():
    rng = np.random.RandomState(0)
    y = 1 / (1 + np.exp(-3 * rng.standard_normal((40, 3))))
    T = (rng.rand(40, 3) < 0.5).astype(float)
    w = 1 / 40
    z_bar_chain = sigmoid_derivative(y) * sigmoid_y_bar(y, T, w)
    assert_allclose(
        output_error(y, T, w, out=np.empty_like(y)), z_bar_chain, atol=1e-12
    )


def test_softmax_jacobian_matches_finite_differences():
    rng = np.random.RandomState(0)
    z = rng.standard_normal(5)
    eps = 1e-6
    numeric = np.empty((5, 5))
    for j in range(5):
        dz = np.zeros(5)
        dz[j] = eps
        up = softmax((z + dz)[None], out=np.empty((1, 5)))[0]
        down = softmax((z - dz)[None], out=np.empty((1, 5)))[0]
        numeric[:, j] = (up - down) / (2 * eps)  # ∂yᵢ/∂zⱼ
    J = softmax_jacobian(softmax(z[None], out=np.empty((1, 5))))[0]
    assert_allclose(J, numeric, atol=1e-9)


def test_backward_leaves_the_activations_intact_and_keeps_phi_prime():
    """z̄ˡ = āˡ ⊙ φ′ with φ′ in its own buffer: aˡ is still there to be read."""
    rng = np.random.RandomState(0)
    layer_units = [3, 5, 4, 2]
    X, T = rng.standard_normal((6, 3)), np.eye(2)[rng.randint(2, size=6)]
    layout = ParameterLayout(layer_units)
    theta = layout.pack(*_random_network(rng, layer_units), np.float64)
    tanh = REGISTRY["tanh"]
    network = Network(layout, (tanh, tanh), HEADS["logistic"], 0.0)
    ws = Workspace(layer_units, 6, np.float64)
    loss_and_gradient(theta, np.empty_like(theta), network, X, T, None, ws)
    passes = ws.rows(6)
    coefs, intercepts = layout.unpack(theta)
    a1 = np.tanh(X @ coefs[0] + intercepts[0])
    a2 = np.tanh(a1 @ coefs[1] + intercepts[1])
    assert_allclose(passes.a[0], a1, rtol=1e-12)
    assert_allclose(passes.a[1], a2, rtol=1e-12)
    assert_allclose(passes.phi_prime[1], 1 - a2**2, rtol=1e-12)
    assert_allclose(passes.phi_prime[0], 1 - a1**2, rtol=1e-12)


def test_softmax_and_its_log_are_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [-1e300, 0.0, 1e300]])
    y, log_y = softmax_with_log(z.copy(), np.empty_like(z), np.empty_like(z))
    assert np.isfinite(log_y).all()
    assert_allclose(log_y, [[0.0, -1000.0, -2000.0], [-2e300, -1e300, 0.0]])
    assert_allclose(y, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


@pytest.mark.parametrize("K", [3, 32, 33, 64])  # both sides of row_max's switch
def test_softmax_with_log_matches_scipy_for_widely_spread_logits(K):
    z = np.random.default_rng(K).standard_normal((7, K)) * 400  # exp(z) overflows
    y, log_y = softmax_with_log(z.copy(), np.empty_like(z), np.empty_like(z))
    assert_allclose(log_y, scipy.special.log_softmax(z, axis=1), rtol=1e-12)
    assert_allclose(y, scipy.special.softmax(z, axis=1), rtol=1e-9, atol=1e-300)


def _random_network(rng, layer_units):
    coefs = [
        rng.standard_normal((a, b)) * 0.7
        for a, b in zip(layer_units[:-1], layer_units[1:], strict=True)
    ]
    intercepts = [rng.standard_normal(b) * 0.3 for b in layer_units[1:]]
    return coefs, intercepts


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", [(4,), (5, 3), (4, 3, 5)])
@pytest.mark.parametrize(
    "out_activation,K", [("softmax", 3), ("logistic", 1), ("logistic", 2)]
)
def test_vectorised_backprop_equals_loop_reference(
    activation, hidden, out_activation, K
):
    rng = np.random.RandomState(len(hidden) * 7 + K)
    B, d = 7, 3
    layer_units = [d, *hidden, K]
    X = rng.standard_normal((B, d))
    if out_activation == "softmax":
        T = np.eye(K)[rng.randint(K, size=B)]
    else:
        T = (rng.rand(B, K) < 0.5).astype(float)
    sw = rng.uniform(0.1, 2.0, size=B)
    alpha = 0.7
    coefs, intercepts = _random_network(rng, layer_units)

    layout = ParameterLayout(layer_units)
    theta = layout.pack(coefs, intercepts, np.float64)
    grad = np.empty_like(theta)
    activations = (REGISTRY[activation],) * len(hidden)
    network = Network(layout, activations, HEADS[out_activation], alpha)
    ws = Workspace.for_network(network, B, np.float64)
    loss_and_gradient(theta, grad, network, X, T, sw, ws)
    W_bars, b_bars = layout.unpack(grad)

    W_ref, b_ref = reference_gradients(
        X, T, sw, coefs, intercepts, activation, out_activation, alpha
    )
    for l in range(len(coefs)):
        assert_allclose(W_bars[l], W_ref[l], rtol=1e-12, atol=1e-12)
        assert_allclose(b_bars[l], b_ref[l], rtol=1e-12, atol=1e-12)


#: per-layer combinations: z-based φ′ next to a-based, in every position
LAYER_COMBINATIONS = [
    ("gelu", "relu", "mish"),
    ("relu", "silu", "elu"),
    ("softplus", "leaky_relu", "gelu"),
    ("mish", "silu", "tanh"),
    ("logistic", "elu", "identity"),
]


@pytest.mark.parametrize("activations", LAYER_COMBINATIONS, ids="-".join)
def test_per_layer_backprop_equals_loop_reference(activations):
    rng = np.random.RandomState(3)
    B, layer_units = 6, [3, 4, 5, 3, 3]
    X, T = rng.standard_normal((B, 3)), np.eye(3)[rng.randint(3, size=B)]
    coefs, intercepts = _random_network(rng, layer_units)
    layout = ParameterLayout(layer_units)
    theta = layout.pack(coefs, intercepts, np.float64)
    grad = np.empty_like(theta)
    network = Network(
        layout, tuple(REGISTRY[a] for a in activations), HEADS["softmax"], 0.2
    )
    ws = Workspace.for_network(network, B, np.float64)
    loss_and_gradient(theta, grad, network, X, T, None, ws)
    W_ref, b_ref = reference_gradients(
        X, T, None, coefs, intercepts, activations, "softmax", 0.2
    )
    for got, ref in zip(sum(layout.unpack(grad), []), W_ref + b_ref, strict=True):
        assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activations", LAYER_COMBINATIONS, ids="-".join)
@pytest.mark.parametrize("task", ["multiclass", "binary"])
def test_check_gradients_per_layer_activations(activations, task):
    X, y = make_task(task, n_samples=12)
    model = ManualMLPClassifier((5, 4, 3), activation=activations, alpha=0.3,
                                random_state=0)  # fmt: skip
    errors = check_gradients(model, X, y)
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6, errors


def test_check_gradients_catches_a_planted_wrong_derivative(monkeypatch):
    """gelu′ without its z ϕ(z) term (Φ alone): backprop no longer matches."""
    X, y = make_task("multiclass", n_samples=12)
    model = ManualMLPClassifier((5, 4), activation=("gelu", "relu"), random_state=0)
    assert max(sum(check_gradients(model, X, y).values(), [])) < 1e-6
    gelu = REGISTRY["gelu"]
    wrong = dataclasses.replace(gelu, phi_prime=lambda z, out: ndtr(z, out=out))
    monkeypatch.setitem(REGISTRY, "gelu", wrong)
    assert max(check_gradients(model, X, y)["coefs"]) > 1e-3


def test_the_loop_reference_knows_every_activation_and_refuses_others():
    from skmanualnet._inspection.reference import ONE_UNIT
    from skmanualnet._nn.activations import ACTIVATIONS

    assert set(ONE_UNIT) == set(ACTIVATIONS)
    X, T = np.ones((2, 2)), np.eye(2)
    coefs, intercepts = [np.ones((2, 2)), np.ones((2, 2))], [np.zeros(2)] * 2
    with pytest.raises(ValueError, match="no activation 'swish'"):
        reference_gradients(X, T, None, coefs, intercepts, "swish", "softmax", 0.0)
