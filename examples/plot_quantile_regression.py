"""
Quantile bands around a noisy curve
===================================

``ManualMLPRegressor(loss="quantile", quantile=q)`` trains on the pinball loss
max(q (t − y), (q − 1)(t − y)), whose error signal at the output is
``[y > t] − q``: every target above the prediction pulls it up by q, every
target below pushes it down by 1 − q, so the network settles where a share q of
the targets lies below it. Three networks, for q = 0.05, 0.5 and 0.95, draw a
90 % band around a curve whose noise grows with x — something the squared
error, which estimates only the mean, cannot show.
"""

# %%
# A sine wave with noise whose spread grows with :math:`|x|`; the last third
# of the rows is held out to measure how many targets each band really covers.
import matplotlib.pyplot as plt
import numpy as np

from skmanualnet import ManualMLPRegressor

rng = np.random.default_rng(0)
x = rng.uniform(-3, 3, 1500)
y = np.sin(x) + rng.normal(0, 0.15 + 0.15 * np.abs(x))
X = x[:, np.newaxis]
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]

# %%
# One network per quantile, each with the default SGD and its "auto" step.
quantiles = (0.05, 0.5, 0.95)
models = {
    q: ManualMLPRegressor(
        (32, 32), loss="quantile", quantile=q, max_iter=150, random_state=0
    ).fit(X_train, y_train)
    for q in quantiles
}
for q, model in models.items():
    below = np.mean(y_test <= model.predict(X_test))
    print(f"q = {q:.2f}: {below:.1%} of the held-out targets lie below the curve")

# %%
# The band between the 5 % and 95 % curves widens where the noise does.
grid = np.linspace(-3, 3, 300)[:, np.newaxis]
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(x, y, s=4, alpha=0.3, color="grey", label="data")
ax.fill_between(
    grid[:, 0],
    models[0.05].predict(grid),
    models[0.95].predict(grid),
    alpha=0.3,
    label="5 % – 95 % band",
)
ax.plot(grid[:, 0], models[0.5].predict(grid), color="C3", label="median")
ax.set(xlabel="x", ylabel="y", title="Quantile regression with the pinball loss")
ax.legend(loc="upper left")
plt.show()

# %%
# What to see: the printed shares are close to 5 %, 50 % and 95 % on rows the
# networks never saw, and the band is narrow near x = 0 and wide at the edges.
