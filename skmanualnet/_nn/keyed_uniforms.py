"""Uniform draws keyed to each data row: equal rows draw equal numbers.

Dropout draws a mask per row. For sample weights to mean what scikit-learn
says they mean (a row of weight k is k copies of it), the k copies must be
dropped alike, as the one weighted row is: so the uniforms of a row are a
pseudo-random function of the bits of its row of data X (the batch's input,
which no parameter changes: a gradient check sees fixed masks) and of a key
that the pass draws from its ``random_state``. Different rows, and different passes, get
independent-looking numbers; the function is SplitMix64's output mix, a
bijection on 64-bit words that spreads every input bit over the output::

    h(row)  = Σⱼ mix(bits(x_ij) ⊕ cⱼ)            (wrapping sum, any row order)
    u_ij    = mix(h(row) + key + (j + 1) γ) / 2⁶⁴  (top 53 bits)
"""

import numpy as np
from scipy import sparse

#: 2⁶⁴ / φ, SplitMix64's increment: consecutive columns land far apart.
GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def mix(z, scratch=None):
    """SplitMix64's finaliser, in place on a uint64 array (wrapping); the
    shifted words go into ``scratch`` (or a new array)."""
    z ^= np.right_shift(z, np.uint64(30), out=scratch)
    z *= _M1
    z ^= np.right_shift(z, np.uint64(27), out=scratch)
    z *= _M2
    z ^= np.right_shift(z, np.uint64(31), out=scratch)
    return z


def row_hashes(X):
    """h(row) = Σⱼ mix(bits(x_ij) ⊕ cⱼ): one 64-bit word per row of X (dense,
    or CSR with its stored entries), equal for rows with equal bits, whatever
    their place in the batch."""
    if sparse.issparse(X):
        return _sparse_row_hashes(X.tocsr())
    words = np.uint64 if X.itemsize == 8 else np.uint32
    bits = np.ascontiguousarray(X).view(words).astype(np.uint64)
    bits ^= np.arange(1, X.shape[1] + 1, dtype=np.uint64) * GAMMA
    return np.add.reduce(mix(bits), axis=1, dtype=np.uint64)


def _sparse_row_hashes(X):
    """:func:`row_hashes` of a CSR matrix: its stored entries, by column."""
    words = np.uint64 if X.data.itemsize == 8 else np.uint32
    bits = np.ascontiguousarray(X.data).view(words).astype(np.uint64)
    bits ^= (X.indices.astype(np.uint64) + np.uint64(1)) * GAMMA
    hashes = np.zeros(X.shape[0], dtype=np.uint64)
    filled = np.flatnonzero(np.diff(X.indptr))
    if filled.size:
        sums = np.add.reduceat(mix(bits), X.indptr[filled], dtype=np.uint64)
        hashes[filled] = sums
    return hashes


def keyed_uniforms(row_keys, n_columns, random_state, words=None, scratch=None,
                   out=None):  # fmt: skip
    """u ∈ [0, 1)^{B×n}: n per row, from each row's key (:func:`row_hashes`
    of the batch's data rows) and a key drawn from ``random_state`` (one draw
    per call). ``words`` and ``scratch`` (uint64) and ``out`` (float64), all
    B × n, hold the work (None: new arrays)."""
    key = np.uint64(random_state.randint(np.iinfo(np.int64).max))
    columns = np.arange(1, n_columns + 1, dtype=np.uint64) * GAMMA + key
    z = mix(np.add(row_keys[:, np.newaxis], columns, out=words), scratch)
    return np.multiply(np.right_shift(z, np.uint64(11), out=z), 1.0 / 2.0**53, out=out)
