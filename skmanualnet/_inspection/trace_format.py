"""How a :class:`~skmanualnet.BackpropTrace` reads: the step in the order training
computes it, forward, loss, backward, update, each value with its shape and
the equation it came from, as text (``print(trace)``) and as HTML (notebooks).

The head's and the activations' equations are not written here: they are the
first lines of the docstrings of the functions that compute them
(:func:`equation_of`), so that a new output head or activation reads right
without a change here.
"""

import html
import inspect
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from .._training.optimizers import decoupled_decay

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
#: the optimizer settings shown with the update rule, by optimizer class
_UPDATE_SETTINGS = {
    "SGD": (("learning_rate", "η"), ("momentum", "μ")),
    "Adam": (
        ("learning_rate_init", "η"),
        ("learning_rate", "η_t"),
        ("beta_1", "β₁"),
        ("beta_2", "β₂"),
        ("epsilon", "ε"),
        ("t", "t"),
    ),
}
_PRECISION = 4
#: table cells of the HTML form, read top-down and left to right like the text
_TD = '<td style="text-align: left; vertical-align: top; padding: 2px 8px">'
_TH = '<th style="text-align: left; padding: 2px 8px">'
_EQUATION_WIDTH = 44


def sup(l):
    """The layer index as a superscript: 12 → ¹²."""
    return str(l).translate(_SUPERSCRIPTS)


def _parts(summary):
    """``summary`` split at the ", " and ": " outside brackets: [(separator, part)]."""
    parts, depth, start, separator = [], 0, 0, ""
    for i, char in enumerate(summary):
        depth += (char in "([{") - (char in ")]}")
        if depth == 0 and summary[i : i + 2] in (", ", ": "):
            parts.append((separator, summary[start:i]))
            separator, start = summary[i : i + 2], i + 2
    return [*parts, (separator, summary[start:])]


def _summary(obj):
    """The first paragraph of a docstring, on one line, without ``markup``."""
    paragraph = (inspect.getdoc(obj) or "").split("\n\n")[0]
    return " ".join(paragraph.replace("``", "").split()).rstrip(".")


def equation_of(function):
    """The equation a function computes: its docstring's first sentence, up to
    the first clause that holds no equation (no "=" or "←").

    >>> equation_of(lambda: None) == ""
    True
    """
    (_, first), *rest = _parts(_summary(function))
    kept = [first]
    for separator, part in rest:
        if "=" not in part and "←" not in part:
            break
        kept.append(separator + part)
    return "".join(kept)


def loss_equation(head):
    """The data term of a head's loss: the "L = …" clause of its class docstring."""
    for _, part in _parts(_summary(type(head))):
        if part.startswith("L = "):
            return part
    return f"L = the loss of the {head.name} head"


def update_rule(optimizer):
    """The update equation of an optimizer and its settings, or None (L-BFGS)."""
    if optimizer is None:
        return None
    settings = [
        f"{symbol} = {getattr(optimizer, name):.4g}"
        for name, symbol in _UPDATE_SETTINGS.get(type(optimizer).__name__, ())
    ]
    if getattr(optimizer, "nesterov", False):
        settings.append("Nesterov")
    decay = getattr(optimizer, "weight_decay", 0.0)
    if decay:
        settings.append(f"λ = {decay:.4g}")
    name = ", ".join([type(optimizer).__name__, *settings])
    rule = f"{name}: {equation_of(type(optimizer).step)}"
    return rule + (f"; then {equation_of(decoupled_decay)}" if decay else "")


def equations_of(network, optimizer):
    """The equations of a network's head and activations, and of the update."""
    head = network.head

    def per_layer(part):
        return [None, *(equation_of(getattr(a, part)) for a in network.activations)]

    return {
        "link": equation_of(head.link),
        "loss": loss_equation(head),
        "y_bar": equation_of(head.y_bar),
        "jacobian": equation_of(head.jacobian),
        "jacobian_error": equation_of(head.jacobian_error),
        "error": equation_of(head.error),
        "phi": [*per_layer("phi"), None],
        "phi_prime": [*per_layer("phi_prime"), None],
        "update": update_rule(optimizer),
    }


@dataclass
class Step:
    """One line of the trace: the equation, its value, and a remark."""

    equation: str
    value: object = None
    note: str = ""


def at_layer(equation, L):
    """A head's equation at the output layer: zᴸ → z², a bare z → z²."""
    return re.sub(r"\bz(?![\u0304\w])", "z" + sup(L), equation.replace("ᴸ", sup(L)))


def weight_note(trace):
    """Plain words for w, each sample's weight in the batch loss."""
    if trace.weighted:
        return f"w = s / Σs (Σs = {trace.weight_sum:.4g}): each sample's weight"
    return f"w = 1/B = 1/{len(trace.w)}: each sample's weight in the batch mean"


def forward_steps(trace):
    """a⁰ = X, then Wˡ, bˡ, zˡ and aˡ layer by layer, then y and the targets."""
    L, eq = len(trace.a) - 1, trace.equations
    steps = [Step("a⁰ = X", trace.a[0], "the input: one sample per row")]
    for l in range(1, L + 1):
        steps += [
            Step(f"W{sup(l)} = coefs_[{l - 1}]", trace.W[l]),
            Step(f"b{sup(l)} = intercepts_[{l - 1}]", trace.b[l]),
            Step(f"z{sup(l)} = a{sup(l - 1)} W{sup(l)} + b{sup(l)}", trace.z[l]),
        ]
        if l < L:
            note = f"{trace.activations[l]}: {eq['phi'][l]}"
            steps.append(Step(f"a{sup(l)} = φ(z{sup(l)})", trace.a[l], note))
    link = f"the output head ({trace.out_activation})"
    return [
        *steps,
        Step(at_layer(eq["link"], L), trace.y, link),
        Step("t", trace.T, "the targets"),
    ]


def loss_steps(trace, penalty="(α / (2Σs)) Σₗ ‖Wˡ‖²"):
    """The weights w, and L = data term + ``penalty``."""
    equation = f"{trace.equations['loss']} + {penalty}"
    note = (
        f"data term {trace.loss - trace.penalty:.6g} + penalty {trace.penalty:.6g}"
        f" (α = {trace.alpha:g}, Σs = {trace.weight_sum:g})"
    )
    return [Step("w", trace.w, weight_note(trace)), Step(equation, trace.loss, note)]


def output_steps(trace):
    """ȳ, J, and z̄ᴸ by both paths."""
    L, eq = len(trace.a) - 1, trace.equations
    difference = float(np.max(np.abs(trace.z_bar_jacobian - trace.z_bar_fused)))
    w = "s / Σs" if trace.weighted else f"1/B = 1/{len(trace.w)}"
    y_bar = f"ȳ includes each sample's weight w = {w}: ∂L/∂y of the batch loss"
    jacobian = f"the Jacobian J = ∂y/∂z{sup(L)}, sample by sample"
    fused = f"the fused path, what training uses (largest difference {difference:.1e})"
    return [
        Step(eq["y_bar"], trace.y_bar, y_bar),
        Step(at_layer(eq["jacobian"], L), trace.jacobian, jacobian),
        Step(
            at_layer(eq["jacobian_error"], L),
            trace.z_bar_jacobian,
            "the Jacobian path",
        ),
        Step(at_layer(eq["error"], L), trace.z_bar_fused, fused),
    ]


def backward_steps(trace):
    """ȳ, J, z̄ᴸ both ways, then W̄ˡ, b̄ˡ, āˡ⁻¹, φ′ and z̄ˡ⁻¹ from layer L down."""
    steps = output_steps(trace)
    for l in range(len(trace.a) - 1, 0, -1):
        u, d = sup(l), sup(l - 1)
        steps += [
            Step(f"W̄{u} = (a{d})ᵀ z̄{u} + (α / Σs) W{u}", trace.W_bar[l]),
            Step(f"b̄{u} = 1ᵀ z̄{u}", trace.b_bar[l]),
        ]
        if l > 1:
            note = f"{trace.activations[l - 1]}: {trace.equations['phi_prime'][l - 1]}"
            steps += [
                Step(f"ā{d} = z̄{u} (W{u})ᵀ", trace.a_bar[l - 1]),
                Step(f"φ′(z{d})", trace.phi_prime[l - 1], note),
                Step(f"z̄{d} = ā{d} ⊙ φ′(z{d})", trace.z_bar[l - 1]),
            ]
    return steps


def update_steps(trace):
    """ΔWˡ, Wˡ + ΔWˡ, Δbˡ and bˡ + Δbˡ, layer by layer; none for L-BFGS."""
    if trace.W_update[-1] is None:
        return []
    steps = []
    for l in range(1, len(trace.a)):
        u = sup(l)
        steps += [
            Step(f"ΔW{u}", trace.W_update[l]),
            Step(f"W{u} + ΔW{u}", trace.W[l] + trace.W_update[l]),
            Step(f"Δb{u}", trace.b_update[l]),
            Step(f"b{u} + Δb{u}", trace.b[l] + trace.b_update[l]),
        ]
    return steps


def update_equation(trace):
    """The trace's update rule, or what L-BFGS does instead."""
    return trace.equations.get("update") or (
        "none: L-BFGS takes its step from a line search over the whole training set"
    )


def sections(trace):
    """[(title, remark, steps)]: forward, loss, backward, update."""
    B, L = len(trace.w), len(trace.a) - 1
    update = update_equation(trace)
    return [
        (
            "Forward",
            f"B = {B} sample{'s' * (B > 1)}, layers l = 1 … {L}",
            forward_steps(trace),
        ),
        ("Loss", "", loss_steps(trace)),
        ("Backward", "v̄ = ∂L/∂v, the shape of v", backward_steps(trace)),
        ("Update", update, update_steps(trace)),
    ]


def shown(value):
    """An array as printed: dense, rounded, with no negative zeros."""
    value = value.toarray() if hasattr(value, "toarray") else np.asarray(value)
    value = value + value.dtype.type(0)  # −0.0 + 0.0 = +0.0
    return np.array2string(value, precision=_PRECISION, max_line_width=100)


def _width(text):
    """How many columns ``text`` takes: combining marks (the bar of z̄) take none."""
    return sum(not unicodedata.combining(char) for char in text)


def _cell(value):
    """A value as its table cell shows it: a number, an array, or nothing."""
    if value is None:
        return ""
    return f"{float(value):.6g}" if np.ndim(value) == 0 else shown(value)


def _shape(value):
    return "" if np.ndim(value) == 0 else str(tuple(np.shape(value)))


def format_text(trace):
    """The trace as text, for ``print``."""
    return render_text(sections(trace))


def render_text(phases):
    """[(title, remark, steps)] as text; a step whose value is None is a heading."""
    lines = []
    for title, remark, steps in phases:
        lines.append(f"{title}" + (f" ({remark})" if remark else ""))
        for step in steps:
            if step.value is None:
                lines.append(f"  {step.equation}")
            elif np.ndim(step.value) == 0:
                lines.append(f"  {step.equation} = {float(step.value):.6g}")
            else:
                pad = " " * max(1, _EQUATION_WIDTH - _width(step.equation))
                lines.append(f"  {step.equation}{pad}{_shape(step.value)}")
            if step.note:
                lines.append(f"      {step.note}")
            if np.ndim(step.value) > 0:
                lines += ["      " + line for line in shown(step.value).splitlines()]
    return "\n".join(line.rstrip() for line in lines)


def format_html(trace):
    """The trace as an HTML table per phase, for notebooks."""
    return render_html(sections(trace))


def render_html(phases):
    """[(title, remark, steps)] as an HTML table per phase."""
    out = ['<div class="skmanualnet-trace">']
    for title, remark, steps in phases:
        out.append(f"<h4>{html.escape(title)}</h4>")
        if remark:
            out.append(f"<p>{html.escape(remark)}</p>")
        if not steps:
            continue
        out.append(f"<table><tr>{_TH}step</th>{_TH}shape</th>{_TH}value</th></tr>")
        for step in steps:
            value = _cell(step.value)
            note = f"<br><small>{html.escape(step.note)}</small>" if step.note else ""
            out.append(
                f"<tr>{_TD}<code>{html.escape(step.equation)}</code>{note}</td>"
                f"{_TD}{html.escape(_shape(step.value))}</td>"
                f"{_TD}<pre style='margin: 0'>{html.escape(value)}</pre></td></tr>"
            )
        out.append("</table>")
    out.append("</div>")
    return "\n".join(out)
