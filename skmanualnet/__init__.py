"""skmanualnet: a scikit-learn MLP classifier trained by hand-derived backprop."""

from ._classifier import ManualMLPClassifier
from ._gradcheck import check_gradients
from ._onnx import register_onnx_converter, to_onnx
from ._solvers import DivergenceError
from ._trace import BackpropTrace, trace_step

__version__ = "0.1.0"

__all__ = [
    "BackpropTrace",
    "DivergenceError",
    "ManualMLPClassifier",
    "check_gradients",
    "register_onnx_converter",
    "to_onnx",
    "trace_step",
    "__version__",
]
