"""ONNX export of the estimators' layer options: each option's graph, run by
onnxruntime, equals predict and predict_proba (float32 and float64 graphs,
classifier and regressor); dropout is absent from it, batch normalisation's
running statistics are in it."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmanualnet import CustomActivation, ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._estimators.base import fitted_sequence

from ._data import make_regression_task, make_task

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from onnx.numpy_helper import to_array  # noqa: E402

from skmanualnet._export.converters import to_onnx  # noqa: E402

from .test_layer_options import OPTIONS as LAYER_OPTIONS  # noqa: E402

OPTIONS = {
    **LAYER_OPTIONS,
    "parametric gelu": dict(parametric_activation=True, activation="gelu"),
    "all at once": dict(
        hidden_layer_sizes=(8, 6),
        dropout=0.1,
        normalization="batch",
        input_scale=True,
        input_embedding="periodic",
        embedding_size=2,
        parametric_activation=True,
    ),
}
#: the graph's precision against predict (a float64 fit), as in test_onnx.py
TOLERANCES = {np.float32: 1e-5, np.float64: 1e-12}
RANDOM_OPS = {"Dropout", "RandomUniform", "RandomUniformLike", "RandomNormal",
              "RandomNormalLike", "Bernoulli", "Multinomial"}  # fmt: skip


def _fit(estimator, X, y, **options):
    params = dict(hidden_layer_sizes=(7,), solver="adam", learning_rate_init=0.01)
    model = estimator(**{**params, "max_iter": 30, "random_state": 0, **options})
    return model.fit(X, y)


def _session(onx):
    onnx.checker.check_model(onx, full_check=True)
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def _probe(X):
    """The training rows and rows beyond them (the embeddings' extrapolation)."""
    return np.vstack([X, 3 * X[:10]])


def _tolerance(name, dtype):
    # gelu's erf is computed in float32 in a float64 graph (test_onnx.py)
    return 1e-6 if "gelu" in name and dtype == np.float64 else TOLERANCES[dtype]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("task", ["binary", "multiclass"])
@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_classifier_graph_equals_predict_and_predict_proba(name, task, dtype):
    X, y = make_task(task, n_samples=60, seed=2)
    model = _fit(ManualMLPClassifier, X, y, **OPTIONS[name])
    X_probe = _probe(X)
    labels, proba = _session(to_onnx(model, X[:1].astype(dtype))).run(
        None, {"X": X_probe.astype(dtype)}
    )
    assert proba.dtype == dtype
    atol = _tolerance(name, dtype)
    assert_allclose(proba, model.predict_proba(X_probe), rtol=0, atol=atol)
    assert_array_equal(labels, model.predict(X_probe))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_regressor_graph_equals_predict(name, dtype):
    X, y = make_regression_task("two-targets", n_samples=60)
    model = _fit(ManualMLPRegressor, X, y, **OPTIONS[name])
    X_probe = _probe(X)
    (predicted,) = _session(to_onnx(model, X[:1].astype(dtype))).run(
        None, {"X": X_probe.astype(dtype)}
    )
    assert predicted.dtype == dtype
    tol = _tolerance(name, dtype)
    assert_allclose(predicted, model.predict(X_probe), rtol=tol, atol=tol)


def test_dropout_is_absent_from_the_graph():
    X, y = make_task("multiclass", n_samples=60, seed=2)
    model = _fit(ManualMLPClassifier, X, y, dropout=0.5)
    plain = _fit(ManualMLPClassifier, X, y)
    onx = to_onnx(model, X[:1])
    ops = [node.op_type for node in onx.graph.node]
    assert not RANDOM_OPS & set(ops)
    # the same nodes as the dense network's: dropout adds none
    assert sorted(ops) == sorted(n.op_type for n in to_onnx(plain, X[:1]).graph.node)
    session = _session(onx)
    first, second = (session.run(None, {"X": X})[1] for _ in range(2))
    assert_array_equal(first, second)


def test_batch_norm_running_statistics_are_in_the_graph():
    X, y = make_task("multiclass", n_samples=60, seed=2)
    model = _fit(ManualMLPClassifier, X + 2.0, y, normalization="batch")
    network, _ = fitted_sequence(model)
    (state,) = [s for s in network.state if s]
    onx = to_onnx(model, X[:1])
    constants = [to_array(t) for t in onx.graph.initializer]
    assert any(
        c.shape == state["running_mean"].shape
        and np.array_equal(c, state["running_mean"])
        for c in constants
    )
    # one row alone: the running statistics normalise it, as predict does
    session = _session(onx)
    for row in (X[:1] + 2.0, X[5:6] + 2.0):
        _, proba = session.run(None, {"X": row})
        assert_allclose(proba, model.predict_proba(row), rtol=0, atol=1e-12)


def _softsign(z):
    return z / (1 + np.abs(z))


def _softsign_prime(z):
    return 1 / (1 + np.abs(z)) ** 2


def test_a_custom_activation_among_layers_is_refused_with_its_name():
    X, y = make_task("multiclass", n_samples=30, seed=2)
    custom = CustomActivation("softsign", _softsign, _softsign_prime)
    model = _fit(ManualMLPClassifier, X, y, activation=custom, normalization="layer")
    with pytest.raises(NotImplementedError, match="'softsign', which has no ONNX"):
        to_onnx(model, X[:1].astype(np.float32))
