"""Category embedding: each categorical column's code c to a learned vector E_j[c].

The input's columns ``columns`` hold category codes 0 … n_j − 1 (as floats, as
a numeric table carries them); any other value (NaN, negative, too large, not
a whole number) is column j's unknown category, code n_j, whose row of E_j
starts at 0. The other columns are numbers, passed on unchanged::

    e_ij = E_j[c_ij]                   (row c_ij of E_j ∈ R^{(n_j+1) × k})
    out  = [x_numbers, e_1, …, e_m]    (B × (d − m + m k))

A lookup is a product with the one-hot row of c, e_ij = onehot(c_ij) E_j, so
its backward pass is the transposed product: each row of E_j collects the
error signals of the rows that looked it up (a scatter-add), and a code,
being a label rather than a number, has no derivative::

    Ē_j[c] = Σ_{i : c_ij = c} ē_ij           x̄_numbers = ā_numbers,   x̄_codes = 0
"""

import math

import numpy as np

from .layer import FRESH, Layer, Parameter


def category_codes(column, n_categories):
    """c = the whole number in [0, n) a column holds, else n (unknown)."""
    known = np.isfinite(column) & (column >= 0) & (column < n_categories)
    known &= np.floor(column, where=known, out=np.zeros_like(column)) == column
    return np.where(known, column, n_categories).astype(np.intp)


def lookup(E, codes):
    """e = E[c]: row c of E for each row's code."""
    return E[codes]


def scatter_add(e_bar, codes, out):
    """Ē[c] = Σ_{i : cᵢ = c} ēᵢ: the rows' error signals, added into the rows of
    E they looked up (codes repeat, hence ``np.add.at`` and not assignment)."""
    out[...] = 0
    np.add.at(out, codes, e_bar)
    return out


def reference_code(value, n_categories):
    """c = the value when a whole number in [0, n), else n (unknown)."""
    known = math.isfinite(value) and 0 <= value < n_categories
    return int(value) if known and value == math.floor(value) else n_categories


def reference_forward(layer, x, params, state, context):
    """out = [x_numbers, E_1[c_1], …], row by row, column by column, entry by
    entry of each looked-up row (the test oracle)."""
    k, n_numbers = layer.dimension, len(layer.numbers)
    out = np.empty((x.shape[0], layer.n_out))
    for i in range(x.shape[0]):
        for position, column in enumerate(layer.numbers):
            out[i, position] = float(x[i, column])
        for j, (column, n) in enumerate(
            zip(layer.columns, layer.n_categories, strict=True)
        ):
            c = reference_code(float(x[i, column]), n)
            for m in range(k):
                out[i, n_numbers + j * k + m] = float(params[f"E{j}"][c, m])
    return out


def reference_backward(layer, out_bar, x, params, state, context):
    """Ē_j[c] = Σ_{i : c_ij = c} ē_ij, x̄_numbers = ā_numbers, x̄_codes = 0,
    row by row, entry by entry."""
    k, n_numbers = layer.dimension, len(layer.numbers)
    grads = {
        f"E{j}": np.zeros(params[f"E{j}"].shape) for j in range(len(layer.columns))
    }
    x_bar = np.zeros(x.shape)
    for i in range(x.shape[0]):
        for position, column in enumerate(layer.numbers):
            x_bar[i, column] = float(out_bar[i, position])
        for j, (column, n) in enumerate(
            zip(layer.columns, layer.n_categories, strict=True)
        ):
            c = reference_code(float(x[i, column]), n)
            for m in range(k):
                grads[f"E{j}"][c, m] += float(out_bar[i, n_numbers + j * k + m])
    return x_bar, grads


class CategoryEmbedding(Layer):
    """Category codes in ``columns`` of a ``n_features``-wide input to learned
    vectors of ``dimension`` numbers each, numbers passed on, in that order.

    ``n_categories[j]`` is the number of known categories of ``columns[j]``;
    E_j has one more row, for unknown codes (at predict: a category not seen
    in training, or a missing value), starting at 0. E_j starts as draws of
    N(0, 1/k) and does not decay (each row only moves when its category is
    seen, and a penalty would shrink rare categories towards the unknown one).
    """

    name = "category_embedding"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_features, columns, n_categories, dimension):
        columns, n_categories = list(columns), list(n_categories)
        if len(columns) != len(n_categories) or not columns:
            raise ValueError(
                "category_embedding needs one category count per categorical "
                f"column, and at least one column; got columns={columns!r} and "
                f"n_categories={n_categories!r}."
            )
        if sorted(set(columns)) != sorted(columns) or not all(
            0 <= c < n_features for c in columns
        ):
            raise ValueError(
                f"columns={columns!r} must be distinct column indices in "
                f"[0, {n_features})."
            )
        if min(n_categories) < 1 or dimension < 1:
            raise ValueError(
                f"n_categories={n_categories!r} and dimension={dimension!r} must "
                "be at least 1."
            )
        self.columns, self.n_categories = columns, [int(n) for n in n_categories]
        self.dimension, self.n_in = int(dimension), int(n_features)
        self.numbers = [j for j in range(n_features) if j not in set(columns)]
        self.n_out = len(self.numbers) + len(columns) * self.dimension

    @property
    def parameters(self):
        return tuple(
            Parameter(f"E{j}", (n + 1, self.dimension))
            for j, n in enumerate(self.n_categories)
        )

    def initialize(self, params, random_state):
        for j, n in enumerate(self.n_categories):
            E = params[f"E{j}"]
            E[:n] = random_state.normal(0.0, self.dimension**-0.5, (n, self.dimension))
            E[n] = 0.0  # the unknown category

    def forward(self, x, params, state, context):
        k, n_numbers = self.dimension, len(self.numbers)
        out = context.buffers.empty(self, "out", (x.shape[0], self.n_out), x.dtype)
        out[:, :n_numbers] = x[:, self.numbers]
        codes = []
        for j, (column, n) in enumerate(
            zip(self.columns, self.n_categories, strict=True)
        ):
            codes.append(category_codes(x[:, column], n))
            block = slice(n_numbers + j * k, n_numbers + (j + 1) * k)
            out[:, block] = lookup(params[f"E{j}"], codes[-1])
        return out, {"codes": np.stack(codes, axis=1)}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        k, n_numbers = self.dimension, len(self.numbers)
        for j in range(len(self.columns)):
            block = out_bar[:, n_numbers + j * k : n_numbers + (j + 1) * k]
            scatter_add(block, cache["codes"][:, j], out=grads[f"E{j}"])
        if not need_x_bar:
            return None
        x_bar = buffers.empty(
            self, "x_bar", (out_bar.shape[0], self.n_in), out_bar.dtype
        )
        x_bar.fill(0)
        x_bar[:, self.numbers] = out_bar[:, :n_numbers]  # codes: no derivative
        return x_bar

    def onnx(self, graph, x, params, state):
        """[x_numbers, E_1[c_1], …]: Gather of the number columns; per code
        column, c where Floor(c) = c and 0 ≤ c < n (NaN fails every test),
        else n, cast to int64, Gather of E_j's rows; Concat."""
        parts = [graph.node("Gather", [x, graph.integers("numbers", self.numbers)],
                            axis=1)] if self.numbers else []  # fmt: skip
        for j, (column, n) in enumerate(
            zip(self.columns, self.n_categories, strict=True)
        ):
            c = graph.node("Gather", [x, graph.integers("column", [column])], axis=1)
            whole = graph.node("Equal", [graph.node("Floor", [c]), c])
            low = graph.node("GreaterOrEqual", [c, graph.floats("zero", 0.0)])
            high = graph.node("Less", [c, graph.floats("n", float(n))])
            known = graph.node("And", [graph.node("And", [whole, low]), high])
            code = graph.node("Where", [known, c, graph.floats("unknown", float(n))])
            code = graph.node("Cast", [code], to=graph.tensor.INT64)
            flat = graph.node("Reshape", [code, graph.integers("shape", [-1])])
            parts.append(
                graph.node("Gather", [graph.floats(f"E{j}", params[f"E{j}"]), flat])
            )
        return graph.node("Concat", parts, "embedded", axis=1)
