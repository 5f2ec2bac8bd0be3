"""Dropout: what the conformance suite does not see (the mask's rate and
scale, the identity at predict and for p = 0, the seed, bad rates)."""

import numpy as np
import pytest
from scipy import sparse

from skmanualnet._nn.dropout import Dropout
from skmanualnet._nn.keyed_uniforms import keyed_uniforms, row_hashes
from skmanualnet._nn.layer import Context


def _train(seed):
    return Context(training=True, random_state=np.random.RandomState(seed))


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_share_of_dropped_units_is_the_rate(rate):
    n = 2000 * 50
    x = 1.0 + np.random.RandomState(9).random_sample((2000, 50))  # distinct rows
    a, cache = Dropout(50, rate).forward(x, {}, {}, _train(0))
    # the dropped share is binomial(n, p) / n: 5 standard deviations
    bound = 5 * np.sqrt(rate * (1 - rate) / n)
    assert abs(np.mean(a == 0) - rate) <= bound
    # the kept units are scaled by 1 / (1 − p)
    mask = cache["scaled_mask"]
    np.testing.assert_allclose(mask[mask != 0], 1 / (1 - rate), rtol=1e-15)
    np.testing.assert_array_equal(mask * x, a)


@pytest.mark.parametrize("rate", [0.2, 0.6])
def test_output_is_unbiased(rate):
    x = np.random.RandomState(3).standard_normal((4, 5))
    draws, context, layer = 5_000, _train(1), Dropout(5, rate)
    # a new key every pass: the masks of one row over passes are the draws
    mean = sum(layer.forward(x, {}, {}, context)[0] for _ in range(draws)) / draws
    # Var aᵢⱼ = xᵢⱼ² p / (1 − p): 5 standard errors of the mean
    tolerance = 5 * np.abs(x) * np.sqrt(rate / (1 - rate) / draws)
    assert np.all(np.abs(mean - x) <= tolerance)


def test_equal_rows_are_dropped_alike_and_other_rows_independently():
    rows = np.random.RandomState(2).standard_normal((400, 30))
    x = np.vstack([rows, rows[::-1]])  # each row twice, elsewhere in the batch
    context = Context(True, np.random.RandomState(5), row_keys=row_hashes(x))
    mask = Dropout(30, 0.5).forward(x, {}, {}, context)[1]["scaled_mask"]
    np.testing.assert_array_equal(mask[:400], mask[400:][::-1])
    # distinct rows: their masks agree on half the entries, as independent
    # draws do (5 binomial standard deviations)
    agree = np.mean(mask[:399] == mask[1:400])
    assert abs(agree - 0.5) <= 5 * np.sqrt(0.25 / mask[:399].size)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["dense", "csr"])
def test_the_keyed_uniforms_are_uniform_and_keyed_to_the_rows(dtype, kind):
    x = np.random.RandomState(4).standard_normal((1000, 40)).astype(dtype)
    x[x < 0] = 0
    X = sparse.csr_matrix(x) if kind == "csr" else x
    keys = row_hashes(X)
    if kind == "csr":  # the same keys as the dense rows' stored entries give
        assert len(set(keys.tolist())) == 1000
    u = keyed_uniforms(keys, 40, np.random.RandomState(0))
    assert u.min() >= 0 and u.max() < 1
    # the deciles hold a tenth each: 5 binomial standard deviations
    counts = np.bincount((u * 10).astype(int).ravel(), minlength=10) / u.size
    assert np.all(np.abs(counts - 0.1) <= 5 * np.sqrt(0.09 / u.size))
    # a row's keys do not depend on the other rows
    np.testing.assert_array_equal(row_hashes(X[5:9]), keys[5:9])


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
