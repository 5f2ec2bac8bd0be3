"""
Choosing a learning rate with a range test
==========================================

Smith's learning-rate range test trains a copy of the model for a few hundred
batches while the step η grows geometrically, and records the loss of each
batch. While η is too small the loss barely moves; then it falls, faster and
faster; then η becomes too large and the loss turns and explodes.
:func:`~skmanualnet.learning_rate_range_test` runs that sweep with the model's
own solver, batch size and penalty, stops once the loss explodes, and suggests
the step where the smoothed loss falls fastest. Here it chooses a step for SGD
on the digits, and a 20-epoch fit from that step is checked on held-out
digits.
"""

# %%
# The 8 × 8 digits, standardized in a pipeline, split into training and test
# rows. The network is one hidden layer of 64 relu units, trained by SGD with
# Nesterov momentum (the defaults) for 20 epochs.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, learning_rate_range_test

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
model = make_pipeline(
    StandardScaler(),
    ManualMLPClassifier((64,), solver="sgd", max_iter=20, random_state=0),
)

# %%
# The sweep: 200 batches, η from 1e-5 to 10. The scaler is fitted once, on a
# copy; the network trained by the sweep is a clone, so ``model`` itself stays
# unfitted.
result = learning_rate_range_test(model, X_train, y_train)
eta = result.suggested_learning_rate
print(f"stopped early, the loss having exploded: {result.stopped_early}")
print(f"rule: {result.rule}")
print(f"suggested step between 0.005 and 0.2: {0.005 < eta < 0.2}")

# %%
# The curve: the raw batch losses (pale), their smoothed average, and the
# suggestion, on the steep part of the descent. The minimum comes more than a
# decade later; at the minimum η is already about to make the loss rise.
result.plot(name="learning-rate range test, SGD on the digits")
best = result.learning_rates_[np.argmin(result.smoothed_losses_)]
print(f"minimum of the smoothed loss at least 10 × the suggestion: {best > 10 * eta}")

# %%
# A fit from the suggested step, for the 20 epochs (the ``ConvergenceWarning``
# that the last epoch is reached is expected: the budget is fixed on purpose).
model.set_params(manualmlpclassifier__learning_rate_init=eta)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X_train, y_train)
accuracy = model.score(X_test, y_test)
print(f"test accuracy after 20 epochs ≥ 0.95: {accuracy >= 0.95}")

# %%
# A step a hundred times smaller, from the flat start of the curve, has not
# learnt much in the same 20 epochs: the test is worth the fraction of a
# second it costs.
slow = model.set_params(manualmlpclassifier__learning_rate_init=eta / 100)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    slow.fit(X_train, y_train)
print(f"test accuracy at η / 100 below 0.9: {slow.score(X_test, y_test) < 0.9}")

# %%
# What to see: the loss flat for small η, then a steep descent where the
# suggestion sits, then the minimum and the explosion that stopped the sweep
# early; the suggested step trains the digits to at least 95 % test accuracy in
# 20 epochs, and a step a hundred times smaller does not.
plt.show()
