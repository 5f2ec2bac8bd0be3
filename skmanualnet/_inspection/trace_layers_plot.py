"""The layers of a :class:`~skmanualnet._inspection.trace_layers.LayerTrace`,
drawn for one sample: one column per xᵏ (x⁰ = X, then each layer's output),
one node per unit with its value above and its error x̄ below; a dense layer
joins every unit to every unit, an elementwise layer (activation, dropout,
normalisation, scale) each unit to its own, an embedding each feature to its
block. The units dropout dropped are drawn crossed out, and batch
normalisation's units carry their batch statistics μ_B and σ.
"""

import numpy as np

from .._lazy_import import import_optional

#: distance between two columns, and between two units of a column
COLUMN_STEP, ROW_STEP = 2.4, 1.6


def _sample(array, n):
    """Row n of a (possibly sparse) batch array, as a dense vector."""
    row = array[n]
    return np.ravel(row.toarray() if hasattr(row, "toarray") else row)


def _heights(width):
    return (np.arange(width) - (width - 1) / 2) * -ROW_STEP


def _edges(step, n_in, n_out):
    """(i, j) pairs joining layer k's input units to its output units."""
    if step.name == "dense":
        return [(i, j) for i in range(n_in) for j in range(n_out)]
    if n_in == n_out:
        return [(i, i) for i in range(n_in)]
    block = n_out // n_in if n_out % n_in == 0 else None
    if block is None:  # numbers passed on beside embedded blocks
        return [(i, j) for i in range(n_in) for j in range(n_out)]
    return [(i, i * block + b) for i in range(n_in) for b in range(block)]


def _unit_notes(step, n):
    """{unit: text} under a layer's units: μ_B and σ of batch normalisation."""
    if step.name != "batch_norm" or "mu" not in step.cache:
        return {}
    mu, sigma = np.ravel(step.cache["mu"]), np.ravel(step.cache["sigma"])
    return {j: f"μ={mu[j]:.2f} σ={sigma[j]:.2f}" for j in range(mu.size)}


def plot_layer_trace(trace, sample=0, *, ax=None, precision=2):
    """Draw the layers of ``trace`` for row ``sample``; returns the Figure."""
    if ax is None:
        plt = import_optional("matplotlib.pyplot")
        width = 2 + COLUMN_STEP * len(trace.layers)
        _, ax = plt.subplots(figsize=(min(width, 24), 6), layout="constrained")
    values = [_sample(trace.X, sample)]
    values += [_sample(step.out, sample) for step in trace.layers]
    errors = [None] + [_sample(step.out_bar, sample) for step in trace.layers]
    for k, step in enumerate(trace.layers, start=1):
        x0, x1 = (k - 1) * COLUMN_STEP, k * COLUMN_STEP
        h0, h1 = _heights(values[k - 1].size), _heights(values[k].size)
        for i, j in _edges(step, h0.size, h1.size):
            ax.plot([x0, x1], [h0[i], h1[j]], color="0.8", linewidth=0.5, zorder=1)
    for k, column in enumerate(values):
        step = trace.layers[k - 1] if k else None
        heights, x = _heights(column.size), k * COLUMN_STEP
        dropped = np.zeros(column.size, dtype=bool)
        if step is not None and "mask" in step.details:
            dropped = step.details["mask"][sample] == 0
        ax.scatter(np.full(column.size, x), heights, s=120, zorder=2,
                   c=np.where(dropped, "0.85", "tab:blue"))  # fmt: skip
        if dropped.any():
            ax.scatter(np.full(dropped.sum(), x), heights[dropped], marker="x",
                       s=120, color="tab:red", zorder=3, label="dropped")  # fmt: skip
        notes = {} if step is None else _unit_notes(step, sample)
        for j, h in enumerate(heights):
            label = f"{column[j]:.{precision}f}"
            ax.annotate(label, (x, h), (0, 7), textcoords="offset points",
                        ha="center", fontsize=7)  # fmt: skip
            below = "" if errors[k] is None else f"x̄ {errors[k][j]:.{precision}f}"
            if j in notes:
                below = f"{below}\n{notes[j]}"
            ax.annotate(below, (x, h), (0, -9), textcoords="offset points",
                        ha="center", va="top", fontsize=6,
                        color="tab:purple")  # fmt: skip
        name = "X" if step is None else step.name
        ax.text(x, heights[0] + ROW_STEP * 0.9, f"x{k}\n{name}", ha="center",
                va="bottom", fontsize=8)  # fmt: skip
    ax.set_axis_off()
    ax.set_title(f"one step of the layers, sample {sample}: value above, x̄ below")
    return ax.figure
