"""
Watching a network train: a saturated tanh net and a dying relu net
====================================================================

:class:`~skmanualnet.TrainingMonitor` is a scikit-learn callback: set it with
``set_callbacks`` and, after every epoch, it measures each hidden layer of the
network on a fixed probe of training rows (the activations' mean and spread,
the share of saturated tanh activations, the share of dead relu units) and
each weight matrix (the gradient norm ‖W̄ˡ‖ and the update ratio
‖ΔWˡ‖ / ‖Wˡ‖, which the rule of thumb puts near 1e-3).
:class:`~skmanualnet.TrainingMonitorDisplay` draws them and says which rule
of thumb is broken. Two classic failures on the digits, each diagnosed and
fixed.
"""

# %%
# The digits, a quarter held out for testing. Every fit runs exactly 20
# epochs; the ``ConvergenceWarning`` this triggers on purpose is silenced.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skmanualnet import ManualMLPClassifier, TrainingMonitor, TrainingMonitorDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


def watched_fit(X_train, X_test, **params):
    """Fit a monitored network; print its test accuracy and the verdicts."""
    monitor = TrainingMonitor(every=2)
    model = ManualMLPClassifier(max_iter=20, random_state=0, **params)
    model.set_callbacks(monitor).fit(X_train, y_train)
    print(f"test accuracy {model.score(X_test, y_test):.2f}")
    print("\n".join(monitor.verdicts()) or "no rule of thumb broken")
    return monitor


# %%
# A deep tanh network on the raw pixel values (0 to 16): five hidden layers of
# 64 units. The first layer's pre-activations are sums of large inputs, so
# most of its tanh units sit on the flat tails of tanh, where φ′ = 1 − a² is
# close to 0 and little gradient passes.
deep_tanh = dict(hidden_layer_sizes=(64,) * 5, activation="tanh")
monitor = watched_fit(X_train, X_test, **deep_tanh)
TrainingMonitorDisplay.from_callback(monitor, name="tanh, raw pixels")
print(f"layer 1 saturated: {monitor.saturated_fraction_[-1, 0]:.0%}")

# %%
# The fix: layer normalisation after each dense layer (``normalization=
# "layer"``) brings every unit's input back to mean 0 and spread 1 before
# tanh, whatever the scale of the pixels. The saturated share falls to a few
# percent, and no rule is broken any more.
monitor = watched_fit(X_train, X_test, normalization="layer", **deep_tanh)
TrainingMonitorDisplay.from_callback(monitor, name="tanh, layer normalisation")
print(f"layer 1 saturated: {monitor.saturated_fraction_[-1, 0]:.0%}")

# %%
# A relu network trained by plain SGD with too large a step (η = 0.5) on
# pixels scaled to [0, 1]. Large updates push units into the region where
# their input is negative for every row: they output 0, receive no gradient,
# and never come back. The update ratios start near 1e-1, a hundred times the
# 1e-3 guide; the dead-unit panel climbs, and the accuracy collapses (the fit
# stops early: the loss no longer improves).
relu = dict(hidden_layer_sizes=(64, 64, 64), solver="sgd")
monitor = watched_fit(X_train / 16, X_test / 16, learning_rate_init=0.5, **relu)
TrainingMonitorDisplay.from_callback(monitor, name="relu, η = 0.5")

# %%
# The fix: a step fifty times smaller (η = 0.01). The dead shares stay where
# initialisation left them, and no rule is broken.
monitor = watched_fit(X_train / 16, X_test / 16, learning_rate_init=0.01, **relu)
TrainingMonitorDisplay.from_callback(monitor, name="relu, η = 0.01")
plt.show()

# %%
# What to look at: in the first figure, layer 1's saturated share near 80 %
# from epoch 0 on; in the third, the update ratios far above the dashed 1e-3
# line at first, and the dead relu shares climbing towards 100 %. The verdict under each
# figure names the layer, the share and the epoch the trouble began; the
# fixed networks are healthy, and more accurate.
