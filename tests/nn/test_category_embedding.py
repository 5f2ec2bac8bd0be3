"""Category embedding: what the conformance suite does not see (the
scatter-add over repeated codes, the unknown category, the order of the
output, bad construction values)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmanualnet._nn.category_embedding import CategoryEmbedding, category_codes
from skmanualnet._nn.layer import PREDICT
from skmanualnet._nn.sequence import SequenceLayout


def _layer_and_params(dtype=np.float64):
    layer = CategoryEmbedding(3, [1], [4], 2)
    theta = np.empty(SequenceLayout([layer]).size, dtype=dtype)
    params = SequenceLayout([layer]).unpack_layers(theta)[0]
    layer.initialize(params, np.random.RandomState(0))
    return layer, params


def test_codes_outside_the_known_categories_are_the_unknown_one():
    column = np.array([0.0, 3.0, 4.0, -1.0, 1.5, np.nan, np.inf, 2.0])
    assert_array_equal(category_codes(column, 4), [0, 3, 4, 4, 4, 4, 4, 2])


def test_numbers_come_first_then_each_code_looked_up():
    layer, params = _layer_and_params()
    x = np.array([[0.5, 2.0, -1.0], [1.5, 7.0, 3.0]])
    out, _ = layer.forward(x, params, {}, PREDICT)
    assert_array_equal(out[:, :2], x[:, [0, 2]])
    assert_array_equal(out[0, 2:], params["E0"][2])
    assert_array_equal(out[1, 2:], params["E0"][4])  # unseen: the unknown row
    assert_array_equal(params["E0"][4], 0.0)  # which starts at 0


def test_rows_that_share_a_code_add_their_error_signals():
    layer, params = _layer_and_params()
    x = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 3.0, 0.0]])
    out, cache = layer.forward(x, params, {}, PREDICT)
    e_bar = np.arange(out.size, dtype=float).reshape(out.shape)
    grads = {"E0": np.full_like(params["E0"], np.nan)}
    x_bar = layer.backward(e_bar.copy(), cache, params, grads)
    assert_array_equal(grads["E0"][1], e_bar[0, 2:] + e_bar[1, 2:])
    assert_array_equal(grads["E0"][3], e_bar[2, 2:])
    assert_array_equal(grads["E0"][[0, 2, 4]], 0.0)  # not looked up
    assert_array_equal(x_bar[:, 1], 0.0)  # a code has no derivative
    assert_array_equal(x_bar[:, [0, 2]], e_bar[:, :2])


def test_float32_stays_float32():
    layer, params = _layer_and_params(np.float32)
    x = np.array([[0.5, 2.0, -1.0]], dtype=np.float32)
    assert layer.forward(x, params, {}, PREDICT)[0].dtype == np.float32


@pytest.mark.parametrize(
    "columns, n_categories, dimension",
    [([1], [3, 4], 2), ([], [], 2), ([1, 1], [2, 2], 2), ([5], [2], 2), ([1], [0], 2)],
)
def test_bad_construction_values_are_named(columns, n_categories, dimension):
    with pytest.raises(ValueError, match="columns|n_categories"):
        CategoryEmbedding(3, columns, n_categories, dimension)
