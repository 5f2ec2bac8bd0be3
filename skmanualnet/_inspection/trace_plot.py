"""The computation graph of a traced network, drawn for one sample.

The network as a derivation draws it, x → h → … → z → y → L: one node per
unit, its forward value above it and its error signal v̄ = ∂L/∂v below; one
edge per weight Wᵢⱼ, coloured by the weight and labelled with it and with this
sample's share aᵢ z̄ⱼ of W̄ᵢⱼ (W̄ is the sum of these shares over the batch,
plus the penalty's (α/Σs) W). Between z and y, the edges are the link's
Jacobian: every zⱼ reaches every yᵢ for softmax, each zₖ only its yₖ for an
elementwise link.

:func:`sample_graph` computes what is drawn, :func:`plot_trace` draws it;
matplotlib is imported only there.
"""

from dataclasses import dataclass, field

import numpy as np

from .._lazy_import import import_optional
from .trace_format import at_layer, sup

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: edge labels are drawn between two layers of at most this many weights
MAX_LABELLED_EDGES = 12
#: distance between two columns, and between two units of a column
COLUMN_STEP, ROW_STEP = 2.6, 2.0


@dataclass
class Node:
    """A unit: its column and row, its name, the values shown above and below."""

    column: int
    row: int
    name: str
    values: list = field(default_factory=list)  # [(symbol, value)], forward
    errors: list = field(default_factory=list)  # [(symbol, value)], v̄


@dataclass
class Edge:
    """A connection: its ends, its weight (None for the link), the sample's share."""

    start: tuple
    end: tuple
    weight: float | None = None
    share: float | None = None


def _sub(i):
    """Unit i (from 0) as a subscript from 1: 0 → ₁."""
    return str(i + 1).translate(_SUBSCRIPTS)


def _row(array, n):
    """Row n of a (possibly sparse) batch array, as a dense vector."""
    row = array[n]
    return np.ravel(row.toarray() if hasattr(row, "toarray") else row)


def _layer_nodes(trace, l, n):
    """Layer l's units for sample n: hidden units h (with z) or the logits z."""
    z, z_bar = trace.z[l][n], trace.z_bar[l][n]
    if l == len(trace.a) - 1:
        return [
            Node(l, j, f"z{_sub(j)}", [("$z$", z[j])], [(r"$\bar{z}$", z_bar[j])])
            for j in range(len(z))
        ]
    a, a_bar = trace.a[l][n], trace.a_bar[l][n]
    return [
        Node(
            l,
            j,
            f"h{_sub(j)}",
            [("$z$", z[j]), ("$h$", a[j])],
            [(r"$\bar{h}$", a_bar[j]), (r"$\bar{z}$", z_bar[j])],
        )
        for j in range(len(z))
    ]


def _weight_edges(trace, l, n):
    """The weights into layer l, each with sample n's share aᵢ z̄ⱼ of W̄ᵢⱼ."""
    a_prev, z_bar = _row(trace.a[l - 1], n), trace.z_bar[l][n]
    return [
        Edge((l - 1, i), (l, j), float(weight), float(a_prev[i] * z_bar[j]))
        for (i, j), weight in np.ndenumerate(trace.W[l])
    ]


def _output_graph(trace, n):
    """The outputs y (with t) and the loss node, and the edges z → y → L."""
    L = len(trace.a) - 1
    y, t, y_bar = trace.y[n], trace.T[n], trace.y_bar[n]
    nodes = [
        Node(L + 1, k, f"y{_sub(k)}", [("$y$", y[k]), ("$t$", t[k])],
             [(r"$\bar{y}$", y_bar[k])])
        for k in range(len(y))
    ]  # fmt: skip
    nodes.append(Node(L + 2, 0, "L", [("$L$", trace.loss)]))
    elementwise = np.ndim(trace.jacobian) == 2  # ∂yᵢ/∂zⱼ = 0 for i ≠ j
    edges = [
        Edge((L, j), (L + 1, i))
        for i in range(len(y))
        for j in range(len(y))
        if not elementwise or i == j
    ]
    return nodes, edges + [Edge((L + 1, k), (L + 2, 0)) for k in range(len(y))]


def sample_graph(trace, n):
    """(columns, nodes, edges) of sample ``n``: the column titles, the units
    with their values and error signals, and the weights with their shares."""
    B, L = len(trace.w), len(trace.a) - 1
    if not (isinstance(n, int | np.integer) and 0 <= n < B):
        raise ValueError(
            f"sample must be a row of the traced batch, an int in 0 … {B - 1}; "
            f"got {n!r}."
        )
    columns = ["x = a⁰"]
    columns += [
        f"h{sup(l)} = φ(z{sup(l)}), {trace.activations[l]}" for l in range(1, L)
    ]
    columns += [
        f"z{sup(L)} = h{sup(L - 1)} W{sup(L)} + b{sup(L)}"
        if L > 1
        else "z¹ = x W¹ + b¹",
        at_layer(trace.equations["link"], L),
        "L, the batch loss",
    ]
    x = _row(trace.a[0], n)
    nodes = [Node(0, i, f"x{_sub(i)}", [("$x$", x[i])]) for i in range(len(x))]
    edges = []
    for l in range(1, L + 1):
        nodes += _layer_nodes(trace, l, n)
        edges += _weight_edges(trace, l, n)
    output_nodes, output_edges = _output_graph(trace, n)
    return columns, nodes + output_nodes, edges + output_edges


def _number(value, precision, sign=""):
    """A value rounded for the graph, with no negative zero."""
    return f"{round(float(value), precision) + 0.0:{sign}.{precision}f}"


def _label(pairs, precision):
    return "\n".join(f"{symbol} {_number(value, precision)}" for symbol, value in pairs)


def _positions(nodes):
    """(x, y) of each node: columns side by side, each centred on y = 0."""
    height = {}
    for node in nodes:
        height[node.column] = max(height.get(node.column, 0), node.row + 1)
    return {
        (node.column, node.row): (
            COLUMN_STEP * node.column,
            ROW_STEP * ((height[node.column] - 1) / 2 - node.row),
        )
        for node in nodes
    }


def _draw_edges(ax, edges, where, color, precision):
    """The edges, each weight coloured and, between small layers, labelled."""
    weights, last_row = {}, {}
    for edge in edges:
        weights[edge.end[0]] = weights.get(edge.end[0], 0) + (edge.weight is not None)
        last_row[edge.end[0]] = max(last_row.get(edge.end[0], 0), edge.end[1])
    for edge in edges:
        (x0, y0), (x1, y1) = where[edge.start], where[edge.end]
        if edge.weight is None:
            ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.8, zorder=1)
            continue
        ax.plot([x0, x1], [y0, y1], color=color(edge.weight), lw=1.5, zorder=1)
        if weights[edge.end[0]] > MAX_LABELLED_EDGES:
            continue
        # labels of edges into different units sit at different points along them
        f = 0.3 + 0.4 * edge.end[1] / max(1, last_row[edge.end[0]])
        text = (
            f"{_number(edge.weight, precision)}\n{_number(edge.share, precision, '+')}"
        )
        ax.text(
            x0 + f * (x1 - x0), y0 + f * (y1 - y0), text, fontsize=6.5,
            ha="center", va="center", color="0.15", zorder=2,
            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8),
        )  # fmt: skip


def _draw_nodes(ax, nodes, where, precision):
    Circle = import_optional("matplotlib.patches").Circle

    for node in nodes:
        x, y = where[(node.column, node.row)]
        ax.add_patch(Circle((x, y), 0.3, fc="white", ec="0.2", lw=1.2, zorder=3))
        ax.text(x, y, node.name, ha="center", va="center", fontsize=10, zorder=4)
        above, below = _label(node.values, precision), _label(node.errors, precision)
        ax.text(x, y + 0.36, above, ha="center", va="bottom", fontsize=7.5, zorder=4)
        ax.text(x, y - 0.36, below, ha="center", va="top", fontsize=7.5,
                color="tab:red", zorder=4)  # fmt: skip


def plot_trace(trace, sample=0, *, ax=None, precision=2):
    """Draw :func:`sample_graph` of ``trace`` for one sample; return the Figure."""
    plt = import_optional("matplotlib.pyplot")
    ScalarMappable = import_optional("matplotlib.cm").ScalarMappable
    Normalize = import_optional("matplotlib.colors").Normalize

    columns, nodes, edges = sample_graph(trace, sample)
    where = _positions(nodes)
    top = max(y for _, y in where.values()) + 1.5
    xlim = (-1.0, COLUMN_STEP * (len(columns) - 1) + 1.0)
    ylim = (min(y for _, y in where.values()) - 1.2, top + 0.6)
    if ax is None:  # 0.7 inch per unit, and room for the title and colour bar
        size = (0.7 * (xlim[1] - xlim[0]) + 1.5, 0.7 * (ylim[1] - ylim[0]) + 1.0)
        _, ax = plt.subplots(figsize=size, layout="constrained")
    limit = max(abs(e.weight) for e in edges if e.weight is not None)
    colors = ScalarMappable(Normalize(-limit, limit), plt.get_cmap("coolwarm"))
    _draw_edges(ax, edges, where, colors.to_rgba, precision)
    _draw_nodes(ax, nodes, where, precision)
    for column, title in enumerate(columns):
        ax.text(COLUMN_STEP * column, top, title, ha="center", va="bottom",
                fontsize=9, weight="bold")  # fmt: skip
    ax.set_title(
        f"Sample {sample} of a batch of {len(trace.w)}: forward values above each "
        r"unit; below, in red, the error signals $\bar v = \partial L / \partial v$"
        f"\n(they include the sample's weight w = {trace.w[sample]:.3g}). "
        r"On each edge: the weight $W_{ij}$ (its colour, and on top) and, below,"
        r" this sample's share $a_i \bar z_j$ of $\bar W_{ij}$",
        fontsize=9,
    )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.figure.colorbar(colors, ax=ax, shrink=0.5, label="weight $W_{ij}$")
    return ax.figure
