"""The fused kernels (``skmanualnet._training._fast``) against the numpy functions they
replace.

Each kernel is run on the same inputs as the readable functions it stands for,
one step, and must agree within 1e-12 relative in float64 (the update and the
φ′ product agree bit for bit; exp, tanh and the column sums only up to
rounding) and within float32 rounding in float32. Then whole fits: the
accelerated and the reference fit give the same model.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning

from skmanualnet import CustomActivation, ManualMLPClassifier, config_context
from skmanualnet._estimators.base import training_problem
from skmanualnet._heads.losses import l2_penalty
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.network import (
    Network,
    batch_weights,
    bias_gradient,
    hidden_error,
    l2_gradient,
    loss_and_gradient,
)
from skmanualnet._nn.workspace import Workspace
from skmanualnet._training.optimizers import SGD, Adam

from ._data import make_task

pytest.importorskip("numba")  # the ``fast`` extra, installed by ``test``

# ruff: noqa: E402 (the kernels import numba: after the importorskip)
from skmanualnet._training._fast import FusedKernels, FusedTraining
from skmanualnet._training._fast import batch_pass as _pass
from skmanualnet._training._fast import heads as fused_heads
from skmanualnet._training._fast import layers as _layers
from skmanualnet._training._fast import training as _training
from skmanualnet._training._fast import update as _update

DTYPES = [np.float64, np.float32]


def relu_of(z):
    return np.maximum(z, 0)


def relu_prime_of(z):
    return (z > 0).astype(z.dtype)


def tol(dtype):
    """1e-12 relative in float64; a few hundred ulps of float32."""
    return 1e-12 if dtype == np.float64 else 2e-5


def assert_close(actual, desired, dtype):
    rtol = tol(dtype)
    scale = np.abs(desired).max() if np.size(desired) else 1.0
    assert_allclose(actual, desired, rtol=rtol, atol=rtol * scale)


# --- the update: L2 gradient + optimizer step ---------------------------------


def theta_and_grad(dtype, n_params=301, n_weights=257, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_params).astype(dtype)
    grad = rng.standard_normal(n_params).astype(dtype)
    return theta, grad, n_weights


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_of_squares_is_the_penalty_sum(dtype):
    theta, _, n_weights = theta_and_grad(dtype)
    scratch = np.empty(n_weights, dtype=dtype)
    expected = l2_penalty(theta[:n_weights], 2.0, 1.0, scratch)  # (2/2) Σ W²
    assert_close(_update.sum_of_squares(theta, n_weights), expected, dtype)


def take_step(optimizer, theta, grad, n_weights, fused, alpha=0.3, weight_sum=7.0):
    """One step: the fused kernel, or l2_gradient then the optimizer's step."""
    if fused:
        step = _training.STEPS[type(optimizer)]
        step(optimizer, theta, grad, n_weights, alpha / weight_sum)
    else:
        W, W_bar = theta[:n_weights], grad[:n_weights]
        l2_gradient(W_bar, W, alpha, weight_sum, np.empty_like(W))
        optimizer.step(theta, grad)


def stepped_sgd(dtype, momentum, nesterov, fused):
    theta, grad, n_weights = theta_and_grad(dtype)
    optimizer = SGD(theta.size, dtype, 0.05, "constant", momentum, nesterov, 0.5)
    optimizer.carried[:] = theta_and_grad(dtype, seed=1)[0]  # a live velocity
    take_step(optimizer, theta, grad, n_weights, fused)
    return theta, optimizer.carried


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "momentum, nesterov", [(0.9, True), (0.9, False), (0.0, False)]
)
def test_fused_sgd_step_is_l2_gradient_then_the_step(dtype, momentum, nesterov):
    theta, carried = stepped_sgd(dtype, momentum, nesterov, fused=True)
    expected_theta, expected_carried = stepped_sgd(dtype, momentum, nesterov, False)
    assert theta.dtype == dtype
    assert_close(theta, expected_theta, dtype)
    assert_close(carried, expected_carried, dtype)
    unchanged = theta_and_grad(dtype)[0]
    assert np.abs(theta - unchanged).max() > 1e-3  # a step was taken


def stepped_adam(dtype, fused, steps=3):
    theta, _, n_weights = theta_and_grad(dtype)
    optimizer = Adam(theta.size, dtype, 0.01, 0.8, 0.99, 1e-6)
    for step in range(steps):
        grad = theta_and_grad(dtype, seed=10 + step)[1]
        take_step(optimizer, theta, grad, n_weights, fused)
    return theta, optimizer


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_adam_step_is_l2_gradient_then_the_step(dtype):
    theta, optimizer = stepped_adam(dtype, fused=True)
    expected_theta, expected = stepped_adam(dtype, fused=False)
    assert_close(theta, expected_theta, dtype)
    assert_close(optimizer.m, expected.m, dtype)
    assert_close(optimizer.v, expected.v, dtype)
    assert optimizer.t == expected.t == 3
    assert optimizer.learning_rate == expected.learning_rate


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", [SGD, Adam])
def test_fused_step_returns_the_new_weights_sum_of_squares(solver, dtype):
    theta, grad, n_weights = theta_and_grad(dtype)
    if solver is SGD:
        optimizer = SGD(theta.size, dtype, 0.05, "constant", 0.9, True, 0.5)
    else:
        optimizer = Adam(theta.size, dtype, 0.01, 0.8, 0.99, 1e-6)
    total = _training.STEPS[solver](optimizer, theta, grad, n_weights, 0.1)
    expected = np.sum(theta[:n_weights].astype(np.float64) ** 2)
    assert total == pytest.approx(expected, rel=1e-12)


def test_adam_advance_is_the_bias_corrected_step_size():
    optimizer = Adam(3, np.float64, 0.01, 0.8, 0.99, 1e-6)
    for t in (1, 2):
        expected = 0.01 * np.sqrt(1 - 0.99**t) / (1 - 0.8**t)
        assert optimizer.advance() == pytest.approx(expected, rel=1e-15)
        assert optimizer.t == t


# --- a hidden layer: bias + φ forward, φ′ ⊙ ā and b̄ backward -------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(_layers.KERNELS))
def test_layer_kernels_are_bias_phi_and_phi_prime_product(name, dtype):
    rng = np.random.default_rng(2)
    z, b = rng.standard_normal((9, 6)).astype(dtype), rng.standard_normal(6)
    b = b.astype(dtype)
    forward, backward = _layers.KERNELS[name]
    activation = ACTIVATIONS[name]
    a = activation.phi(z + b, out=np.empty_like(z))
    forward(z, b)  # in place
    assert_close(z, a, dtype)
    a_bar = rng.standard_normal(a.shape).astype(dtype)
    phi_prime = activation.phi_prime(a, out=np.empty_like(a))
    z_bar = hidden_error(a_bar, phi_prime, out=np.empty_like(a))
    b_bar = np.full(6, np.nan, dtype=dtype)  # must be overwritten, not added to
    backward(a_bar, a, b_bar)  # Z̄ in place of Ā
    assert_close(a_bar, z_bar, dtype)
    assert_close(b_bar, bias_gradient(z_bar, out=np.empty(6, dtype)), dtype)


def test_every_activation_whose_derivative_reads_a_has_a_layer_kernel():
    """The kernels take φ′ off a; the layers whose φ′ reads z run the reference."""
    from_a = {n for n, a in ACTIVATIONS.items() if a.derivative_from == "a"}
    assert set(_layers.KERNELS) == from_a


def test_a_custom_activation_gets_no_kernel_and_builtins_keep_theirs():
    problem = problem_of("multiclass", ("relu", "gelu"), np.float64)
    kernels = FusedKernels.of(problem.network)
    assert kernels.forward == (_layers.relu_forward, None)
    assert kernels.backward == (_layers.relu_backward, None)
    custom = CustomActivation("my_relu", relu_of, relu_prime_of)
    network = problem_of("multiclass", (custom, "relu"), np.float64).network
    assert FusedKernels.of(network).forward == (None, _layers.relu_forward)


def test_relu_kernel_keeps_nan_as_numpy_does():
    z = np.array([[np.nan, -1.0, 2.0]])
    _layers.relu_forward(z, np.zeros(3))
    assert np.isnan(z[0, 0])
    assert z[0, 1:].tolist() == [0.0, 2.0]


# --- the output layer: bias, link, loss, z̄ᴸ, b̄ᴸ ------------------------------


def head_inputs(head, dtype, weighted, n_rows=11, n_out=4):
    rng = np.random.default_rng(3)
    z = (3 * rng.standard_normal((n_rows, n_out))).astype(dtype)
    b = rng.standard_normal(n_out).astype(dtype)
    if head.name == "softmax":
        T = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n_rows)]
    elif head.name == "logistic":
        T = (rng.random((n_rows, n_out)) < 0.5).astype(dtype)
    else:
        T = rng.standard_normal((n_rows, n_out)).astype(dtype)
    s = rng.uniform(0.2, 3.0, n_rows).astype(dtype) if weighted else None
    return z, b, T, s


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("head_class", list(fused_heads.KERNELS), ids=str)
def test_head_kernel_is_the_heads_loss_error_and_bias_sum(head_class, weighted, dtype):
    head = head_class()
    z, b, T, s = head_inputs(head, dtype, weighted)
    z_full = z + b
    w, _ = batch_weights(s, z.shape[0])
    loss, y = head.loss(z_full, T, w, np.empty_like(z), np.empty_like(z))
    z_bar = head.error(y, T, w, out=np.empty_like(z))
    w_rows, _ = _pass.row_weights(s, z.shape[0], dtype)
    got_z_bar, got_b_bar = np.empty_like(z), np.full(z.shape[1], np.nan, dtype)
    log_eps = np.log(np.finfo(dtype).eps).astype(dtype)
    kernel = fused_heads.KERNELS[head_class]
    got_loss = kernel(z.copy(), b, T, w_rows, log_eps, got_z_bar, got_b_bar)
    assert got_loss == pytest.approx(loss, rel=tol(dtype))
    assert_close(got_z_bar, z_bar, dtype)
    assert_close(got_b_bar, z_bar.sum(axis=0), dtype)


@pytest.mark.parametrize("head_class", list(fused_heads.KERNELS), ids=str)
def test_head_kernel_clips_the_loss_like_the_head(head_class):
    head = head_class()
    z, b, T, _ = head_inputs(head, np.float64, False)
    z *= 1e3  # probabilities that underflow: log y clipped at log ε
    w, _ = batch_weights(None, z.shape[0])
    loss, _ = head.loss(z + b, T, w, np.empty_like(z), np.empty_like(z))
    w_rows, _ = _pass.row_weights(None, z.shape[0], np.float64)
    out = np.empty_like(z), np.empty(z.shape[1])
    got = fused_heads.KERNELS[head_class](z, b, T, w_rows, np.log(2.0**-52), *out)
    assert np.isfinite(got)
    assert got == pytest.approx(loss, rel=1e-12)


# --- the whole pass and the whole step ------------------------------------------


def problem_of(task, activation, dtype, weighted=False, hidden=(6, 5), alpha=0.3):
    X, y = make_task(task, n_samples=40, n_features=5, seed=4)
    X = X.astype(dtype)
    s = np.random.RandomState(5).uniform(0.2, 3, len(y)) if weighted else None
    model = ManualMLPClassifier(hidden, activation=activation, alpha=alpha,
                                random_state=0)  # fmt: skip
    return training_problem(model, X, y, sample_weight=s)


def both_passes(problem, kernels=None):
    network, theta, X = problem.network, problem.theta, problem.X
    T, s = problem.T.astype(theta.dtype), problem.sample_weight
    ws = Workspace.for_network(network, X.shape[0], theta.dtype)
    grad = np.empty_like(theta)
    loss = loss_and_gradient(theta, grad, network, X, T, s, ws)
    fused_grad = np.empty_like(theta)
    kernels = kernels or FusedKernels.of(network)
    fused_loss, weight_sum = _pass.loss_and_gradient(
        theta, fused_grad, network, X, T, s, ws, kernels
    )
    W, W_bar = network.layout.weights(theta), network.layout.weights(fused_grad)
    l2_gradient(W_bar, W, network.alpha, weight_sum, np.empty_like(W))
    return (loss, grad), (fused_loss, fused_grad)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "task, activation",
    [("multiclass", "relu"), ("binary", "tanh"), ("multilabel", "logistic"),
     ("multiclass", "identity"), ("multiclass", ("gelu", "elu")),
     ("binary", ("leaky_relu", "mish")), ("multilabel", ("silu", "softplus"))],
)  # fmt: skip
def test_fused_pass_is_loss_and_gradient(task, activation, weighted, dtype):
    problem = problem_of(task, activation, dtype, weighted)
    (loss, grad), (fused_loss, fused_grad) = both_passes(problem)
    assert fused_loss == pytest.approx(loss, rel=tol(dtype))
    assert_close(fused_grad, grad, dtype)


def test_fused_pass_without_kernels_runs_the_reference_pieces():
    """A layer or head with no kernel (one added later) falls back, layer by layer."""
    problem = problem_of("multiclass", "tanh", np.float64, weighted=True)
    no_kernels = FusedKernels(forward=(None, None), backward=(None, None), head=None)
    (loss, grad), (fused_loss, fused_grad) = both_passes(problem, no_kernels)
    assert fused_loss == pytest.approx(loss, rel=1e-12)
    assert_close(fused_grad, grad, np.float64)


def test_fused_pass_takes_sparse_input():
    problem = problem_of("multiclass", "relu", np.float64)
    X = problem.X.copy()
    X[np.abs(X) < 1] = 0
    problem.X = sparse.csr_matrix(X)
    (loss, grad), (fused_loss, fused_grad) = both_passes(problem)
    assert fused_loss == pytest.approx(loss, rel=1e-12)
    assert_close(fused_grad, grad, np.float64)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_fused_training_step_is_the_reference_step(solver):
    problem = problem_of("multiclass", "relu", np.float64, weighted=True)
    network, X = problem.network, problem.X
    T, s = problem.T.astype(X.dtype), problem.sample_weight
    ws = Workspace.for_network(network, X.shape[0], X.dtype)
    results = []
    for fused in (False, True):
        theta, grad = problem.theta.copy(), np.empty_like(problem.theta)
        params = dict(solver=solver, learning_rate="constant", momentum=0.9,
                      nesterovs_momentum=True, power_t=0.5, beta_1=0.9,
                      beta_2=0.999, epsilon=1e-8)  # fmt: skip
        from skmanualnet._training.optimizers import make_optimizer

        optimizer = make_optimizer(params, theta, 0.1)
        if fused:
            training = FusedTraining(network, optimizer)
        else:
            from skmanualnet._training.accelerate import ReferenceTraining

            training = ReferenceTraining(network, optimizer)
        losses = []
        for _ in range(3):
            losses.append(training.loss_and_gradient(theta, grad, X, T, s, ws))
            training.step(theta, grad)
        results.append((losses, theta))
    (losses, theta), (fused_losses, fused_theta) = results
    assert_allclose(fused_losses, losses, rtol=1e-12)
    assert_close(fused_theta, theta, np.float64)
    assert np.abs(theta - problem.theta).max() > 1e-3


def test_fused_training_recomputes_the_penalty_at_each_epoch_start():
    """θ changed between epochs (a callback may): the carried ‖W‖² is dropped."""
    problem = problem_of("multiclass", "relu", np.float64)
    network, X, T = problem.network, problem.X, problem.T.astype(np.float64)
    ws = Workspace.for_network(network, X.shape[0], X.dtype)
    theta, grad = problem.theta.copy(), np.empty_like(problem.theta)
    optimizer = SGD(theta.size, theta.dtype, 0.1, "constant", 0.9, True, 0.5)
    training = FusedTraining(network, optimizer)
    training.start_epoch()
    training.loss_and_gradient(theta, grad, X, T, None, ws)
    training.step(theta, grad)
    theta *= 2.0  # between epochs
    training.start_epoch()
    loss = training.loss_and_gradient(theta, grad, X, T, None, ws)
    expected = loss_and_gradient(theta, np.empty_like(grad), network, X, T, None, ws)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_fused_training_falls_back_for_an_optimizer_without_a_kernel():
    problem = problem_of("binary", "relu", np.float64)
    network, X, T = problem.network, problem.X, problem.T.astype(np.float64)
    ws = Workspace.for_network(network, X.shape[0], X.dtype)
    thetas = []
    for fused_step in (False, True):
        theta, grad = problem.theta.copy(), np.empty_like(problem.theta)
        optimizer = SGD(theta.size, theta.dtype, 0.1, "constant", 0.9, True, 0.5)
        training = FusedTraining(network, optimizer, fused_step=fused_step)
        for _ in range(2):  # the second loss needs ‖W‖² after a reference step
            training.loss_and_gradient(theta, grad, X, T, None, ws)
            training.step(theta, grad)
        thetas.append(theta)
    assert_close(thetas[0], thetas[1], np.float64)
    assert np.abs(thetas[0] - problem.theta).max() > 1e-3


# --- whole fits: accelerated and reference give the same model -----------------

FITS = {
    "sgd-nesterov": ("multiclass", {}, {}),
    "sgd-momentum-tanh": (
        "binary",
        dict(nesterovs_momentum=False, activation="tanh"),
        {},
    ),
    "adam-multilabel": ("multilabel", dict(solver="adam"), {}),
    "weighted-logistic": ("binary", dict(activation="logistic"), dict(weighted=1)),
    "float32": ("multiclass", dict(hidden_layer_sizes=(6, 5)), dict(float32=1)),
    "sparse": ("multiclass", {}, dict(sparse=1)),
    "per-layer-gelu-elu": (
        "multiclass",
        dict(hidden_layer_sizes=(6, 5), activation=("gelu", "elu")),
        {},
    ),
    "float32-mish-softplus": (
        "binary",
        dict(hidden_layer_sizes=(6, 5), activation=["mish", "softplus"]),
        dict(float32=1),
    ),
    "sparse-silu-leaky": (
        "multiclass",
        dict(
            hidden_layer_sizes=(6, 5), activation=("silu", "leaky_relu"), solver="adam"
        ),
        dict(sparse=1),
    ),
    "early-stopping": ("multiclass", dict(early_stopping=True), {}),
    "mean-batch-penalty-weighted": (
        "multiclass",
        dict(penalty_scaling="mean_batch", alpha=0.5),
        dict(weighted=1),
    ),
    "label-smoothing": ("multiclass", dict(label_smoothing=0.2), {}),
    "label-smoothing-multilabel": ("multilabel", dict(label_smoothing=0.1), {}),
    "weight-decay-cosine-sgd": (
        "binary",
        dict(weight_decay=0.3, learning_rate="cosine"),
        {},
    ),
    "weight-decay-flat-cosine-adam": (
        "multiclass",
        dict(solver="adam", weight_decay=0.3, learning_rate="flat_cosine"),
        dict(float32=1),
    ),
    "cosine-restarts-early-stopping": (
        "multiclass",
        dict(learning_rate="cosine_restarts", early_stopping=True),
        {},
    ),
}


def fit(task, params, options, accelerate):
    X, y = make_task(task, n_samples=90, n_features=5, seed=3)
    if options.get("float32"):
        X = X.astype(np.float32)
    if options.get("sparse"):
        X[np.abs(X) < 0.8] = 0
        X = sparse.csr_matrix(X)
    s = (
        np.random.RandomState(5).uniform(0.2, 3, len(y))
        if "weighted" in options
        else None
    )
    params = {**dict(hidden_layer_sizes=(7,), batch_size=16, max_iter=15,
                     random_state=0, alpha=1e-3), **params}  # fmt: skip
    with config_context(accelerate=accelerate), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ManualMLPClassifier(**params).fit(X, y, sample_weight=s)


@pytest.mark.parametrize("name", sorted(FITS))
def test_accelerated_fit_is_the_reference_fit(name):
    task, params, options = FITS[name]
    fused, reference = (fit(task, params, options, flag) for flag in (True, False))
    rtol = 1e-5 if options.get("float32") else 1e-9
    for a, b in zip(
        fused.coefs_ + fused.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert a.dtype == b.dtype
        assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    assert_allclose(fused.loss_curve_, reference.loss_curve_, rtol=rtol)
    assert fused.n_iter_ == reference.n_iter_


def test_network_dataclass_is_what_the_pass_reads():
    """The fused pass reads the same Network fields as the reference."""
    assert set(Network.__dataclass_fields__) == {
        "layout",
        "activations",
        "head",
        "alpha",
        "penalty_weight_sum",
    }
