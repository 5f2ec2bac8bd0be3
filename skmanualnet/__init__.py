"""skmanualnet: scikit-learn MLPs trained by hand-derived back-propagation."""

from ._estimators.activation_param import CustomActivation
from ._estimators.classifier import ManualMLPClassifier
from ._estimators.regressor import ManualMLPRegressor
from ._export.converters import register_onnx_converter, to_onnx
from ._inspection.display import TrainingCurveDisplay
from ._inspection.gradcheck import check_gradients
from ._inspection.monitor import TrainingMonitor
from ._inspection.monitor_display import TrainingMonitorDisplay
from ._inspection.range_test import LearningRateRangeTest, learning_rate_range_test
from ._inspection.trace import BackpropTrace, trace_step
from ._inspection.trace_layers import LayerTrace
from ._tabular.classifier import TabularMLPClassifier
from ._tabular.preprocessor import TabularPreprocessor
from ._tabular.regressor import TabularMLPRegressor
from ._tabular.robust_scale import RobustScaleSmoothClip
from ._training.config import config_context, get_config, set_config
from ._training.divergence import DivergenceError

__version__ = "0.1.0"

__all__ = [
    "BackpropTrace",
    "CustomActivation",
    "DivergenceError",
    "LayerTrace",
    "LearningRateRangeTest",
    "ManualMLPClassifier",
    "ManualMLPRegressor",
    "RobustScaleSmoothClip",
    "TabularMLPClassifier",
    "TabularMLPRegressor",
    "TabularPreprocessor",
    "TrainingCurveDisplay",
    "TrainingMonitor",
    "TrainingMonitorDisplay",
    "check_gradients",
    "config_context",
    "get_config",
    "learning_rate_range_test",
    "register_onnx_converter",
    "set_config",
    "to_onnx",
    "trace_step",
    "__version__",
]
