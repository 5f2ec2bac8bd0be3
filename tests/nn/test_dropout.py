"""Dropout: what the conformance suite does not see (the mask's rate and
scale, the identity at predict and for p = 0, the seed, bad rates)."""

import numpy as np
import pytest

from skmanualnet._nn.dropout import Dropout
from skmanualnet._nn.layer import Context


def _train(seed):
    return Context(training=True, random_state=np.random.RandomState(seed))


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_share_of_dropped_units_is_the_rate(rate):
    n = 2000 * 50
    a, cache = Dropout(50, rate).forward(np.ones((2000, 50)), {}, {}, _train(0))
    # the dropped share is binomial(n, p) / n: 5 standard deviations
    bound = 5 * np.sqrt(rate * (1 - rate) / n)
    assert abs(np.mean(a == 0) - rate) <= bound
    # the kept units are scaled by 1 / (1 − p)
    np.testing.assert_allclose(a[a != 0], 1 / (1 - rate), rtol=1e-15)
    np.testing.assert_array_equal(cache["scaled_mask"], a)


@pytest.mark.parametrize("rate", [0.2, 0.6])
def test_output_is_unbiased(rate):
    x = np.random.RandomState(3).standard_normal((4, 5))
    draws = 20_000
    # one mask entry per entry: a batch of the same rows tiled is many draws
    a, _ = Dropout(5, rate).forward(np.tile(x, (draws, 1)), {}, {}, _train(1))
    mean = a.reshape(draws, 4, 5).mean(axis=0)
    # Var aᵢⱼ = xᵢⱼ² p / (1 − p): 5 standard errors of the mean
    tolerance = 5 * np.abs(x) * np.sqrt(rate / (1 - rate) / draws)
    assert np.all(np.abs(mean - x) <= tolerance)


@pytest.mark.parametrize("training, rate", [(False, 0.5), (True, 0.0)])
def test_identity_draws_nothing(training, rate):
    x = np.random.RandomState(0).standard_normal((6, 5))
    context = Context(training=training, random_state=np.random.RandomState(4))
    layer = Dropout(5, rate)
    a, cache = layer.forward(x, {}, {}, context)
    np.testing.assert_array_equal(a, x)
    # the random state has not advanced: its next draw is a fresh state's first
    assert context.random_state.random_sample() == (
        np.random.RandomState(4).random_sample()
    )
    a_bar = np.random.RandomState(1).standard_normal(x.shape)
    np.testing.assert_array_equal(layer.backward(a_bar.copy(), cache, {}, {}), a_bar)


def test_same_seed_same_mask():
    x, layer = np.ones((8, 5)), Dropout(5, 0.5)
    first, second, other = (
        layer.forward(x, {}, {}, _train(seed))[1]["scaled_mask"] for seed in (2, 2, 3)
    )
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_computes_in_the_input_dtype(dtype):
    x = np.ones((6, 5), dtype=dtype)
    layer = Dropout(5, 0.3)
    a, cache = layer.forward(x, {}, {}, _train(0))
    assert a.dtype == cache["scaled_mask"].dtype == dtype
    assert layer.backward(np.ones_like(a), cache, {}, {}).dtype == dtype


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, np.nan, "0.5", True])
def test_bad_rate(rate):
    with pytest.raises(ValueError, match=r"dropout.*\[0, 1\).*got dropout=") as info:
        Dropout(5, rate)
    assert repr(rate) in str(info.value)
