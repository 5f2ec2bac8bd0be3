"""Every layer, registered once by name: the conformance suite
(``tests/nn/test_conformance.py``) runs over this registry, so that a new
layer that forgets its gradient check, its trace, its ONNX nodes or its
loop-by-loop reference fails a test.

The reference convention: each layer's file holds, beside its vectorised
equations, two module-level functions ``reference_forward(layer, x, params,
state, context)`` → out and ``reference_backward(layer, out_bar, x, params,
state, context)`` → (x̄, {parameter name: gradient}), written with explicit
Python loops over rows, units, bins and frequencies on Python floats; the
layer's class binds them as its methods of the same names (the base
:class:`~skmanualnet._nn.layer.Layer` raises NotImplementedError). The suite
holds forward and backward equal to them."""

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
