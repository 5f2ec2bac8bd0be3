"""One example of each registered layer, for the conformance suite: the layer,
an input batch that exercises it, and the context of its training pass."""

from skmanualnet._activations import ACTIVATIONS
from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.batch_norm import BatchNorm
from skmanualnet._nn.dense import Dense
from skmanualnet._nn.dropout import Dropout
from skmanualnet._nn.layer_norm import LayerNorm
from skmanualnet._nn.parametric_activation import ParametricActivation
from skmanualnet._nn.scale import Scale


def dense(rng):
    return Dense(4, 3, init="glorot_normal"), rng.standard_normal((6, 4))


def activation(rng):
    # tanh: smooth, so that central differences are exact to O(ε²)
    return ActivationLayer(5, ACTIVATIONS["tanh"]), rng.standard_normal((6, 5))


def dropout(rng):
    # p = 0.3 of 30 entries: both kept and dropped units, the mask fixed by the seed
    return Dropout(5, 0.3), rng.standard_normal((6, 5))


def scale(rng):
    return Scale(5), rng.standard_normal((6, 5))


def parametric_activation(rng):
    # tanh: smooth; α ≈ 1 + 0.1 noise, so that both α and 1 − α weigh in
    return ParametricActivation(5, ACTIVATIONS["tanh"]), rng.standard_normal((6, 5))


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
    "dropout": dropout,
    "scale": scale,
    "parametric_activation": parametric_activation,
    "batch_norm": batch_norm,
    "layer_norm": layer_norm,
}
