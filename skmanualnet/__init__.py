"""skmanualnet: scikit-learn MLPs trained by hand-derived back-propagation."""

from ._activation_param import CustomActivation
from ._classifier import ManualMLPClassifier
from ._config import config_context, get_config, set_config
from ._display import TrainingCurveDisplay
from ._divergence import DivergenceError
from ._gradcheck import check_gradients
from ._onnx import register_onnx_converter, to_onnx
from ._regressor import ManualMLPRegressor
from ._tabular.robust_scale import RobustScaleSmoothClip
from ._trace import BackpropTrace, trace_step
from ._trace_layers import LayerTrace

__version__ = "0.1.0"

__all__ = [
    "BackpropTrace",
    "CustomActivation",
    "DivergenceError",
    "LayerTrace",
    "ManualMLPClassifier",
    "ManualMLPRegressor",
    "RobustScaleSmoothClip",
    "TrainingCurveDisplay",
    "check_gradients",
    "config_context",
    "get_config",
    "register_onnx_converter",
    "set_config",
    "to_onnx",
    "trace_step",
    "__version__",
]
