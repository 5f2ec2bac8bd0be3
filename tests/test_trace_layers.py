"""trace_step of a model whose layer options add layers: the real passes,
layer by layer, and the model left as it was."""

import copy

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet import ManualMLPClassifier, ManualMLPRegressor, trace_step
from skmanualnet._inspection.inspected import inspected_problem
from skmanualnet._inspection.trace_layers import LayerTrace
from skmanualnet._nn.layer import Context
from skmanualnet._training.problem import full_batch_loss

from ._data import make_regression_task, make_task

MODELS = {
    "dropout and batch norm": lambda: ManualMLPClassifier(
        (5, 4), dropout=0.3, normalization="batch", random_state=0
    ),
    "layer norm, parametric": lambda: ManualMLPClassifier(
        (5,),
        normalization="layer",
        parametric_activation=True,
        activation="tanh",
        random_state=1,
    ),  # fmt: skip
    "scale, periodic": lambda: ManualMLPRegressor(
        (4,),
        input_scale=True,
        input_embedding="periodic",
        embedding_size=2,
        alpha=0.1,
        random_state=0,
    ),  # fmt: skip
    "piecewise linear": lambda: ManualMLPRegressor(
        (4,),
        input_embedding="piecewise_linear",
        embedding_size=3,
        solver="lbfgs",
        random_state=0,
    ),  # fmt: skip
}


def _data(model, n_samples=7):
    if isinstance(model, ManualMLPClassifier):
        return make_task("multiclass", n_samples=n_samples)
    return make_regression_task("one-target", n_samples=n_samples, n_features=3)


def _traced(name, sample_weight=None):
    model = MODELS[name]()
    X, y = _data(model)
    trace = trace_step(model, X, y, sample_weight=sample_weight)
    network = inspected_problem(model, X, y, sample_weight)[1].network
    return model, X, y, trace, network


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_traced_gradient_is_the_one_training_and_check_gradients_compute(name):
    sample_weight = np.linspace(0.5, 2.0, 7)
    model, X, y, trace, network = _traced(name, sample_weight)
    assert isinstance(trace, LayerTrace)
    problem = inspected_problem(model, X, y, sample_weight)[1]
    loss, grad = full_batch_loss(problem)(problem.theta)
    assert trace.loss == pytest.approx(loss, rel=1e-12)
    for step, grads in zip(
        trace.layers, network.layout.unpack_layers(grad), strict=True
    ):
        assert set(step.grads) == set(grads)
        for key in grads:
            assert_allclose(step.grads[key], grads[key], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_layer_runs_on_the_previous_layers_output(name):
    # replaying layer k's forward pass on the recorded x^{k-1} gives x^k
    # (dropout: with the recorded mask); a cache entry holding the layer's
    # input is x^{k-1} itself
    _, X, _, trace, network = _traced(name)
    inputs = [X, *(step.out for step in trace.layers)]
    training = Context(training=True, random_state=np.random.RandomState(0))
    for k, (layer, step) in enumerate(zip(network.layers, trace.layers, strict=True)):
        x = inputs[k]
        assert x.shape[1] == layer.n_in
        if "scaled_mask" in step.cache:
            assert_array_equal(step.out, x * step.cache["scaled_mask"])
        else:
            out, _ = layer.forward(
                x, step.params, layer.initial_state(x.dtype), training
            )
            assert_array_equal(out, step.out)
        held = [v for v in step.cache.values() if np.shape(v) == np.shape(x)]
        if layer.name in ("dense", "activation", "scale", "batch_norm"):
            assert any(v is x for v in held), (k, layer.name)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_error_signals_chain_from_the_head_down(name):
    # x̄ at the output of the last layer is the head's; layer k's x̄ at its
    # input is layer k − 1's at its output; replaying layer k's backward pass
    # on the recorded x̄ᵏ gives the recorded x̄ᵏ⁻¹
    _, _, _, trace, network = _traced(name)
    assert_array_equal(trace.layers[-1].out_bar, trace.z_bar)
    assert trace.layers[0].x_bar is None
    for k in range(len(trace.layers) - 1, 0, -1):
        step, layer = trace.layers[k], network.layers[k]
        assert_array_equal(step.x_bar, trace.layers[k - 1].out_bar)
        scratch = {key: np.empty_like(value) for key, value in step.grads.items()}
        x_bar = layer.backward(step.out_bar.copy(), step.cache, step.params, scratch)
        assert_array_equal(x_bar, step.x_bar)


def _fitted_arrays(model):
    """Every fitted array of ``model`` by name, copied: θ, the weights, each
    layer's state (batch norm's running statistics), the optimizer's state."""
    arrays = {"theta": model._theta, "coefs": model.coefs_, "b": model.intercepts_}
    for k, state in enumerate(model._layered.state):
        arrays.update({f"{k}.{key}": value for key, value in state.items()})
    for key, value in vars(model._optimizer).items():
        arrays[f"optimizer.{key}"] = value
    return copy.deepcopy(arrays)


def test_tracing_leaves_a_fitted_model_and_its_running_statistics_alone():
    model = MODELS["dropout and batch norm"]()
    X, y = make_task("multiclass", n_samples=30)
    model.set_params(max_iter=5).fit(X, y)
    before, predicted = _fitted_arrays(model), model.predict_proba(X)
    assert {"1.running_mean", "1.running_var", "5.running_mean"} <= set(before)
    trace = trace_step(model, X[:6], y[:6])
    # the trace ran a training pass: batch statistics, a dropout mask
    assert {"mu", "var"} <= set(trace.layers[1].cache)
    assert "scaled_mask" in trace.layers[3].cache
    assert_array_equal(trace.layers[0].params["W"], model.coefs_[0])
    after = _fitted_arrays(model)
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, list):
            for old, new in zip(value, after[key], strict=True):
                assert_array_equal(old, new, err_msg=key)
        elif isinstance(value, np.ndarray | float | int):
            assert_array_equal(value, after[key], err_msg=key)
    assert_array_equal(model.predict_proba(X), predicted)


def test_an_unfitted_model_stays_unfitted():
    model = MODELS["layer norm, parametric"]()
    X, y = _data(model)
    trace_step(model, X, y)
    assert not hasattr(model, "coefs_")


def test_the_printed_trace_reads_forward_then_backward_layer_by_layer():
    _, _, _, trace, _ = _traced("dropout and batch norm")
    text = str(trace)
    names = [step.name for step in trace.layers]
    assert names == ["dense", "batch_norm", "activation", "dropout"] * 2 + ["dense"]
    forward, rest = text.split("\nLoss\n")
    backward, update = rest.split("\nBackward (")[1].split("\nUpdate (")
    m = len(names)
    headings = [f"  layer {k} ({name}):" for k, name in enumerate(names, start=1)]
    at = [forward.index(heading) for heading in headings]
    assert at == sorted(at)  # computation order
    at = [backward.index(heading) for heading in headings]
    assert at == sorted(at, reverse=True)  # reverse order
    assert "x̄⁹ = w ⊙ (y − t)" in backward
    for k in range(1, m + 1):
        assert f"x{str(k).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))} = " \
            f"{names[k - 1]}(" in forward  # fmt: skip
    assert "x̄⁰: not formed, x⁰ is the data" in backward
    assert "gamma_bar = ∂L/∂gamma" in backward
    assert "Δgamma" in update
    assert trace._repr_html_().count("layer 2 (batch_norm)") == 3


def test_an_lbfgs_model_has_no_update_and_float32_stays_float32():
    model = MODELS["piecewise linear"]()
    X, y = _data(model)
    trace = trace_step(model, X.astype(np.float32), y)
    assert all(step.updates is None for step in trace.layers)
    assert all(step.out.dtype == np.float32 for step in trace.layers)
    assert "Update (none: L-BFGS" in str(trace)
    assert set(trace.to_dict()) >= {"X", "layers", "y", "T", "loss", "z_bar"}
