"""Piecewise-linear embedding of each input feature over its quantile bins.

Feature j has edges b_0 < b_1 < … < b_T (T = T_j bins, from quantiles of the
training rows: :func:`quantile_edges`). Forward, bin by bin::

    r_t = (x − b_{t−1}) / (b_t − b_{t−1})        t = 1 … T (the ratio)
    e_t = clip(r_t, 0, 1)                         1 < t < T
    e_1 = min(r_1, 1),  e_T = max(r_T, 0)         (e_1 = r_1 when T = 1)

so that a value outside the training range extrapolates linearly through the
first or the last bin. The output row is [e^1, e^2, …, e^d], feature by
feature: Σ_j T_j entries. Backward::

    r̄_t = ē_t ⊙ [r_t in bin t's linear part]     (0 where clipped)
    x̄   = Σ_t r̄_t / (b_t − b_{t−1})

No trainable parameters: the edges are the layer's fitted state. Features
may have different numbers of bins (merged duplicate quantiles), so the state
is one (d, T_max + 1) array, each row the feature's edges then NaN: one
array, saved and exported as it is, from which the bins are read again. The
computation runs over (B, d, T_max) with padded bins set to width 1 and
masked out of the output, which keeps only the Σ_j T_j real entries (no
columns that are 0 for every row, which would only cost the next layer
weights that never learn). Gorishniy, Rubachev and Babenko, "On Embeddings
for Numerical Features in Tabular Deep Learning" (2022).
"""

import math

import numpy as np

from .layer import FRESH, Layer


def weighted_quantiles(column, weights, levels):
    """Q(q) = min {x : F(x) ≥ q}, F the weighted empirical distribution of
    ``column`` (the inverted CDF; with integer weights, the quantiles of the
    rows repeated that many times)."""
    order = np.argsort(column, kind="stable")
    cumulative = np.cumsum(weights[order])
    positions = np.searchsorted(cumulative, levels * cumulative[-1], side="left")
    return column[order][np.minimum(positions, column.size - 1)]


def quantile_edges(X, n_bins, sample_weight=None):
    """b_j = quantiles 0, 1/n, …, 1 of feature j over the training rows,
    weighted by ``sample_weight`` (rows of weight 0 are left out).

    Duplicate quantiles (a feature with few distinct values) are merged, so
    each feature's edges strictly increase and it may get fewer than
    ``n_bins`` bins. Returns one 1-D array per feature, in X's floating dtype
    (float64 for any other), so that the edges are distinct in that dtype.
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer):
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}.")
    if n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}.")
    X = np.asarray(X)
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    X = X.astype(dtype, copy=False)
    if X.ndim != 2 or X.shape[0] == 0 or not np.all(np.isfinite(X)):
        raise ValueError(
            "quantile_edges needs a 2-D array of finite values with at least one "
            f"row, got shape {X.shape}."
        )
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    X, weights = X[weights > 0], weights[weights > 0]
    levels = np.linspace(0.0, 1.0, n_bins + 1)
    edges = []
    for j in range(X.shape[1]):
        column = np.unique(weighted_quantiles(X[:, j], weights, levels))
        if column.size < 2:
            raise ValueError(
                f"input_embedding='piecewise_linear' cannot bin feature {j}: it "
                f"has one distinct value ({float(column[0])!r}) in "
                f"{X.shape[0]} sample{'s' if X.shape[0] > 1 else ''}; "
                "drop the feature or choose another input_embedding."
            )
        edges.append(column)
    return edges


def pad_edges(edges):
    """The (d, T_max + 1) state: feature j's edges, then NaN up to T_max + 1.

    A row may already end in NaN (a padded state given back): only its
    leading non-NaN entries are its edges.
    """
    rows = []
    for j, row in enumerate(edges):
        row = np.asarray(row, dtype=np.float64).ravel()
        n = row.size - np.count_nonzero(np.isnan(row))
        if np.isnan(row[:n]).any() or np.isinf(row).any():
            raise ValueError(
                f"edges of feature {j} must be finite values, NaN allowed only "
                f"as padding at the end, got {row!r}."
            )
        rows.append(row[:n])
    padded = np.full((len(rows), max(row.size for row in rows)), np.nan)
    for j, row in enumerate(rows):
        padded[j, : row.size] = row
    return padded


def bin_geometry(edges):
    """(left, width, mask) of each bin: b_{t−1}, b_t − b_{t−1} and whether the
    bin is real (not padding), each (d, T_max); a padded bin gets left 0 and
    width 1, so that it computes finite values, masked out of the output."""
    mask = ~np.isnan(edges[:, 1:])
    left = np.where(mask, edges[:, :-1], 0)
    width = np.where(mask, edges[:, 1:], 1) - left
    return left, width, mask


def clip_limits(mask, dtype):
    """(lo, hi) of each bin, (d, T_max): 0 and 1, but −∞ below the first bin
    and +∞ above each feature's last real bin."""
    lo = np.zeros(mask.shape, dtype)
    hi = np.ones(mask.shape, dtype)
    lo[:, 0] = -np.inf
    last = mask.sum(axis=1) - 1
    hi[np.arange(mask.shape[0]), last] = np.inf
    return lo, hi


def bin_ratio(x, left, width):
    """r_t = (x − b_{t−1}) / (b_t − b_{t−1}), a (B, d, T_max) array."""
    r = np.subtract(x[:, :, None], left)
    r /= width
    return r


def clip_to_bins(r, lo, hi):
    """e_t = clip(r_t, lo_t, hi_t): 0 and 1, open below the first bin and
    above the last."""
    return np.clip(r, lo, hi)


def linear_part(r, lo, hi):
    """[lo_t ≤ r_t < hi_t]: where e_t = r_t, so that ∂e_t/∂r_t = 1.

    Half-open, so that at an edge x̄ takes the slope on its right (the bin
    that starts there), as a right-hand derivative, never 0 from both sides.
    """
    return (r >= lo) & (r < hi)


def gather_bins(e, mask):
    """out = [e^1, …, e^d]: each feature's real bins, feature by feature."""
    return e[:, mask]


def scatter_bins(out_bar, mask):
    """ē as a (B, d, T_max) array, 0 in the padded bins."""
    e_bar = np.zeros((out_bar.shape[0], *mask.shape), out_bar.dtype)
    e_bar[:, mask] = out_bar
    return e_bar


def ratio_error(e_bar, linear):
    """r̄_t = ē_t ⊙ [r_t in the linear part] (0 where clipped)."""
    e_bar *= linear
    return e_bar


def bin_input_error(r_bar, width):
    """x̄ = Σ_t r̄_t / (b_t − b_{t−1}), a (B, d) array."""
    r_bar /= width
    return r_bar.sum(axis=2)


def reference_edges(state):
    """b_0 < … < b_T of each feature: its row of the state's edges, the NaN
    padding skipped."""
    return [[float(v) for v in row if not math.isnan(v)] for row in state["edges"]]


def reference_bin(r, t, n_bins):
    """(e_t, ∂e_t/∂r_t) of bin t of T: clip(r_t, 0, 1), open below bin 1 and
    above bin T; the slope 1 on the half-open linear part lo ≤ r_t < hi."""
    lo = -math.inf if t == 1 else 0.0
    hi = math.inf if t == n_bins else 1.0
    return min(max(r, lo), hi), (1.0 if lo <= r < hi else 0.0)


def reference_forward(layer, x, params, state, context):
    """e_t = clip((x − b_{t−1}) / (b_t − b_{t−1})), row by row, feature by
    feature, bin by bin (the test oracle)."""
    out = np.empty((x.shape[0], layer.n_out))
    for row in range(x.shape[0]):
        column = 0
        for j, b in enumerate(reference_edges(state)):
            for t in range(1, len(b)):
                r = (float(x[row, j]) - b[t - 1]) / (b[t] - b[t - 1])
                out[row, column] = reference_bin(r, t, len(b) - 1)[0]
                column += 1
    return out


def reference_backward(layer, out_bar, x, params, state, context):
    """x̄ = Σ_t ē_t [r_t in bin t's linear part] / (b_t − b_{t−1}), row by
    row, feature by feature, bin by bin (no parameters)."""
    x_bar = np.zeros(x.shape)
    for row in range(x.shape[0]):
        column = 0
        for j, b in enumerate(reference_edges(state)):
            for t in range(1, len(b)):
                width = b[t] - b[t - 1]
                _, slope = reference_bin(
                    (float(x[row, j]) - b[t - 1]) / width, t, len(b) - 1
                )
                x_bar[row, j] += float(out_bar[row, column]) * slope / width
                column += 1
    return x_bar, {}


def _first_unsorted_feature(edges):
    """The first feature whose edges do not strictly increase, or None."""
    steps = np.diff(edges, axis=1)
    bad = np.flatnonzero(np.any(steps <= 0, axis=1))  # NaN <= 0 is False
    return int(bad[0]) if bad.size else None


class PiecewiseLinearEmbedding(Layer):
    """Each number to its piecewise-linear encoding over its own bins.

    ``edges`` holds one increasing 1-D array per feature (as
    :func:`quantile_edges` gives), or the padded (d, T_max + 1) state of a
    fitted layer (rows ending in NaN). Output width: Σ_j T_j.
    """

    name = "piecewise_linear_embedding"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, edges):
        if len(edges) == 0:
            raise ValueError("edges must hold the edges of at least one feature.")
        self.edges = pad_edges(edges)
        short = np.flatnonzero(np.isnan(self.edges[:, :2]).any(axis=1))
        if self.edges.shape[1] < 2 or short.size:
            j = int(short[0]) if short.size else 0
            raise ValueError(
                f"edges of feature {j} must hold at least two values (one bin), "
                f"got {self.edges[j][~np.isnan(self.edges[j])]!r}."
            )
        j = _first_unsorted_feature(self.edges)
        if j is not None:
            raise ValueError(
                f"edges of feature {j} must strictly increase, got {self.edges[j]!r}."
            )
        self.n_in = self.edges.shape[0]
        self.n_out = int(np.count_nonzero(~np.isnan(self.edges[:, 1:])))

    def initial_state(self, dtype):
        edges = self.edges.astype(dtype)
        j = _first_unsorted_feature(edges)
        if j is not None:
            raise ValueError(
                f"edges of feature {j} are too close to stay distinct in "
                f"{np.dtype(dtype).name}: {self.edges[j]!r}."
            )
        return {"edges": edges}

    def forward(self, x, params, state, context):
        left, width, mask = bin_geometry(state["edges"])
        lo, hi = clip_limits(mask, x.dtype)
        r = bin_ratio(x, left, width)
        cache = {"ratio": r, "linear": linear_part(r, lo, hi)}
        cache.update(width=width, mask=mask)
        return gather_bins(clip_to_bins(r, lo, hi), mask), cache

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        if not need_x_bar:
            return None
        e_bar = scatter_bins(out_bar, cache["mask"])
        r_bar = ratio_error(e_bar, cache["linear"])
        return bin_input_error(r_bar, cache["width"])

    def onnx(self, graph, x, params, state):
        """e = clip((x − b_{t−1}) / (b_t − b_{t−1}), lo, hi), the real bins:
        x reshaped to (B, d, 1), Sub, Div, Max lo, Min hi (±∞ where a bin is
        open), Reshape to (B, d·T_max), Gather of the real bins' columns."""
        left, width, mask = bin_geometry(state["edges"])
        lo, hi = clip_limits(mask, graph.dtype)
        column = graph.node(
            "Reshape", [x, graph.integers("shape", [-1, mask.shape[0], 1])]
        )
        r = graph.node("Sub", [column, graph.floats("left", left)])
        r = graph.node("Div", [r, graph.floats("width", width)], "ratio")
        e = graph.node("Max", [r, graph.floats("lo", lo)])
        e = graph.node("Min", [e, graph.floats("hi", hi)])
        e = graph.node("Reshape", [e, graph.integers("shape", [-1, mask.size])])
        columns = graph.integers("bins", np.flatnonzero(mask.ravel()))
        return graph.node("Gather", [e, columns], "embedded", axis=1)
