"""The conformance suite: every registered layer against central differences.

For a layer f, input x and fixed upstream weights G, the scalar
ℓ(x, θ) = Σ G ⊙ f(x; θ) has ∂ℓ/∂out = G, so ``backward(G)`` must give ∂ℓ/∂x
and ∂ℓ/∂θ. Each is compared with (ℓ(· + ε) − ℓ(· − ε)) / (2ε), entry by entry,
in float64, with the training pass's noise drawn from the same seed at every
evaluation (dropout's masks are fixed, as the issue asks). Each layer is also
traced: ``trace_step``'s printout must name it, its cache and its gradients.
"""

import numpy as np
import pytest

from skmanualnet._heads.heads import SoftmaxCrossEntropy
from skmanualnet._inspection.trace_layers import trace_network
from skmanualnet._nn.dense import Dense
from skmanualnet._nn.layer import Context
from skmanualnet._nn.registry import LAYERS
from skmanualnet._nn.sequence import LayeredNetwork, SequenceLayout

from ._examples import EXAMPLES

EPS = 1e-6
#: max |analytic − numeric| / max(|analytic|, |numeric|, 1e-8), per array
TOLERANCE = 1e-6


def test_every_registered_layer_has_an_example():
    assert set(EXAMPLES) == set(LAYERS)


def _setup(name, seed=0):
    rng = np.random.RandomState(seed)
    layer, x = EXAMPLES[name](rng)
    layout = SequenceLayout([layer])
    theta = np.empty(layout.size)
    layer.initialize(layout.unpack_layers(theta)[0], rng)
    theta += 0.1 * rng.standard_normal(theta.size)  # away from special values
    return layer, x, layout, theta, rng


def _training(x):
    """A training pass's context: noise from seed 7, keyed to the rows."""
    keys = np.arange(1, x.shape[0] + 1, dtype=np.uint64)
    return Context(training=True, random_state=np.random.RandomState(7), row_keys=keys)


def _scalar(layer, layout, theta, x, G):
    context = _training(x)
    state = layer.initial_state(x.dtype)
    out, _ = layer.forward(x, layout.unpack_layers(theta)[0], state, context)
    return float(np.sum(G * out))


def _relative_error(analytic, numeric):
    scale = np.maximum(np.maximum(abs(analytic), abs(numeric)), 1e-8)
    return float(np.max(abs(analytic - numeric) / scale, initial=0.0))


def _central_differences(f, v):
    numeric = np.empty_like(v)
    flat, out = v.reshape(-1), numeric.reshape(-1)
    for j in range(flat.size):
        saved = flat[j]
        flat[j] = saved + EPS
        plus = f()
        flat[j] = saved - EPS
        minus = f()
        flat[j] = saved
        out[j] = (plus - minus) / (2 * EPS)
    return numeric


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_matches_central_differences(name):
    layer, x, layout, theta, rng = _setup(name)
    context = _training(x)
    params = layout.unpack_layers(theta)[0]
    out, cache = layer.forward(x.copy(), params, layer.initial_state(x.dtype), context)
    G = rng.standard_normal(out.shape)
    grad = np.zeros_like(theta)
    x_bar = layer.backward(G.copy(), cache, params, layout.unpack_layers(grad)[0])

    def f():
        return _scalar(layer, layout, theta, x, G)

    assert x_bar.shape == x.shape
    assert _relative_error(x_bar, _central_differences(f, x)) <= TOLERANCE
    if theta.size:
        assert _relative_error(grad, _central_differences(f, theta)) <= TOLERANCE


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_without_x_bar_writes_the_same_gradients(name):
    layer, x, layout, theta, rng = _setup(name)
    grads = []
    for need in (True, False):
        context = Context(training=True, random_state=np.random.RandomState(7))
        params = layout.unpack_layers(theta)[0]
        out, cache = layer.forward(
            x.copy(), params, layer.initial_state(x.dtype), context
        )
        grad = np.zeros_like(theta)
        G = np.random.RandomState(1).standard_normal(out.shape)
        layer.backward(G, cache, params, layout.unpack_layers(grad)[0], need_x_bar=need)
        grads.append(grad)
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_forward_leaves_its_input_unchanged(name):
    layer, x, layout, theta, _ = _setup(name)
    before = x.copy()
    for training in (True, False):
        context = Context(training=training, random_state=np.random.RandomState(7))
        layer.forward(
            x, layout.unpack_layers(theta)[0], layer.initial_state(x.dtype), context
        )
        np.testing.assert_array_equal(x, before)


def _reference_contexts(x):
    """name → a function giving a fresh context (the same draws at each call):
    training, training with row weights ω = s / Σs, and predict."""
    s = np.random.RandomState(3).uniform(0.5, 2.0, (x.shape[0], 1))
    return {
        "training": lambda: _training(x),
        "weighted": lambda: Context(
            training=True,
            random_state=np.random.RandomState(7),
            row_weights=s / s.sum(),
            row_keys=_training(x).row_keys,
        ),
        "predict": lambda: Context(training=False),
    }


@pytest.mark.parametrize("context_name", ["training", "weighted", "predict"])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_forward_and_backward_equal_the_loop_by_loop_reference(name, context_name):
    """out, x̄ and every parameter's gradient equal the layer's
    reference_forward / reference_backward (loops over rows and units) to
    rtol 1e-12 in float64; at predict with a fitted state (running
    statistics), in training with the same seed for the noise (dropout's
    mask), also with row weights (batch normalisation's weighted statistics)."""
    layer, x, layout, theta, rng = _setup(name)
    context = _reference_contexts(x)[context_name]
    fitted = _fitted_state(layer, x, theta, layout)
    params = layout.unpack_layers(theta)[0]

    def state():
        return {key: value.copy() for key, value in fitted.items()}

    out, cache = layer.forward(x.copy(), params, state(), context())
    G = rng.standard_normal(out.shape)
    grad = np.zeros_like(theta)
    grads = layout.unpack_layers(grad)[0]
    x_bar = layer.backward(G.copy(), cache, params, grads)

    expected_out = layer.reference_forward(x.copy(), params, state(), context())
    expected_x_bar, expected_grads = layer.reference_backward(
        G.copy(), x.copy(), params, state(), context()
    )
    np.testing.assert_allclose(out, expected_out, rtol=1e-12, atol=0)
    np.testing.assert_allclose(x_bar, expected_x_bar, rtol=1e-12, atol=0)
    assert set(expected_grads) == {p.name for p in layer.parameters}
    for key, expected in expected_grads.items():
        np.testing.assert_allclose(grads[key], expected, rtol=1e-12, atol=0)


def _fitted_state(layer, x, theta, layout):
    """The layer's state after one training pass (running statistics that are
    not their initial values)."""
    state = layer.initial_state(x.dtype)
    context = Context(training=True, random_state=np.random.RandomState(7))
    layer.forward(x, layout.unpack_layers(theta)[0], state, context)
    return state


@pytest.mark.parametrize("opset", [15, 21])
@pytest.mark.parametrize("dtype, atol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_onnx_nodes_equal_the_forward_at_predict(name, dtype, atol, opset):
    """The layer's nodes alone in a graph, run by onnxruntime, give its
    predict forward (running statistics, no dropout) in float64 and float32,
    at opsets below and above 18 (ReduceMean's axes an attribute, an input)."""
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from skmanualnet._export.onnx_graph import GraphBuilder

    layer, x, layout, theta, _ = _setup(name)
    state = _fitted_state(layer, x, theta, layout)
    params = layout.unpack_layers(theta)[0]
    expected, _ = layer.forward(x, params, state, Context(training=False))
    graph = GraphBuilder.standalone(dtype, opset)
    model = graph.model("x", layer.onnx(graph, "x", params, state), layer.n_in)
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (out,) = session.run(None, {"x": x.astype(dtype)})
    assert out.dtype == dtype and out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=atol, atol=atol)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_the_trace_shows_the_layer_its_cache_and_its_gradients(name):
    # a small network with the layer first: the example layer, then a dense
    # layer to two logits; its trace must print the layer by name, each entry
    # of the cache its forward pass returns, and each parameter's gradient
    layer, x, _, _, rng = _setup(name)
    network = LayeredNetwork.of(
        [layer, Dense(layer.n_out, 2)], SoftmaxCrossEntropy(), 1e-3, x.dtype,
        random_state=np.random.RandomState(7),
    )  # fmt: skip
    theta = network.initial_parameters(rng, x.dtype)
    T = np.eye(2)[np.arange(x.shape[0]) % 2]
    _, cache = layer.forward(
        x, network.layout.unpack_layers(theta)[0], layer.initial_state(x.dtype),
        _training(x),
    )  # fmt: skip
    trace = trace_network(network, theta, x, T)
    text = str(trace).splitlines()
    assert f"  layer 1 ({name}): {trace.layers[0].equation}" in text
    assert trace.layers[0].equation, f"{name}: no equation in its class docstring"
    assert set(trace.layers[0].cache) == set(cache)
    # the names at the head of the layer's own lines (indented by 4)
    named = {line.split()[0] for line in text if len(line) - len(line.lstrip()) == 4}
    missing = set(cache) - named
    assert not missing, f"{name}: cache entries {missing} are not printed"
    for parameter in layer.parameters:
        bar = f"    {parameter.name}_bar = ∂L/∂{parameter.name}"
        assert any(line.startswith(bar) for line in text), bar
