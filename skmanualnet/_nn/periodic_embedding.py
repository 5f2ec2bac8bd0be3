"""Periodic embedding of each input feature: cos(2π w x + b), then a linear map.

Forward, for feature j of a batch x (B rows, d features), with k trainable
frequencies w_j and phases b_j and a per-feature linear map (V_j, c_j)::

    θ_j = 2π x_j w_jᵀ + 1 b_jᵀ          (B × k: the phases, named phase in
                                         code, not θ the parameter vector)
    u_j = cos(θ_j)
    e_j = u_j V_j + 1 c_jᵀ               V_j ∈ R^{k × k}
    out = [e_1, e_2, …, e_d]            (B × d·k, feature by feature)

Backward, from ē_j (the block of out's error signal for feature j)::

    V̄_j = u_jᵀ ē_j,   c̄_j = 1ᵀ ē_j,   ū_j = ē_j V_jᵀ
    θ̄_j = −sin(θ_j) ⊙ ū_j
    w̄_j = 2π (θ̄_j ⊙ x_j 1ᵀ)ᵀ 1,   b̄_j = 1ᵀ θ̄_j,   x̄_j = 2π θ̄_j w_j

All features at once: the arrays are stacks of shape (d, B, k) and the
per-feature products ``np.matmul`` over the stack. Gorishniy, Rubachev and
Babenko, "On Embeddings for Numerical Features in Tabular Deep Learning"
(2022); pytabkit's RealMLP embeds its numbers so.
"""

import math

import numpy as np

from .init import glorot_uniform
from .layer import FRESH, SHARED, Layer, Parameter

TWO_PI = 2.0 * np.pi


def periodic_phase(x, w, b, out):
    """θ_jk = 2π w_jk x_j + b_jk: the phases, a (d, B, k) stack.

    ``x`` is (B, d), ``w`` and ``b`` are (d, k).
    """
    phase = np.multiply(x.T[:, :, None], w[:, None, :], out=out)
    phase *= TWO_PI
    phase += b[:, None, :]
    return phase


def cosine_features(phase, out):
    """u = cos(θ), entry by entry."""
    return np.cos(phase, out=out)


def feature_linear(u, V, c, out):
    """e_j = u_j V_j + 1 c_jᵀ for every feature j: (d, B, k) @ (d, k, k)."""
    e = np.matmul(u, V, out=out)
    e += c[:, None, :]
    return e


def flatten_features(e, out):
    """out = [e_1, e_2, …, e_d]: the (d, B, k) stack as (B, d·k) rows."""
    d, B, k = e.shape
    np.copyto(out.reshape(B, d, k), e.transpose(1, 0, 2))
    return out


def unflatten_features(out_bar, n_features):
    """ē_j: the (B, d·k) error signal as a (d, B, k) stack (a view)."""
    B = out_bar.shape[0]
    return out_bar.reshape(B, n_features, -1).transpose(1, 0, 2)


def feature_linear_weight_gradient(u, e_bar, out):
    """V̄_j = u_jᵀ ē_j for every feature j."""
    return np.matmul(u.transpose(0, 2, 1), e_bar, out=out)


def feature_linear_bias_gradient(e_bar, out):
    """c̄_j = 1ᵀ ē_j: ē summed over the rows, feature by feature."""
    return np.sum(e_bar, axis=1, out=out)


def feature_linear_input_error(e_bar, V, out):
    """ū_j = ē_j V_jᵀ for every feature j."""
    return np.matmul(e_bar, V.transpose(0, 2, 1), out=out)


def phase_error(u_bar, phase, out):
    """θ̄ = −sin(θ) ⊙ ū: through the cosine (cos′ = −sin)."""
    phase_bar = np.sin(phase, out=out)
    np.negative(phase_bar, out=phase_bar)
    phase_bar *= u_bar
    return phase_bar


def frequency_gradient(phase_bar, x, out):
    """w̄_jk = 2π Σ_rows θ̄_jk x_j."""
    np.einsum("dbk,bd->dk", phase_bar, x, out=out)
    out *= TWO_PI
    return out


def phase_shift_gradient(phase_bar, out):
    """b̄_jk = Σ_rows θ̄_jk."""
    return np.sum(phase_bar, axis=1, out=out)


def periodic_input_error(phase_bar, w, out):
    """x̄_j = 2π Σ_k θ̄_jk w_jk, a (B, d) array."""
    x_bar = np.einsum("dbk,dk->bd", phase_bar, w, out=out)
    x_bar *= TWO_PI
    return x_bar


def reference_phases(layer, x, params, row, j):
    """θ_jf = 2π w_jf x_j + b_jf for one row and feature, frequency by
    frequency."""
    w, b = params["w"], params["b"]
    return [
        TWO_PI * float(w[j, f]) * float(x[row, j]) + float(b[j, f])
        for f in range(layer.n_frequencies)
    ]


def reference_forward(layer, x, params, state, context):
    """e_jm = Σ_f cos(θ_jf) V_jfm + c_jm, row by row, feature by feature,
    frequency by frequency, laid out feature by feature (the test oracle)."""
    k, V, c = layer.n_frequencies, params["V"], params["c"]
    out = np.empty((x.shape[0], layer.n_out))
    for row in range(x.shape[0]):
        for j in range(layer.n_features):
            u = [
                math.cos(phase) for phase in reference_phases(layer, x, params, row, j)
            ]
            for m in range(k):
                e = float(c[j, m])
                for f in range(k):
                    e += u[f] * float(V[j, f, m])
                out[row, j * k + m] = e
    return out


def reference_backward(layer, out_bar, x, params, state, context):
    """V̄_jfm = Σ_rows u_jf ē_jm, c̄_jm = Σ_rows ē_jm, ū_jf = Σ_m ē_jm V_jfm,
    θ̄_jf = −sin(θ_jf) ū_jf, then w̄_jf = 2π Σ_rows θ̄_jf x_j,
    b̄_jf = Σ_rows θ̄_jf and x̄_j = 2π Σ_f θ̄_jf w_jf, scalar by scalar."""
    d, k = layer.n_features, layer.n_frequencies
    w, V = params["w"], params["V"]
    grads = {name: np.zeros(params[name].shape) for name in ("w", "b", "V", "c")}
    x_bar = np.zeros(x.shape)
    for row in range(x.shape[0]):
        for j in range(d):
            phases = reference_phases(layer, x, params, row, j)
            e_bar = [float(out_bar[row, j * k + m]) for m in range(k)]
            for f in range(k):
                u, u_bar = math.cos(phases[f]), 0.0
                for m in range(k):
                    grads["V"][j, f, m] += u * e_bar[m]
                    u_bar += e_bar[m] * float(V[j, f, m])
                phase_bar = -math.sin(phases[f]) * u_bar
                grads["w"][j, f] += TWO_PI * phase_bar * float(x[row, j])
                grads["b"][j, f] += phase_bar
                x_bar[row, j] += TWO_PI * phase_bar * float(w[j, f])
            for m in range(k):
                grads["c"][j, m] += e_bar[m]
    return x_bar, grads


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(
            f"{name} must be an integer >= 1 for the periodic embedding, got {value!r}."
        )
    return int(value)


class PeriodicEmbedding(Layer):
    """Each of ``n_features`` numbers to ``n_frequencies`` learned periodic
    features, mixed by a linear map of its own: ``n_features · n_frequencies``
    outputs, feature by feature.

    Frequencies start as draws of N(0, σ²) (``sigma``), phases of U(−π, π),
    each (V_j, c_j) as a dense k → k layer's Glorot uniform draw; only the
    V_j decay.
    """

    name = "periodic_embedding"
    reference_forward = reference_forward
    reference_backward = reference_backward

    def __init__(self, n_features, n_frequencies, sigma=1.0):
        self.n_features = _check_count("n_features", n_features)
        self.n_frequencies = _check_count("n_frequencies", n_frequencies)
        real = isinstance(sigma, int | float | np.number) and not isinstance(
            sigma, bool
        )
        if not (real and 0 < sigma < np.inf):
            raise ValueError(
                "sigma (the frequencies' initial standard deviation) must be a "
                f"finite float > 0, got {sigma!r}."
            )
        self.sigma = float(sigma)
        self.n_in = self.n_features
        self.n_out = self.n_features * self.n_frequencies

    @property
    def parameters(self):
        d, k = self.n_features, self.n_frequencies
        return (
            Parameter("w", (d, k)),
            Parameter("b", (d, k)),
            Parameter("V", (d, k, k), decay=1.0),
            Parameter("c", (d, k)),
        )

    def initialize(self, params, random_state):
        d, k = self.n_features, self.n_frequencies
        params["w"][...] = random_state.normal(0.0, self.sigma, (d, k))
        params["b"][...] = random_state.uniform(-np.pi, np.pi, (d, k))
        for j in range(d):  # one dense layer's draw per feature (θ₀ only)
            params["V"][j], params["c"][j] = glorot_uniform(
                (k, k), "relu", random_state
            )

    def stack(self, buffers, name, n_rows, dtype, owner=None):
        """The (d, B, k) array ``name`` of ``buffers``, the layer's own (or
        ``owner``'s)."""
        shape = (self.n_features, n_rows, self.n_frequencies)
        return buffers.empty(owner or self, name, shape, dtype)

    def forward(self, x, params, state, context):
        buffers, B, dtype = context.buffers, x.shape[0], params["w"].dtype
        phase, u = (self.stack(buffers, n, B, dtype) for n in ("phase", "u"))
        e = self.stack(buffers, "e", B, dtype, SHARED)
        periodic_phase(x, params["w"], params["b"], out=phase)
        cosine_features(phase, out=u)
        feature_linear(u, params["V"], params["c"], out=e)
        out = buffers.empty(self, "out", (B, self.n_out), dtype)
        return flatten_features(e, out), {"x": x, "phase": phase, "u": u}

    def backward(self, out_bar, cache, params, grads, need_x_bar=True, buffers=FRESH):
        B, dtype = out_bar.shape[0], out_bar.dtype
        e_bar = unflatten_features(out_bar, self.n_features)
        feature_linear_weight_gradient(cache["u"], e_bar, out=grads["V"])
        feature_linear_bias_gradient(e_bar, out=grads["c"])
        u_bar, phase_bar = (
            self.stack(buffers, n, B, dtype, SHARED) for n in ("u_bar", "phase_bar")
        )
        feature_linear_input_error(e_bar, params["V"], out=u_bar)
        phase_error(u_bar, cache["phase"], out=phase_bar)
        frequency_gradient(phase_bar, cache["x"], out=grads["w"])
        phase_shift_gradient(phase_bar, out=grads["b"])
        if not need_x_bar:
            return None
        x_bar = buffers.empty(self, "x_bar", (B, self.n_features), dtype)
        return periodic_input_error(phase_bar, params["w"], out=x_bar)

    def onnx(self, graph, x, params, state):
        """θ = 2π w x + b, u = cos θ, e_j = u_j V_j + c_j, out = [e_1 … e_d]:
        x reshaped to (B, d, 1), Mul w, Mul 2π, Add b, Cos; the per-feature
        products a batched MatMul over the (d, B, k) stack (Transpose there
        and back), Add c; Reshape to (B, d·k)."""
        d, k = self.n_features, self.n_frequencies
        column = graph.node("Reshape", [x, graph.integers("shape", [-1, d, 1])])
        phase = graph.node("Mul", [column, graph.floats("w", params["w"])])
        phase = graph.node("Mul", [phase, graph.floats("two_pi", TWO_PI)])
        phase = graph.node("Add", [phase, graph.floats("b", params["b"])], "phase")
        u = graph.node("Transpose", graph.node("Cos", phase, "u"), perm=[1, 0, 2])
        e = graph.node("MatMul", [u, graph.floats("V", params["V"])])
        e = graph.node("Add", [e, graph.floats("c", params["c"][:, None, :])], "e")
        e = graph.node("Transpose", e, perm=[1, 0, 2])
        return graph.node("Reshape", [e, graph.integers("shape", [-1, d * k])])
