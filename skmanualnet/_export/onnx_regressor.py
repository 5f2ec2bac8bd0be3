"""ONNX export of a fitted ManualMLPRegressor: the forward pass and its link.

One output, skl2onnx's regressor convention: ``variable`` of shape
(N, n_outputs), the predictions (for one target, ``predict`` ravels it to
(N,)). The link is nothing for the identity and Exp for the Poisson head.
"""

from sklearn.utils.validation import check_is_fitted

from .onnx_graph import (
    GraphBuilder,
    check_one_numeric_input,
    float_tensor_type,
    forward_logits,
)

#: out_activation_ → the ONNX operator of the link (the identity adds no node).
LINK_OPS = {"identity": None, "exp": "Exp"}


def regressor_output_shapes(operator):
    """Type and shape of the one output: (N, n_outputs) predictions."""
    check_one_numeric_input(operator, output_count=1)
    model = operator.raw_operator
    check_is_fitted(model)
    n_rows = operator.inputs[0].get_first_dimension()
    tensor_type = float_tensor_type(operator.inputs[0])
    operator.outputs[0].set_type(tensor_type(shape=[n_rows, model.n_outputs_]))


def convert_regressor(scope, operator, container):
    """y = g(zᴸ): the forward pass, then the output link, as ONNX nodes."""
    model = operator.raw_operator
    graph = GraphBuilder(scope, container, operator.inputs[0])
    z = forward_logits(graph, model, operator.inputs[0])
    output = operator.outputs[0].full_name
    op = LINK_OPS[model.out_activation_]
    graph.node(op or "Identity", z, output=output)
