"""skmanualnet: a scikit-learn MLP classifier trained by hand-derived backprop."""

from ._classifier import ManualMLPClassifier
from ._gradcheck import check_gradients

__version__ = "0.1.0"

__all__ = ["ManualMLPClassifier", "check_gradients", "__version__"]
