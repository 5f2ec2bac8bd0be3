"""The hidden activations aˡ = φ(zˡ) as ONNX nodes.

Standard operators where ONNX has them: Relu, Tanh, Sigmoid, LeakyRelu, Elu,
Softplus, Gelu (opset 20 on, the exact erf form) and Mish (opset 18 on);
silu is z · Sigmoid(z), and gelu and mish below those opsets are composed,
z · ½ (1 + erf(z / √2)) and z · tanh(softplus(z)). onnxruntime runs LeakyRelu,
Elu, Softplus, Erf, Gelu and Mish in float32 only, so a float64 graph composes
them from operators it runs in float64::

    leaky_relu  Max(z, 0.01 z)
    elu         Max(z, Exp(Min(z, 0)) − 1)          (eᶻ − 1 ≥ z everywhere)
    softplus    Relu(z) + Log(1 + Exp(−Abs(z)))
    gelu        z · ½ (1 + erf(z / √2)), erf computed in float32 (Cast)

so that the float64 graph of a gelu network agrees with ``predict`` to about
float32 precision, and every other one to float64 rounding.
"""

import numpy as np

from .._nn.activations import LEAKY_SLOPE


def _float32(graph):
    return graph.dtype == np.float32


def _opset(graph):
    return graph.container.target_opset


def softplus_nodes(graph, z, stem):
    """log(1 + eᶻ): Softplus, or Relu(z) + Log(1 + Exp(−Abs(z)))."""
    if _float32(graph):
        return graph.node("Softplus", z, stem)
    tail = graph.node("Exp", graph.node("Neg", graph.node("Abs", z)))
    one = graph.constant("one", np.ones((), graph.dtype))
    log_tail = graph.node("Log", graph.node("Add", [one, tail]))
    return graph.node("Add", [graph.node("Relu", z), log_tail], stem)


def leaky_relu_nodes(graph, z, stem):
    """max(z, 0.01 z): LeakyRelu, or Max(z, 0.01 z)."""
    if _float32(graph):
        return graph.node("LeakyRelu", z, stem, alpha=LEAKY_SLOPE)
    slope = graph.constant("slope", np.asarray(LEAKY_SLOPE, graph.dtype))
    return graph.node("Max", [z, graph.node("Mul", [z, slope])], stem)


def elu_nodes(graph, z, stem):
    """max(z, eᶻ − 1): Elu, or Max(z, Exp(Min(z, 0)) − 1)."""
    if _float32(graph):
        return graph.node("Elu", z, stem, alpha=1.0)
    zero = graph.constant("zero", np.zeros((), graph.dtype))
    one = graph.constant("one", np.ones((), graph.dtype))
    exp = graph.node("Exp", graph.node("Min", [z, zero]))
    return graph.node("Max", [z, graph.node("Sub", [exp, one])], stem)


def gelu_nodes(graph, z, stem):
    """z Φ(z): Gelu, or z · ½ (1 + erf(z / √2)) (erf in float32)."""
    if _float32(graph) and _opset(graph) >= 20:
        return graph.node("Gelu", z, stem, approximate="none")
    scale = graph.constant("inv_sqrt2", np.asarray(np.sqrt(0.5), graph.dtype))
    x = graph.node("Mul", [z, scale])
    if _float32(graph):
        erf = graph.node("Erf", x)
    else:
        x = graph.node("Cast", x, to=graph.tensor.FLOAT)
        erf = graph.node("Cast", graph.node("Erf", x), to=graph.proto)
    one = graph.constant("one", np.ones((), graph.dtype))
    half = graph.constant("half", np.asarray(0.5, graph.dtype))
    cdf = graph.node("Mul", [graph.node("Add", [one, erf]), half])
    return graph.node("Mul", [z, cdf], stem)


def silu_nodes(graph, z, stem):
    """z σ(z): Mul(z, Sigmoid(z))."""
    return graph.node("Mul", [z, graph.node("Sigmoid", z)], stem)


def mish_nodes(graph, z, stem):
    """z tanh(softplus(z)): Mish, or Mul(z, Tanh(softplus(z)))."""
    if _float32(graph) and _opset(graph) >= 18:
        return graph.node("Mish", z, stem)
    return graph.node("Mul", [z, graph.node("Tanh", softplus_nodes(graph, z, None))],
                      stem)  # fmt: skip


def identity_nodes(graph, z, stem):
    """a = z: no node."""
    return z


def operator_nodes(op_type):
    """The nodes of an activation that is one standard operator in every dtype."""

    def nodes(graph, z, stem):
        return graph.node(op_type, z, stem)

    nodes.__doc__ = f"φ(z) as {op_type}."
    return nodes


#: Hidden activation φ → ``nodes(graph, z, stem)``, which returns aˡ's name
#: (the identity adds no node).
HIDDEN_NODES = {
    "identity": identity_nodes,
    "relu": operator_nodes("Relu"),
    "tanh": operator_nodes("Tanh"),
    "logistic": operator_nodes("Sigmoid"),
    "leaky_relu": leaky_relu_nodes,
    "elu": elu_nodes,
    "softplus": softplus_nodes,
    "gelu": gelu_nodes,
    "silu": silu_nodes,
    "mish": mish_nodes,
}


def activation_nodes(activation):
    """The ``nodes(graph, z, stem)`` of an
    :class:`~skmanualnet._nn.activations.Activation`; a user-defined one has no
    ONNX form, and is refused."""
    if activation.name not in HIDDEN_NODES:
        raise NotImplementedError(
            f"The user-defined activation {activation.name!r} has no ONNX form: "
            "export needs built-in activations only."
        )
    return HIDDEN_NODES[activation.name]
