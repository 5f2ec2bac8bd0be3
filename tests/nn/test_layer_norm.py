"""What is particular to layer normalisation: each row by its own statistics,
the same in training and at predict, at least two units."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet._nn.layer import PREDICT, Context
from skmanualnet._nn.layer_norm import LayerNorm

EPSILON = 1e-5


def _rows(seed=0):
    rng = np.random.RandomState(seed)
    scale = np.array([[1.0], [3.0], [0.5], [2.0]])
    return rng.standard_normal((4, 6)) * scale + [[0.0], [-2.0], [4.0], [1.0]]


def _initial_params(layer):
    params = {"gamma": np.empty(layer.n_out), "beta": np.empty(layer.n_out)}
    layer.initialize(params, None)
    return params


def test_each_row_has_mean_0_and_std_1_at_the_initial_affine():
    x = _rows()
    layer = LayerNorm(6)
    out, _ = layer.forward(x, _initial_params(layer), {}, Context(training=True))
    var = x.var(axis=1)  # biased, over the row's units
    assert_allclose(out.mean(axis=1), 0.0, rtol=0, atol=1e-12)
    assert_allclose(out.std(axis=1), np.sqrt(var / (var + EPSILON)), rtol=1e-12)


def test_training_and_predict_give_the_same_output_row_by_row():
    x = _rows(1)
    layer = LayerNorm(6)
    params = {
        "gamma": np.linspace(-1.0, 2.0, 6),
        "beta": np.linspace(0.5, -0.5, 6),
    }
    trained, _ = layer.forward(x, params, {}, Context(training=True))
    predicted, _ = layer.forward(x, params, {}, PREDICT)
    alone, _ = layer.forward(x[2:3], params, {}, PREDICT)
    assert_array_equal(trained, predicted)
    assert_allclose(alone, trained[2:3], rtol=1e-14)


def test_float32_stays_float32():
    x = _rows(2).astype(np.float32)
    layer = LayerNorm(6)
    params = {k: v.astype(np.float32) for k, v in _initial_params(layer).items()}
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    out, cache = layer.forward(x, params, {}, Context(training=True))
    x_bar = layer.backward(np.ones_like(out), cache, params, grads)
    arrays = [out, x_bar, *cache.values(), *grads.values()]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}


def test_one_unit_is_refused_naming_the_hidden_layer_size():
    with pytest.raises(ValueError, match=r"n_units=1.*x̂ is always 0"):
        LayerNorm(1)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        LayerNorm(1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_units": 0}, "n_units must be an integer ≥ 2, got n_units=0"),
        ({"n_units": 4, "epsilon": 0.0}, "epsilon must be a real number > 0"),
    ],
)
def test_bad_construction_values_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LayerNorm(**kwargs)
