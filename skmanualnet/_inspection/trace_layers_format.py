"""How a :class:`~skmanualnet._inspection.trace_layers.LayerTrace` reads:
the forward pass layer by layer (each layer's parameters, cache and output,
under the layer's own names), the loss, the backward pass layer by layer in
reverse (each parameter's gradient, then the error signal handed to the
layer below), and the update; as text and as HTML, with the renderers of
:mod:`skmanualnet._inspection.trace_format`.

The layers are numbered k = 1 … m, x⁰ = X and xᵏ the output of layer k; a
cache entry that is the layer's input or output is named, not printed again.
"""

from .trace_format import (
    Step,
    at_layer,
    loss_steps,
    render_html,
    render_text,
    sup,
    update_equation,
)

#: the L2 penalty over the parameter groups that decay, c_g the group's factor
_PENALTY = "(α / (2Σs)) Σ_g c_g ‖θ_g‖²"


def _at_logits(equation, m):
    """A head's equation at the logits xᵐ: zᴸ → xᵐ, z̄ᴸ → x̄ᵐ."""
    equation = at_layer(equation, m).replace("z\u0304" + sup(m), "x\u0304" + sup(m))
    return equation.replace("z" + sup(m), "x" + sup(m))


def _heading(k, layer):
    return Step(f"layer {k} ({layer.name}): {layer.equation}")


def layer_forward_steps(k, layer, x):
    """Layer k's parameters, cache (``x`` is its input) and output xᵏ."""
    steps = [_heading(k, layer)]
    steps += [Step(f"  {name}", value) for name, value in layer.params.items()]
    for name, value in layer.cache.items():
        if value is x:
            steps.append(Step(f"  {name} = x{sup(k - 1)}, the layer's input"))
        elif value is layer.out:
            steps.append(Step(f"  {name} = x{sup(k)}, the layer's output"))
        else:
            steps.append(Step(f"  {name}", value))
    output = f"  x{sup(k)} = {layer.name}(x{sup(k - 1)})"
    return [*steps, *layer.forward_notes, Step(output, layer.out)]


def forward_steps(trace):
    """x⁰ = X, each layer in computation order, then y and the targets."""
    steps = [Step("x⁰ = X", trace.X, "the input: one sample per row")]
    inputs = [trace.X, *(layer.out for layer in trace.layers)]
    for k, layer in enumerate(trace.layers, start=1):
        steps += layer_forward_steps(k, layer, inputs[k - 1])
    m = len(trace.layers)
    link = f"the output head ({trace.out_activation}) on the logits x{sup(m)}"
    return [
        *steps,
        Step(_at_logits(trace.equations["link"], m), trace.y, link),
        Step("t", trace.T, "the targets"),
    ]


def layer_backward_steps(k, layer):
    """Layer k's parameters' gradients, then x̄ᵏ⁻¹ = ∂L/∂xᵏ⁻¹."""
    steps = [_heading(k, layer)]
    steps += [
        Step(f"  {name}_bar = ∂L/∂{name}", value) for name, value in layer.grads.items()
    ]
    steps += layer.backward_notes
    d = sup(k - 1)
    if layer.x_bar is None:
        return [*steps, Step(f"  x̄{d}: not formed, x{d} is the data")]
    return [*steps, Step(f"  x̄{d} = ∂L/∂x{d}", layer.x_bar)]


def backward_steps(trace):
    """x̄ᵐ from the head, then each layer from k = m down to 1."""
    m = len(trace.layers)
    start = "where the backward pass starts: the error at the logits"
    steps = [Step(_at_logits(trace.equations["error"], m), trace.z_bar, start)]
    for k in range(m, 0, -1):
        steps += layer_backward_steps(k, trace.layers[k - 1])
    return steps


def update_steps(trace):
    """Δ and the stepped value of each parameter, layer by layer; none for
    L-BFGS."""
    steps = []
    for k, layer in enumerate(trace.layers, start=1):
        if layer.updates is None or not layer.params:
            continue
        steps.append(_heading(k, layer))
        for name, value in layer.params.items():
            delta = layer.updates[name]
            steps += [
                Step(f"  Δ{name}", delta),
                Step(f"  {name} + Δ{name}", value + delta),
            ]
    return steps


def layer_sections(trace):
    """[(title, remark, steps)]: forward, loss, backward, update."""
    B, m = len(trace.w), len(trace.layers)
    names = " → ".join(layer.name for layer in trace.layers)
    update = update_equation(trace)
    return [
        (
            "Forward",
            f"B = {B} sample{'s' * (B > 1)}, layers k = 1 … {m}: {names}",
            forward_steps(trace),
        ),  # fmt: skip
        ("Loss", "", loss_steps(trace, penalty=_PENALTY)),
        ("Backward", "v̄ = ∂L/∂v, the shape of v", backward_steps(trace)),
        ("Update", update, update_steps(trace)),
    ]


def format_layers_text(trace):
    """The trace as text, for ``print``."""
    return render_text(layer_sections(trace))


def format_layers_html(trace):
    """The trace as an HTML table per phase, for notebooks."""
    return render_html(layer_sections(trace))
