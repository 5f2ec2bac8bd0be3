"""Buffers for the forward and backward passes, and the rows of each batch.

Allocated once per fit and reused by every batch, so that the hot loop
allocates nothing it could reuse. List entry l − 1 belongs to layer l, as in
scikit-learn's ``coefs_[l - 1] = Wˡ``.
"""

import functools
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .kernels import take_rows


@dataclass(frozen=True)
class PassBuffers:
    """Views of a workspace for one batch of B rows.

    ``z[l-1]`` zˡ, ``a[l-1]`` aˡ and ``phi_prime[l-1]`` φ′(zˡ) for the hidden
    layers; ``a_bar[l-1]`` Āˡ and ``z_bar[l-1]`` Z̄ˡ; ``y`` and ``log_y`` the
    output. In training, zˡ and aˡ share memory (φ works in place) unless the
    layer's φ′ reads z, and Āˡ and Z̄ˡ do (z̄ = ā ⊙ φ′ in place); a workspace
    made with ``keep_all`` gives each its own buffer, so that every
    intermediate can be read after the pass.
    """

    z: list
    a: list
    phi_prime: list
    a_bar: list
    z_bar: list
    y: np.ndarray
    log_y: np.ndarray


class Workspace:
    """Buffers for batches of up to ``n_rows`` rows of a network with
    ``layer_units = [d, n₁, …, K]``, in ``dtype``.

    ``keep_z`` lists the hidden layers (0 for layer 1) whose aˡ gets a buffer
    of its own, so that zˡ survives the forward pass: those whose φ′ is read
    off z (:meth:`for_network` finds them). ``keep_all`` does so for every
    buffer.
    """

    def __init__(self, layer_units, n_rows, dtype, keep_all=False, keep_z=()):
        widths = layer_units[1:]
        hidden = widths[:-1]

        def buffers(units):
            return [np.empty((n_rows, u), dtype=dtype) for u in units]

        self._z = buffers(widths)
        self._a = [
            np.empty_like(z) if keep_all or i in keep_z else z
            for i, z in enumerate(self._z[:-1])
        ]
        self._phi_prime = buffers(hidden)
        self._z_bar = buffers(widths)
        self._a_bar = buffers(hidden) if keep_all else self._z_bar[:-1]
        self._y, self._log_y = buffers([widths[-1]] * 2)
        self._n_coef = sum(a * b for a, b in zip(layer_units[:-1], widths, strict=True))
        self._dtype = dtype
        self._rows = {}  # B -> PassBuffers (a batch loop sees at most two sizes)

    @functools.cached_property
    def coef_scratch(self):
        """A buffer as long as the weights, for the L2 penalty and its gradient
        on the numpy reference (made at first use: the fused step needs none)."""
        return np.empty(self._n_coef, dtype=self._dtype)

    @classmethod
    def for_network(cls, network, n_rows, dtype, keep_all=False):
        """The workspace of a :class:`~skmanualnet._nn.network.Network`: zˡ kept
        for the layers whose activation's φ′ reads z."""
        keep_z = [
            i
            for i, activation in enumerate(network.activations)
            if activation.derivative_from == "z"
        ]
        layer_units = network.layout.layer_units
        return cls(layer_units, n_rows, dtype, keep_all=keep_all, keep_z=keep_z)

    def rows(self, n_rows):
        """:class:`PassBuffers` of the first ``n_rows`` rows (C-contiguous views)."""
        if n_rows not in self._rows:

            def first(arrays):
                return [array[:n_rows] for array in arrays]

            self._rows[n_rows] = PassBuffers(
                z=first(self._z),
                a=first(self._a),
                phi_prime=first(self._phi_prime),
                a_bar=first(self._a_bar),
                z_bar=first(self._z_bar),
                y=self._y[:n_rows],
                log_y=self._log_y[:n_rows],
            )
        return self._rows[n_rows]


class Batches:
    """Rows of (X, T, s) for one mini-batch; shuffled rows go into reused buffers.

    T may be kept compact (uint8 indicators for classification) and is copied,
    batch by batch, into a float buffer of X's dtype: n × K floats would
    otherwise outweigh X itself for narrow data.
    """

    def __init__(self, X, T, sample_weight, batch_size):
        self.X = X.tocsr() if sparse.issparse(X) else X
        self.T, self.sample_weight = T, sample_weight
        dense = not sparse.issparse(X)
        self._X = np.empty((batch_size, X.shape[1]), dtype=X.dtype) if dense else None
        self._T = np.empty((batch_size, T.shape[1]), dtype=X.dtype)

    def take(self, rows):
        """(X_batch, T_batch, s_batch) for ``rows``, a slice or an index array."""
        s = None if self.sample_weight is None else self.sample_weight[rows]
        if isinstance(rows, slice):
            X, T = self.X[rows], self.T[rows]
        else:
            X, T = take_rows(self.X, rows, self._X), self.T.take(rows, axis=0)
        T_float = self._T[: T.shape[0]]
        np.copyto(T_float, T)
        return X, T_float, s
