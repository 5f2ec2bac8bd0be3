"""What a layer's trace adds to its arrays, for learners: the dropout mask as
0/1 and the share it kept; batch normalisation's backward pass in both forms,
the closed form the layer uses and the step-by-step path through the graph,
side by side with their largest difference; the rows of an embedding table
that a batch touches.

:func:`layer_notes` gives a layer's forward and backward notes as lists of
:class:`~skmanualnet._inspection.trace_format.Step`, and its ``details``
(the arrays by name, for code that checks them).
"""

import numpy as np

from .._nn.batch_norm import input_error_closed_form, input_error_through_graph
from .trace_format import Step


def dropout_notes(layer, step):
    """m, the 0/1 mask drawn, and the share of units it kept against 1 − p."""
    scaled = step.cache.get("scaled_mask")
    if scaled is None:
        return [], [], {}
    mask = (scaled > 0).astype(np.int8)
    kept, size = int(mask.sum()), mask.size
    share = f"kept {kept} of {size} units ({kept / size:.0%}); expected " \
            f"1 − p = {1 - layer.rate:.0%}"  # fmt: skip
    forward = [
        Step("  m ~ Bernoulli(1 − p)", mask, "the mask drawn: 1 kept, 0 dropped"),
        Step(f"  {share}"),
    ]
    return forward, [], {"mask": mask}


def batch_norm_notes(layer, step):
    """x̄ by the closed form and through the graph (x → μ_B, σ²_B → x̂), and
    max |difference|, after a training pass without row weights."""
    cache = step.cache
    if "mu" not in cache or "omega" in cache:
        return [], [], {}  # predict pass, or weighted rows: the closed form only
    x_hat_bar = step.params["gamma"] * step.out_bar
    closed = input_error_closed_form(x_hat_bar, cache["x_hat"], cache["sigma"])
    graph = input_error_through_graph(x_hat_bar, cache["x"], cache["mu"],
                                      cache["sigma"])  # fmt: skip
    difference = float(np.abs(closed - graph).max())
    backward = [
        Step("  x̂̄ = γ ⊙ ā", x_hat_bar),
        Step("  x̄ = (1/(Bσ))(B x̂̄ − Σx̂̄ − x̂ Σ(x̂̄ ⊙ x̂))", closed,
             "the closed form, which the layer uses"),
        Step("  x̄ = x̂̄/σ + (2/B) σ̄² (x − μ_B) + μ̄/B", graph,
             "through the graph: σ̄² = −½ Σ x̂̄ ⊙ (x − μ_B) / σ³, "
             "μ̄ = −Σx̂̄/σ − (2/B) σ̄² Σ(x − μ_B)"),
        Step(f"  max |closed form − graph| = {difference:.1e}",
             note="the same derivative, summed in another order"),
    ]  # fmt: skip
    details = {"x_hat_bar": x_hat_bar, "closed_form": closed,
               "through_graph": graph, "largest_difference": difference}  # fmt: skip
    return [], backward, details


def embedding_notes(layer, step):
    """The rows of each table Eⱼ that the batch looked up: only they receive
    the scatter-add Ē[c] += ē, every other row's gradient is 0."""
    codes = step.cache.get("codes")
    if codes is None:
        return [], [], {}
    touched = {f"E{j}": np.unique(codes[:, j]) for j in range(codes.shape[1])}
    backward = [
        Step(f"  Ē{j[1:]}[c] += ē: rows {rows.tolist()} touched, the others 0")
        for j, rows in touched.items()
    ]
    return [], backward, {"touched_rows": touched}


_NOTES = {
    "dropout": dropout_notes,
    "batch_norm": batch_norm_notes,
    "category_embedding": embedding_notes,
}


def layer_notes(layer, step):
    """(forward notes, backward notes, details) of a traced layer step."""
    notes = _NOTES.get(layer.name)
    return ([], [], {}) if notes is None else notes(layer, step)
