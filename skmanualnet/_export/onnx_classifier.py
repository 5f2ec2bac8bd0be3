"""ManualMLPClassifier as ONNX: its shape calculator and converter for skl2onnx.

After the forward pass (``onnx_graph``), the output link is Softmax
(multiclass) or Sigmoid (binary, multilabel). The outputs follow skl2onnx's
classifier convention: ``label`` (shape (N,), int64 or string, the values of
``classes_``) and ``probabilities`` (shape (N, n_classes), the columns of
``predict_proba``: ``[σ(−z), σ(z)]`` for binary, ones for one-class y). Labels
are read off the logits exactly as ``predict`` does: argmax of zᴸ, or zᴸ > 0.
For multilabel the label output is the (N, n_labels) int64 indicator matrix of
``predict``. skl2onnx is imported only when skl2onnx calls these functions.
"""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._lazy_import import import_optional
from .onnx_graph import (
    GraphBuilder,
    check_one_numeric_input,
    float_tensor_type,
    forward_logits,
)

#: The options the converter understands, with their allowed values.
CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [False, True]}


def onnx_classes(scope, model):
    """``classes_`` as an ONNX label tensor: (values, "int64" or "string").

    With skl2onnx's option ``nocl=True`` the labels are the class indices.
    """
    if scope.get_options(model, dict(nocl=False))["nocl"]:
        return np.arange(len(model.classes_), dtype=np.int64), "int64"
    classes = model.classes_
    values = classes.tolist()
    if (
        classes.dtype.kind in "biu"
        or (
            classes.dtype.kind == "O"
            and all(isinstance(c, numbers.Integral) for c in values)
        )
        # skl2onnx's convention: integral float labels become int64
        or (classes.dtype.kind == "f" and np.all(np.mod(classes, 1) == 0))
    ):
        return _int64_labels(values), "int64"
    if all(isinstance(c, str) for c in values):
        return np.array([c.encode("utf-8") for c in values], dtype=object), "string"
    raise NotImplementedError(
        "ONNX labels must be integers or strings; ManualMLPClassifier has "
        f"classes_ {values!r}. Fit it on integer or string labels to export it."
    )


def _int64_labels(values):
    """Integral labels as the int64 tensor of ONNX's label output, which must
    hold them exactly."""
    info = np.iinfo(np.int64)
    outside = [v for v in values if not info.min <= v <= info.max]
    if outside:
        raise NotImplementedError(
            f"ONNX integer labels are int64, which cannot hold the class labels "
            f"{outside!r} of this ManualMLPClassifier (int64 holds {info.min} to "
            f"{info.max}). Export with options={{ManualMLPClassifier: {{'nocl': "
            "True}} to get class "
            "indices instead (classes_[index] is the label), or fit on labels "
            "that fit in int64 (e.g. encoded with sklearn.preprocessing.LabelEncoder)."
        )
    return np.asarray([int(v) for v in values], dtype=np.int64)


def _is_multilabel(model):
    return model.out_activation_ == "logistic" and model.n_outputs_ > 1


def classifier_output_shapes(operator):
    """Types and shapes of the two outputs: label and probabilities."""
    types = import_optional("skl2onnx.common.data_types")

    check_one_numeric_input(operator, output_count=2)
    model = operator.raw_operator
    check_is_fitted(model)
    n_rows = operator.inputs[0].get_first_dimension()
    if _is_multilabel(model):
        zipmap = operator.scope_inst.get_options(model, dict(zipmap=True))["zipmap"]
        if zipmap is not False:
            raise NotImplementedError(
                "A multilabel ManualMLPClassifier exports without ZipMap only: "
                'pass options={"zipmap": False} (skmanualnet\'s to_onnx does).'
            )
        label_type = types.Int64TensorType(shape=[n_rows, model.n_outputs_])
    else:
        _, kind = onnx_classes(operator.scope_inst, model)
        int64 = kind == "int64"
        tensor_type = types.Int64TensorType if int64 else types.StringTensorType
        label_type = tensor_type(shape=[n_rows])
    operator.outputs[0].set_type(label_type)
    proba_type = float_tensor_type(operator.inputs[0])
    operator.outputs[1].set_type(proba_type(shape=[n_rows, len(model.classes_)]))


def convert_classifier(scope, operator, container):
    """The forward pass, the output link, and the labels, as ONNX nodes."""
    model = operator.raw_operator
    label_name, proba_name = (v.full_name for v in operator.outputs)
    graph = GraphBuilder(scope, container, operator.inputs[0])
    z = forward_logits(graph, model, operator.inputs[0])
    int64 = graph.tensor.INT64
    if len(model.classes_) == 1:
        index = _one_class_outputs(graph, z, proba_name)
    elif model.out_activation_ == "softmax":
        graph.node("Softmax", z, output=proba_name, axis=1)
        index = graph.node("ArgMax", z, "argmax", axis=1, keepdims=0)
    else:
        zero = graph.constant("zero", np.zeros((), graph.dtype))
        positive = graph.node("Greater", [z, zero])
        if _is_multilabel(model):
            graph.node("Sigmoid", z, output=proba_name)
            graph.node("Cast", positive, output=label_name, to=int64)
            return
        # binary: [σ(−z), σ(z)], as predict_proba (1 − σ(z) would cancel)
        p_0 = graph.node("Sigmoid", graph.node("Neg", z), "sigmoid_neg")
        p_1 = graph.node("Sigmoid", z, "sigmoid")
        graph.node("Concat", [p_0, p_1], output=proba_name, axis=1)
        index = graph.node("Cast", positive, "positive", to=int64)
        index = graph.node("Reshape", [index, _flat(graph)], "index")
    classes, kind = onnx_classes(scope, model)
    onnx_type = int64 if kind == "int64" else graph.tensor.STRING
    classes = graph.constant("classes", classes, onnx_type)
    graph.node("Gather", [classes, index], output=label_name)


def _flat(graph):
    return graph.constant("flat", [-1], graph.tensor.INT64)


def _one_class_outputs(graph, z, proba_name):
    """One-class y: probabilities of ones, shaped as z (N, 1); returns the
    class index 0 for every row, shape (N,)."""
    make_tensor = import_optional("onnx.helper").make_tensor

    shape = graph.node("Shape", z, "shape")
    one = make_tensor("one", graph.proto, [1], [1])
    graph.node("ConstantOfShape", shape, output=proba_name, value=one)
    zero = make_tensor("zero", graph.tensor.INT64, [1], [0])
    index = graph.node("ConstantOfShape", shape, "zeros", value=zero)
    return graph.node("Reshape", [index, _flat(graph)], "index")
