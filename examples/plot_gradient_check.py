"""
Checking back-propagation: finite differences and the softmax Jacobian
======================================================================

A worked demonstration of the derivation behind ``ManualMLPClassifier``, with
the two public tools made for it. :func:`~skmanualnet.check_gradients`
compares the back-propagated gradient of every weight and bias with a central
finite difference of the loss. :func:`~skmanualnet.trace_step` runs one
forward and backward pass and keeps every intermediate, so that the softmax
Jacobian ``J = diag(y) − y yᵀ``, the vector-Jacobian product ``z̄ = Jᵀȳ`` and
its collapse to the fused ``z̄ = y − t`` can be looked at number by number.
"""

# %%
# A small problem keeps the finite differences cheap (two loss evaluations per
# parameter): 15 standardised iris flowers, 4 features, 3 classes, and a
# hidden layer of 5 units, 43 parameters in all.
import copy

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier, check_gradients, trace_step

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_small, y_small = X[::10], y[::10]

# %%
# For every hidden activation, the largest relative error between the
# back-propagated and the numerical gradient, layer by layer, at the weights
# that ``random_state=0`` initialises. Anything around 1e-9 means that the two
# agree to the accuracy that a finite difference can reach.
for activation in ["relu", "tanh", "logistic", "identity"]:
    model = ManualMLPClassifier((5,), activation=activation, random_state=0)
    errors = check_gradients(model, X_small, y_small)
    coefs = ", ".join(f"{e:.1e}" for e in errors["coefs"])
    intercepts = ", ".join(f"{e:.1e}" for e in errors["intercepts"])
    print(f"{activation:>8}: W¹, W²: {coefs}   b¹, b²: {intercepts}")

# %%
# The check works on fitted weights too, where the gradient is small and the
# loss curved differently.
fitted = ManualMLPClassifier((5,), activation="tanh", max_iter=500, random_state=0)
fitted.fit(X, y)
errors = check_gradients(fitted, X_small, y_small)
print("after fitting:", {k: [f"{e:.1e}" for e in v] for k, v in errors.items()})

# %%
# How small should the step ε be? The truncation error of a central difference
# shrinks like ε², but the rounding error of the two losses grows like
# (machine ε) / ε. Sweep ε over eleven decades and plot the worst error over
# all layers.
steps = np.logspace(-12, -1, 12)
worst = [
    max(sum(check_gradients(fitted, X_small, y_small, eps=eps).values(), []))
    for eps in steps
]
fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(steps, worst, "o-")
ax.set(
    xlabel=r"finite-difference step $\varepsilon$",
    ylabel="largest relative error",
    title="Back-propagation against central differences",
)
fig.tight_layout()
plt.show()

# %%
# Now one step of back-propagation, traced on three flowers, one per class. The
# fitted network above is so sure of these flowers that its Jacobian is nearly
# zero, so trace a network after a single epoch (one ``partial_fit`` call)
# instead, whose probabilities are still far from 0 and 1.
# ``trace.jacobian[n]`` holds ∂yᵢ/∂zⱼ for sample n, which should equal
# yᵢ(δᵢⱼ − yⱼ). Its columns sum to zero, because the probabilities always sum
# to one, whatever the logits do.
rows = [0, 60, 120]
early = ManualMLPClassifier((5,), activation="tanh", random_state=0)
early.partial_fit(X, y, classes=[0, 1, 2])
trace = trace_step(early, X[rows], y[rows])
y_out = trace.y
J = trace.jacobian
print("J for the first flower:\n", J[0].round(4))
by_formula = np.diag(y_out[0]) - np.outer(y_out[0], y_out[0])
print("J = diag(y) − y yᵀ:", np.allclose(J[0], by_formula))
print("largest column sum:", np.abs(J.sum(axis=1)).max())

# %%
# The cross-entropy's error signal at the output is ȳ = −w t / y (w = 1/3,
# the weight of each sample in the batch mean). Pushing it back through the
# Jacobian gives z̄ = Jᵀȳ, and since the targets of a sample sum to one this
# collapses to the fused z̄ = w (y − t) that training uses.
z_bar_general = np.einsum("nij,ni->nj", J, trace.y_bar)
print("Jᵀȳ equals the trace's:", np.allclose(z_bar_general, trace.z_bar_jacobian))
print("Jᵀȳ equals w (y − t):", np.allclose(z_bar_general, (y_out - trace.T) / 3))
print("largest difference:", np.abs(trace.z_bar_jacobian - trace.z_bar_fused).max())

# %%
# The gradient of the output weights is W̄² = (a¹)ᵀ z̄² + (α / Σs) W²: the
# per-sample outer products h z̄ᵀ of the derivation, summed over the batch by
# one matrix product, plus the penalty term.
W2 = early.coefs_[1]
W_bar_2 = trace.a[1].T @ trace.z_bar[2] + early.alpha / 3 * W2
print("W̄² by hand equals trace.W_bar[2]:", np.allclose(W_bar_2, trace.W_bar[2]))

# %%
# Why train with the fused form? Make the network confidently wrong: scale its
# output weights until the probability of the true class underflows to exactly
# 0. The general path then divides by that 0 and returns inf and nan; the fused
# path never divides by a probability and stays finite.
confident = copy.deepcopy(early)
confident.coefs_[1] *= 1e4
wrong = (y[rows] + 1) % 3
with np.errstate(divide="ignore", invalid="ignore"):
    bad = trace_step(confident, X[rows], wrong)
print("true-class probabilities:", bad.y[np.arange(3), wrong])
print("z̄ by the Jacobian path:\n", bad.z_bar_jacobian)
print("z̄ by the fused path:\n", bad.z_bar_fused.round(4))

# %%
# Side by side: the Jacobian of the first flower as a picture, and the entries
# of z̄ from both paths, which fall on the diagonal.
fig, (ax_j, ax_z) = plt.subplots(1, 2, figsize=(10, 4))
image = ax_j.imshow(J[0], cmap="RdBu_r", vmin=-0.25, vmax=0.25)
ax_j.set(
    xticks=range(3),
    yticks=range(3),
    xlabel="logit j",
    ylabel="probability i",
    title=r"$\partial y_i / \partial z_j$ for the first flower",
)
fig.colorbar(image, ax=ax_j)
ax_z.plot([-0.35, 0.35], [-0.35, 0.35], color="0.7", zorder=0)
ax_z.scatter(trace.z_bar_jacobian.ravel(), trace.z_bar_fused.ravel())
ax_z.set(
    xlabel=r"$\bar z = J^\top \bar y$ (general path)",
    ylabel=r"$\bar z = w\,(y - t)$ (fused path)",
    title=r"The two paths to $\bar z$",
)
fig.tight_layout()
plt.show()

# %%
# The reader should see relative errors between about 1e-10 and 1e-8 for every
# activation and layer, a V-shaped error curve whose bottom, near ε = 1e-5,
# is where truncation and rounding errors balance (rounding wins to the left,
# truncation to the right, with slope 2), a Jacobian that matches
# diag(y) − yyᵀ with columns summing to zero, nine points on the diagonal of
# the second plot, and, for the confidently wrong network, ``nan`` from the
# Jacobian path where the fused path gives the finite ±1/3.
