"""One example of each registered layer, for the conformance suite: the layer,
an input batch that exercises it, and the context of its training pass."""

from skmanualnet._activations import ACTIVATIONS
from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.batch_norm import BatchNorm
from skmanualnet._nn.dense import Dense
from skmanualnet._nn.layer_norm import LayerNorm


def dense(rng):
    return Dense(4, 3, init="glorot_normal"), rng.standard_normal((6, 4))


def activation(rng):
    # tanh: smooth, so that central differences are exact to O(ε²)
    return ActivationLayer(5, ACTIVATIONS["tanh"]), rng.standard_normal((6, 5))


def batch_norm(rng):
    # 6 rows (≥ 4: B − 1 and the batch's statistics are far from one row's),
    # units on different scales and offsets
    x = rng.standard_normal((6, 3)) * [1.0, 3.0, 0.5] + [0.0, -2.0, 4.0]
    return BatchNorm(3), x


def layer_norm(rng):
    # rows on different scales and offsets
    x = rng.standard_normal((6, 5)) * [[1.0], [2.0], [0.5], [1.0], [3.0], [1.0]]
    return LayerNorm(5), x + [[0.0], [1.0], [-2.0], [0.5], [0.0], [3.0]]


#: name in the registry → function of a RandomState giving (layer, x)
EXAMPLES = {
    "dense": dense,
    "activation": activation,
    "batch_norm": batch_norm,
    "layer_norm": layer_norm,
}
