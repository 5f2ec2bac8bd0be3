"""Training passes reuse their arrays, batch after batch, and compute the same.

A :class:`~skmanualnet._nn.sequence.SequenceWorkspace` hands every training
pass the same :class:`~skmanualnet._nn.layer.Buffers`: each layer writes into
the arrays of the batch before. These passes must give, bit for bit, what the
same passes give on fresh arrays (:data:`~skmanualnet._nn.layer.FRESH`), over
batches of changing sizes and with θ moving between them, for a network that
holds every layer with buffers; and a pass, once the buffers exist, must
allocate little beyond them.
"""

import dataclasses
import pickle
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmanualnet._heads.heads import SoftmaxCrossEntropy
from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.batch_norm import BatchNorm
from skmanualnet._nn.category_embedding import CategoryEmbedding
from skmanualnet._nn.dense import Dense
from skmanualnet._nn.dropout import Dropout
from skmanualnet._nn.keyed_uniforms import row_hashes
from skmanualnet._nn.layer import FRESH, Context
from skmanualnet._nn.layer_norm import LayerNorm
from skmanualnet._nn.parametric_activation import ParametricActivation
from skmanualnet._nn.periodic_embedding import PeriodicEmbedding
from skmanualnet._nn.scale import Scale
from skmanualnet._nn.sequence import LayeredNetwork

D, K = 4, 8  # numbers, frequencies


def every_layer(seed, width=16, norms=True):
    """A network with each layer that takes buffers (the normalisations
    take them and allocate their own), in θ's float64."""
    relu, gelu = ACTIVATIONS["relu"], ACTIVATIONS["gelu"]
    layers = [
        CategoryEmbedding(D + 1, [D], [3], 2),  # column D: a category code
        Scale(D + 2),
        PeriodicEmbedding(D + 2, K, sigma=0.5),
        Dense((D + 2) * K, width),
        *([BatchNorm(width)] if norms else []),
        ParametricActivation(width, relu),
        Dropout(width, 0.25),
        Dense(width, width),
        *([LayerNorm(width)] if norms else []),
        ActivationLayer(width, gelu),
        Dropout(width, 0.1),
        Dense(width, 3),
    ]
    rng = np.random.RandomState(seed)
    return LayeredNetwork.of(layers, SoftmaxCrossEntropy(), 0.1, np.float64, rng)


def batch(rng, n_rows):
    X = rng.standard_normal((n_rows, D + 1))
    X[:, D] = rng.randint(0, 3, n_rows)
    return X, np.eye(3)[rng.randint(0, 3, n_rows)], rng.uniform(0.5, 2, n_rows)


def fresh_context(network, X, s):
    """The context a workspace would give this pass, with fresh arrays."""
    w = (s / s.sum())[:, None]
    return Context(True, network.random_state, w, row_hashes(X), FRESH)


def test_passes_on_reused_buffers_equal_passes_on_fresh_arrays():
    reused, fresh = every_layer(3), every_layer(3)
    theta = reused.initial_parameters(np.random.RandomState(0), np.float64)
    theta_fresh = theta.copy()
    ws = reused.workspace(8, np.float64)
    rng = np.random.RandomState(1)
    for n_rows in (8, 5, 8, 8, 5):  # a short last batch, then full ones again
        X, T, s = batch(rng, n_rows)
        grad, grad_fresh = np.empty_like(theta), np.empty_like(theta)
        loss = reused.loss_and_gradient(theta, grad, X, T, s, ws)
        context = fresh_context(fresh, X, s)
        loss_fresh = fresh.loss_and_gradient(theta_fresh, grad_fresh, X, T, s, context)
        assert loss == loss_fresh
        assert_array_equal(grad, grad_fresh)
        theta -= 0.1 * grad  # θ moves: a stale parameter view would show
        theta_fresh -= 0.1 * grad_fresh
    for kept, fresh_kept in zip(
        reused.state_arrays(), fresh.state_arrays(), strict=True
    ):
        assert_array_equal(kept, fresh_kept)


def test_the_logits_of_prediction_are_new_arrays_each_time():
    """Prediction never writes into a training pass's buffers."""
    network = every_layer(0)
    theta = network.initial_parameters(np.random.RandomState(0), np.float64)
    X, T, s = batch(np.random.RandomState(2), 6)
    network.loss_and_gradient(theta, np.empty_like(theta), X, T, s,
                              network.workspace(6, np.float64))  # fmt: skip
    first = network.logits(X, theta)
    before = first.copy()
    second = network.logits(X, theta)
    assert not np.shares_memory(first, second)
    assert_array_equal(first, before)


def pass_peak_bytes(network, theta, ws_or_context, X, T, s):
    """Peak bytes traced during one training pass."""
    grad = np.empty_like(theta)
    tracemalloc.start()
    network.loss_and_gradient(theta, grad, X, T, s, ws_or_context)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("n_rows", [256, 1024])
def test_a_pass_on_its_buffers_allocates_a_fraction_of_a_fresh_pass(n_rows):
    """The arrays of a pass (B × 64 floats and more) are not allocated again;
    what is left is numpy's own buffers (at most 8192 numbers an operation)."""
    network = every_layer(0, width=64, norms=False)
    theta = network.initial_parameters(np.random.RandomState(0), np.float64)
    X, T, s = batch(np.random.RandomState(4), n_rows)
    ws = network.workspace(n_rows, np.float64)
    for _ in range(2):  # the buffers are made at the first pass
        network.loss_and_gradient(theta, np.empty_like(theta), X, T, s, ws)
    reused = pass_peak_bytes(network, theta, ws, X, T, s)
    fresh = pass_peak_bytes(network, theta, fresh_context(network, X, s), X, T, s)
    assert reused < 0.2 * fresh, (reused, fresh)


def test_parameter_views_are_built_once_and_not_pickled():
    network = every_layer(0)
    theta = network.initial_parameters(np.random.RandomState(0), np.float64)
    grad = np.empty_like(theta)
    layout = network.layout
    views, grad_views = layout.views(theta), layout.views(grad)
    assert layout.views(theta) is views and layout.views(grad) is grad_views
    assert np.shares_memory(views[3]["W"], theta)
    other = theta.copy()  # a third vector: new views, the oldest forgotten
    assert np.shares_memory(layout.views(other)[3]["W"], other)
    assert layout.views(grad) is grad_views and layout.views(theta) is not views
    copy = pickle.loads(pickle.dumps(dataclasses.replace(network, random_state=None)))
    assert copy.layout._views == []
    assert_array_equal(copy.layout.views(theta)[3]["W"], views[3]["W"])
