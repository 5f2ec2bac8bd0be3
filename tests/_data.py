"""Small datasets shared by the tests."""

import numpy as np

TASKS = ("binary", "multiclass", "multilabel")


def make_task(task, n_samples=30, n_features=4, seed=0):
    """X (standard normal) and y for a binary, 3-class or 3-label problem."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_samples, n_features))
    if task == "binary":
        y = (X[:, 0] + 0.5 * rng.standard_normal(n_samples) > 0).astype(int)
    elif task == "multiclass":
        y = np.arange(n_samples) % 3
        X[:, 0] += 3 * y
    else:
        y = (rng.rand(n_samples, 3) < 0.5).astype(int)
        X[:, :3] += 3 * y
    return X, y


REGRESSION_TASKS = ("one-target", "two-targets", "counts")


def make_regression_task(task, n_samples=90, n_features=5, seed=0):
    """X (standard normal) and a smooth nonlinear y with noise: one target, two
    targets, or Poisson counts."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_samples, n_features))
    signal = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 - X[:, 2]
    noise = 0.3 * rng.standard_normal(n_samples)
    if task == "one-target":
        return X, 3 * signal + noise
    if task == "two-targets":
        return X, np.c_[3 * signal + noise, X[:, 3] - 2 * signal]
    return X, rng.poisson(np.exp(0.5 * signal)).astype(float)
