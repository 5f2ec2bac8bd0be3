"""ONNX export (skmanualnet._onnx, through skl2onnx) checked against onnxruntime."""

import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import ManualMLPClassifier

from ._data import make_task

onnx = pytest.importorskip("onnx")
skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skmanualnet._onnx import register_onnx_converter, to_onnx  # noqa: E402

ACTIVATIONS = ("relu", "tanh", "logistic", "identity")
HIDDEN_OPS = {"relu": {"Relu"}, "tanh": {"Tanh"}, "logistic": {"Sigmoid"}}
FLOAT32_TOL = 1e-5


def _fit(task, activation="relu", labels=None, **params):
    X, y = make_task(task, n_samples=60, seed=2)
    if labels is not None:
        y = np.asarray(labels)[y]
    model = ManualMLPClassifier(
        (7, 5), activation=activation, max_iter=50, random_state=0, **params
    )
    return model.fit(X, y), X


def _run(onx, X):
    onnx.checker.check_model(onx, full_check=True)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    assert [o.name for o in session.get_outputs()] == ["label", "probabilities"]
    return session.run(None, {session.get_inputs()[0].name: X})


def _op_types(onx):
    return {node.op_type for node in onx.graph.node}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_float32_graph_matches_predict_and_predict_proba(task, activation):
    model, X = _fit(task, activation)
    X32 = X.astype(np.float32)
    onx = to_onnx(model, X32[:1])
    labels, proba = _run(onx, X32)
    assert proba.dtype == np.float32
    assert proba.shape == (len(X), len(model.classes_))
    assert_allclose(proba, model.predict_proba(X), rtol=0, atol=FLOAT32_TOL)
    assert labels.dtype == np.int64
    assert_array_equal(labels, model.predict(X))
    ops = _op_types(onx)
    assert {"MatMul", "Add", "Gather"} <= ops
    assert HIDDEN_OPS.get(activation, set()) <= ops
    if task == "multiclass":
        assert {"Softmax", "ArgMax"} <= ops
    else:
        assert {"Sigmoid", "Concat"} <= ops and "Softmax" not in ops
    if activation == "identity":
        assert not {"Relu", "Tanh"} & ops
        assert model.n_outputs_ > 1 or ops >= {"Sigmoid"}  # only the output link


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_float64_input_gives_a_float64_graph(task):
    model, X = _fit(task, "tanh")
    labels, proba = _run(to_onnx(model, X[:1]), X)
    assert proba.dtype == np.float64
    assert_allclose(proba, model.predict_proba(X), rtol=0, atol=1e-12)
    assert_array_equal(labels, model.predict(X))


def test_binary_probabilities_are_one_minus_p_and_p():
    model, X = _fit("binary", labels=[3, 7])
    labels, proba = _run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))
    assert_allclose(proba.sum(axis=1), 1, atol=1e-6)
    assert_allclose(proba, model.predict_proba(X), atol=FLOAT32_TOL)
    assert set(labels) <= {3, 7}
    assert_array_equal(labels, model.predict(X))


@pytest.mark.parametrize(
    "task, labels",
    [("binary", ["no", "yes"]), ("multiclass", ["ant", "bee", "cat"])],
)
def test_string_labels(task, labels):
    model, X = _fit(task, labels=labels)
    X32 = X.astype(np.float32)
    predicted, proba = _run(to_onnx(model, X32[:1]), X32)
    assert_array_equal(predicted, model.predict(X))
    assert_allclose(proba, model.predict_proba(X), atol=FLOAT32_TOL)


def test_integral_float_labels_become_int64():
    model, X = _fit("multiclass", labels=[0.0, 1.0, 2.0])
    predicted, _ = _run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))
    assert predicted.dtype == np.int64
    assert_array_equal(predicted, model.predict(X))


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_nocl_option_gives_class_indices(task):
    model, X = _fit(task, labels=["ant", "bee", "cat"][: 2 if task == "binary" else 3])
    X32 = X.astype(np.float32)
    onx = to_onnx(model, X32[:1], options={ManualMLPClassifier: {"nocl": True}})
    predicted, _ = _run(onx, X32)
    assert_array_equal(model.classes_[predicted], model.predict(X))


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_pipeline_with_standard_scaler(activation):
    X, y = make_task("multiclass", n_samples=60, seed=2)
    X = 50 * X + 10  # unscaled: the scaler is part of the graph
    y = np.array(["ant", "bee", "cat"])[y]
    pipe = make_pipeline(
        StandardScaler(),
        ManualMLPClassifier((8,), activation=activation, max_iter=50, random_state=0),
    ).fit(X, y)
    X32 = X.astype(np.float32)
    onx = to_onnx(pipe, X32[:1])
    assert "Scaler" in _op_types(onx) or "Sub" in _op_types(onx)
    labels, proba = _run(onx, X32)
    assert_array_equal(labels, pipe.predict(X))
    assert_allclose(proba, pipe.predict_proba(X), atol=FLOAT32_TOL)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_multilabel_gives_the_indicator_matrix(activation):
    model, X = _fit("multilabel", activation)
    X32 = X.astype(np.float32)
    labels, proba = _run(to_onnx(model, X32[:1]), X32)
    assert labels.dtype == np.int64 and labels.shape == (len(X), 3)
    assert_array_equal(labels, model.predict(X))
    assert_allclose(proba, model.predict_proba(X), atol=FLOAT32_TOL)


def test_multilabel_with_zipmap_is_refused_clearly():
    model, X = _fit("multilabel")
    register_onnx_converter()
    with pytest.raises(NotImplementedError, match="zipmap"):
        skl2onnx.to_onnx(model, X[:1].astype(np.float32))


def test_skl2onnx_directly_with_its_default_zipmap():
    model, X = _fit("multiclass", labels=["ant", "bee", "cat"])
    register_onnx_converter()
    register_onnx_converter()  # idempotent
    X32 = X.astype(np.float32)
    onx = skl2onnx.to_onnx(model, X32[:1])
    session = ort.InferenceSession(onx.SerializeToString())
    labels, dicts = session.run(None, {"X": X32})
    assert_array_equal(labels, model.predict(X))
    proba = np.array([[row[c] for c in model.classes_] for row in dicts])
    assert_allclose(proba, model.predict_proba(X), atol=FLOAT32_TOL)
    onx = skl2onnx.to_onnx(model, X32[:1], options={"zipmap": "columns"})
    labels, *columns = ort.InferenceSession(onx.SerializeToString()).run(
        None, {"X": X32}
    )
    assert_allclose(np.column_stack(columns), model.predict_proba(X), atol=1e-5)
    # and options given by the caller win over to_onnx's zipmap=False default
    onx = to_onnx(model, X32[:1], options={id(model): {"zipmap": True}})
    assert "ZipMap" in _op_types(onx)


def test_int64_input_is_cast():
    model, X = _fit("multiclass")
    Xi = np.round(X).astype(np.int64)
    labels, proba = _run(to_onnx(model, Xi[:1]), Xi)
    assert_array_equal(labels, model.predict(Xi))
    assert_allclose(proba, model.predict_proba(Xi), atol=FLOAT32_TOL)


def test_unfitted_model_is_refused():
    X, _ = make_task("binary")
    with pytest.raises(NotFittedError):
        to_onnx(ManualMLPClassifier(), X[:1].astype(np.float32))


def test_skmanualnet_imports_without_loading_skl2onnx():
    code = (
        "import sys, skmanualnet, skmanualnet._onnx; "
        "assert 'skl2onnx' not in sys.modules and 'onnx' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
