"""Every layer, registered once by name: the conformance suite
(``tests/nn/test_conformance.py``) runs over this registry, so that a new
layer that forgets its gradient check, its trace or its ONNX nodes fails a
test."""

from .activation import ActivationLayer
from .batch_norm import BatchNorm
from .category_embedding import CategoryEmbedding
from .dense import Dense
from .dropout import Dropout
from .layer_norm import LayerNorm
from .parametric_activation import ParametricActivation
from .periodic_embedding import PeriodicEmbedding
from .piecewise_linear_embedding import PiecewiseLinearEmbedding
from .scale import Scale

LAYERS = {
    layer.name: layer
    for layer in (
        Dense,
        ActivationLayer,
        Dropout,
        Scale,
        ParametricActivation,
        BatchNorm,
        LayerNorm,
        PeriodicEmbedding,
        PiecewiseLinearEmbedding,
        CategoryEmbedding,
    )
}
