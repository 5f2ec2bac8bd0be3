"""What is particular to batch normalisation: the batch's statistics in
training, the running ones at predict, the two backward passes, one row."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet._nn.batch_norm import (
    BatchNorm,
    input_error_closed_form,
    input_error_through_graph,
)
from skmanualnet._nn.layer import PREDICT, Context

TRAIN = Context(training=True)
EPSILON = 1e-5
GAMMA = np.array([2.0, 0.5, -1.5])
BETA = np.array([0.3, -1.0, 2.0])


def _batch(rng, n_rows, dtype=np.float64):
    x = rng.standard_normal((n_rows, 3)) * [1.0, 3.0, 0.5] + [0.0, -2.0, 4.0]
    return x.astype(dtype)


def _params(dtype=np.float64):
    return {"gamma": GAMMA.astype(dtype), "beta": BETA.astype(dtype)}


def _grads(dtype=np.float64):
    return {"gamma": np.zeros(3, dtype), "beta": np.zeros(3, dtype)}


def test_training_output_has_mean_beta_and_std_gamma():
    x = _batch(np.random.RandomState(0), 8)
    layer = BatchNorm(3)
    out, _ = layer.forward(x, _params(), layer.initial_state(x.dtype), TRAIN)
    var = x.var(axis=0)  # biased: x̂ divides by the batch's own σ²_B
    assert_allclose(out.mean(axis=0), BETA, rtol=0, atol=1e-12)
    assert_allclose(
        out.std(axis=0), abs(GAMMA) * np.sqrt(var / (var + EPSILON)), rtol=1e-12
    )


def test_running_statistics_move_toward_the_batch_by_the_momentum():
    rng = np.random.RandomState(1)
    x1, x2 = _batch(rng, 5), _batch(rng, 7)
    layer = BatchNorm(3)
    state = layer.initial_state(np.float64)
    running_mean, running_var = state["running_mean"], state["running_var"]
    layer.forward(x1, _params(), state, TRAIN)
    mean1 = 0.9 * 0.0 + 0.1 * x1.mean(axis=0)
    var1 = 0.9 * 1.0 + 0.1 * x1.var(axis=0)
    assert_allclose(state["running_mean"], mean1, rtol=1e-14)
    assert_allclose(state["running_var"], var1, rtol=1e-14)
    layer.forward(x2, _params(), state, TRAIN)
    assert_allclose(
        state["running_mean"], 0.9 * mean1 + 0.1 * x2.mean(axis=0), rtol=1e-14
    )
    assert_allclose(state["running_var"], 0.9 * var1 + 0.1 * x2.var(axis=0), rtol=1e-14)
    # updated in place: the network's state holds the same arrays
    assert state["running_mean"] is running_mean
    assert state["running_var"] is running_var


def test_predict_uses_the_running_statistics():
    layer = BatchNorm(3)
    state = {
        "running_mean": np.array([1.0, -2.0, 0.5]),
        "running_var": np.array([4.0, 0.25, 1.0]),
    }
    before = {k: v.copy() for k, v in state.items()}
    x = np.array([[0.7, -1.0, 3.0]])  # one row: its own statistics are μ = x, σ² = 0
    out, _ = layer.forward(x, _params(), state, PREDICT)
    expected = (
        GAMMA * (x - state["running_mean"]) / np.sqrt(state["running_var"] + EPSILON)
        + BETA
    )
    assert_allclose(out, expected, rtol=1e-14)
    for name, value in before.items():
        assert_array_equal(state[name], value)


def test_one_row_in_training_is_refused_with_the_batch_size():
    layer = BatchNorm(3)
    x = np.ones((1, 3))
    with pytest.raises(ValueError, match="at least 2 rows per batch in training"):
        layer.forward(x, _params(), layer.initial_state(x.dtype), TRAIN)
    with pytest.raises(ValueError, match=r"batch of 1 row.*batch_size"):
        layer.forward(x, _params(), layer.initial_state(x.dtype), TRAIN)


def test_a_constant_unit_gives_finite_output_and_gradients():
    x = _batch(np.random.RandomState(2), 6)
    x[:, 1] = 3.0  # σ²_B = 0: σ = √ε
    layer = BatchNorm(3)
    state = layer.initial_state(x.dtype)
    out, cache = layer.forward(x, _params(), state, TRAIN)
    assert_array_equal(out[:, 1], BETA[1])  # x̂ = 0
    grads = _grads()
    a_bar = np.random.RandomState(3).standard_normal(out.shape)
    x_bar = layer.backward(a_bar, cache, _params(), grads)
    for array in (out, x_bar, grads["gamma"], grads["beta"], *state.values()):
        assert np.all(np.isfinite(array))


def test_float32_stays_float32_and_so_do_the_running_statistics():
    x = _batch(np.random.RandomState(4), 6, np.float32)
    layer = BatchNorm(3)
    state = layer.initial_state(np.float32)
    for context in (TRAIN, PREDICT):
        out, cache = layer.forward(x, _params(np.float32), state, context)
        grads = _grads(np.float32)
        x_bar = layer.backward(np.ones_like(out), cache, _params(np.float32), grads)
        arrays = [out, x_bar, *cache.values(), *grads.values(), *state.values()]
        assert {a.dtype for a in arrays} == {np.dtype(np.float32)}


def _training_pass(x, seed=5):
    layer = BatchNorm(3)
    out, cache = layer.forward(x, _params(), layer.initial_state(x.dtype), TRAIN)
    a_bar = np.random.RandomState(seed).standard_normal(out.shape)
    return layer, cache, a_bar, GAMMA * a_bar


def test_closed_form_equals_the_step_by_step_graph():
    x = _batch(np.random.RandomState(6), 6)
    _, cache, _, x_hat_bar = _training_pass(x)
    closed = input_error_closed_form(x_hat_bar, cache["x_hat"], cache["sigma"])
    graph = input_error_through_graph(
        x_hat_bar, cache["x"], cache["mu"], cache["sigma"]
    )
    assert_allclose(closed, graph, rtol=1e-12)


def _directional_error(x, x_bar, loss, n_directions=4, eps=1e-6):
    """max over random directions v of |⟨x̄, v⟩ − (ℓ(x + εv) − ℓ(x − εv))/2ε|,
    relative."""
    rng = np.random.RandomState(8)
    errors = []
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        numeric = (loss(x + eps * v) - loss(x - eps * v)) / (2 * eps)
        analytic = float(np.sum(x_bar * v))
        errors.append(abs(analytic - numeric) / max(abs(analytic), abs(numeric)))
    return max(errors)


@pytest.mark.parametrize("path", ["closed_form", "graph"])
def test_both_backward_paths_match_central_differences(path):
    x = _batch(np.random.RandomState(7), 6)
    layer, cache, a_bar, x_hat_bar = _training_pass(x)
    if path == "closed_form":
        x_bar = input_error_closed_form(x_hat_bar, cache["x_hat"], cache["sigma"])
    else:
        x_bar = input_error_through_graph(
            x_hat_bar, cache["x"], cache["mu"], cache["sigma"]
        )

    def loss(x):
        state = layer.initial_state(x.dtype)
        return float(np.sum(a_bar * layer.forward(x, _params(), state, TRAIN)[0]))

    assert _directional_error(x, x_bar, loss) <= 1e-7


def test_predict_backward_holds_the_running_statistics_fixed():
    x = _batch(np.random.RandomState(9), 4)
    layer = BatchNorm(3)
    state = {"running_mean": np.array([0.5, -1.0, 3.0]), "running_var": GAMMA**2}
    out, cache = layer.forward(x, _params(), state, PREDICT)
    a_bar = np.random.RandomState(10).standard_normal(out.shape)
    x_bar = layer.backward(a_bar.copy(), cache, _params(), _grads())

    def loss(x):
        return float(np.sum(a_bar * layer.forward(x, _params(), state, PREDICT)[0]))

    assert _directional_error(x, x_bar, loss) <= 1e-7


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_units": 0}, "n_units must be an integer ≥ 1, got n_units=0"),
        ({"n_units": 2.5}, "n_units must be an integer"),
        ({"n_units": 3, "momentum": 0}, r"momentum must be .* in \(0, 1\]"),
        ({"n_units": 3, "momentum": 1.5}, "got momentum=1.5"),
        ({"n_units": 3, "epsilon": 0.0}, "epsilon must be a real number > 0"),
        ({"n_units": 3, "epsilon": -1e-5}, "got epsilon=-1e-05"),
    ],
)
def test_bad_construction_values_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchNorm(**kwargs)


def _weighted_pass(x, weights):
    """(output, x̄ for upstream ā = G, running statistics) of one training
    pass with row weights ω = s / Σs."""
    layer = BatchNorm(3)
    state = layer.initial_state(np.float64)
    omega = (weights / weights.sum())[:, np.newaxis]
    context = Context(training=True, row_weights=omega)
    out, cache = layer.forward(x, _params(), state, context)
    G = np.random.RandomState(5).standard_normal(out.shape)
    x_bar = layer.backward(G * omega, cache, _params(), _grads())
    return out, x_bar, state, G


def test_a_row_of_weight_k_is_k_copies_of_it():
    x = _batch(np.random.RandomState(3), 5)
    weights = np.array([2.0, 1.0, 0.0, 3.0, 1.0])
    out, _, state, _ = _weighted_pass(x, weights)
    repeated = x.repeat(weights.astype(int), axis=0)
    layer = BatchNorm(3)
    plain_state = layer.initial_state(np.float64)
    plain, _ = layer.forward(repeated, _params(), plain_state, TRAIN)
    assert_allclose(out.repeat(weights.astype(int), axis=0), plain, rtol=1e-12)
    for name in ("running_mean", "running_var"):
        assert_allclose(state[name], plain_state[name], rtol=1e-12)


def test_the_weighted_backward_matches_central_differences():
    x = _batch(np.random.RandomState(4), 6)
    weights = np.array([0.5, 2.0, 1.0, 0.0, 3.0, 1.5])
    _, x_bar, _, G = _weighted_pass(x, weights)
    omega = (weights / weights.sum())[:, np.newaxis]

    def loss(x):
        context = Context(training=True, row_weights=omega)
        layer = BatchNorm(3)
        out, _ = layer.forward(x, _params(), layer.initial_state(np.float64), context)
        return float(np.sum(G * omega * out))

    numeric = np.empty_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = 1e-6
        numeric[index] = (loss(x + step) - loss(x - step)) / 2e-6
    assert_allclose(x_bar, numeric, rtol=1e-6, atol=1e-9)


def test_equal_weights_give_the_unweighted_pass():
    x = _batch(np.random.RandomState(6), 6)
    out, x_bar, _, G = _weighted_pass(x, np.ones(6))
    layer = BatchNorm(3)
    plain, cache = layer.forward(x, _params(), layer.initial_state(np.float64), TRAIN)
    assert_allclose(out, plain, rtol=1e-13)
    plain_bar = layer.backward(G / 6, cache, _params(), _grads())
    assert_allclose(x_bar, plain_bar, rtol=1e-10, atol=1e-14)
