"""
Poisson counts
==============

Counts (visits, claims, photons) are non-negative and their spread grows with
their mean. ``ManualMLPRegressor(loss="poisson")`` models the mean rate as
y = exp(zᴸ) and trains on half the Poisson deviance; its error signal at the
logits collapses to the same y − t as every canonical (link, loss) pair. Here it
is compared with the squared error on counts whose rate grows exponentially
with a feature.
"""

# %%
# Counts drawn from a Poisson law whose log-rate is a smooth function of two
# features.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import mean_poisson_deviance
from sklearn.model_selection import train_test_split

from skmanualnet import ManualMLPRegressor

rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, (3000, 2))
rate = np.exp(0.8 * X[:, 0] + 0.5 * np.sin(2 * X[:, 1]))
y = rng.poisson(rate).astype(float)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# The same network, two losses. The squared-error network can predict a
# negative count; the Poisson one cannot, its output is exp(z).
params = dict(hidden_layer_sizes=(16,), max_iter=300, random_state=0)
poisson = ManualMLPRegressor(loss="poisson", **params).fit(X_train, y_train)
squared = ManualMLPRegressor(**params).fit(X_train, y_train)
clipped = np.clip(squared.predict(X_test), 1e-6, None)  # the deviance needs y > 0
for name, predicted in [("poisson", poisson.predict(X_test)), ("squared", clipped)]:
    deviance = mean_poisson_deviance(y_test, predicted)
    print(f"Poisson deviance of the {name} loss's network: {deviance:.3f}")
print(f"negative predictions, squared loss: {(squared.predict(X_test) < 0).sum()}")

# %%
# Predicted against true rates along the first feature, the second held at 0.
grid = np.c_[np.linspace(-2, 2, 200), np.zeros(200)]
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(grid[:, 0], np.exp(0.8 * grid[:, 0]), "k--", label="true rate")
ax.plot(grid[:, 0], poisson.predict(grid), label='loss="poisson"')
ax.plot(grid[:, 0], squared.predict(grid), label='loss="squared_error"')
ax.set(xlabel="first feature", ylabel="expected count", title="Rates of counts")
ax.legend()
plt.show()

# %%
# What to see: the Poisson network follows the exponential rate and has the
# lower deviance; the squared error fits the large counts at the cost of the
# small ones.
