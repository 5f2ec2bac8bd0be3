"""It learns: accuracy on bundled and synthetic sets, and out-of-the-box defaults."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_moons
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks.bench_defaults import DATASETS, fit_both_dtypes, score
from benchmarks.bench_regression_defaults import DATASETS as REGRESSION_SETS
from benchmarks.bench_regression_defaults import score as regression_score
from skmanualnet import ManualMLPClassifier, ManualMLPRegressor


@pytest.mark.parametrize(
    "load, min_accuracy",
    [
        (lambda: load_digits(return_X_y=True), 0.95),
        (lambda: load_iris(return_X_y=True), 0.93),
        (lambda: make_moons(400, noise=0.2, random_state=0), 0.95),
    ],
    ids=["digits", "iris", "moons"],
)
def test_scaled_pipeline_reaches_documented_accuracy(load, min_accuracy):
    """Settings: StandardScaler + ManualMLPClassifier() defaults, 25% held out."""
    X, y = load()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    model = make_pipeline(StandardScaler(), ManualMLPClassifier(random_state=0))
    assert model.fit(X_tr, y_tr).score(X_te, y_te) >= min_accuracy


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_defaults_reach_default_adam_accuracy(name):
    """Default SGD (η₀ = 'auto' = 0.05) is as good as sklearn's default adam.

    Two test points of slack (1.7% of the 120 test rows of the smallest sets).
    """
    X, y = DATASETS[name]()
    ours = score(ManualMLPClassifier(random_state=0), X, y, seed=0)
    adam = score(MLPClassifier(random_state=0), X, y, seed=0)
    assert ours >= adam - 2 / (0.4 * len(y)), (ours, adam)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_defaults_train_on_raw_features_and_agree_across_dtypes(name):
    """Unscaled X (bench_defaults' second table, seed 0): float32 and float64
    fits agree, and default SGD is as good as default adam (two test points of
    slack) but on wine, whose columns span 0.13 to 1680: there it must still
    learn (20 points above the majority class), where 0.05 did not."""
    X, y = DATASETS[name]()

    def default(seed):
        return ManualMLPClassifier(random_state=seed)

    ours, delta, _ = fit_both_dtypes(default, X, y, seed=0, scaled=False)
    assert delta < 1e-2
    if name == "wine":
        assert ours > np.bincount(y).max() / len(y) + 0.2
    else:
        adam = score(MLPClassifier(random_state=0), X, y, seed=0, scaled=False)
        assert ours >= adam - 2 / (0.4 * len(y)), (ours, adam)


def test_auto_learning_rate_resolves_per_solver():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    sgd = ManualMLPClassifier(max_iter=3, random_state=0).fit(X, y)
    adam = ManualMLPClassifier(solver="adam", max_iter=3, random_state=0).fit(X, y)
    assert sgd._optimizer.learning_rate_init == 0.05
    assert adam._optimizer.learning_rate_init == 0.001


@pytest.mark.parametrize("name", sorted(REGRESSION_SETS))
def test_regressor_defaults_are_not_worse_than_default_adam(name):
    """At most 0.01 R² below sklearn's default MLPRegressor, targets unscaled."""
    ours = regression_score(ManualMLPRegressor(random_state=0), name, seed=0)
    adam = regression_score(MLPRegressor(random_state=0), name, seed=0)
    assert ours >= adam - 0.01, (ours, adam)


def test_auto_learning_rate_divides_by_the_scales_of_x_and_of_the_targets():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    t = np.arange(len(X), dtype=float) % 7
    rms_t = float(np.sqrt(np.mean(t**2)))
    plain = ManualMLPRegressor(max_iter=1).partial_fit(X, t)
    assert plain._optimizer.learning_rate_init == pytest.approx(0.05 / rms_t)
    scaled = ManualMLPRegressor(max_iter=1).partial_fit(10 * X, t)
    rms_x = float(np.sqrt(np.mean((10 * X) ** 2)))
    assert scaled._optimizer.learning_rate_init == pytest.approx(0.05 / rms_t / rms_x)
    small = ManualMLPRegressor(max_iter=1).partial_fit(X, t / 100)
    assert small._optimizer.learning_rate_init == 0.05  # scales below 1 keep it


def test_partial_fit_keeps_the_auto_step_of_its_first_chunk():
    X, y = load_iris(return_X_y=True)
    model = ManualMLPRegressor().partial_fit(X[:50], y[:50] * 10)
    first = model._optimizer.learning_rate_init
    model.partial_fit(3 * X[50:], y[50:])
    assert model._optimizer.learning_rate_init == first < 0.05
