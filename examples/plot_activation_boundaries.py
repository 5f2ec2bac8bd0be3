"""
Decision boundaries of each hidden activation
=============================================

Fit one ``ManualMLPClassifier`` per hidden activation φ (relu, tanh, logistic,
identity) on three small two-dimensional problems, half moons, nested circles
and three Gaussian blobs, and draw each model's class probabilities over the
plane with :class:`~sklearn.inspection.DecisionBoundaryDisplay`.
"""

# %%
# Three toy problems, each split into a training and a test half. Every model
# sits in a pipeline behind a ``StandardScaler``, as it would in practice.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

datasets = {
    "moons": make_moons(n_samples=300, noise=0.2, random_state=0),
    "circles": make_circles(n_samples=200, noise=0.15, factor=0.4, random_state=0),
    "blobs": make_blobs(n_samples=200, centers=3, cluster_std=1.8, random_state=4),
}
activations = ["relu", "tanh", "logistic", "identity"]
colors = ["tab:blue", "tab:red", "tab:green"]

# %%
# One network per (problem, activation): a hidden layer of 16 units, trained by
# mini-batch SGD with Nesterov momentum. Batches of 10, a step of 0.1 and a
# patience of 30 epochs give the logistic units, which start on a flat stretch
# of the loss, the time to leave it. Binary problems get one sigmoid output
# unit; the three blobs get a softmax over three units. The colour is the
# predicted probability of each class, and the number in the corner is the
# accuracy on the held-out half (the faded points).
fig, axes = plt.subplots(
    len(datasets), len(activations), figsize=(11, 8), sharex="row", sharey="row"
)
for row, (name, (X, y)) in enumerate(datasets.items()):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    for col, activation in enumerate(activations):
        model = make_pipeline(
            StandardScaler(),
            ManualMLPClassifier(
                (16,),
                activation=activation,
                batch_size=10,
                learning_rate_init=0.1,
                n_iter_no_change=30,
                max_iter=1000,
                random_state=0,
            ),
        ).fit(X_train, y_train)
        ax = axes[row, col]
        n_classes = len(np.unique(y))
        if n_classes == 2:
            style = {"cmap": LinearSegmentedColormap.from_list("", colors[:2])}
        else:
            style = {"multiclass_colors": colors[:n_classes]}
        DecisionBoundaryDisplay.from_estimator(
            model, X, response_method="predict_proba", alpha=0.5, ax=ax, **style
        )
        points = {"cmap": ListedColormap(colors[:n_classes]), "s": 12}
        ax.scatter(*X_train.T, c=y_train, edgecolor="k", linewidth=0.5, **points)
        ax.scatter(*X_test.T, c=y_test, alpha=0.4, **points)
        ax.text(
            0.97,
            0.03,
            f"{model.score(X_test, y_test):.2f}",
            transform=ax.transAxes,
            ha="right",
            fontsize=11,
            bbox=dict(facecolor="white", alpha=0.8),
        )
        ax.set(xlabel="", ylabel="", xticks=[], yticks=[])
        if row == 0:
            ax.set_title(activation)
        if col == 0:
            ax.set_ylabel(name)
fig.tight_layout()
plt.show()

# %%
# The reader should see curved boundaries that follow the moons and close
# around the inner circle for relu, tanh and logistic (piecewise straight
# edges for relu, smooth ones for tanh and logistic), with test accuracies of
# about 0.9 to 0.98. The identity column draws a straight line or, for the
# blobs, straight pieces: without a non-linear φ the network composes affine
# maps into one affine map, a logistic or softmax regression. That is enough
# for the blobs, costs accuracy on the moons (about 0.8) and cannot separate
# the circles at all (no better than chance).
