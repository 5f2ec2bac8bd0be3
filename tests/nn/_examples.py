"""One example of each registered layer, for the conformance suite: the layer,
an input batch that exercises it, and the context of its training pass."""

from skmanualnet._activations import ACTIVATIONS
from skmanualnet._nn.activation import ActivationLayer
from skmanualnet._nn.dense import Dense


def dense(rng):
    return Dense(4, 3, init="glorot_normal"), rng.standard_normal((6, 4))


def activation(rng):
    # tanh: smooth, so that central differences are exact to O(ε²)
    return ActivationLayer(5, ACTIVATIONS["tanh"]), rng.standard_normal((6, 5))


#: name in the registry → function of a RandomState giving (layer, x)
EXAMPLES = {"dense": dense, "activation": activation}
