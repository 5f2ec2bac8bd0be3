"""What is particular to the piecewise-linear embedding: the encoding at and
beyond the edges, its monotonicity, the edges from quantiles, and the
padded edges of features with different numbers of bins."""

import numpy as np
import pytest

from skmanualnet._nn.layer import PREDICT
from skmanualnet._nn.piecewise_linear_embedding import (
    PiecewiseLinearEmbedding,
    quantile_edges,
)

#: 3 bins, 1 bin and 4 bins: the state is padded to 5 edges
EDGES = [[-1.0, -0.5, 0.5, 1.0], [0.0, 1.0], [-2.0, -1.0, 0.0, 1.5, 2.0]]


def _encode(layer, x):
    x = np.asarray(x, dtype=np.float64)
    return layer.forward(x, {}, layer.initial_state(x.dtype), PREDICT)[0]


def _blocks(out):
    """The output split into each feature's bins (3, 1 and 4)."""
    return np.split(out, [3, 4], axis=1)


def test_state_is_the_padded_edges_and_output_width_the_number_of_bins():
    layer = PiecewiseLinearEmbedding(EDGES)
    edges = layer.initial_state(np.float64)["edges"]
    assert edges.shape == (3, 5) and layer.n_out == 3 + 1 + 4
    np.testing.assert_array_equal(np.isnan(edges).sum(axis=1), [1, 3, 0])
    again = PiecewiseLinearEmbedding(edges)  # the state rebuilds the layer
    np.testing.assert_array_equal(again.initial_state(np.float64)["edges"], edges)


@pytest.mark.parametrize("t", range(5))
def test_a_value_at_an_edge_encodes_as_ones_then_zeros(t):
    layer = PiecewiseLinearEmbedding(EDGES)
    # edge t of each feature (its last edge where it has fewer)
    x = [[row[min(t, len(row) - 1)] for row in EDGES]]
    for row, block in zip(EDGES, _blocks(_encode(layer, x)), strict=True):
        ones = min(t, len(row) - 1)
        expected = np.r_[np.ones(ones), np.zeros(len(row) - 1 - ones)]
        np.testing.assert_array_equal(block[0], expected)


def test_each_entry_is_monotone_in_x():
    layer = PiecewiseLinearEmbedding(EDGES)
    grid = np.linspace(-4.0, 4.0, 161)
    out = _encode(layer, np.repeat(grid[:, None], 3, axis=1))
    assert np.all(np.diff(out, axis=0) >= 0)
    assert np.all(np.diff(out, axis=0).sum(axis=1) > 0)  # and strictly, overall


def test_values_outside_the_edges_extrapolate_through_the_first_and_last_bins():
    layer = PiecewiseLinearEmbedding(EDGES)
    f0, _, f2 = _blocks(_encode(layer, [[-3.0, -2.0, -4.0], [3.0, 3.0, 4.0]]))
    # feature 0: first bin [-1, -0.5], last [0.5, 1]; feature 2: [-2, -1], [1.5, 2]
    np.testing.assert_allclose(f0, [[-4.0, 0, 0], [1, 1, 5.0]])
    np.testing.assert_allclose(f2, [[-2.0, 0, 0, 0], [1, 1, 1, 5.0]])


def test_a_single_bin_is_linear_on_both_sides():
    layer = PiecewiseLinearEmbedding([[2.0, 4.0]])
    np.testing.assert_allclose(
        _encode(layer, [[0.0], [3.0], [7.0]]), [[-1], [0.5], [2.5]]
    )


def test_x_bar_is_the_slope_of_the_linear_bin_only():
    layer = PiecewiseLinearEmbedding([[0.0, 1.0, 3.0, 4.0]])
    x = np.array([[2.0], [-1.0], [5.0]])
    out, cache = layer.forward(x, {}, layer.initial_state(x.dtype), PREDICT)
    x_bar = layer.backward(np.ones_like(out), cache, {}, {})
    np.testing.assert_allclose(x_bar, [[1 / 2], [1.0], [1.0]])


def test_edges_from_few_distinct_values_strictly_increase():
    rng = np.random.RandomState(0)
    X = np.c_[rng.choice([0.0, 1.0, 5.0], 200, p=[0.05, 0.9, 0.05]), rng.randn(200)]
    edges = quantile_edges(X, 8)
    np.testing.assert_array_equal(edges[0], [0.0, 1.0, 5.0])
    assert len(edges[1]) == 9 and np.all(np.diff(edges[1]) > 0)
    assert PiecewiseLinearEmbedding(edges).n_out == 2 + 8


def test_a_feature_with_one_distinct_value_cannot_be_binned():
    X = np.c_[np.arange(10.0), np.full(10, 3.0)]
    with pytest.raises(ValueError, match=r"input_embedding.*feature 1.*one distinct"):
        quantile_edges(X, 4)


def test_float32_stays_float32():
    X = np.random.RandomState(0).randn(50, 2).astype(np.float32)
    layer = PiecewiseLinearEmbedding(quantile_edges(X, 4))
    state = layer.initial_state(np.float32)
    out, cache = layer.forward(X, {}, state, PREDICT)
    x_bar = layer.backward(np.ones_like(out), cache, {}, {})
    assert state["edges"].dtype == out.dtype == x_bar.dtype == np.float32
    assert all(v.dtype in (np.float32, bool) for v in cache.values())


@pytest.mark.parametrize(
    "edges, match",
    [
        ([[0.0, 1.0], [2.0]], "feature 1 must hold at least two values"),
        ([[0.0, 1.0, 1.0]], "feature 0 must strictly increase"),
        ([[0.0, np.inf]], "feature 0 must be finite"),
        ([[0.0, np.nan, 1.0]], "NaN allowed only as padding"),
        ([], "at least one feature"),
    ],
)
def test_bad_edges_are_named(edges, match):
    with pytest.raises(ValueError, match=match):
        PiecewiseLinearEmbedding(edges)


def test_edges_that_merge_in_float32_are_refused_there():
    layer = PiecewiseLinearEmbedding([[1.0, 1.0 + 1e-12, 2.0]])
    with pytest.raises(ValueError, match="feature 0 .* distinct in float32"):
        layer.initial_state(np.float32)


def test_n_bins_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="n_bins must be an integer >= 1, got 0"):
        quantile_edges(np.eye(3), 0)


def test_at_an_edge_x_bar_takes_the_slope_of_the_bin_on_its_right():
    layer = PiecewiseLinearEmbedding([[0.0, 1.0, 3.0, 4.0]])
    x = np.array([[0.0], [1.0], [3.0], [4.0]])
    out, cache = layer.forward(x, {}, layer.initial_state(x.dtype), PREDICT)
    x_bar = layer.backward(np.ones_like(out), cache, {}, {})
    np.testing.assert_allclose(x_bar, [[1.0], [1 / 2], [1.0], [1.0]])


def test_weighted_edges_are_those_of_the_rows_repeated():
    rng = np.random.RandomState(8)
    X = rng.standard_normal((30, 3))
    weights = rng.randint(0, 4, 30)
    weighted = quantile_edges(X, 5, sample_weight=weights.astype(float))
    repeated = quantile_edges(X.repeat(weights, axis=0), 5)
    for a, b in zip(weighted, repeated, strict=True):
        np.testing.assert_array_equal(a, b)
    # a row of weight 0 is left out: its value is no edge
    X[np.argmin(weights)] = 100.0
    assert 100.0 not in quantile_edges(X, 5, sample_weight=weights.astype(float))[0]
