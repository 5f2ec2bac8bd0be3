"""One example of each registered layer, for the conformance suite: the layer,
an input batch that exercises it, and the context of its training pass."""

import numpy as np

from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.batch_norm import BatchNorm
from skmanualnet._nn.category_embedding import CategoryEmbedding
from skmanualnet._nn.dense import Dense
from skmanualnet._nn.dropout import Dropout
from skmanualnet._nn.layer_norm import LayerNorm
from skmanualnet._nn.parametric_activation import ParametricActivation
from skmanualnet._nn.periodic_embedding import PeriodicEmbedding
from skmanualnet._nn.piecewise_linear_embedding import PiecewiseLinearEmbedding
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


def periodic_embedding(rng):
    return PeriodicEmbedding(3, 4, sigma=0.5), rng.standard_normal((6, 3))


def piecewise_linear_embedding(rng):
    # 3, 1 and 4 bins (padding exercised), edges on multiples of 0.5; x at
    # least 0.15 from every multiple of 0.5 (away from the kinks), some rows
    # beyond the edges (extrapolation through the first and last bins)
    edges = [[-1.0, -0.5, 0.5, 1.0], [0.0, 1.0], [-2.0, -1.0, 0.0, 1.5, 2.0]]
    x = np.floor(rng.uniform(-3.0, 3.0, (8, 3)) * 2) / 2 + 0.25
    return PiecewiseLinearEmbedding(edges), x + rng.uniform(-0.1, 0.1, x.shape)


def category_embedding(rng):
    # columns 1 and 3 hold codes (a repeated code, a NaN and an unseen code
    # among them), columns 0, 2 and 4 numbers
    x = rng.standard_normal((7, 5))
    x[:, 1] = [0, 2, 2, 1, np.nan, 0, 2]
    x[:, 3] = [1, 0, 3, 1, 1, 0, -1]
    return CategoryEmbedding(5, [1, 3], [3, 2], 2), x


#: name in the registry → function of a RandomState giving (layer, x)
EXAMPLES = {
    "category_embedding": category_embedding,
    "dense": dense,
    "activation": activation,
    "dropout": dropout,
    "scale": scale,
    "parametric_activation": parametric_activation,
    "batch_norm": batch_norm,
    "layer_norm": layer_norm,
    "periodic_embedding": periodic_embedding,
    "piecewise_linear_embedding": piecewise_linear_embedding,
}
