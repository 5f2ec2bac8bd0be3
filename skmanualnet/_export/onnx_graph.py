"""The forward pass as ONNX nodes, shared by the converters of every estimator.

``zˡ = aˡ⁻¹Wˡ + bˡ`` is MatMul then Add, ``aˡ = φ(zˡ)`` the activation's nodes
(``onnx_activations``; nothing for the identity): the nodes of
``_nn.network.forward`` up to the output logits zᴸ. What follows zᴸ (the
output link, the labels) is each converter's own. A network of layers
(:mod:`skmanualnet._nn`) is exported layer by layer, each layer adding its own
nodes (its ``onnx`` method). skl2onnx is imported only when a graph is built.
"""

from collections import Counter

import numpy as np

from .._estimators.activation_param import custom_activations, resolve_activations
from .._estimators.base import fitted_sequence
from .._lazy_import import import_optional
from .onnx_activations import HIDDEN_NODES


def _data_types():
    """skl2onnx's module of tensor types."""
    return import_optional("skl2onnx.common.data_types")


def _onnx_helper():
    """onnx's graph-making helpers."""
    return import_optional("onnx.helper")


class GraphBuilder:
    """Adds initializers and nodes to skl2onnx's container, with unique names.

    The graph computes in float64 for a double-typed input, else in float32.
    :meth:`standalone` builds a graph of its own, outside a converter.
    """

    def __init__(self, scope, container, input_variable):
        DoubleTensorType = _data_types().DoubleTensorType

        double = isinstance(input_variable.type, DoubleTensorType)
        self._start(scope, container, np.float64 if double else np.float32)

    @classmethod
    def standalone(cls, dtype, target_opset):
        """A builder of a one-input graph of its own (no skl2onnx): add nodes,
        then :meth:`model` makes the ModelProto."""
        graph = cls.__new__(cls)
        nodes = NodeList(target_opset)
        graph._start(nodes, nodes, np.dtype(dtype).type)
        return graph

    def _start(self, scope, container, dtype):
        TensorProto = import_optional("onnx").TensorProto

        self.scope, self.container = scope, container
        self.tensor = TensorProto
        self.dtype = dtype
        self.proto = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT

    @property
    def opset(self):
        """The ONNX opset the graph targets."""
        return self.container.target_opset

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

    def floats(self, stem, value):
        """An initializer holding ``value`` cast to the graph's float type."""
        return self.constant(stem, np.asarray(value, dtype=self.dtype))

    def integers(self, stem, value):
        """An int64 initializer (shapes, indices, axes)."""
        return self.constant(stem, np.asarray(value, np.int64), self.tensor.INT64)

    def reduce_mean(self, x, axis, stem=None):
        """The mean of x along ``axis``, the axis kept: ReduceMean, whose axes
        are an attribute before opset 18 and an input from it on."""
        if self.opset >= 18:
            return self.node(
                "ReduceMean", [x, self.integers("axes", [axis])], stem, keepdims=1
            )
        return self.node("ReduceMean", x, stem, axes=[axis], keepdims=1)

    def model(self, x, output, n_features):
        """The ModelProto of a :meth:`standalone` graph: input ``x`` of
        (N, n_features), output ``output`` (an Identity when it is x itself)."""
        helper = _onnx_helper()

        if output == x:
            output = self.node("Identity", x, "out")
        nodes = self.container
        graph = helper.make_graph(
            nodes.nodes,
            "layer",
            [helper.make_tensor_value_info(x, self.proto, [None, n_features])],
            [helper.make_tensor_value_info(output, self.proto, [None, None])],
            nodes.initializers,
        )
        opset = [helper.make_opsetid("", nodes.target_opset)]
        return helper.make_model(graph, opset_imports=opset)


class NodeList:
    """skl2onnx's scope and container as far as :class:`GraphBuilder` uses
    them: unique names, and the nodes and initializers of one graph."""

    def __init__(self, target_opset):
        self.target_opset = int(target_opset)
        self.nodes, self.initializers = [], []
        self._used = Counter()

    def get_unique_variable_name(self, stem):
        self._used[stem] += 1
        count = self._used[stem]
        return stem if count == 1 else f"{stem}_{count}"

    get_unique_operator_name = get_unique_variable_name

    def add_initializer(self, name, onnx_type, shape, values):
        helper = _onnx_helper()

        self.initializers.append(helper.make_tensor(name, onnx_type, shape, values))

    def add_node(self, op_type, inputs, output, name=None, **attrs):
        helper = _onnx_helper()

        inputs = [inputs] if isinstance(inputs, str) else list(inputs)
        self.nodes.append(helper.make_node(op_type, inputs, [output], name, **attrs))


def forward_logits(graph, model, input_variable):
    """zᴸ: the network's nodes from the input (cast to the graph's float
    type); returns its name."""
    guess_proto_type = _data_types().guess_proto_type

    a = input_variable.full_name
    if guess_proto_type(input_variable.type) != graph.proto:  # int64 or bool input
        a = graph.node("Cast", a, "cast_input", to=graph.proto)
    check_builtin_activations(model)
    fitted = fitted_sequence(model)
    if fitted is not None:
        return layered_logits(graph, *fitted, a)
    return dense_logits(graph, model, a)


def dense_logits(graph, model, a):
    """zᴸ of the dense network: the hidden layers aˡ = φ(aˡ⁻¹Wˡ + bˡ) and the
    last affine layer."""
    activations = [
        act.name for act in resolve_activations(model.activation, len(model.coefs_) - 1)
    ]
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


def layered_logits(graph, network, theta, x):
    """xᵐ of a :class:`~skmanualnet._nn.sequence.LayeredNetwork`: each layer's
    nodes in order, as at predict (running statistics, no dropout)."""
    params = network.layout.unpack_layers(theta)
    for layer, p, state in zip(network.layers, params, network.state, strict=True):
        x = layer.onnx(graph, x, p, state)
    return x


def check_builtin_activations(model):
    """A user-defined activation has no ONNX form, and is refused."""
    custom = custom_activations(model.activation)
    if custom:
        raise NotImplementedError(
            f"{type(model).__name__} uses the user-defined activation "
            f"{custom[0].name!r}, which has no ONNX form: export needs built-in "
            "activations only."
        )


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
