"""What is particular to the periodic embedding: its output's layout (one
block of k per feature, in feature order), its initialisation and groups."""

import numpy as np
import pytest

from skmanualnet._nn.layer import PREDICT
from skmanualnet._nn.periodic_embedding import PeriodicEmbedding
from skmanualnet._nn.sequence import SequenceLayout


def _layer_and_params(d=3, k=4, dtype=np.float64, seed=0):
    layer = PeriodicEmbedding(d, k)
    layout = SequenceLayout([layer])
    theta = np.empty(layout.size, dtype)
    params = layout.unpack_layers(theta)[0]
    layer.initialize(params, np.random.RandomState(seed))
    return layer, layout, params


def test_output_is_one_block_of_k_per_feature_in_feature_order():
    d, k = 3, 4
    layer, _, params = _layer_and_params(d, k)
    x = np.random.RandomState(1).standard_normal((5, d))
    out, _ = layer.forward(x, params, {}, PREDICT)
    assert out.shape == (5, d * k)
    for j in range(d):
        moved = x.copy()
        moved[:, j] += 0.3
        changed = np.any(layer.forward(moved, params, {}, PREDICT)[0] != out, axis=0)
        np.testing.assert_array_equal(changed, np.repeat(np.arange(d) == j, k))


def test_block_j_is_feature_js_own_cosines_mixed_by_its_own_map():
    layer, _, params = _layer_and_params(d=2, k=3)
    x = np.array([[0.4, -1.2]])
    out, _ = layer.forward(x, params, {}, PREDICT)
    w, b, V, c = (params[name] for name in "wbVc")
    for j in range(2):
        u = np.cos(2 * np.pi * w[j] * x[0, j] + b[j])
        np.testing.assert_allclose(out[0, 3 * j : 3 * j + 3], u @ V[j] + c[j])


def test_initialisation_and_groups():
    layer = PeriodicEmbedding(200, 8, sigma=0.1)
    layout = SequenceLayout([layer])
    params = layout.unpack_layers(np.empty(layout.size))[0]
    layer.initialize(params, np.random.RandomState(0))
    assert abs(params["w"].std() - 0.1) < 0.01
    assert np.all(np.abs(params["b"]) <= np.pi) and params["b"].std() > 1.5
    assert np.all(np.abs(params["V"]) <= np.sqrt(6 / 16))
    # only V decays: it sits first in θ, alone in the penalty
    assert layout.n_decayed == params["V"].size
    assert {p.name: p.decay for p in layer.parameters} == {
        "w": 0.0,
        "b": 0.0,
        "V": 1.0,
        "c": 0.0,
    }


def test_float32_stays_float32():
    layer, layout, params = _layer_and_params(dtype=np.float32)
    x = np.random.RandomState(1).standard_normal((5, 3)).astype(np.float32)
    out, cache = layer.forward(x, params, {}, PREDICT)
    grad = np.zeros(layout.size, np.float32)
    x_bar = layer.backward(
        np.ones_like(out), cache, params, layout.unpack_layers(grad)[0]
    )
    assert out.dtype == x_bar.dtype == np.float32
    assert all(v.dtype == np.float32 for v in cache.values())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_features=0, n_frequencies=4), "n_features must be an integer >= 1"),
        (dict(n_features=2, n_frequencies=2.5), "n_frequencies must be an integer"),
        (dict(n_features=2, n_frequencies=4, sigma=0.0), "sigma .* > 0, got 0.0"),
        (dict(n_features=2, n_frequencies=4, sigma=np.nan), "sigma"),
    ],
)
def test_bad_construction_values_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PeriodicEmbedding(**kwargs)
