"""TrainingMonitor: each statistic against a hand computation on a tiny
network, planted dead and saturated layers found, the update ratio equal to
the step it reports, and the monitor inside pipelines and searches."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmanualnet import (
    ManualMLPClassifier,
    ManualMLPRegressor,
    TrainingMonitor,
    trace_step,
)

from ._data import make_task


class WeightRecorder:
    """A FitCallback keeping a copy of the weights at every epoch's end."""

    def __init__(self):
        self.coefs, self.intercepts = [], []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        if context.task_name == "fit":
            self._keep(estimator)

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch":
            self._keep(estimator)

    def _keep(self, estimator):
        self.coefs.append([W.copy() for W in estimator.coefs_])
        self.intercepts.append([b.copy() for b in estimator.intercepts_])


def _hidden(X, coefs, intercepts, phi):
    """aˡ of each hidden layer, by hand."""
    a, out = X, []
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        a = phi(a @ W + b)
        out.append(a)
    return out


def _softmax_loss(X, T, coefs, intercepts, alpha):
    """−(1/B) Σ t log softmax(z) + (α / 2B) Σ ‖W‖², tanh hidden layers, by hand."""
    a = X
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        a = np.tanh(a @ W + b)
    z = a @ coefs[-1] + intercepts[-1]
    z = z - z.max(axis=1, keepdims=True)
    log_y = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = X.shape[0]
    penalty = alpha / (2 * n) * sum((W**2).sum() for W in coefs)
    return -(T * log_y).sum() / n + penalty


def _fit_watched(model, X, y, **monitor_params):
    monitor, weights = TrainingMonitor(**monitor_params), WeightRecorder()
    model.set_callbacks(monitor, weights).fit(X, y)
    return monitor, weights


@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic"])
def test_activation_statistics_equal_the_hand_forward_pass(activation):
    X, y = make_task("multiclass", n_samples=40)
    model = ManualMLPClassifier(
        (5, 3), activation=activation, max_iter=4, batch_size=8, random_state=0
    )
    monitor, weights = _fit_watched(model, X, y)
    phi = {
        "tanh": np.tanh,
        "relu": lambda z: np.maximum(z, 0),
        "logistic": lambda z: 1 / (1 + np.exp(-z)),
    }[activation]
    assert_array_equal(monitor.epochs_, np.arange(5))
    for e in range(5):  # the probe is every row: 40 < 256
        hidden = _hidden(X, weights.coefs[e], weights.intercepts[e], phi)
        for l, a in enumerate(hidden):
            assert_allclose(monitor.activation_mean_[e, l], a.mean(), rtol=1e-12)
            assert_allclose(monitor.activation_std_[e, l], a.std(), rtol=1e-12)
            if activation == "relu":
                dead = np.mean(np.all(a == 0, axis=0))
                assert monitor.dead_fraction_[e, l] == dead
                assert np.isnan(monitor.saturated_fraction_[e, l])
            else:
                low = 0.03 if activation == "logistic" else -np.inf
                high = 0.97
                value = np.abs(a) if activation == "tanh" else a
                share = np.mean((value > high) | (value < low))
                assert monitor.saturated_fraction_[e, l] == share
                assert np.isnan(monitor.dead_fraction_[e, l])


def test_gradient_norm_equals_finite_differences_of_the_probe_loss():
    X, y = make_task("multiclass", n_samples=30)
    T = np.eye(3)[y]
    alpha = 0.3  # the penalty's part, over the probe's B, is in the gradient
    model = ManualMLPClassifier(
        (4,), activation="tanh", alpha=alpha, max_iter=2, random_state=0
    )
    monitor, weights = _fit_watched(model, X, y)
    coefs, intercepts = weights.coefs[-1], weights.intercepts[-1]
    eps = 1e-6
    for l, W in enumerate(coefs):
        numeric = np.empty_like(W)
        for index in np.ndindex(W.shape):
            shifted = [c.copy() for c in coefs]
            shifted[l][index] += eps
            plus = _softmax_loss(X, T, shifted, intercepts, alpha)
            shifted[l][index] -= 2 * eps
            minus = _softmax_loss(X, T, shifted, intercepts, alpha)
            numeric[index] = (plus - minus) / (2 * eps)
        assert_allclose(
            monitor.gradient_norm_[-1, l], np.linalg.norm(numeric), rtol=1e-6
        )


def test_plain_sgd_ratio_is_the_learning_rate_times_the_gradient_norm():
    """With plain sgd, ΔW = −η W̄: the ratio is η ‖W̄‖ / ‖W‖."""
    X, y = make_task("binary", n_samples=30)
    model = ManualMLPClassifier(
        (4,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.05,
        max_iter=3,
        random_state=0,
    )
    monitor, weights = _fit_watched(model, X, y)
    for e in range(4):
        norms = [np.linalg.norm(W) for W in weights.coefs[e]]
        expected = 0.05 * monitor.gradient_norm_[e] / norms
        assert_allclose(monitor.update_ratio_[e], expected, rtol=1e-12)


@pytest.mark.parametrize(
    "params",
    [dict(solver="adam"), dict(solver="sgd", momentum=0.9, nesterovs_momentum=True)],
)
def test_ratio_equals_the_next_training_step_on_the_probe_rows(params):
    """A probe of every row, and a next step on one batch of every row: the
    ratio reported at the last epoch is ‖ΔW‖/‖W‖ of that real step."""
    X, y = make_task("multiclass", n_samples=40)
    model = ManualMLPClassifier(
        (5, 4),
        max_iter=3,
        batch_size=40,
        shuffle=False,
        alpha=0.0,
        random_state=0,
        **params,
    )
    monitor, _ = _fit_watched(model, X, y)
    before = [W.copy() for W in model.coefs_]
    model.set_callbacks().partial_fit(X, y)
    real = [
        np.linalg.norm(after - W) / np.linalg.norm(W)
        for W, after in zip(before, model.coefs_, strict=True)
    ]
    assert_allclose(monitor.update_ratio_[-1], real, rtol=1e-10)


def _planted(activation, plant, max_iter=2, **params):
    """A warm-started fit from weights changed by ``plant(coefs, intercepts)``,
    watched by a new monitor."""
    X, y = make_task("multiclass", n_samples=60)
    X = StandardScaler().fit_transform(X)
    model = ManualMLPClassifier(
        (4, 4),
        activation=activation,
        max_iter=1,
        learning_rate_init=1e-4,
        random_state=0,
        **params,
    )
    model.fit(X, y)
    plant(model.coefs_, model.intercepts_)  # views of θ: changed in place
    monitor = TrainingMonitor()
    model.set_params(warm_start=True, max_iter=max_iter)
    model.set_callbacks(monitor).fit(X, y)
    return monitor, model, X


def test_a_planted_dead_relu_unit_is_found_exactly():
    def plant(coefs, intercepts):
        # units 1 and 3 of layer 2: z = −1 on every row, no gradient ever
        coefs[1][:, [1, 3]] = 0.0
        intercepts[1][[1, 3]] = -1.0

    monitor, model, _ = _planted("relu", plant, alpha=0.0)
    assert_array_equal(monitor.epochs_, [2, 3])  # a warm start goes on counting
    assert_array_equal(monitor.dead_fraction_[:, 1], [0.5, 0.5])
    assert "layer 2: 50 % of relu units dead since epoch 2" in monitor.verdicts()


def test_a_planted_saturated_layer_is_found():
    def plant(coefs, intercepts):
        coefs[0] *= 200.0

    monitor, model, X = _planted("tanh", plant)
    a = np.tanh(X @ model.coefs_[0] + model.intercepts_[0])
    assert monitor.saturated_fraction_[-1, 0] == np.mean(np.abs(a) > 0.97)
    assert monitor.saturated_fraction_[-1, 0] > 0.9
    verdict = [v for v in monitor.verdicts() if v.startswith("layer 1:")]
    assert verdict and "tanh activations saturated (|a| > 0.97)" in verdict[0]


def test_a_healthy_fit_breaks_no_rule():
    X, y = load_digits(return_X_y=True)
    model = ManualMLPClassifier((32, 32), max_iter=10, random_state=0)
    monitor = TrainingMonitor()
    model.set_callbacks(monitor).fit(X / 16, y)
    assert monitor.verdicts() == []
    assert "No rule of thumb broken at epoch 10." in monitor._repr_html_()


def test_too_large_steps_are_called_so():
    X, y = make_task("multiclass", n_samples=90)
    model = ManualMLPClassifier(
        (16,), solver="sgd", learning_rate_init=5.0, max_iter=3, random_state=0
    )
    monitor = TrainingMonitor()
    model.set_callbacks(monitor).fit(X, y)
    assert any("steps too large" in v for v in monitor.verdicts())


def test_the_monitor_does_not_change_training():
    X, y = make_task("multiclass", n_samples=60)
    params = dict(
        hidden_layer_sizes=(6, 5),
        dropout=0.2,
        normalization="batch",
        max_iter=4,
        batch_size=16,
        random_state=np.random.RandomState(3),
    )
    plain = ManualMLPClassifier(**params).fit(X, y)
    params["random_state"] = np.random.RandomState(3)
    watched = ManualMLPClassifier(**params).set_callbacks(TrainingMonitor())
    watched.fit(X, y)
    for W, V in zip(plain.coefs_, watched.coefs_, strict=True):
        assert_array_equal(W, V)


@pytest.mark.parametrize(
    "options",
    [
        dict(normalization="layer"),
        dict(normalization="batch", parametric_activation=True),
        dict(input_embedding="periodic", dropout=0.3),
    ],
)
def test_layered_networks_are_measured_as_their_trace_shows(options):
    X, y = make_task("multiclass", n_samples=50)
    model = ManualMLPClassifier(
        (6, 4), activation="tanh", max_iter=3, random_state=0, **options
    )
    monitor = TrainingMonitor()
    model.set_callbacks(monitor).fit(X, y)
    assert monitor.activation_mean_.shape == (4, 2)
    assert monitor.update_ratio_.shape == (4, 3)
    assert np.all(np.isfinite(monitor.gradient_norm_))
    if "dropout" in options:
        return  # the trace draws other masks; the activations before them agree
    model.set_callbacks()
    trace = trace_step(model, X, y)  # the same training pass, on the same rows
    hidden = [s.out for s in trace.layers if "activation" in s.name]
    assert_allclose(
        monitor.activation_mean_[-1], [a.mean() for a in hidden], rtol=1e-10
    )
    W_bars = [s.grads["W"] for s in trace.layers if s.name == "dense"]
    assert_allclose(
        monitor.gradient_norm_[-1], [np.linalg.norm(g) for g in W_bars], rtol=1e-10
    )


def test_every_k_epochs_and_a_probe_of_k_rows():
    X, y = make_task("binary", n_samples=80)
    monitor = TrainingMonitor(every=3, probe_size=10)
    ManualMLPRegressor((5,), max_iter=7, random_state=0).set_callbacks(monitor).fit(
        X, y.astype(float)
    )
    assert_array_equal(monitor.epochs_, [0, 3, 6])
    assert monitor.activation_std_.shape == (3, 1)


def test_partial_fit_calls_extend_one_record():
    X, y = make_task("multiclass", n_samples=40)
    monitor = TrainingMonitor()
    model = ManualMLPClassifier((5,), random_state=0).set_callbacks(monitor)
    for _ in range(3):
        model.partial_fit(X, y, classes=[0, 1, 2])
    assert len(monitor.records_) == 1
    assert_array_equal(monitor.epochs_, [0, 1, 2, 3])


def test_in_a_pipeline_and_a_grid_search_every_fit_is_recorded():
    X, y = make_task("multiclass", n_samples=60)
    pipe = make_pipeline(
        StandardScaler(), ManualMLPClassifier(max_iter=3, random_state=0)
    )
    monitor = TrainingMonitor()
    pipe.set_callbacks(monitor).fit(X, y)
    assert len(monitor.records_) == 1 and monitor.epochs_.size == 4

    monitor = TrainingMonitor()
    grid = {"manualmlpclassifier__hidden_layer_sizes": [(3,), (4, 4)]}
    pipe = make_pipeline(
        StandardScaler(), ManualMLPClassifier(max_iter=3, random_state=0)
    )
    search = GridSearchCV(pipe, grid, cv=2).set_callbacks(monitor).fit(X, y)
    assert len(monitor.records_) == 2 * 2 + 1  # candidates × folds, then refit
    best = search.best_params_["manualmlpclassifier__hidden_layer_sizes"]
    assert monitor.records_[-1].params["hidden_layer_sizes"] == best
    assert monitor.update_ratio_.shape == (4, len(best) + 1)


def test_lbfgs_fits_are_not_watched_and_bad_parameters_are_named():
    X, y = make_task("binary")
    monitor = TrainingMonitor()
    ManualMLPClassifier((3,), solver="lbfgs").set_callbacks(monitor).fit(X, y)
    assert monitor.records_ == []
    with pytest.raises(AttributeError, match="watched none yet"):
        _ = monitor.dead_fraction_
    with pytest.raises(InvalidParameterError, match="every"):
        TrainingMonitor(every=0)
    with pytest.raises(InvalidParameterError, match="probe_size"):
        TrainingMonitor(probe_size=0.5)
