"""The forward pass as ONNX nodes, shared by the converters of every estimator.

``zˡ = aˡ⁻¹Wˡ + bˡ`` is MatMul then Add, ``aˡ = φ(zˡ)`` the activation's nodes
(``_onnx_activations``; nothing for the identity): the nodes of
``_network.forward`` up to the output logits zᴸ. What follows zᴸ (the
output link, the labels) is each converter's own. skl2onnx is imported only
when a graph is built.
"""

import numpy as np

from ._activation_param import custom_activations, resolve_activations
from ._lazy_import import import_optional
from ._onnx_activations import HIDDEN_NODES


def _data_types():
    """skl2onnx's module of tensor types."""
    return import_optional("skl2onnx.common.data_types")


class GraphBuilder:
    """Adds initializers and nodes to skl2onnx's container, with unique names.

    The graph computes in float64 for a double-typed input, else in float32.
    """

    def __init__(self, scope, container, input_variable):
        DoubleTensorType = _data_types().DoubleTensorType
        onnx_proto = import_optional("skl2onnx.proto").onnx_proto

        self.scope, self.container = scope, container
        self.tensor = onnx_proto.TensorProto
        if isinstance(input_variable.type, DoubleTensorType):
            self.dtype, self.proto = np.float64, self.tensor.DOUBLE
        else:
            self.dtype, self.proto = np.float32, self.tensor.FLOAT

    def constant(self, stem, value, onnx_type=None):
        """An initializer holding ``value`` (of the graph's float type unless
        ``onnx_type`` says otherwise); returns its name."""
        name = self.scope.get_unique_variable_name(stem)
        value = np.asarray(value)
        self.container.add_initializer(
            name, onnx_type or self.proto, list(value.shape), value.ravel()
        )
        return name

    def node(self, op_type, inputs, stem=None, output=None, **attrs):
        """One node; returns the name of its output (``output`` if given)."""
        output = output or self.scope.get_unique_variable_name(stem or op_type.lower())
        self.container.add_node(
            op_type,
            inputs,
            output,
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output


def forward_logits(graph, model, input_variable):
    """zᴸ: the hidden layers aˡ = φ(aˡ⁻¹Wˡ + bˡ) and the last affine layer, as
    nodes from the input (cast to the graph's float type); returns its name."""
    guess_proto_type = _data_types().guess_proto_type

    a = input_variable.full_name
    if guess_proto_type(input_variable.type) != graph.proto:  # int64 or bool input
        a = graph.node("Cast", a, "cast_input", to=graph.proto)
    activations = hidden_activation_names(model)
    for l, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        W_name = graph.constant(f"W{l + 1}", W.astype(graph.dtype))
        z = graph.node("MatMul", [a, W_name], f"aW{l + 1}")
        b_name = graph.constant(f"b{l + 1}", b.astype(graph.dtype))
        z = graph.node("Add", [z, b_name], f"z{l + 1}")
        a = (
            z
            if l == len(activations)
            else HIDDEN_NODES[activations[l]](graph, z, f"a{l + 1}")
        )
    return a


def hidden_activation_names(model):
    """The name of each hidden layer's activation; a user-defined one has no
    ONNX form, and is refused."""
    custom = custom_activations(model.activation)
    if custom:
        raise NotImplementedError(
            f"{type(model).__name__} uses the user-defined activation "
            f"{custom[0].name!r}, which has no ONNX form: export needs built-in "
            "activations only."
        )
    return [
        a.name for a in resolve_activations(model.activation, len(model.coefs_) - 1)
    ]


def float_tensor_type(input_variable):
    """skl2onnx's tensor type of the graph's outputs: double for double input,
    else float."""
    types = _data_types()
    if isinstance(input_variable.type, types.DoubleTensorType):
        return types.DoubleTensorType
    return types.FloatTensorType


def check_one_numeric_input(operator, output_count):
    """The operator has one numeric input and ``output_count`` outputs."""
    types, utils = _data_types(), import_optional("skl2onnx.common.utils")

    utils.check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=output_count
    )
    utils.check_input_and_output_types(
        operator,
        good_input_types=[
            types.FloatTensorType,
            types.DoubleTensorType,
            types.Int64TensorType,
            types.BooleanTensorType,
        ],
    )
