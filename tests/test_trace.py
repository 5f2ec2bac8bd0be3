"""trace_step: every intermediate of one step, equal to what training computes."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet import ManualMLPClassifier, trace_step
from skmanualnet._heads.heads import HEADS
from skmanualnet._nn.activations import ACTIVATIONS
from skmanualnet._nn.network import Network, ParameterLayout, loss_and_gradient
from skmanualnet._nn.workspace import Workspace

from ._data import TASKS, make_task


def _training_gradient(model, X, T, sw):
    layout = ParameterLayout([X.shape[1]] + [W.shape[1] for W in model.coefs_])
    theta = layout.pack(model.coefs_, model.intercepts_, np.float64)
    grad = np.empty_like(theta)
    ws = Workspace(layout.layer_units, X.shape[0], np.float64)
    activations = (ACTIVATIONS[model.activation],) * (len(model.coefs_) - 1)
    network = Network(layout, activations, HEADS[model.out_activation_], model.alpha)
    loss = loss_and_gradient(theta, grad, network, X, T, sw, ws)
    return loss, layout.unpack(grad)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_trace_matches_the_training_gradient_and_leaves_the_model_alone(
    task, activation
):
    X, y = make_task(task, n_samples=40)
    model = ManualMLPClassifier(
        (5, 4), activation=activation, alpha=0.1, max_iter=5, random_state=0
    )
    model.fit(X, y)
    before = [c.copy() for c in model.coefs_ + model.intercepts_]
    velocity = model._optimizer.carried.copy()
    sw = np.linspace(0.5, 1.5, 4)
    trace = trace_step(model, X[:4], y[:4], sample_weight=sw)

    assert_allclose(trace.z_bar_jacobian, trace.z_bar_fused, atol=1e-12)
    loss, (W_bars, b_bars) = _training_gradient(model, X[:4], trace.T, sw)
    assert trace.loss == pytest.approx(loss, rel=1e-12)
    for l in range(3):
        assert_allclose(trace.W_bar[l + 1], W_bars[l], rtol=1e-12, atol=1e-15)
        assert_allclose(trace.b_bar[l + 1], b_bars[l], rtol=1e-12, atol=1e-15)
    for c, b in zip(model.coefs_ + model.intercepts_, before, strict=True):
        assert_array_equal(c, b)
    assert_array_equal(model._optimizer.carried, velocity)
    assert_allclose(
        trace.a[-1],
        model.predict_proba(X[:4])
        if task != "binary"
        else model.predict_proba(X[:4])[:, 1:],
    )


def test_trace_of_an_unfitted_model_shows_the_plain_sgd_update():
    X, y = make_task("multiclass", n_samples=6)
    model = ManualMLPClassifier(
        (3,), momentum=0.0, learning_rate_init=0.1, random_state=0
    )
    trace = trace_step(model, X, y)
    assert not hasattr(model, "coefs_")
    for l in (1, 2):
        assert_allclose(trace.W_update[l], -0.1 * trace.W_bar[l], rtol=1e-12)
    J = trace.jacobian[0]
    assert_allclose(J, np.diag(trace.y[0]) - np.outer(trace.y[0], trace.y[0]))
    text = str(trace)
    assert re.search(r"W̄² = \(a¹\)ᵀ z̄² \+ \(α / Σs\) W² +\(3, 3\)", text)
    assert set(trace.to_dict()) >= {"z", "a", "y_bar", "W_bar", "b_bar", "W_update"}


def test_trace_of_a_float32_lbfgs_model_stays_float32_and_has_no_update():
    X, y = make_task("binary", n_samples=20)
    model = ManualMLPClassifier((3,), solver="lbfgs", max_iter=5, random_state=0)
    model.fit(X.astype(np.float32), y)
    trace = trace_step(model, X[:3].astype(np.float32), y[:3])
    assert all(z.dtype == np.float32 for z in trace.z[1:])
    assert trace.W_bar[1].dtype == np.float32
    assert trace.W_update == [None, None, None]
