"""Every layer, registered once by name: the conformance suite
(``tests/nn/test_conformance.py``) runs over this registry, so that a new
layer that forgets its gradient check or its trace fails a test."""

from .activation import ActivationLayer
from .dense import Dense
from .periodic_embedding import PeriodicEmbedding
from .piecewise_linear_embedding import PiecewiseLinearEmbedding

LAYERS = {
    layer.name: layer
    for layer in (
        Dense,
        ActivationLayer,
        PeriodicEmbedding,
        PiecewiseLinearEmbedding,
    )
}
