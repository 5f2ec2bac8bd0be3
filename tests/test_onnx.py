"""ONNX export (skmanualnet.onnx, skmanualnet._export, through skl2onnx) checked
against onnxruntime."""

import dataclasses
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmanualnet import CustomActivation, ManualMLPClassifier, ManualMLPRegressor
from skmanualnet._nn.activations import ACTIVATIONS as REGISTRY

from ._data import make_task

onnx = pytest.importorskip("onnx")
skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skl2onnx.common.exceptions import MissingShapeCalculator  # noqa: E402

from skmanualnet._export import converters as _onnx  # noqa: E402
from skmanualnet._export.converters import register_onnx_converter, to_onnx  # noqa: E402

ACTIVATIONS = tuple(sorted(REGISTRY))
#: the standard operator of each activation in a float32 graph, default opset
HIDDEN_OPS = {
    "relu": {"Relu"},
    "tanh": {"Tanh"},
    "logistic": {"Sigmoid"},
    "leaky_relu": {"LeakyRelu"},
    "elu": {"Elu"},
    "softplus": {"Softplus"},
    "gelu": {"Gelu"},
    "silu": {"Sigmoid", "Mul"},
    "mish": {"Mish"},
}
#: onnxruntime has these in float32 only: a float64 graph composes them
FLOAT32_ONLY = {"LeakyRelu", "Elu", "Softplus", "Gelu", "Mish"}
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


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float64_graph_of_every_activation_matches_predict_proba(activation):
    """Composed from operators onnxruntime runs in float64; gelu's erf is
    computed in float32 (onnxruntime has no float64 Erf)."""
    model, X = _fit("multiclass", activation)
    X = np.vstack([X, 30 * X])  # and the tails of φ
    onx = to_onnx(model, X[:1])
    labels, proba = _run(onx, X)
    assert proba.dtype == np.float64
    assert not FLOAT32_ONLY & _op_types(onx)
    atol = 1e-6 if activation == "gelu" else 1e-12
    assert_allclose(proba, model.predict_proba(X), rtol=0, atol=atol)
    assert_array_equal(labels, model.predict(X))


@pytest.mark.parametrize(
    "activation, ops", [("gelu", {"Erf"}), ("mish", {"Softplus", "Tanh"})]
)
def test_below_their_opset_gelu_and_mish_are_composed(activation, ops):
    model, X = _fit("multiclass", activation)
    X32 = X.astype(np.float32)
    onx = to_onnx(model, X32[:1], target_opset=15)
    assert ops <= _op_types(onx) and not {"Gelu", "Mish"} & _op_types(onx)
    labels, proba = _run(onx, X32)
    assert_allclose(proba, model.predict_proba(X), rtol=0, atol=FLOAT32_TOL)
    assert_array_equal(labels, model.predict(X))


def test_per_layer_activations_export_layer_by_layer():
    X, y = make_task("multiclass", n_samples=60, seed=2)
    model = ManualMLPClassifier((7, 6, 5), activation=("gelu", "leaky_relu", "tanh"),
                                max_iter=50, random_state=0).fit(X, y)  # fmt: skip
    X32 = X.astype(np.float32)
    onx = to_onnx(model, X32[:1])
    assert {"Gelu", "LeakyRelu", "Tanh"} <= _op_types(onx)
    labels, proba = _run(onx, X32)
    assert_allclose(proba, model.predict_proba(X), rtol=0, atol=FLOAT32_TOL)


@pytest.mark.parametrize("activation", ["elu", "mish", "softplus"])
def test_regressor_with_a_new_activation_exports(activation):
    X, _ = make_task("multiclass", n_samples=60, seed=2)
    y = np.sin(X[:, 0]) + X[:, 1]
    model = ManualMLPRegressor((7, 5), activation=activation, max_iter=50,
                               random_state=0).fit(X, y)  # fmt: skip
    X32 = X.astype(np.float32)
    onx = to_onnx(model, X32[:1])
    session = ort.InferenceSession(onx.SerializeToString())
    (prediction,) = session.run(None, {session.get_inputs()[0].name: X32})
    assert_allclose(prediction.ravel(), model.predict(X), rtol=0, atol=1e-5)


def _softsign(z):
    return z / (1 + np.abs(z))


def _softsign_prime(z):
    return 1 / (1 + np.abs(z)) ** 2


def test_a_custom_activation_is_refused_with_its_name():
    X, y = make_task("multiclass", n_samples=30, seed=2)
    custom = CustomActivation("softsign", _softsign, _softsign_prime)
    model = ManualMLPClassifier((5, 4), activation=["relu", custom], max_iter=5,
                                random_state=0).fit(X, y)  # fmt: skip
    with pytest.raises(NotImplementedError, match="'softsign', which has no ONNX"):
        to_onnx(model, X[:1].astype(np.float32))


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_float64_input_gives_a_float64_graph(task):
    model, X = _fit(task, "tanh")
    labels, proba = _run(to_onnx(model, X[:1]), X)
    assert proba.dtype == np.float64
    assert_allclose(proba, model.predict_proba(X), rtol=0, atol=1e-12)
    assert_array_equal(labels, model.predict(X))


def test_binary_probabilities_are_sigma_of_minus_z_and_sigma_of_z():
    model, X = _fit("binary", labels=[3, 7])
    X32 = np.vstack([X, 20 * X]).astype(np.float32)  # and logits far from 0
    onx = to_onnx(model, X32[:1])
    assert {"Neg", "Sigmoid", "Concat"} <= _op_types(onx)
    assert "Sub" not in _op_types(onx)  # σ(−z), as predict_proba, not 1 − σ(z)
    labels, proba = _run(onx, X32)
    assert_allclose(proba.sum(axis=1), 1, atol=1e-6)
    assert_allclose(proba, model.predict_proba(X32), atol=FLOAT32_TOL)
    assert set(labels) <= {3, 7}
    assert_array_equal(labels, model.predict(X32))


@pytest.mark.parametrize("label", [4, "only"])
def test_one_class_exports_ones_and_the_class(label):
    X, _ = make_task("binary", n_samples=30, seed=2)
    y = np.full(len(X), label)
    model = ManualMLPClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    X32 = X.astype(np.float32)
    labels, proba = _run(to_onnx(model, X32[:1]), X32)
    assert proba.shape == (len(X), 1) and proba.dtype == np.float32
    assert_array_equal(proba, model.predict_proba(X32))
    assert_array_equal(labels, model.predict(X32))


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


def _python(code):
    """Run ``code`` in a fresh interpreter (skl2onnx's registry is global)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_skmanualnet_imports_without_loading_skl2onnx():
    out = _python(
        """
        import sys, skmanualnet, skmanualnet._export.converters
        assert not {"skl2onnx", "onnx"} & set(sys.modules)
        import skmanualnet.onnx
        print("skl2onnx" in sys.modules)
        """
    )
    assert out.split() == ["True"]


def test_skl2onnx_to_onnx_works_after_importing_skmanualnet_onnx():
    """The one import line makes skl2onnx's own call work, on a model and on a
    Pipeline, with skl2onnx's defaults (ZipMap) and without ZipMap."""
    out = _python(
        """
        import numpy as np, onnxruntime as ort, skl2onnx
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from skl2onnx.common.exceptions import MissingShapeCalculator
        from skmanualnet import ManualMLPClassifier

        rng = np.random.RandomState(0)
        X = (50 * rng.standard_normal((60, 4)) + 10).astype(np.float32)
        y = np.array(["ant", "bee", "cat"])[np.arange(60) % 3]
        X[:, 0] += 40 * (np.arange(60) % 3)
        model = ManualMLPClassifier((6,), max_iter=30, random_state=0)
        pipe = make_pipeline(StandardScaler(), model).fit(X, y)
        try:
            skl2onnx.to_onnx(pipe, X[:1])
        except MissingShapeCalculator:
            print("missing before")

        import skmanualnet.onnx  # noqa: F401

        for fitted in (pipe, pipe[-1]):
            Xin = X if fitted is pipe else pipe[0].transform(X).astype(np.float32)
            for options in (None, {"zipmap": False}):
                onx = skl2onnx.to_onnx(fitted, Xin[:1], options=options)
                session = ort.InferenceSession(onx.SerializeToString())
                labels, proba = session.run(None, {"X": Xin})
                if options is None:  # ZipMap: one dict per row
                    proba = [[row[c] for c in fitted.classes_] for row in proba]
                assert (labels == fitted.predict(Xin)).all()
                error = np.abs(np.array(proba) - fitted.predict_proba(Xin)).max()
                assert error < 1e-5, error
                print("ok")
        """
    )
    assert out.split() == ["missing", "before"] + ["ok"] * 4


def test_importing_skmanualnet_onnx_without_skl2onnx_says_what_to_install():
    out = _python(
        """
        import sys
        sys.modules["skl2onnx"] = None  # as if not installed
        import skmanualnet
        try:
            import skmanualnet.onnx
        except ImportError as error:
            print(error)
        """
    )
    assert 'pip install -e ".[onnx]"' in out


def test_a_new_estimator_exports_with_one_more_registry_entry(monkeypatch):
    """The registry is all that registering reads: an entry for another class
    (here a renamed classifier) is enough for skl2onnx to convert it."""

    class RenamedClassifier(ManualMLPClassifier):
        pass

    entry = dataclasses.replace(
        _onnx.CONVERTERS[0], estimator=RenamedClassifier, alias="TestRenamedMLP"
    )
    monkeypatch.setattr(_onnx, "CONVERTERS", (*_onnx.CONVERTERS, entry))
    X, y = make_task("multiclass", n_samples=60, seed=2)
    model = RenamedClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    X32 = X.astype(np.float32)
    with pytest.raises(MissingShapeCalculator):
        skl2onnx.to_onnx(model, X32[:1])
    labels, proba = _run(to_onnx(model, X32[:1]), X32)  # registers, zipmap off
    assert_array_equal(labels, model.predict(X))
    assert_allclose(proba, model.predict_proba(X), atol=FLOAT32_TOL)


@pytest.mark.parametrize("loss", ["squared_error", "poisson", "quantile"])
@pytest.mark.parametrize("targets", ["one-target", "two-targets"])
def test_regressor_graph_matches_predict(loss, targets):
    from skmanualnet import ManualMLPRegressor

    from ._data import make_regression_task

    X, y = make_regression_task("counts" if loss == "poisson" else targets)
    if loss == "poisson" and targets == "two-targets":
        y = np.c_[y, 2 * y]
    model = ManualMLPRegressor((6, 5), activation="tanh", loss=loss, max_iter=20,
                               random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    for dtype, rtol in ((np.float32, 1e-5), (np.float64, 1e-12)):
        onx = to_onnx(model, X[:1].astype(dtype))
        session = ort.InferenceSession(onx.SerializeToString())
        (predicted,) = session.run(None, {"X": X.astype(dtype)})
        assert predicted.dtype == dtype
        assert_allclose(predicted.reshape(y.shape), model.predict(X), rtol=rtol,
                        atol=rtol)  # fmt: skip
    assert ("Exp" in _op_types(onx)) == (loss == "poisson")


def test_a_regressor_pipeline_converts_with_skl2onnx_directly():
    from skmanualnet import ManualMLPRegressor

    from ._data import make_regression_task

    X, y = make_regression_task("one-target")
    pipeline = make_pipeline(
        StandardScaler(), ManualMLPRegressor((4,), max_iter=5, random_state=0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(5 * X + 1, y)
    register_onnx_converter()
    onx = skl2onnx.to_onnx(pipeline, (5 * X[:1] + 1).astype(np.float32))
    session = ort.InferenceSession(onx.SerializeToString())
    (predicted,) = session.run(None, {"X": (5 * X + 1).astype(np.float32)})
    assert_allclose(predicted.ravel(), pipeline.predict(5 * X + 1), rtol=1e-4,
                    atol=1e-4)  # fmt: skip


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 2**63], dtype=np.uint64),
        np.array([2**64 - 1, 1, 2], dtype=np.uint64),
    ],
    ids=["2**63", "2**64-1"],
)
def test_labels_beyond_int64_are_refused_with_what_to_do(labels):
    task = "binary" if len(labels) == 2 else "multiclass"
    model, X = _fit(task, labels=labels)
    match = rf"(?s)(?=.*int64)(?=.*{labels.max()})(?=.*nocl)"
    X32 = X.astype(np.float32)
    with pytest.raises(NotImplementedError, match=match):
        to_onnx(model, X32[:1])
    # what the message offers works
    onx = to_onnx(model, X32[:1], options={ManualMLPClassifier: {"nocl": True}})
    assert_array_equal(model.classes_[_run(onx, X32)[0]], model.predict(X))


def test_uint64_labels_within_int64_export_their_values():
    model, X = _fit("binary", labels=np.array([5, 2**63 - 1], dtype=np.uint64))
    predicted, _ = _run(to_onnx(model, X[:1].astype(np.float32)), X.astype(np.float32))
    assert_array_equal(predicted.astype(np.uint64), model.predict(X))
