"""The first layer's products with a sparse batch X (CSR), straight from X's
stored entries into the workspace.

Row i of X holds ``data[p]`` at column ``indices[p]`` for p in
``indptr[i]:indptr[i + 1]``. Then, summed over a row's entries in their stored
order (scipy's own order, so that the results agree with its products)::

    Z¹ = X W¹:     Z¹[i, :] = Σ_p data[p] W¹[indices[p], :]
    W̄¹ = Xᵀ Z̄¹:    W̄¹[indices[p], :] += data[p] Z̄¹[i, :]   for every row i

scipy's products return new arrays (one as large as W¹ for W̄¹), and run
about 1.6× slower at these shapes than the loops here.
"""

import numpy as np
from numba import njit
from scipy import sparse

from ..._nn.kernels import matmul_into
from ..._nn.network import weight_gradient

_JIT = dict(cache=True, nogil=True, error_model="numpy")


@njit(**_JIT)
def csr_matmul(out, indptr, indices, data, B):
    """out = X B for X in CSR arrays."""
    for i in range(out.shape[0]):
        out[i, :] = 0
        for p in range(indptr[i], indptr[i + 1]):
            row, value = indices[p], data[p]
            for k in range(out.shape[1]):
                out[i, k] += value * B[row, k]


@njit(**_JIT)
def csr_transposed_matmul(out, indptr, indices, data, Z):
    """out = Xᵀ Z for X in CSR arrays."""
    out[:, :] = 0
    for i in range(Z.shape[0]):
        for p in range(indptr[i], indptr[i + 1]):
            row, value = indices[p], data[p]
            for k in range(out.shape[1]):
                out[row, k] += value * Z[i, k]


def kernel_takes(a, dtype):
    """Whether the kernels take ``a``: a CSR matrix of the workspace's dtype."""
    return (
        type(a) is not np.ndarray
        and sparse.issparse(a)
        and a.format == "csr"
        and a.dtype == dtype
    )


def product_into(out, a, W):
    """out = a W: by the kernel for a CSR batch, else by the reference."""
    if kernel_takes(a, out.dtype):
        csr_matmul(out, a.indptr, a.indices, a.data, W)
        return out
    return matmul_into(out, a, W)


def weight_gradient_into(a, z_bar, out):
    """W̄ = aᵀ Z̄: by the kernel for a CSR batch, else by the reference."""
    if kernel_takes(a, out.dtype):
        csr_transposed_matmul(out, a.indptr, a.indices, a.data, z_bar)
        return out
    return weight_gradient(a, z_bar, out=out)
