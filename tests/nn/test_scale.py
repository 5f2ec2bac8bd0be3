"""Scale: s = 1 is the identity; s̄ sums over the rows."""

import numpy as np

from skmanualnet._nn.layer import PREDICT
from skmanualnet._nn.scale import Scale


def _parameters(layer):
    theta = np.empty(layer.n_in)
    params, grads = {"s": theta}, {"s": np.empty_like(theta)}
    layer.initialize(params, np.random.RandomState(0))
    return params, grads


def test_starts_as_the_identity_and_does_not_decay():
    layer = Scale(5)
    params, grads = _parameters(layer)
    x = np.random.RandomState(0).standard_normal((6, 5))
    a, cache = layer.forward(x, params, {}, PREDICT)
    np.testing.assert_array_equal(a, x)
    a_bar = np.random.RandomState(1).standard_normal(x.shape)
    np.testing.assert_array_equal(
        layer.backward(a_bar.copy(), cache, params, grads), a_bar
    )
    assert [p.decay for p in layer.parameters] == [0.0]


def test_s_bar_sums_over_the_rows():
    layer = Scale(5)
    params, grads = _parameters(layer)
    params["s"][...] = np.arange(1.0, 6.0)
    rng = np.random.RandomState(2)
    x, a_bar = rng.standard_normal((1, 5)), rng.standard_normal((1, 5))
    s_bars = []
    for rows in (1, 2):  # a batch of one row, then of that row twice
        _, cache = layer.forward(np.repeat(x, rows, axis=0), params, {}, PREDICT)
        layer.backward(np.repeat(a_bar, rows, axis=0), cache, params, grads)
        s_bars.append(grads["s"].copy())
    np.testing.assert_allclose(s_bars[0], x[0] * a_bar[0], rtol=1e-15)
    np.testing.assert_allclose(s_bars[1], 2 * s_bars[0], rtol=1e-15)
