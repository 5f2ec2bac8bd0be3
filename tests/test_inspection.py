"""check_gradients and trace_step: the loss the model trains on, through pipelines,
with the real forward and backward passes."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skmanualnet import ManualMLPClassifier, check_gradients, trace_step

from ._data import make_task


def _fitted(**params):
    X, y = make_task("multiclass", n_samples=60)
    X = 5 * X + 3  # the scaler in a pipeline has something to do
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ManualMLPClassifier((5,), max_iter=5, random_state=0, **params)
        return model.fit(X, y), X, y


@pytest.mark.parametrize("tool", [trace_step, check_gradients])
def test_a_fitted_pipeline_is_inspected_on_transformed_x(tool):
    X, y = make_task("multiclass", n_samples=60)
    X = 5 * X + 3
    pipeline = make_pipeline(StandardScaler(), ManualMLPClassifier((5,), max_iter=5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(X, y)
    through_pipeline = tool(pipeline, X[:6], y[:6])
    direct = tool(pipeline[-1], pipeline[0].transform(X[:6]), y[:6])
    if tool is trace_step:
        assert through_pipeline.loss == direct.loss
        assert_array_equal(through_pipeline.W_bar[1], direct.W_bar[1])
    else:
        assert through_pipeline == direct


def test_class_weights_enter_the_traced_and_the_checked_loss():
    balanced, X, y = _fitted(class_weight="balanced")
    y = np.r_[y[:6], [0, 0, 0, 0]]  # unequal counts, so that the weights matter
    X = X[:10]
    weights = compute_sample_weight("balanced", y)
    unweighted, _, _ = _fitted()
    unweighted.coefs_ = balanced.coefs_
    unweighted.intercepts_ = balanced.intercepts_
    traced = trace_step(balanced, X, y)
    assert traced.loss == pytest.approx(
        trace_step(unweighted, X, y, sample_weight=weights).loss, rel=1e-12
    )
    assert traced.loss != pytest.approx(trace_step(unweighted, X, y).loss, rel=1e-3)
    assert check_gradients(balanced, X, y) == check_gradients(
        unweighted, X, y, sample_weight=weights
    )


def test_an_unfitted_model_is_traced_on_rows_of_one_class_given_the_classes():
    X, y = make_task("multiclass", n_samples=30)
    model = ManualMLPClassifier((4,), random_state=0)
    rows = y == 2
    trace = trace_step(model, X[rows][:3], y[rows][:3], classes=[0, 1, 2])
    assert trace.y.shape == (3, 3)
    assert_array_equal(trace.T, np.tile([0, 0, 1], (3, 1)))
    errors = check_gradients(model, X[rows][:3], y[rows][:3], classes=[0, 1, 2])
    assert max(errors["coefs"] + errors["intercepts"]) < 1e-6
    # without the classes, the rows are a one-class problem: one output unit
    assert trace_step(model, X[rows][:3], y[rows][:3]).y.shape == (3, 1)
    assert not hasattr(model, "coefs_")


def test_the_trace_runs_the_training_passes(monkeypatch):
    """A bug planted in the backward pass of training shows in the trace."""
    import skmanualnet._nn.network as network

    model, X, y = _fitted(activation="tanh")
    honest = trace_step(model, X[:4], y[:4])
    monkeypatch.setattr(
        network,
        "hidden_error",
        lambda a_bar, phi_prime, out: np.copyto(out, a_bar) or out,
    )
    planted = trace_step(model, X[:4], y[:4])
    assert_array_equal(planted.z_bar[2], honest.z_bar[2])  # above the planted bug
    assert not np.allclose(planted.z_bar[1], honest.z_bar[1])
    assert_allclose(planted.z_bar[1], honest.a_bar[1])  # φ′ was left out


def test_the_trace_shows_phi_prime_next_to_the_activation_it_came_from():
    model, X, y = _fitted(activation="tanh")
    trace = trace_step(model, X[:4], y[:4])
    assert_allclose(trace.a[1], np.tanh(trace.z[1]), rtol=1e-12)
    assert_allclose(trace.phi_prime[1], 1 - trace.a[1] ** 2, rtol=1e-12)
    assert_allclose(trace.z_bar[1], trace.a_bar[1] * trace.phi_prime[1], rtol=1e-12)


def test_the_traced_logits_are_the_decision_function():
    model, X, y = _fitted()
    trace = trace_step(model, X[:4], y[:4])
    assert_allclose(trace.z[-1], model.decision_function(X[:4]), rtol=1e-12)


@pytest.mark.parametrize("eps", [0.0, -1e-6, np.nan])
def test_check_gradients_refuses_a_step_that_is_not_positive(eps):
    model, X, y = _fitted()
    with pytest.raises(ValueError, match="eps must be a positive"):
        check_gradients(model, X, y, eps=eps)
