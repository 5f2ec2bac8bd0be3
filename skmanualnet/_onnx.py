"""ONNX export of a fitted ManualMLPClassifier, through skl2onnx.

The converter writes the forward pass of ``_network.forward`` as ONNX operators:
``zˡ = aˡ⁻¹Wˡ + bˡ`` is MatMul then Add, ``aˡ = φ(zˡ)`` is Relu, Tanh or Sigmoid
(nothing for the identity), and the output link is Softmax (multiclass) or
Sigmoid (binary, multilabel). The outputs follow skl2onnx's classifier
convention: ``label`` (shape (N,), int64 or string, the values of ``classes_``)
and ``probabilities`` (shape (N, n_classes), the columns of ``predict_proba``,
``[1 − p, p]`` for binary). Labels are read off the logits exactly as
``predict`` does: argmax of zᴸ, or zᴸ > 0. For multilabel the label output is
the (N, n_labels) int64 indicator matrix of ``predict``.

skl2onnx is imported only when a function of this module is called, so
``skmanualnet`` imports without it (the ``onnx`` extra: ``pip install -e ".[onnx]"``
in a clone).

Usage::

    from skmanualnet._onnx import to_onnx
    onx = to_onnx(model, X[:1].astype(np.float32))  # model, or a Pipeline holding it
    session = onnxruntime.InferenceSession(onx.SerializeToString())
    labels, proba = session.run(None, {"X": X.astype(np.float32)})

or register the converter once and call skl2onnx yourself::

    from skmanualnet._onnx import register_onnx_converter
    register_onnx_converter()
    onx = skl2onnx.to_onnx(model, X[:1], options={"zipmap": False})

Float32 input gives a float32 graph, float64 input a float64 one.
"""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._classifier import ManualMLPClassifier

#: The alias under which skl2onnx knows ManualMLPClassifier.
ONNX_ALIAS = "SkmanualnetManualMLPClassifier"

#: Hidden activation φ → ONNX operator (the identity adds no node).
HIDDEN_OPS = {"relu": "Relu", "tanh": "Tanh", "logistic": "Sigmoid", "identity": None}

_registered = False


def _import_skl2onnx():
    try:
        import skl2onnx
    except ImportError as error:  # pragma: no cover - exercised without the extra
        raise ImportError(
            "ONNX export needs skl2onnx (and onnxruntime to run the result): "
            'pip install skl2onnx onnx onnxruntime, or pip install -e ".[onnx]" in a '
            "clone of skmanualnet"
        ) from error
    return skl2onnx


def register_onnx_converter():
    """Register ManualMLPClassifier's shape calculator and converter with skl2onnx.

    Idempotent. Afterwards ``skl2onnx.to_onnx`` and ``skl2onnx.convert_sklearn``
    convert a fitted ManualMLPClassifier, alone or inside a Pipeline. The
    converter accepts skl2onnx's options ``zipmap`` (True, False or "columns")
    and ``nocl`` (True: the labels are class indices, not ``classes_``). Pass
    ``options={"zipmap": False}`` to get the probabilities as a plain
    (N, n_classes) tensor, as :func:`to_onnx` does by default.
    """
    global _registered
    if _registered:
        return
    skl2onnx = _import_skl2onnx()
    skl2onnx.update_registered_converter(
        ManualMLPClassifier,
        ONNX_ALIAS,
        _calculate_output_shapes,
        _convert,
        options={"zipmap": [True, False, "columns"], "nocl": [False, True]},
    )
    _registered = True


def to_onnx(model, X=None, *, options=None, **kwargs):
    """Convert a fitted ManualMLPClassifier, or a Pipeline holding one, to ONNX.

    Parameters
    ----------
    model : ManualMLPClassifier or sklearn estimator containing one
        The fitted model.
    X : array-like of shape (n_samples, n_features), default=None
        A sample of the input, used only for its dtype and number of columns
        (float32 gives a float32 graph, float64 a float64 one). Give
        ``initial_types=`` instead to name or type the input yourself.
    options : dict, default=None
        skl2onnx's converter options. Unless they say otherwise, every
        ManualMLPClassifier gets ``{"zipmap": False}``: the probabilities come
        out as an (N, n_classes) tensor, not a list of dicts.
    **kwargs
        Passed on to :func:`skl2onnx.to_onnx` (``target_opset``,
        ``initial_types``, ``name``, ...).

    Returns
    -------
    onx : onnx.ModelProto
        The model; its outputs are ``label`` and ``probabilities``.
    """
    skl2onnx = _import_skl2onnx()
    register_onnx_converter()
    options = dict(options or {})
    options[ManualMLPClassifier] = {
        "zipmap": False,
        **options.get(ManualMLPClassifier, {}),
    }
    return skl2onnx.to_onnx(model, X, options=options, **kwargs)


def _onnx_classes(scope, model):
    """``classes_`` as an ONNX label tensor: (values, "int64" or "string").

    With skl2onnx's option ``nocl=True`` the labels are the class indices.
    """
    if scope.get_options(model, dict(nocl=False))["nocl"]:
        return np.arange(len(model.classes_), dtype=np.int64), "int64"
    classes = model.classes_
    values = classes.tolist()
    if classes.dtype.kind in "biu" or (
        classes.dtype.kind == "O"
        and all(isinstance(c, numbers.Integral) for c in values)
    ):
        return np.asarray(values, dtype=np.int64), "int64"
    if classes.dtype.kind == "f" and np.all(np.mod(classes, 1) == 0):
        # skl2onnx's convention: integral float labels become int64
        return classes.astype(np.int64), "int64"
    if all(isinstance(c, str) for c in values):
        return np.array([c.encode("utf-8") for c in values], dtype=object), "string"
    raise NotImplementedError(
        "ONNX labels must be integers or strings; ManualMLPClassifier has "
        f"classes_ {values!r}. Fit it on integer or string labels to export it."
    )


def _is_multilabel(model):
    return model.out_activation_ == "logistic" and model.n_outputs_ > 1


def _calculate_output_shapes(operator):
    """Types and shapes of the two outputs: label and probabilities."""
    from skl2onnx.common.data_types import (
        BooleanTensorType,
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )

    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    check_input_and_output_types(
        operator,
        good_input_types=[
            FloatTensorType,
            DoubleTensorType,
            Int64TensorType,
            BooleanTensorType,
        ],
    )
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
        label_type = Int64TensorType(shape=[n_rows, model.n_outputs_])
    else:
        _, kind = _onnx_classes(operator.scope_inst, model)
        tensor_type = Int64TensorType if kind == "int64" else StringTensorType
        label_type = tensor_type(shape=[n_rows])
    operator.outputs[0].set_type(label_type)
    proba_type = (
        DoubleTensorType
        if isinstance(operator.inputs[0].type, DoubleTensorType)
        else FloatTensorType
    )
    operator.outputs[1].set_type(proba_type(shape=[n_rows, len(model.classes_)]))


def _convert(scope, operator, container):
    """The forward pass, the output link, and the labels, as ONNX nodes."""
    from skl2onnx.common.data_types import DoubleTensorType, guess_proto_type
    from skl2onnx.proto import onnx_proto

    model = operator.raw_operator
    X = operator.inputs[0]
    label_name, proba_name = (v.full_name for v in operator.outputs)
    if isinstance(X.type, DoubleTensorType):
        dtype, proto = np.float64, onnx_proto.TensorProto.DOUBLE
    else:
        dtype, proto = np.float32, onnx_proto.TensorProto.FLOAT

    def constant(stem, value, onnx_type=proto):
        name = scope.get_unique_variable_name(stem)
        value = np.asarray(value)
        container.add_initializer(name, onnx_type, list(value.shape), value.ravel())
        return name

    def node(op_type, inputs, stem=None, output=None, **attrs):
        output = output or scope.get_unique_variable_name(stem or op_type.lower())
        container.add_node(
            op_type,
            inputs,
            output,
            name=scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output

    a = X.full_name
    if guess_proto_type(X.type) != proto:  # int64 or bool input
        a = node("Cast", a, "cast_input", to=proto)

    # forward: zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = φ(zˡ) for the hidden layers
    last = len(model.coefs_) - 1
    for l, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        z = node("MatMul", [a, constant(f"W{l + 1}", W.astype(dtype))], f"aW{l + 1}")
        z = node("Add", [z, constant(f"b{l + 1}", b.astype(dtype))], f"z{l + 1}")
        op = HIDDEN_OPS[model.activation]
        a = node(op, z, f"a{l + 1}") if l < last and op is not None else z
    z = a  # the logits zᴸ

    int64 = onnx_proto.TensorProto.INT64
    if model.out_activation_ == "softmax":
        node("Softmax", z, output=proba_name, axis=1)
        index = node("ArgMax", z, "argmax", axis=1, keepdims=0)
    else:
        positive = node("Greater", [z, constant("zero", np.zeros((), dtype))])
        if _is_multilabel(model):
            node("Sigmoid", z, output=proba_name)
            node("Cast", positive, output=label_name, to=int64)
            return
        p = node("Sigmoid", z, "sigmoid")
        one_minus_p = node("Sub", [constant("one", np.ones((), dtype)), p])
        node("Concat", [one_minus_p, p], output=proba_name, axis=1)
        index = node("Cast", positive, "positive", to=int64)
        index = node("Reshape", [index, constant("flat", [-1], int64)], "index")
    classes, kind = _onnx_classes(scope, model)
    onnx_type = int64 if kind == "int64" else onnx_proto.TensorProto.STRING
    node("Gather", [constant("classes", classes, onnx_type), index], output=label_name)
