"""The sequence of dense and activation layers is today's network, bit for bit.

The layered network must rebuild the model of :mod:`skmanualnet._nn.network`
exactly: θ in the same layout, the same initial draws, the same loss and the
same gradient, for every activation, head, dtype and sparse input.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from skmanualnet._heads.heads import SigmoidCrossEntropy, SoftmaxCrossEntropy
from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.dense import Dense
from skmanualnet._nn.init import initial_parameters
from skmanualnet._nn.layer import Context
from skmanualnet._nn.network import Network, ParameterLayout, loss_and_gradient
from skmanualnet._nn.sequence import LayeredNetwork
from skmanualnet._nn.workspace import Workspace


def dense_layers(units, activations, init="glorot_uniform"):
    """[Dense, Activation, …, Dense]: today's network as a sequence."""
    names = [a.name for a in activations]
    layers = []
    for l, (n_in, n_out) in enumerate(zip(units[:-1], units[1:], strict=True)):
        layers.append(Dense(n_in, n_out, init, [*names, names[-1]][l]))
        if l < len(activations):
            layers.append(ActivationLayer(n_out, activations[l]))
    return layers


def both_networks(units, activation_names, head, alpha, dtype, init="glorot_uniform"):
    activations = tuple(ACTIVATIONS[name] for name in activation_names)
    layout = ParameterLayout(units)
    dense = Network(layout, activations, head, alpha)
    layered = LayeredNetwork.of(
        dense_layers(units, activations, init), head, alpha, dtype
    )
    return dense, layered


@pytest.mark.parametrize("init", ["glorot_uniform", "he_normal"])
@pytest.mark.parametrize("activations", [("relu",), ("logistic", "tanh")])
def test_the_initial_parameters_are_drawn_in_the_same_order(init, activations):
    units = [4, 5, 3, 2][: len(activations) + 2]
    dense, layered = both_networks(
        units, activations, SoftmaxCrossEntropy(), 0.0, np.float64
    )
    expected = initial_parameters(
        dense.layout, dense.activations, init, np.random.RandomState(0), np.float64
    )
    layered = both_networks(
        units, activations, SoftmaxCrossEntropy(), 0.0, np.float64, init
    )[1]
    theta = layered.initial_parameters(np.random.RandomState(0), np.float64)
    assert_array_equal(theta, expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("input_kind", ["dense", "sparse"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("head", [SoftmaxCrossEntropy(), SigmoidCrossEntropy()])
def test_loss_and_gradient_equal_the_dense_network_bit_for_bit(
    head, activation, input_kind, dtype
):
    rng = np.random.RandomState(0)
    units = [6, 5, 4, 3]
    X = rng.standard_normal((8, 6)).astype(dtype)
    X[X < -0.5] = 0
    T = np.eye(3, dtype=dtype)[rng.randint(0, 3, 8)]
    s = rng.uniform(0.5, 2.0, 8).astype(dtype)
    dense, layered = both_networks(units, (activation, "tanh"), head, 0.3, dtype)
    theta = (0.5 * rng.standard_normal(dense.layout.size)).astype(dtype)
    X_in = sparse.csr_matrix(X) if input_kind == "sparse" else X
    grad_dense, grad_layered = np.empty_like(theta), np.empty_like(theta)
    ws = Workspace.for_network(dense, 8, dtype)
    loss_dense = loss_and_gradient(theta, grad_dense, dense, X_in, T, s, ws)
    loss_layered = layered.loss_and_gradient(
        theta, grad_layered, X_in, T, s, Context(training=True)
    )
    assert loss_layered == loss_dense
    assert_array_equal(grad_layered, grad_dense)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_group_learning_rate_multiplier_scales_its_steps(solver):
    from skmanualnet._nn.layer import Parameter
    from skmanualnet._training.optimizers import SGD, Adam

    class SlowBias(Dense):
        """A dense layer whose bias learns at ρ times the rate."""

        rho = 0.25

        @property
        def parameters(self):
            W, b = super().parameters
            return W, Parameter("b", b.shape, learning_rate=self.rho)

    layers = [SlowBias(3, 2), Dense(2, 2)]
    layout = LayeredNetwork.of(layers, SoftmaxCrossEntropy(), 0.0, np.float64).layout
    rng = np.random.RandomState(0)
    grad = rng.standard_normal(layout.size)
    steps = []
    for rates in (None, layout.group_learning_rates):
        if solver == "sgd":
            optimizer = SGD(layout.size, np.float64, 0.1, "constant", 0.0, False, 0.5)
        else:
            optimizer = Adam(layout.size, np.float64, 0.1, 0.9, 0.999, 1e-8)
        optimizer.group_learning_rates = rates
        theta = np.zeros(layout.size)
        optimizer.step(theta, grad.copy())
        steps.append(theta)
    plain, grouped = steps
    slow = layout.unpack_layers(np.arange(layout.size))[0]["b"]
    expected = plain.copy()
    expected[slow] *= SlowBias.rho
    np.testing.assert_allclose(grouped, expected, rtol=1e-15)
